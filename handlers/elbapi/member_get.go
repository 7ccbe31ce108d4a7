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
	health, err := a.db.MemberHealth(r.Context(), pool.ID)
	if err != nil {
		return err
	}
	writeOne(w, "member", viewMember(pool, m, health[m.ID]), fields)
	return nil
}

// member loads the member the URL names, which must be in pool.
func (a *api) member(r *http.Request, pool lb.Group) (lb.Member, error) {
	return a.db.GetMember(r.Context(), pool.ID, r.PathValue("member"))
}

// writeMember answers member m of pool with status, as its HAProxy nodes last observed it.
func (a *api) writeMember(w http.ResponseWriter, r *http.Request, status int, pool lb.Group, m lb.Member) error {
	health, err := a.db.MemberHealth(r.Context(), pool.ID)
	if err != nil {
		return err
	}
	writeJSON(w, status, memberEnvelope{Member: viewMember(pool, m, health[m.ID])})
	return nil
}
