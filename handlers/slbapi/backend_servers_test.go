package slbapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/slb"

	"lbconsole/lb"
)

// weights maps a group's servers (ServerId, or ServerId:Port) to their weights.
func weights(ms []lb.Member) map[string]int {
	out := map[string]int{}
	for _, m := range ms {
		k := m.ServerID
		if m.Port != 0 {
			k = fmt.Sprintf("%s:%d", m.ServerID, m.Port)
		}
		out[k] = m.Weight
	}
	return out
}

func TestBackendServers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	l := e.loadBalancer("api-gateway-hz")
	c := e.client(operatorName)
	before := e.members(l.ID, lb.DefaultGroupRef)
	fresh := e.servers(l, before, joinable(l))

	t.Run("RemoveIgnoresServersNotAttachedAndAnswersWhatRemains", func(t *testing.T) {
		req := slb.CreateRemoveBackendServersRequest()
		req.LoadBalancerId = l.ID
		// Bare ids with spaces, as the seed's example writes them, and one that is not attached.
		req.BackendServers = fmt.Sprintf(`[" %s"," %s","%s"]`, before[0].ServerID, before[1].ServerID, fresh[0].ID)
		res, err := c.RemoveBackendServers(req)
		if err != nil {
			t.Fatal(err)
		}
		after := e.members(l.ID, lb.DefaultGroupRef)
		if len(after) != len(before)-2 || len(res.BackendServers.BackendServer) != len(after) {
			t.Fatalf("answer lists %d, the group holds %d; want %d", len(res.BackendServers.BackendServer), len(after), len(before)-2)
		}
		for i, m := range after {
			got := res.BackendServers.BackendServer[i]
			if got.ServerId != m.ServerID || got.Weight != m.Weight || got.Type != string(m.Type) || got.ServerIp != m.Address {
				t.Errorf("answer %d is %+v, want %+v", i, got, m)
			}
		}
		if res.LoadBalancerId != l.ID {
			t.Errorf("LoadBalancerId %q, want %s", res.LoadBalancerId, l.ID)
		}
		if body := res.GetHttpContentString(); strings.Contains(body, `"Port"`) || !strings.Contains(body, `"Weight":100`) {
			t.Errorf("answer %s: want Weight as a number and no Port in the default list", body)
		}
		a := e.checkAudit(res.RequestId, operatorName, "remove", "ok")
		if a.LoadBalancer != l.ID || a.Count != 2 || !strings.Contains(a.Request, "RemoveBackendServers") {
			t.Errorf("audit entry %+v: want 2 servers removed from %s by RemoveBackendServers", a, l.ID)
		}
	})

	t.Run("AddWithNumericStringWeightAndDescription", func(t *testing.T) {
		req := slb.CreateAddBackendServersRequest()
		req.LoadBalancerId = l.ID
		req.BackendServers = fmt.Sprintf(`[{"ServerId":"%s","Weight":"50","Description":"canary"},{"ServerId":"%s","Type":"ecs"}]`, fresh[0].ID, fresh[1].ID)
		res, err := e.client(adminName).AddBackendServers(req)
		if err != nil {
			t.Fatal(err)
		}
		w := weights(e.members(l.ID, lb.DefaultGroupRef))
		if w[fresh[0].ID] != 50 || w[fresh[1].ID] != 100 {
			t.Fatalf("weights after the add: %v; want %s at 50 and %s at the default 100", w, fresh[0].ID, fresh[1].ID)
		}
		found := false
		for _, s := range res.BackendServers.BackendServer {
			if s.ServerId == fresh[0].ID {
				found = s.Weight == "50" && s.Description == "canary"
			}
		}
		if !found || len(res.BackendServers.BackendServer) != len(w) {
			t.Errorf("answer %+v does not list the group with %s at weight 50", res.BackendServers.BackendServer, fresh[0].ID)
		}
		e.checkAudit(res.RequestId, adminName, "add", "ok")
	})

	t.Run("AddServerAlreadyThereRefused", func(t *testing.T) {
		req := slb.CreateAddBackendServersRequest()
		req.LoadBalancerId = l.ID
		req.BackendServers = fmt.Sprintf(`["%s"]`, fresh[0].ID)
		_, err := c.AddBackendServers(req)
		se := wantCode(t, err, "InvalidParameter", http.StatusBadRequest)
		if !strings.Contains(se.Message(), "already") {
			t.Errorf("message %q does not say it is already there", se.Message())
		}
		e.checkAudit(se.RequestId(), operatorName, "add", "conflict")
	})

	t.Run("SetWeightsSingleQuoted", func(t *testing.T) {
		req := slb.CreateSetBackendServersRequest()
		req.LoadBalancerId = l.ID
		req.BackendServers = fmt.Sprintf(`[{'ServerId':'%s','Weight':'0'},{'ServerId':' %s ','Weight':70,'Description':'it''s'}]`, fresh[0].ID, fresh[1].ID)
		req.BackendServers = strings.ReplaceAll(req.BackendServers, `''`, `\'`)
		res, err := c.SetBackendServers(req)
		if err != nil {
			t.Fatal(err)
		}
		ms := e.members(l.ID, lb.DefaultGroupRef)
		w := weights(ms)
		if w[fresh[0].ID] != 0 || w[fresh[1].ID] != 70 {
			t.Fatalf("weights after the set: %v; want %s at 0 and %s at 70", w, fresh[0].ID, fresh[1].ID)
		}
		for _, m := range ms {
			if m.ServerID == fresh[1].ID && m.Description != "it's" {
				t.Errorf("description %q, want it's", m.Description)
			}
		}
		e.checkAudit(res.RequestId, operatorName, "set_weights", "ok")
	})

	stopped := e.servers(l, nil, func(s lb.Server) bool { return s.Status == lb.StatusStopped && s.VpcID == l.VpcID })
	elsewhere := e.servers(l, nil, func(s lb.Server) bool { return s.VpcID != l.VpcID && s.Status == lb.StatusRunning })
	if len(stopped) == 0 || len(elsewhere) == 0 || len(fresh) < 25 {
		t.Fatalf("the demo data lacks a stopped server (%d), one in another VPC (%d) or free servers (%d)", len(stopped), len(elsewhere), len(fresh))
	}
	var many []string
	for _, s := range fresh[2:23] {
		many = append(many, `"`+s.ID+`"`)
	}
	refusals := []struct {
		name, action, servers, code string
		status                      int
		text                        string
	}{
		{"StoppedServerCannotJoin", "add", fmt.Sprintf(`["%s"]`, stopped[0].ID), "ObtainIpFail", 400, "Running"},
		{"ServerOfAnotherVPCCannotJoin", "add", fmt.Sprintf(`["%s"]`, elsewhere[0].ID), "ObtainIpFail", 400, "VPC"},
		{"UnknownServer", "add", `["i-doesnotexist"]`, "InvalidServerId.NotFound", 400, "i-doesnotexist"},
		{"SetOnServerNotAttached", "set", fmt.Sprintf(`[{"ServerId":"%s","Weight":10}]`, fresh[3].ID), "InvalidServerId.NotFound", 400, fresh[3].ID},
		{"TwentyOneServers", "remove", "[" + strings.Join(many, ",") + "]", "TooManyBackendServers", 400, "BackendServers"},
		{"NotJSON", "remove", `[i-1, i-2`, "InvalidParameter", 400, "BackendServers"},
		{"WeightNotANumber", "set", fmt.Sprintf(`[{"ServerId":"%s","Weight":"heavy"}]`, fresh[0].ID), "InvalidParameter", 400, "Weight"},
		{"WeightNotWhole", "set", fmt.Sprintf(`[{"ServerId":"%s","Weight":1.5}]`, fresh[0].ID), "InvalidParameter", 400, "Weight"},
		{"WeightAbove100", "set", fmt.Sprintf(`[{"ServerId":"%s","Weight":101}]`, fresh[0].ID), "InvalidParameter", 400, "Weight"},
		{"NegativeWeight", "add", fmt.Sprintf(`[{"ServerId":"%s","Weight":-1}]`, fresh[4].ID), "InvalidParameter", 400, "Weight"},
		{"PortInTheDefaultList", "add", fmt.Sprintf(`[{"ServerId":"%s","Port":80}]`, fresh[4].ID), "InvalidParameter", 400, "Port"},
		{"DescriptionOver80", "set", fmt.Sprintf(`[{"ServerId":"%s","Description":"%s"}]`, fresh[0].ID, strings.Repeat("d", 81)), "InvalidParameter", 400, "81"},
		{"EmptyList", "remove", `[]`, "InvalidParameter", 400, "BackendServers"},
		{"UnknownKey", "set", fmt.Sprintf(`[{"ServerId":"%s","weigth":1}]`, fresh[0].ID), "InvalidParameter", 400, "weigth"},
		{"ListedTwice", "remove", fmt.Sprintf(`["%s","%s"]`, fresh[0].ID, fresh[0].ID), "InvalidParameter", 400, "twice"},
	}
	for _, tc := range refusals {
		t.Run(tc.name+"Refused", func(t *testing.T) {
			was := e.members(l.ID, lb.DefaultGroupRef)
			_, err := e.call(c, tc.action, l.ID, tc.servers)
			se := wantCode(t, err, tc.code, tc.status)
			if !strings.Contains(se.Message(), tc.text) {
				t.Errorf("message %q does not say %q", se.Message(), tc.text)
			}
			if now := e.members(l.ID, lb.DefaultGroupRef); fmt.Sprint(weights(now)) != fmt.Sprint(weights(was)) {
				t.Errorf("a refused call changed the group: %v became %v", weights(was), weights(now))
			}
		})
	}

	t.Run("LockedLoadBalancerForbidden", func(t *testing.T) {
		locked := e.loadBalancer("checkout-hz")
		_, err := e.call(c, "remove", locked.ID, fmt.Sprintf(`["%s"]`, e.members(locked.ID, lb.DefaultGroupRef)[0].ServerID))
		se := wantCode(t, err, "Forbidden", http.StatusForbidden)
		if !strings.Contains(se.Message(), "locked") {
			t.Errorf("message %q does not say the load balancer is locked", se.Message())
		}
		e.checkAudit(se.RequestId(), operatorName, "remove", "forbidden")
	})
	t.Run("ViewerForbidden", func(t *testing.T) {
		entries := e.auditCount()
		_, err := e.call(e.client(viewerName), "remove", l.ID, fmt.Sprintf(`["%s"]`, fresh[0].ID))
		wantCode(t, err, "Forbidden", http.StatusForbidden)
		if e.auditCount() != entries {
			t.Error("a viewer's refused call reached the audit log: it never formed a batch")
		}
	})
	t.Run("UnknownLoadBalancer", func(t *testing.T) {
		_, err := e.call(c, "remove", "lb-doesnotexist", fmt.Sprintf(`["%s"]`, fresh[0].ID))
		wantCode(t, err, "InvalidLoadBalancerId.NotFound", http.StatusNotFound)
	})
	t.Run("MissingBackendServers", func(t *testing.T) {
		req := slb.CreateRemoveBackendServersRequest()
		req.LoadBalancerId = l.ID
		_, err := c.RemoveBackendServers(req)
		se := wantCode(t, err, "MissingParameter", http.StatusBadRequest)
		if !strings.Contains(se.Message(), "BackendServers") {
			t.Errorf("message %q does not name BackendServers", se.Message())
		}
	})
	t.Run("MissingLoadBalancerId", func(t *testing.T) {
		req := slb.CreateAddBackendServersRequest()
		req.BackendServers = fmt.Sprintf(`["%s"]`, fresh[5].ID)
		_, err := c.AddBackendServers(req)
		se := wantCode(t, err, "MissingParameter", http.StatusBadRequest)
		if !strings.Contains(se.Message(), "LoadBalancerId") {
			t.Errorf("message %q does not name LoadBalancerId", se.Message())
		}
	})
	t.Run("RemoveAnsweredInXML", func(t *testing.T) {
		req := slb.CreateRemoveBackendServersRequest()
		req.AcceptFormat = "XML"
		req.LoadBalancerId = l.ID
		req.BackendServers = fmt.Sprintf(`["%s"]`, fresh[1].ID)
		res, err := c.RemoveBackendServers(req)
		if err != nil {
			t.Fatal(err)
		}
		after := e.members(l.ID, lb.DefaultGroupRef)
		if !strings.Contains(res.GetHttpContentString(), "<RemoveBackendServersResponse>") || res.LoadBalancerId != l.ID ||
			len(res.BackendServers.BackendServer) != len(after) || res.BackendServers.BackendServer[0].ServerId != after[0].ServerID {
			t.Fatalf("XML answer %s parsed as %+v; want the %d servers that remain", res.GetHttpContentString(), res, len(after))
		}
		e.checkAudit(res.RequestId, operatorName, "remove", "ok")
	})
}

// call runs one default-list action (add, set or remove) with the SDK.
func (e *env) call(c *slb.Client, action, lbID, servers string) (string, error) {
	switch action {
	case "add":
		req := slb.CreateAddBackendServersRequest()
		req.LoadBalancerId, req.BackendServers = lbID, servers
		res, err := c.AddBackendServers(req)
		return res.RequestId, err
	case "set":
		req := slb.CreateSetBackendServersRequest()
		req.LoadBalancerId, req.BackendServers = lbID, servers
		res, err := c.SetBackendServers(req)
		return res.RequestId, err
	}
	req := slb.CreateRemoveBackendServersRequest()
	req.LoadBalancerId, req.BackendServers = lbID, servers
	res, err := c.RemoveBackendServers(req)
	return res.RequestId, err
}
