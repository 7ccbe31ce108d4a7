package slbapi

import (
	"context"
	"log/slog"
	"net/http"

	"lbconsole/db"
	"lbconsole/lb"
)

// backendServer is one member as the answers list it. Weight and Port are numbers; Port is
// left out in the default server list, which has none.
type backendServer struct {
	ServerID    string `json:"ServerId" xml:"ServerId"`
	ServerIP    string `json:"ServerIp" xml:"ServerIp"`
	Port        int    `json:"Port,omitempty" xml:"Port,omitempty"`
	Weight      int    `json:"Weight" xml:"Weight"`
	Type        string `json:"Type" xml:"Type"`
	Description string `json:"Description" xml:"Description"`
	VpcID       string `json:"VpcId,omitempty" xml:"VpcId,omitempty"`
}

// backendServers is the list wrapper the SDK expects: {"BackendServer":[…]}.
type backendServers struct {
	BackendServer []backendServer `json:"BackendServer" xml:"BackendServer"`
}

func serversOf(l lb.LoadBalancer, members []lb.Member) backendServers {
	out := backendServers{BackendServer: make([]backendServer, 0, len(members))}
	for _, m := range members {
		out.BackendServer = append(out.BackendServer, backendServer{ServerID: m.ServerID, ServerIP: m.Address, Port: m.Port,
			Weight: m.Weight, Type: string(m.Type), Description: m.Description, VpcID: l.VpcID})
	}
	return out
}

// servers reads a required server list parameter; a list must name at least one server.
func (c *call) servers(name string, kind lb.GroupKind) ([]lb.Spec, error) {
	raw, err := c.params.required(name)
	if err != nil {
		return nil, err
	}
	specs, err := parseBackendServers(name, raw, kind)
	if err == nil && len(specs) == 0 {
		err = invalidParameter("%s lists no servers", name)
	}
	return specs, err
}

// group reads the group an action is about and checks that it is the kind the action names
// and in the request's region, as the cloud serves each region on its own: a resource of
// another region is not found there.
func (a *api) group(c *call, lbID, ref string) (db.GroupView, error) {
	return a.checkGroup(c, lbID, ref, a.db.ReadGroup)
}

// groupHead is group without the members, for the actions that change the group: the store
// reads them once, inside the change's transaction.
func (a *api) groupHead(c *call, lbID, ref string) (db.GroupView, error) {
	return a.checkGroup(c, lbID, ref, a.db.ReadGroupHead)
}

func (a *api) checkGroup(c *call, lbID, ref string, read func(ctx context.Context, lbID, ref string) (db.GroupView, error)) (db.GroupView, error) {
	v, err := read(c.ctx, lbID, ref)
	if err != nil {
		return v, err
	}
	region := c.params["RegionId"]
	if lbID == "" {
		switch {
		case v.Group.Kind != lb.KindVServer:
			return v, newError(http.StatusNotFound, codeGroupNotFound, "%s is a default server list, not a VServer group: use the BackendServers actions with its LoadBalancerId", ref)
		case v.LoadBalancer.RegionID != region:
			return v, newError(http.StatusNotFound, codeGroupNotFound, "VServer group %s is in region %s, not %s: send RegionId=%s", ref, v.LoadBalancer.RegionID, region, v.LoadBalancer.RegionID)
		}
		return v, nil
	}
	return v, checkRegion(c, v.LoadBalancer)
}

// loadBalancer reads the load balancer an action is about, in the request's region.
func (a *api) loadBalancer(c *call, id string) (lb.LoadBalancer, error) {
	l, err := a.db.GetLoadBalancer(c.ctx, id)
	if err != nil {
		return l, err
	}
	return l, checkRegion(c, l)
}

func checkRegion(c *call, l lb.LoadBalancer) error {
	if region := c.params["RegionId"]; l.RegionID != region {
		return newError(http.StatusNotFound, codeLoadBalancerNotFound, "load balancer %s is in region %s, not %s: send RegionId=%s", l.ID, l.RegionID, region, l.RegionID)
	}
	return nil
}

// apply runs one batch on a group through the store, which plans it, writes it and its audit
// entry in one transaction; a refused batch is audited too.
func (a *api) apply(c *call, v db.GroupView, b lb.Batch) (db.BatchResult, error) {
	b.Limit, b.DefaultWeight, b.DescriptionLimit = lb.MaxSLBEntries, lb.DefaultWeight, lb.MaxDescriptionLen
	req := db.BatchRequest{LoadBalancerID: v.LoadBalancer.ID, GroupRef: v.Group.ID, Batch: b}
	res, err := a.db.ApplyBatch(c.ctx, c.origin(req))
	_, refused := lb.AsError(err)
	c.audited = err == nil || refused
	a.logBatch(c, res.Seq, err)
	return res, err
}

// origin fills in who asked and how, as the audit log records it.
func (c *call) origin(req db.BatchRequest) db.BatchRequest {
	req.Actor, req.Source, req.ClientIP, req.RequestID, req.Request = c.user.Name, db.SourceSLBAPI, c.clientIP, c.requestID, c.params.auditText()
	return req
}

// logBatch logs an applied or refused (and so audited) batch with its audit entry.
func (a *api) logBatch(c *call, seq int64, err error) {
	if _, isRule := lb.AsError(err); err != nil && !isRule {
		return // neither applied nor audited: fail logs it
	}
	outcome := db.OutcomeOK
	if err != nil {
		outcome = string(lb.ErrorKind(err))
	}
	a.log.LogAttrs(c.ctx, slog.LevelInfo, "slb api batch", slog.String("request_id", c.requestID), slog.String("action", c.action),
		slog.String("actor", c.user.Name), slog.Int64("audit_seq", seq), slog.String("outcome", outcome))
}
