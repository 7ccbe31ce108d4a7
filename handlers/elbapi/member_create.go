package elbapi

import (
	"fmt"
	"net/http"
)

// createMember answers POST …/pools/{pool_id}/members: a batch that adds one member. 201 with
// the new member.
func (a *api) createMember(w http.ResponseWriter, r *http.Request) error {
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
	d, err := decodeCreate(body)
	if err != nil {
		return err
	}
	if err := checkProjects(pool, d.projects); err != nil {
		return err
	}
	res, err := a.apply(w, r, pool, d.batch, d.request)
	if err != nil {
		return err
	}
	if len(res.Diff.Added) != 1 {
		return fmt.Errorf("elbapi: an applied add of one member added %d", len(res.Diff.Added))
	}
	writeJSON(w, http.StatusCreated, memberEnvelope{Member: viewMember(pool, res.Diff.Added[0])})
	return nil
}
