package elbapi

import (
	"net/http"

	"lbconsole/dataplane"
	"lbconsole/db"
	"lbconsole/lb"
)

// poolJSON is a pool (a VServer group) as Octavia shows it. lbconsole's groups have no
// protocol, listeners, health monitor, session persistence or TLS: those are null or empty. Its
// members share the traffic by weight: ROUND_ROBIN, in Octavia's words.
type poolJSON struct {
	ID                 string   `json:"id"`
	Name               string   `json:"name"`
	Description        string   `json:"description"`
	ProjectID          string   `json:"project_id"`
	LoadBalancerID     string   `json:"loadbalancer_id"`
	Protocol           *string  `json:"protocol"`
	LBAlgorithm        string   `json:"lb_algorithm"`
	AdminStateUp       bool     `json:"admin_state_up"`
	ProvisioningStatus string   `json:"provisioning_status"`
	OperatingStatus    string   `json:"operating_status"`
	HealthMonitorID    *string  `json:"healthmonitor_id"`
	SessionPersistence *string  `json:"session_persistence"`
	TLSEnabled         bool     `json:"tls_enabled"`
	TLSContainerRef    *string  `json:"tls_container_ref"`
	CATLSContainerRef  *string  `json:"ca_tls_container_ref"`
	CRLContainerRef    *string  `json:"crl_container_ref"`
	TLSCiphers         *string  `json:"tls_ciphers"`
	TLSVersions        []string `json:"tls_versions"`
	ALPNProtocols      []string `json:"alpn_protocols"`
	LoadBalancers      []idRef  `json:"loadbalancers"`
	Listeners          []idRef  `json:"listeners"`
	Members            []idRef  `json:"members"`
	Tags               []string `json:"tags"`
	CreatedAt          string   `json:"created_at"`
	UpdatedAt          string   `json:"updated_at"`
}

// lbAlgorithm is how a group shares traffic among its members: by weight, in turn.
const lbAlgorithm = "ROUND_ROBIN"

// viewPool shows p. Its project is its load balancer, as its members' is. loadbalancer_id is
// not in Octavia's pool, which has only loadbalancers; it is here so that the list filters on
// it, as Octavia's does, and a script sees it without unwrapping a list.
func viewPool(p db.PoolMembers) poolJSON {
	return poolJSON{
		ID:                 p.ID,
		Name:               p.Name,
		ProjectID:          p.LoadBalancerID,
		LoadBalancerID:     p.LoadBalancerID,
		LBAlgorithm:        lbAlgorithm,
		AdminStateUp:       true,
		ProvisioningStatus: provisioningActive,
		OperatingStatus:    string(dataplane.OperatingNoMonitor),
		TLSVersions:        []string{},
		ALPNProtocols:      []string{},
		LoadBalancers:      []idRef{{ID: p.LoadBalancerID}},
		Listeners:          []idRef{},
		Members:            idRefs(p.MemberIDs),
		Tags:               []string{},
		CreatedAt:          formatTime(p.Created),
		UpdatedAt:          formatTime(p.Created),
	}
}

// poolSchema is what pool lists filter, sort and select on.
var poolSchema = newSchema("pool", poolJSON{})

// listPools answers GET …/pools with Octavia's filters, sorting, fields and paging.
// python-octaviaclient finds a pool named on its command line with ?name=, then ?id=, and
// wants exactly one; `pool list --loadbalancer` sends ?loadbalancer_id=.
func (a *api) listPools(w http.ResponseWriter, r *http.Request) error {
	v, err := rawQuery(r)
	if err != nil {
		return err
	}
	q, err := parseListQuery(poolSchema, v)
	if err != nil {
		return err
	}
	sel := db.PoolSelect{IDs: pushDown(q, "id"), Names: pushDown(q, "name"), LoadBalancerIDs: pushDown(q, "loadbalancer_id")}
	ps, err := a.db.ListPools(r.Context(), sel)
	if err != nil {
		return err
	}
	views := make([]poolJSON, len(ps))
	for i, p := range ps {
		views[i] = viewPool(p)
	}
	page, err := pageOf(q, poolSchema, views)
	if err != nil {
		return err
	}
	writeList(w, r, "pools", q, poolSchema, page)
	return nil
}

// getPool answers GET …/pools/{pool_id}.
func (a *api) getPool(w http.ResponseWriter, r *http.Request) error {
	_, fields, err := oneQuery(poolSchema, r)
	if err != nil {
		return err
	}
	id := r.PathValue("pool")
	ps, err := a.db.ListPools(r.Context(), db.PoolSelect{IDs: []string{id}})
	if err != nil {
		return err
	}
	if len(ps) == 0 {
		return errorf(http.StatusNotFound, "pool %s does not exist", lb.Clip(id))
	}
	writeOne(w, "pool", viewPool(ps[0]), fields)
	return nil
}
