package elbapi

import (
	"net/http"
)

// memberSchema is what member lists filter, sort and select on.
var memberSchema = newSchema("member", memberJSON{})

// listMembers answers GET …/pools/{pool_id}/members with Octavia's filters, sorting, fields
// and marker paging; members_links holds the next and previous pages' links.
func (a *api) listMembers(w http.ResponseWriter, r *http.Request) error {
	pool, err := a.pool(r)
	if err != nil {
		return err
	}
	v, err := rawQuery(r) // parseListQuery knows the parameters, and refuses others
	if err != nil {
		return err
	}
	q, err := parseListQuery(memberSchema, v)
	if err != nil {
		return err
	}
	ms, err := a.db.ListMembers(r.Context(), pool.ID)
	if err != nil {
		return err
	}
	health, err := a.db.MemberHealth(r.Context(), pool.ID)
	if err != nil {
		return err
	}
	views := make([]memberJSON, len(ms))
	for i, m := range ms {
		views[i] = viewMember(pool, m, health[m.ID])
	}
	page, err := pageOf(q, memberSchema, views)
	if err != nil {
		return err
	}
	writeList(w, r, "members", q, memberSchema, page)
	return nil
}
