package elbapi

import (
	"net/http"

	"lbconsole/lb"
)

// deleteMember answers DELETE …/pools/{pool_id}/members/{member_id}: a batch that removes one
// member, strictly, so that an unknown id is a 404 rather than a silent success. 204.
func (a *api) deleteMember(w http.ResponseWriter, r *http.Request) error {
	pool, _, err := a.poolCall(r)
	if err != nil {
		return err
	}
	b := newBatch(lb.ActionRemove)
	b.Strict = true
	b.Old = []lb.Spec{{MemberID: r.PathValue("member")}}
	if _, err := a.apply(w, r, pool, b, r.Method+" "+r.URL.Path); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
