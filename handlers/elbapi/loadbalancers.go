package elbapi

import (
	"net/http"

	"lbconsole/db"
	"lbconsole/lb"
)

// lbJSON is a load balancer as Octavia shows it. What lbconsole has no notion of (flavors,
// ports, QoS, listeners, tags) is null or empty; its region is the availability zone.
type lbJSON struct {
	ID                 string   `json:"id"`
	Name               string   `json:"name"`
	Description        string   `json:"description"`
	ProjectID          string   `json:"project_id"`
	VipAddress         string   `json:"vip_address"`
	VipNetworkID       string   `json:"vip_network_id"`
	VipSubnetID        *string  `json:"vip_subnet_id"`
	VipPortID          *string  `json:"vip_port_id"`
	VipQosPolicyID     *string  `json:"vip_qos_policy_id"`
	Provider           string   `json:"provider"`
	FlavorID           *string  `json:"flavor_id"`
	AvailabilityZone   string   `json:"availability_zone"`
	AdminStateUp       bool     `json:"admin_state_up"`
	ProvisioningStatus string   `json:"provisioning_status"`
	OperatingStatus    string   `json:"operating_status"`
	Listeners          []idRef  `json:"listeners"`
	Pools              []idRef  `json:"pools"`
	Tags               []string `json:"tags"`
	AdditionalVips     []string `json:"additional_vips"`
	CreatedAt          string   `json:"created_at"`
	UpdatedAt          string   `json:"updated_at"`
}

// idRef is how Octavia refers to another object: by id, in an object of its own.
type idRef struct {
	ID string `json:"id"`
}

func idRefs(ids []string) []idRef {
	out := make([]idRef, len(ids))
	for i, id := range ids {
		out[i] = idRef{ID: id}
	}
	return out
}

// provider names lbconsole as the provider of every load balancer it shows.
const provider = "lbconsole"

// viewLoadBalancer shows l. Its provisioning status is ACTIVE whatever its state: the clients'
// --wait polls until a load balancer says ACTIVE (python-openstackclient with no time limit),
// and a locked one refuses the change before any wait starts. An inactive one is down by its
// administrator (admin_state_up false) and OFFLINE. Its project is itself, as its pools' and
// members' project is their load balancer.
func viewLoadBalancer(l db.LBPools) lbJSON {
	operating := "ONLINE"
	if l.Status == lb.LBInactive {
		operating = "OFFLINE"
	}
	return lbJSON{
		ID:                 l.ID,
		Name:               l.Name,
		ProjectID:          l.ID,
		VipAddress:         l.Address,
		VipNetworkID:       l.VpcID,
		Provider:           provider,
		AvailabilityZone:   l.RegionID,
		AdminStateUp:       l.Status != lb.LBInactive,
		ProvisioningStatus: provisioningActive,
		OperatingStatus:    operating,
		Listeners:          []idRef{},
		Pools:              idRefs(l.PoolIDs),
		Tags:               []string{},
		AdditionalVips:     []string{},
		CreatedAt:          formatTime(l.Created),
		UpdatedAt:          formatTime(l.Created),
	}
}

// lbSchema is what load balancer lists filter, sort and select on.
var lbSchema = newSchema("load balancer", lbJSON{})

// listLoadBalancers answers GET …/loadbalancers with Octavia's filters, sorting, fields and
// paging. python-octaviaclient finds a load balancer named on its command line with ?name=,
// then ?id=, and wants exactly one.
func (a *api) listLoadBalancers(w http.ResponseWriter, r *http.Request) error {
	v, err := rawQuery(r)
	if err != nil {
		return err
	}
	q, err := parseListQuery(lbSchema, v)
	if err != nil {
		return err
	}
	ls, err := a.db.ListLoadBalancerPools(r.Context(), db.LBSelect{IDs: pushDown(q, "id"), Names: pushDown(q, "name")})
	if err != nil {
		return err
	}
	views := make([]lbJSON, len(ls))
	for i, l := range ls {
		views[i] = viewLoadBalancer(l)
	}
	page, err := pageOf(q, lbSchema, views)
	if err != nil {
		return err
	}
	writeList(w, r, "loadbalancers", q, lbSchema, page)
	return nil
}

// getLoadBalancer answers GET …/loadbalancers/{loadbalancer_id}.
func (a *api) getLoadBalancer(w http.ResponseWriter, r *http.Request) error {
	_, fields, err := oneQuery(lbSchema, r)
	if err != nil {
		return err
	}
	id := r.PathValue("loadbalancer")
	ls, err := a.db.ListLoadBalancerPools(r.Context(), db.LBSelect{IDs: []string{id}})
	if err != nil {
		return err
	}
	if len(ls) == 0 {
		return errorf(http.StatusNotFound, "load balancer %s does not exist", lb.Clip(id))
	}
	writeOne(w, "loadbalancer", viewLoadBalancer(ls[0]), fields)
	return nil
}

// pushDown returns the values of a filter for the store to select by, when there are few
// enough; nil leaves the store to select everything, and the list filters what it returns.
func pushDown(q listQuery, attr string) []string {
	if vals := q.filters[attr]; len(vals) <= db.MaxSelectValues {
		return vals
	}
	return nil
}
