package lb

import "testing"

// withStoppedMember is the fixture after i-web2, member m-2 on port 80, has stopped.
func withStoppedMember() Target {
	t := fixture()
	for i := range t.Servers {
		if t.Servers[i].ID == "i-web2" {
			t.Servers[i].Status = StatusStopped
		}
	}
	return t
}

// defaultWithStoppedMember is the default list after i-web2, member d-2, has stopped.
func defaultWithStoppedMember() Target {
	t := defaultFixture()
	stopped := withStoppedMember()
	t.Servers = stopped.Servers
	return t
}

// A server that stops stays a member; a list that keeps it, as a fleet file or the REST API's
// replace sends it, must not be refused for it. Only servers that join must be running.
func TestPlanReplaceAllKeepsAStoppedMember(t *testing.T) {
	runPlanCases(t, ActionReplaceAll, []planCase{
		{name: "ReplaceAllKeepsAStoppedMemberAndAddsARunningServer", target: withStoppedMember,
			batch:   Batch{New: []Spec{weighted(srv("i-web2", 80), 10), srv("i-web3", 80)}},
			members: []string{"m-2 i-web2 10.0.1.12:80 w10", "new-2 i-web3 10.0.1.13:80 w100"},
			removed: []string{m1, m3, m4}, added: []string{"new-2 i-web3 10.0.1.13:80 w100"}, changed: []string{"m-2 w50->w10"}},
		{name: "ReplaceAllKeepsAStoppedMemberOfTheDefaultList", target: defaultWithStoppedMember,
			batch:   Batch{New: []Spec{{ServerID: "i-web1"}, {ServerID: "i-web2"}}},
			members: []string{d1, d2}},
		{name: "ReplaceAllStoppedServerOnAnotherPortStillRefused", target: withStoppedMember,
			batch: Batch{New: []Spec{srv("i-web2", 80), srv("i-web2", 8080)}},
			kind:  KindInvalid, field: FieldServerState},
	})
	runPlanCases(t, ActionUpsert, []planCase{
		{name: "UpsertKeepsAStoppedMember", target: withStoppedMember,
			batch:   Batch{New: []Spec{weighted(srv("i-web2", 80), 0)}},
			members: []string{m1, "m-2 i-web2 10.0.1.12:80 w0", m3, m4}, changed: []string{"m-2 w50->w0"}},
	})
}
