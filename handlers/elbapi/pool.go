package elbapi

import (
	"net/http"

	"lbconsole/db"
	"lbconsole/handlers/requestid"
	"lbconsole/lb"
)

// pool loads the pool the URL names.
func (a *api) pool(r *http.Request) (lb.Group, error) {
	return a.db.GetPool(r.Context(), r.PathValue("pool"))
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
