package elbapi

import "net/http"

// batchMembers answers PUT …/pools/{pool_id}/members: add, delete or replace members, up to
// 200 in one call, as one audited batch that applies whole or not at all. 202, no body.
func (a *api) batchMembers(w http.ResponseWriter, r *http.Request) error {
	q, err := query(r, additiveOnlyParam)
	if err != nil {
		return err
	}
	additive, err := additiveOnly(q)
	if err != nil {
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
	d, err := decodeBatch(body, additive)
	if err != nil {
		return err
	}
	if err := checkProjects(pool, d.projects); err != nil {
		return err
	}
	if _, err := a.apply(w, r, pool, d.batch, d.request); err != nil {
		return err
	}
	w.WriteHeader(http.StatusAccepted)
	return nil
}
