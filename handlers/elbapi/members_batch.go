package elbapi

import (
	"net/http"
	"net/url"
)

// batchMembers answers PUT …/pools/{pool_id}/members: add, delete or replace members, up to
// 200 in one call, as one audited batch that applies whole or not at all. 202, no body.
func (a *api) batchMembers(w http.ResponseWriter, r *http.Request) error {
	pool, d, err := a.readChange(w, r, func(q url.Values, body []byte) (decoded, error) {
		additive, err := additiveOnly(q)
		if err != nil {
			return decoded{}, err
		}
		return decodeBatch(body, additive)
	}, additiveOnlyParam)
	if err != nil {
		return err
	}
	if _, err := a.apply(w, r, pool, d.batch, d.request); err != nil {
		return err
	}
	w.WriteHeader(http.StatusAccepted)
	return nil
}
