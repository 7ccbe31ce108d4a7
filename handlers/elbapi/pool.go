package elbapi

import (
	"net/http"
	"net/url"

	"lbconsole/db"
	"lbconsole/handlers/requestid"
	"lbconsole/lb"
)

// pool loads the pool the URL names.
func (a *api) pool(r *http.Request) (lb.Group, error) {
	return a.db.GetPool(r.Context(), r.PathValue("pool"))
}

// poolCall reads what a call on a pool starts with: its query, which may hold only the
// parameters known, then the pool the URL names.
func (a *api) poolCall(r *http.Request, known ...string) (lb.Group, url.Values, error) {
	q, err := query(r, known...)
	if err != nil {
		return lb.Group{}, nil, err
	}
	pool, err := a.pool(r)
	return pool, q, err
}

// readChange reads what every call that changes a pool starts with, answering the first fault
// in this order: a query parameter the call does not know (known are those it does), the pool
// the URL names, the body, what decode finds wrong with the body and the query, and a
// project_id or pool_id other than the pool's. It returns the pool and the decoded batch.
func (a *api) readChange(w http.ResponseWriter, r *http.Request, decode func(q url.Values, body []byte) (decoded, error), known ...string) (lb.Group, decoded, error) {
	pool, q, err := a.poolCall(r, known...)
	if err != nil {
		return pool, decoded{}, err
	}
	body, err := readBody(w, r)
	if err != nil {
		return pool, decoded{}, err
	}
	d, err := decode(q, body)
	if err != nil {
		return pool, d, err
	}
	if err := checkPools(pool, d.pools); err != nil {
		return pool, d, err
	}
	return pool, d, checkProjects(pool, d.projects)
}

// checkProjects refuses a project_id other than the pool's: a member belongs to its pool's
// load balancer, and cannot be given to another.
func checkProjects(pool lb.Group, projects []string) error {
	for _, p := range projects {
		if p != pool.LoadBalancerID {
			return bad("project_id %q is not the project of pool %s (%s): leave it out", p, pool.ID, pool.LoadBalancerID)
		}
	}
	return nil
}

// apply runs one batch on pool as the caller, audited with the request as it came.
func (a *api) apply(w http.ResponseWriter, r *http.Request, pool lb.Group, b lb.Batch, request string) (db.BatchResult, error) {
	return a.db.ApplyBatch(r.Context(), db.BatchRequest{
		GroupRef:  pool.ID,
		Batch:     b,
		Actor:     caller(r).Name,
		Source:    db.SourcePoolAPI,
		ClientIP:  a.clientIP(r),
		RequestID: requestid.Of(w),
		Request:   request,
	})
}

// findMember returns the member with id among ms.
func findMember(ms []lb.Member, id string) (lb.Member, bool) {
	for _, m := range ms {
		if m.ID == id {
			return m, true
		}
	}
	return lb.Member{}, false
}
