package elbapi

import (
	"net/http"
	"slices"
	"strings"

	"lbconsole/db"
	"lbconsole/handlers/requestid"
	"lbconsole/lb"
)

// Creating and deleting pools: a pool is a VServer group, made and removed through the same
// store methods (and audit actions, create_group and delete_group) as the SLB API's
// CreateVServerGroup and DeleteVServerGroup.

// poolProtocols are the pool protocols accepted (and not kept: a group has none, so GET and the
// create's answer show null): those HAProxy, lbconsole's data plane,
// balances. Octavia's UDP and SCTP are refused rather than accepted and never served.
var poolProtocols = []string{"HTTP", "HTTPS", "TCP", "PROXY", "PROXYV2"}

// newPoolFields is a pool as a client asks for one, Octavia's fields included so that each is
// refused by name, with why, unless it holds the one value lbconsole honours.
type newPoolFields struct {
	LoadBalancerID     *string         `json:"loadbalancer_id,omitempty"`
	ListenerID         *string         `json:"listener_id,omitempty"`
	Name               *string         `json:"name,omitempty"`
	Description        *string         `json:"description,omitempty"`
	Protocol           *string         `json:"protocol,omitempty"`
	LBAlgorithm        *string         `json:"lb_algorithm,omitempty"`
	AdminStateUp       *bool           `json:"admin_state_up,omitempty"`
	ProjectID          *string         `json:"project_id,omitempty"`
	SessionPersistence *map[string]any `json:"session_persistence,omitempty"`
	Tags               *[]string       `json:"tags,omitempty"`
	TLSEnabled         *bool           `json:"tls_enabled,omitempty"`
	TLSContainerRef    *string         `json:"tls_container_ref,omitempty"`
	CATLSContainerRef  *string         `json:"ca_tls_container_ref,omitempty"`
	CRLContainerRef    *string         `json:"crl_container_ref,omitempty"`
	TLSCiphers         *string         `json:"tls_ciphers,omitempty"`
	TLSVersions        *[]string       `json:"tls_versions,omitempty"`
	ALPNProtocols      *[]string       `json:"alpn_protocols,omitempty"`
	Members            *[]any          `json:"members,omitempty"`
	HealthMonitor      *map[string]any `json:"healthmonitor,omitempty"`
}

type newPoolBody struct {
	Pool *newPoolFields `json:"pool"`
}

// check refuses what a new pool cannot be here, naming the field.
func (f newPoolFields) check() error {
	empty := func(s *string) bool { return s == nil || *s == "" }
	switch {
	case !empty(f.ListenerID):
		return bad("pool.listener_id: listeners are not served here; give the pool's loadbalancer_id instead")
	case empty(f.LoadBalancerID):
		return bad("pool.loadbalancer_id is required: the id of the load balancer the pool belongs to")
	case f.Protocol == nil:
		return bad("pool.protocol is required: one of %s", strings.Join(poolProtocols, ", "))
	case !slices.Contains(poolProtocols, *f.Protocol):
		return bad("pool.protocol %q is not supported: give one of %s", lb.Clip(*f.Protocol), strings.Join(poolProtocols, ", "))
	case f.LBAlgorithm == nil:
		return bad("pool.lb_algorithm is required: %s", lbAlgorithm)
	case *f.LBAlgorithm != lbAlgorithm:
		return bad("pool.lb_algorithm %q is not supported: members take requests by weight, %s", lb.Clip(*f.LBAlgorithm), lbAlgorithm)
	case !empty(f.Description):
		return bad("pool.description is not supported: pools have a name only")
	case f.AdminStateUp != nil && !*f.AdminStateUp:
		return bad("pool.admin_state_up false is not supported: set the members' weights to 0 to drain the pool instead")
	case !empty(f.ProjectID) && *f.ProjectID != *f.LoadBalancerID:
		return bad("pool.project_id %q is not the project of load balancer %s (the load balancer itself): leave it out", lb.Clip(*f.ProjectID), lb.Clip(*f.LoadBalancerID))
	case f.SessionPersistence != nil:
		return bad("pool.session_persistence is not supported")
	case f.TLSEnabled != nil && *f.TLSEnabled, !empty(f.TLSContainerRef), !empty(f.CATLSContainerRef), !empty(f.CRLContainerRef),
		!empty(f.TLSCiphers), f.TLSVersions != nil && len(*f.TLSVersions) > 0, f.ALPNProtocols != nil && len(*f.ALPNProtocols) > 0:
		return bad("pool: TLS to the members is not supported")
	case f.Tags != nil && len(*f.Tags) > 0:
		return bad("pool.tags are not supported")
	case f.Members != nil && len(*f.Members) > 0:
		return bad("pool.members: create the pool first, then add its members with PUT …/pools/{pool_id}/members")
	case f.HealthMonitor != nil:
		return bad("pool.healthmonitor is not supported: a pool's health check is set in the fleet file or on the admin pages")
	}
	return nil
}

// createPool answers POST …/pools: a new, empty VServer group of the load balancer the body
// names. 201 with the pool.
func (a *api) createPool(w http.ResponseWriter, r *http.Request) error {
	if _, err := query(r); err != nil {
		return err
	}
	body, err := readBody(w, r)
	if err != nil {
		return err
	}
	var b newPoolBody
	if err := decodeStrict(body, &b); err != nil {
		return err
	}
	if b.Pool == nil {
		return bad(`the body must be {"pool": {…}}`)
	}
	f := *b.Pool
	if err := f.check(); err != nil {
		return err
	}
	req := db.CreateGroupRequest{LoadBalancerID: *f.LoadBalancerID, Batch: newBatch(lb.ActionAdd),
		Actor: caller(r).Name, Source: db.SourcePoolAPI, ClientIP: a.clientIP(r), RequestID: requestid.Of(w), Request: encodeRequest(b)}
	if f.Name != nil {
		req.Name = *f.Name
	}
	res, err := a.db.CreateVServerGroup(r.Context(), req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]poolJSON{"pool": viewPool(db.PoolMembers{Group: res.Group})})
	return nil
}

// deletePool answers DELETE …/pools/{pool_id}: the pool goes with its members, as Octavia
// deletes a pool's members with it. 204.
func (a *api) deletePool(w http.ResponseWriter, r *http.Request) error {
	pool, _, err := a.poolCall(r)
	if err != nil {
		return err
	}
	o := db.Origin{Actor: caller(r).Name, Source: db.SourcePoolAPI, ClientIP: a.clientIP(r), RequestID: requestid.Of(w)}
	if _, err := a.db.DeleteGroup(r.Context(), o, pool.ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
