package elbapi

import (
	"context"
	"net/http"

	"lbconsole/db"
)

// tokenHeader carries the API token, as OpenStack clients send their Keystone token.
const tokenHeader = "X-Auth-Token"

type callerKey struct{}

// authenticate admits requests whose X-Auth-Token is a live API key of an enabled user, and
// lets a viewer's key only read. It runs before routing, so that an unauthenticated caller
// learns nothing about which paths exist.
func (a *api) authenticate(next http.Handler) http.Handler {
	return a.handle(func(w http.ResponseWriter, r *http.Request) error {
		token := r.Header.Get(tokenHeader)
		if token == "" {
			return errorf(http.StatusUnauthorized, "no API token: send one in the X-Auth-Token header (create one with `console key create` or on the console's Keys page)")
		}
		_, user, err := a.db.APIKeyByToken(r.Context(), token)
		if err != nil {
			return err
		}
		if !user.Role.CanChange() && r.Method != http.MethodGet && r.Method != http.MethodHead {
			return errorf(http.StatusForbidden, "user %s is a %s: only an operator's or an admin's key may change pools", user.Name, user.Role)
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), callerKey{}, user)))
		return nil
	})
}

// caller returns the user whose token authenticated r.
func caller(r *http.Request) db.User {
	u, _ := r.Context().Value(callerKey{}).(db.User)
	return u
}
