package elbapi

import (
	"net/http"
)

// updateMember answers PUT …/pools/{pool_id}/members/{member_id}: a set-weights batch on that
// member, changing its weight, its name or both. 200 with the member as it now is. A body that
// changes nothing answers the member without a batch.
func (a *api) updateMember(w http.ResponseWriter, r *http.Request) error {
	if _, err := query(r); err != nil {
		return err
	}
	pool, err := a.pool(r)
	if err != nil {
		return err
	}
	body, err := readBody(w, r)
	if err != nil {
		return err
	}
	id := r.PathValue("member")
	d, changes, err := decodeUpdate(body, id)
	if err != nil {
		return err
	}
	if !changes {
		m, err := a.member(r, pool)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, memberEnvelope{Member: viewMember(pool, m)})
		return nil
	}
	res, err := a.apply(w, r, pool, d.batch, d.request)
	if err != nil {
		return err
	}
	m, ok := findMember(res.Members, id)
	if !ok {
		return errorf(http.StatusNotFound, "member %s is not in pool %s", id, pool.ID)
	}
	writeJSON(w, http.StatusOK, memberEnvelope{Member: viewMember(pool, m)})
	return nil
}
