package handlers

import (
	"net/http"
	"net/netip"
	"slices"

	"github.com/labstack/echo/v4"

	"lbconsole/db"
	"lbconsole/lb"
	"lbconsole/web/templates"
)

// signInsShown is how many of the latest attempts the page lists.
const signInsShown = 500

// signIns shows admins the latest sign-in attempts, filtered by outcome, user name and address.
func (h *Handler) signIns(c echo.Context) error {
	f := templates.SignInFilter{Outcome: c.QueryParam("outcome"), User: c.QueryParam("user"), Address: c.QueryParam("address")}
	if err := checkSignInFilter(f); err != nil {
		return err
	}
	attempts, err := h.db.ListSignIns(c.Request().Context(),
		db.SignInFilter{Outcome: f.Outcome, UserName: f.User, ClientIP: f.Address, Limit: signInsShown})
	if err != nil {
		return err
	}
	m := templates.SignInsPage{Page: page(c, "Sign-in attempts", "users"), Filter: f, Attempts: rows(attempts, signInRow), Outcomes: signInOutcomes}
	return render(c, http.StatusOK, templates.SignIns(m), []string{"signin-table"})
}

func checkSignInFilter(f templates.SignInFilter) error {
	if f.Outcome != "" && !slices.Contains(signInOutcomes, f.Outcome) {
		return echo.NewHTTPError(http.StatusBadRequest, "outcome must be ok, failed or throttled")
	}
	if len(f.User) > lb.MaxUserNameLen {
		return echo.NewHTTPError(http.StatusBadRequest, "user must be at most 64 characters: no longer name is recorded")
	}
	if f.Address != "" {
		if _, err := netip.ParseAddr(f.Address); err != nil {
			return echo.NewHTTPError(http.StatusBadRequest, "address must be an IP address such as 203.0.113.9")
		}
	}
	return nil
}
