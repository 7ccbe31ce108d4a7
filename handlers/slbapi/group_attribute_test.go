package slbapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/slb"

	"lbconsole/db"
	"lbconsole/lb"
)

// checkFleetAudit checks the newest audit entry of a call the store applies as a fleet change
// (a rename, a delete): its request is the object before and after, not the call's parameters.
func (e *env) checkFleetAudit(requestID, actor, action string) db.AuditEntry {
	e.t.Helper()
	a := e.lastAudit()
	if a.Source != db.SourceSLBAPI || a.Actor != actor || a.Action != action || a.Outcome != db.OutcomeOK || a.RequestID != requestID || a.ClientIP != "127.0.0.1" {
		e.t.Errorf("audit entry %d = %s %s %s %s request %s from %s; want slb-api %s %s ok request %s from 127.0.0.1",
			a.Seq, a.Source, a.Actor, a.Action, a.Outcome, a.RequestID, a.ClientIP, actor, action, requestID)
	}
	return a
}

// newGroup creates a VServer group on l holding servers on port 8080, through the SDK.
func (e *env) newGroup(c *slb.Client, l lb.LoadBalancer, name string, servers ...lb.Server) string {
	e.t.Helper()
	req := slb.CreateCreateVServerGroupRequest()
	req.LoadBalancerId, req.VServerGroupName = l.ID, name
	var list []string
	for _, s := range servers {
		list = append(list, fmt.Sprintf(`{"ServerId":"%s","Port":8080}`, s.ID))
	}
	req.BackendServers = "[" + strings.Join(list, ",") + "]"
	res, err := c.CreateVServerGroup(req)
	if err != nil {
		e.t.Fatalf("CreateVServerGroup: %v", err)
	}
	return res.VServerGroupId
}

// SetVServerGroupAttribute renames a group, alone or with new weights; the two apply together
// or not at all, and a rename keeps the HAProxy backend the group had.
func TestSetVServerGroupAttributeRenames(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	l := e.loadBalancer("internal-grpc-hz")
	c := e.client(operatorName)
	fresh := e.servers(l, nil, joinable(l))
	groupID := e.newGroup(c, l, "blue", fresh[0], fresh[1])
	x := fresh[0].ID
	name := func() (string, string) {
		t.Helper()
		_, g, err := e.store.FleetGroup(e.ctx, groupID)
		if err != nil {
			t.Fatal(err)
		}
		return g.Name, g.Backend
	}

	t.Run("NameAndWeightsTogether", func(t *testing.T) {
		req := slb.CreateSetVServerGroupAttributeRequest()
		req.VServerGroupId, req.VServerGroupName = groupID, "green"
		req.BackendServers = fmt.Sprintf(`[{"ServerId":"%s","Port":8080,"Weight":40}]`, x)
		res, err := c.SetVServerGroupAttribute(req)
		if err != nil {
			t.Fatal(err)
		}
		if n, backend := name(); n != "green" || backend != "blue" || res.VServerGroupName != "green" {
			t.Errorf("name %q backend %q answer %q; want green, the backend still blue", n, backend, res.VServerGroupName)
		}
		if w := weights(e.members("", groupID)); w[x+":8080"] != 40 {
			t.Errorf("weights %v, want %s:8080 at 40", w, x)
		}
		e.checkFleetAudit(res.RequestId, operatorName, "update_group")
	})
	t.Run("RefusedWeightsRenameNothing", func(t *testing.T) {
		req := slb.CreateSetVServerGroupAttributeRequest()
		req.VServerGroupId, req.VServerGroupName = groupID, "yellow"
		req.BackendServers = fmt.Sprintf(`[{"ServerId":"%s","Port":8080,"Weight":101}]`, x)
		_, err := c.SetVServerGroupAttribute(req)
		wantCode(t, err, "InvalidParameter", http.StatusBadRequest)
		if n, _ := name(); n != "green" {
			t.Errorf("name %q after a refused call, want green", n)
		}
	})
	t.Run("RefusedNameChangesNoWeight", func(t *testing.T) {
		before := e.auditCount()
		req := slb.CreateSetVServerGroupAttributeRequest()
		req.VServerGroupId, req.VServerGroupName = groupID, "line\nbreak"
		req.BackendServers = fmt.Sprintf(`[{"ServerId":"%s","Port":8080,"Weight":70}]`, x)
		_, err := c.SetVServerGroupAttribute(req)
		se := wantCode(t, err, "InvalidParameter", http.StatusBadRequest)
		if !strings.Contains(se.Message(), "name") {
			t.Errorf("message %q does not name the name", se.Message())
		}
		if w := weights(e.members("", groupID)); w[x+":8080"] != 40 {
			t.Errorf("weights %v after a refused rename, want %s:8080 still at 40", w, x)
		}
		if n, _ := name(); n != "green" {
			t.Errorf("name %q after a refused call, want green", n)
		}
		if a := e.lastAudit(); e.auditCount() != before+1 || a.Action != "update_group" || a.Outcome != "invalid" || a.RequestID != se.RequestId() {
			t.Errorf("audit: %d entries more, newest %s %s; want the refused rename, once", e.auditCount()-before, a.Action, a.Outcome)
		}
	})
	t.Run("ViewerRefused", func(t *testing.T) {
		req := slb.CreateSetVServerGroupAttributeRequest()
		req.VServerGroupId, req.VServerGroupName = groupID, "viewer"
		_, err := e.client(viewerName).SetVServerGroupAttribute(req)
		wantCode(t, err, "Forbidden", http.StatusForbidden)
		if n, _ := name(); n != "green" {
			t.Errorf("name %q after a viewer's call, want green", n)
		}
	})
}

// DeleteVServerGroup deletes a group with its servers, as the cloud does (only a listener's
// use would stop it, and there are no listeners here); it refuses what is not a VServer group,
// another region's group, a locked load balancer's and a viewer's key.
func TestDeleteVServerGroup(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	l := e.loadBalancer("internal-grpc-hz")
	c := e.client(operatorName)
	fresh := e.servers(l, nil, joinable(l))
	groupID := e.newGroup(c, l, "doomed", fresh[0], fresh[1])
	del := func(c *slb.Client, id, regionID string) (*slb.DeleteVServerGroupResponse, error) {
		req := slb.CreateDeleteVServerGroupRequest()
		req.VServerGroupId = id
		if regionID != "" {
			req.RegionId = regionID
		}
		return c.DeleteVServerGroup(req)
	}

	t.Run("ViewerRefused", func(t *testing.T) {
		_, err := del(e.client(viewerName), groupID, "")
		wantCode(t, err, "Forbidden", http.StatusForbidden)
	})
	t.Run("OtherRegionNotFound", func(t *testing.T) {
		_, err := del(c, groupID, "cn-shanghai")
		wantCode(t, err, "InvalidVServerGroupId.NotFound", http.StatusNotFound)
	})
	t.Run("DefaultListNotFound", func(t *testing.T) {
		var defaultID string
		for _, g := range e.groupsOf(l) {
			if g.Kind == lb.KindDefault {
				defaultID = g.ID
			}
		}
		if defaultID == "" {
			t.Skip("the demo load balancer has no default list")
		}
		_, err := del(c, defaultID, "")
		wantCode(t, err, "InvalidVServerGroupId.NotFound", http.StatusNotFound)
	})
	t.Run("WithItsServers", func(t *testing.T) {
		res, err := del(c, groupID, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.store.ReadGroup(e.ctx, "", groupID); lb.ErrorKind(err) != lb.KindNotFound {
			t.Errorf("ReadGroup after the delete = %v, want not found", err)
		}
		a := e.checkFleetAudit(res.RequestId, operatorName, "delete_group")
		if a.Group != groupID || a.Count != 2 || len(a.Diff().Removed) != 2 {
			t.Errorf("audit entry %+v: want group %s with its 2 servers in before", a, groupID)
		}
	})
	t.Run("AgainNotFound", func(t *testing.T) {
		_, err := del(c, groupID, "")
		wantCode(t, err, "InvalidVServerGroupId.NotFound", http.StatusNotFound)
	})
	t.Run("LockedRefused", func(t *testing.T) {
		other := e.newGroup(c, l, "kept")
		e.setStatus(l, lb.LBLocked)
		_, err := del(c, other, "")
		se := wantCode(t, err, "Forbidden", http.StatusForbidden)
		if !strings.Contains(se.Message(), "locked") {
			t.Errorf("message %q does not say locked", se.Message())
		}
		if _, err := e.store.ReadGroup(e.ctx, "", other); err != nil {
			t.Errorf("the locked load balancer's group: %v", err)
		}
	})
}

// groupsOf returns every group of l.
func (e *env) groupsOf(l lb.LoadBalancer) []db.GroupSummary {
	e.t.Helper()
	gs, err := e.store.ListGroups(e.ctx, l.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return gs
}

// setStatus changes a load balancer's status as an admin's edit does.
func (e *env) setStatus(l lb.LoadBalancer, s lb.LBStatus) {
	e.t.Helper()
	doc, err := e.store.FleetObject(e.ctx, "load_balancer", l.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	doc.LoadBalancers[0].Status = s
	if _, err := e.store.UpdateFleetObject(e.ctx, db.Origin{Actor: adminName, Source: db.SourceConsole}, doc); err != nil {
		e.t.Fatalf("set %s %s: %v", l.ID, s, err)
	}
}
