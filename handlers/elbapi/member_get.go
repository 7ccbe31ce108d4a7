package elbapi

import (
	"net/http"

	"lbconsole/lb"
)

// getMember answers GET …/pools/{pool_id}/members/{member_id}.
func (a *api) getMember(w http.ResponseWriter, r *http.Request) error {
	pool, _, err := a.poolCall(r)
	if err != nil {
		return err
	}
	m, err := a.member(r, pool)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, memberEnvelope{Member: viewMember(pool, m)})
	return nil
}

// member loads the member the URL names, which must be in pool.
func (a *api) member(r *http.Request, pool lb.Group) (lb.Member, error) {
	return a.db.GetMember(r.Context(), pool.ID, r.PathValue("member"))
}
