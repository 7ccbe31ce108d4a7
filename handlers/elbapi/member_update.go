package elbapi

import (
	"net/http"
	"net/url"
)

// updateMember answers PUT …/pools/{pool_id}/members/{member_id}: a batch on that member,
// changing its weight, its name, its admin state (maintenance) or several. 200 with the member as it now is. A body that
// changes nothing answers the member without a batch.
func (a *api) updateMember(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("member")
	var changes bool
	pool, d, err := a.readChange(w, r, func(_ url.Values, body []byte) (d decoded, err error) {
		d, changes, err = decodeUpdate(body, id)
		return d, err
	})
	if err != nil {
		return err
	}
	if !changes {
		m, err := a.member(r, pool)
		if err != nil {
			return err
		}
		return a.writeMember(w, r, http.StatusOK, pool, m)
	}
	res, err := a.apply(w, r, pool, d.batch, d.request)
	if err != nil {
		return err
	}
	m, ok := findMember(res.Members, id)
	if !ok {
		return errorf(http.StatusNotFound, "member %s is not in pool %s", id, pool.ID)
	}
	return a.writeMember(w, r, http.StatusOK, pool, m)
}
