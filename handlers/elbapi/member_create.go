package elbapi

import (
	"fmt"
	"net/http"
	"net/url"
)

// createMember answers POST …/pools/{pool_id}/members: a batch that adds one member. 201 with
// the new member.
func (a *api) createMember(w http.ResponseWriter, r *http.Request) error {
	pool, d, err := a.readChange(w, r, func(_ url.Values, body []byte) (decoded, error) { return decodeCreate(body) })
	if err != nil {
		return err
	}
	res, err := a.apply(w, r, pool, d.batch, d.request)
	if err != nil {
		return err
	}
	if len(res.Diff.Added) != 1 {
		return fmt.Errorf("elbapi: an applied add of one member added %d", len(res.Diff.Added))
	}
	return a.writeMember(w, r, http.StatusCreated, pool, res.Diff.Added[0])
}
