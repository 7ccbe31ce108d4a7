package elbapi

import (
	"net/http"

	"lbconsole/lb"
)

// getMember answers GET …/pools/{pool_id}/members/{member_id}. It takes fields=, and
// pool_id=, which openstacksdk's find_member sends: the URL's pool, or a 400 naming both.
func (a *api) getMember(w http.ResponseWriter, r *http.Request) error {
	q, fields, err := oneQuery(memberSchema, r, "pool_id")
	if err != nil {
		return err
	}
	pool, err := a.pool(r)
	if err != nil {
		return err
	}
	if err := checkPools(pool, q["pool_id"]); err != nil {
		return err
	}
	m, err := a.member(r, pool)
	if err != nil {
		return err
	}
	writeOne(w, "member", viewMember(pool, m), fields)
	return nil
}

// member loads the member the URL names, which must be in pool.
func (a *api) member(r *http.Request, pool lb.Group) (lb.Member, error) {
	return a.db.GetMember(r.Context(), pool.ID, r.PathValue("member"))
}
