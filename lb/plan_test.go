package lb

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

var (
	then = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	now  = time.Date(2025, 6, 7, 8, 9, 10, 0, time.UTC)
)

// The fixture's members as fm prints them: ID, server (- for none), address:port, weight,
// [description].
const (
	m1 = "m-1 i-web1 10.0.1.11:80 w100 [web one]"
	m2 = "m-2 i-web2 10.0.1.12:80 w50"
	m3 = "m-3 i-web1 10.0.1.11:8080 w100"
	m4 = "m-4 - 10.0.2.20:80 w10"
	d1 = "d-1 i-web1 10.0.1.11 w100"
	d2 = "d-2 i-web2 10.0.1.12 w100"
)

// fixture is a VServer group rsp-web of load balancer lb-1 in vpc-1, whose subnets are vsw-1
// (10.0.1.0/24) and vsw-2 (10.0.2.0/24). New member ids count up: new-1, new-2, …
func fixture() Target {
	n := 0
	desc := member("m-1", "i-web1", "10.0.1.11", 80, 100)
	desc.Description = "web one"
	return Target{
		LoadBalancer: LoadBalancer{ID: "lb-1", RegionID: "cn-hangzhou", Name: "web", NetworkType: "vpc", VpcID: "vpc-1", Status: LBActive, Created: then},
		Group:        Group{ID: "rsp-web", LoadBalancerID: "lb-1", Name: "web", Kind: KindVServer, Version: 7, Created: then},
		Members: []Member{
			desc,
			member("m-2", "i-web2", "10.0.1.12", 80, 50),
			member("m-3", "i-web1", "10.0.1.11", 8080, 100),
			member("m-4", "", "10.0.2.20", 80, 10),
		},
		Servers: []Server{
			server("i-web1", "10.0.1.11", "vsw-1", TypeECS, StatusRunning),
			server("i-web2", "10.0.1.12", "vsw-1", TypeECS, StatusRunning),
			server("i-web3", "10.0.1.13", "vsw-1", TypeECS, StatusRunning),
			server("eni-web4", "10.0.2.14", "vsw-2", TypeENI, StatusRunning),
			server("i-stopped", "10.0.1.99", "vsw-1", TypeECS, StatusStopped),
			{ID: "i-away", Address: "172.16.0.5", SubnetID: "vsw-away", VpcID: "vpc-2", RegionID: "cn-hangzhou", Type: TypeECS, Status: StatusRunning},
		},
		Subnets: []Subnet{
			{ID: "vsw-1", VpcID: "vpc-1", CIDR: "10.0.1.0/24"},
			{ID: "vsw-2", VpcID: "vpc-1", CIDR: "10.0.2.0/24"},
		},
		NewID: func() string { n++; return fmt.Sprintf("new-%d", n) },
		Now:   now,
	}
}

// defaultFixture is fixture with the load balancer's default server list as the group.
func defaultFixture() Target {
	t := fixture()
	t.Group = Group{ID: "lb-1-default", LoadBalancerID: "lb-1", Name: "default", Kind: KindDefault, Version: 3, Created: then}
	t.Members = []Member{
		member("d-1", "i-web1", "10.0.1.11", 0, 100),
		member("d-2", "i-web2", "10.0.1.12", 0, 100),
	}
	for i := range t.Members {
		t.Members[i].GroupID = t.Group.ID
	}
	return t
}

func lockedFixture() Target {
	t := fixture()
	t.LoadBalancer.Status = LBLocked
	return t
}

func member(id, serverID, addr string, port, weight int) Member {
	subnet := "vsw-1"
	if strings.HasPrefix(addr, "10.0.2.") {
		subnet = "vsw-2"
	}
	return Member{ID: id, GroupID: "rsp-web", ServerID: serverID, Address: addr, Port: port, Weight: weight,
		Type: TypeECS, SubnetID: subnet, Created: then, Updated: then}
}

func server(id, addr, subnet string, typ ServerType, status ServerStatus) Server {
	return Server{ID: id, Name: id, Address: addr, SubnetID: subnet, VpcID: "vpc-1", RegionID: "cn-hangzhou", Type: typ, Status: status}
}

// withServerAt is the fixture with a running server i-odd at addr in vsw-1.
func withServerAt(addr string) func() Target {
	return func() Target {
		t := fixture()
		t.Servers = append(t.Servers, server("i-odd", addr, "vsw-1", TypeECS, StatusRunning))
		return t
	}
}

// srv names a server, with a port in a VServer group.
func srv(id string, port int) Spec { return Spec{ServerID: id, Port: port} }

// ip names an address in a subnet.
func ip(addr, subnet string, port int) Spec { return Spec{Address: addr, SubnetID: subnet, Port: port} }

// mid names a member by id.
func mid(id string) Spec { return Spec{MemberID: id} }

// weighted is s with a weight.
func weighted(s Spec, w int) Spec { s.Weight = intp(w); return s }

// read is s as a member read from the group is sent back: with the member's id.
func read(id string, s Spec) Spec { s.MemberID = id; return s }

// described is s with a description.
func described(s Spec, d string) Spec { s.Description = strp(d); return s }

func fm(m Member) string {
	s := m.ServerID
	if s == "" {
		s = "-"
	}
	out := m.ID + " " + s + " " + m.Address
	if m.Port != 0 {
		out += fmt.Sprintf(":%d", m.Port)
	}
	out += fmt.Sprintf(" w%d", m.Weight)
	if m.Description != "" {
		out += " [" + m.Description + "]"
	}
	return out
}

func fms(ms []Member) []string {
	var out []string
	for _, m := range ms {
		out = append(out, fm(m))
	}
	return out
}

// fcs prints changes as "ID wBEFORE->wAFTER", with " [before]->[after]" when the description changes.
func fcs(cs []Change) []string {
	var out []string
	for _, c := range cs {
		s := fmt.Sprintf("%s w%d->w%d", c.Before.ID, c.Before.Weight, c.After.Weight)
		if c.Before.Description != c.After.Description {
			s += fmt.Sprintf(" [%s]->[%s]", c.Before.Description, c.After.Description)
		}
		out = append(out, s)
	}
	return out
}

func compare(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got  %q\n want %q", what, got, want)
	}
}

// snapshot copies what Plan is given, to check afterwards that it changed none of it.
type snapshot struct {
	members []Member
	servers []Server
	subnets []Subnet
}

func snap(t Target) snapshot {
	return snapshot{slices.Clone(t.Members), slices.Clone(t.Servers), slices.Clone(t.Subnets)}
}

// planCase is one row of an operation's table: a success names the next members and the diff,
// a refusal the error's kind and field.
type planCase struct {
	name    string
	target  func() Target // nil means fixture
	batch   Batch         // Action defaults to the table's
	kind    Kind
	field   string
	members []string
	removed []string
	added   []string
	changed []string
}

func runPlanCases(t *testing.T, action Action, cases []planCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tg := fixture()
			if tc.target != nil {
				tg = tc.target()
			}
			b := tc.batch
			if b.Action == "" {
				b.Action = action
			}
			given := snap(tg)
			res, err := Plan(tg, b)
			if !reflect.DeepEqual(snap(tg), given) {
				t.Errorf("Plan changed the target it was given:\n got  %+v\n want %+v", snap(tg), given)
			}
			if tc.kind != "" {
				checkErr(t, err, tc.kind, tc.field)
				if !reflect.DeepEqual(res, Result{}) {
					t.Errorf("a refused batch planned %+v, want nothing", res)
				}
				return
			}
			checkErr(t, err, "", "")
			compare(t, "members", fms(res.Members), tc.members)
			compare(t, "removed", fms(res.Diff.Removed), tc.removed)
			compare(t, "added", fms(res.Diff.Added), tc.added)
			compare(t, "changed", fcs(res.Diff.Changed), tc.changed)
			checkConsistent(t, tg, res)
		})
	}
}

// checkConsistent checks what every successful plan must keep: the next members are the given
// ones minus the removed, with the changes applied, plus the added; added members are new, in
// the group and stamped now; a change touches only weight, description and Updated.
func checkConsistent(t *testing.T, tg Target, res Result) {
	t.Helper()
	want := make(map[string]Member, len(tg.Members))
	for _, m := range tg.Members {
		want[m.ID] = m
	}
	for _, m := range res.Diff.Removed {
		if want[m.ID] != m {
			t.Errorf("removed %s is not a member as it was", fm(m))
		}
		delete(want, m.ID)
	}
	for _, c := range res.Diff.Changed {
		if want[c.Before.ID] != c.Before {
			t.Errorf("changed %s is not a member as it was", fm(c.Before))
		}
		rest := c.After
		rest.Weight, rest.Description, rest.Updated = c.Before.Weight, c.Before.Description, c.Before.Updated
		if rest != c.Before {
			t.Errorf("change %s -> %s touches more than weight and description", fm(c.Before), fm(c.After))
		}
		if c.After == c.Before {
			t.Errorf("change of %s changes nothing", fm(c.Before))
		}
		if !c.After.Updated.Equal(tg.Now) {
			t.Errorf("changed %s was updated at %v, want %v", fm(c.After), c.After.Updated, tg.Now)
		}
		want[c.After.ID] = c.After
	}
	for _, m := range res.Diff.Added {
		if _, ok := want[m.ID]; ok {
			t.Errorf("added %s has the id of another member", fm(m))
		}
		if m.GroupID != tg.Group.ID || !m.Created.Equal(tg.Now) || !m.Updated.Equal(tg.Now) {
			t.Errorf("added %+v is not in group %s stamped %v", m, tg.Group.ID, tg.Now)
		}
		want[m.ID] = m
	}
	got := make(map[string]Member, len(res.Members))
	for _, m := range res.Members {
		if _, ok := got[m.ID]; ok {
			t.Errorf("member id %s comes twice", m.ID)
		}
		got[m.ID] = m
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("next members do not follow from the diff:\n got  %v\n want %v", got, want)
	}
	if res.Diff.Count() != len(res.Diff.Removed)+len(res.Diff.Added)+len(res.Diff.Changed) || res.Diff.Empty() != (res.Diff.Count() == 0) {
		t.Errorf("diff counts %d, empty %v", res.Diff.Count(), res.Diff.Empty())
	}
}

func TestPlanRemove(t *testing.T) {
	runPlanCases(t, ActionRemove, []planCase{
		{name: "RemoveByMemberID", batch: Batch{Old: []Spec{mid("m-2")}},
			members: []string{m1, m3, m4}, removed: []string{m2}},
		{name: "RemoveByServerIDAndPortInVServerGroup", batch: Batch{Old: []Spec{srv("i-web1", 8080)}},
			members: []string{m1, m2, m4}, removed: []string{m3}},
		{name: "RemoveByServerIDAndPortKeepsOtherPortsOfTheServer", batch: Batch{Old: []Spec{srv("i-web1", 80)}},
			members: []string{m2, m3, m4}, removed: []string{m1}},
		{name: "RemoveByAddressAndPort", batch: Batch{Old: []Spec{{Address: "10.0.2.20", Port: 80}}},
			members: []string{m1, m2, m3}, removed: []string{m4}},
		{name: "RemoveByServerIDInDefaultList", target: defaultFixture, batch: Batch{Old: []Spec{{ServerID: "i-web1"}}},
			members: []string{d2}, removed: []string{d1}},
		{name: "RemoveByAddressInDefaultList", target: defaultFixture, batch: Batch{Old: []Spec{{Address: "10.0.1.12"}}},
			members: []string{d1}, removed: []string{d2}},
		{name: "RemoveSeveral", batch: Batch{Old: []Spec{mid("m-4"), srv("i-web1", 80)}},
			members: []string{m2, m3}, removed: []string{m4, m1}},
		{name: "RemoveEverything", batch: Batch{Old: []Spec{mid("m-1"), mid("m-2"), mid("m-3"), mid("m-4")}},
			removed: []string{m1, m2, m3, m4}},
		{name: "RemoveIgnoresServersNotInGroup", batch: Batch{Old: []Spec{srv("i-web3", 80), srv("i-web2", 81), mid("m-9"), {Address: "10.0.2.99", Port: 80}}},
			members: []string{m1, m2, m3, m4}},
		{name: "RemoveIgnoresUnknownAndRemovesKnown", batch: Batch{Old: []Spec{mid("m-9"), mid("m-2")}},
			members: []string{m1, m3, m4}, removed: []string{m2}},
		{name: "RemoveEntryListedTwiceIsFine", batch: Batch{Old: []Spec{mid("m-2"), mid("m-2")}},
			members: []string{m1, m3, m4}, removed: []string{m2}},
		{name: "StrictRemoveEntryListedTwiceIsFine", batch: Batch{Strict: true, Old: []Spec{mid("m-2"), srv("i-web2", 80)}},
			members: []string{m1, m3, m4}, removed: []string{m2}},
		{name: "StrictRemoveUnknownMemberRefused", batch: Batch{Strict: true, Old: []Spec{mid("m-1"), mid("m-9")}},
			kind: KindNotFound, field: FieldMemberID},
		{name: "StrictRemoveUnknownServerRefused", batch: Batch{Strict: true, Old: []Spec{srv("i-web3", 80)}},
			kind: KindNotFound, field: FieldServerID},
		{name: "StrictRemoveUnknownAddressRefused", batch: Batch{Strict: true, Old: []Spec{{Address: "10.0.2.99", Port: 80}}},
			kind: KindNotFound, field: FieldAddress},
		{name: "RemoveByServerIDWithoutPortRefusedInVServerGroup", batch: Batch{Old: []Spec{{ServerID: "i-web1"}}},
			kind: KindInvalid, field: FieldPort},
		{name: "RemoveByAddressWithPortZeroRefusedInVServerGroup", batch: Batch{Old: []Spec{{Address: "10.0.2.20"}}},
			kind: KindInvalid, field: FieldPort},
		{name: "RemoveEntryNamingNoServerRefused", batch: Batch{Old: []Spec{mid("m-1"), {Port: 80}}},
			kind: KindInvalid, field: FieldServerID},
	})
}

func TestPlanAdd(t *testing.T) {
	web3 := "new-1 i-web3 10.0.1.13:80 w100"
	all := func(added ...string) []string { return append([]string{m1, m2, m3, m4}, added...) }
	long80 := strings.Repeat("é", 80)
	long255 := strings.Repeat("n", 255)
	runPlanCases(t, ActionAdd, []planCase{
		{name: "AddByServerID", batch: Batch{New: []Spec{srv("i-web3", 80)}},
			members: all(web3), added: []string{web3}},
		{name: "AddUsesDefaultWeight100", batch: Batch{New: []Spec{srv("i-web3", 80)}},
			members: all(web3), added: []string{web3}},
		{name: "AddUsesBatchDefaultWeight", batch: Batch{DefaultWeight: 1, New: []Spec{srv("i-web3", 80)}},
			members: all("new-1 i-web3 10.0.1.13:80 w1"), added: []string{"new-1 i-web3 10.0.1.13:80 w1"}},
		{name: "AddGivenWeightWinsOverDefault", batch: Batch{DefaultWeight: 1, New: []Spec{weighted(srv("i-web3", 80), 7)}},
			members: all("new-1 i-web3 10.0.1.13:80 w7"), added: []string{"new-1 i-web3 10.0.1.13:80 w7"}},
		{name: "AddWeightZeroAllowed", batch: Batch{DefaultWeight: 1, New: []Spec{weighted(srv("i-web3", 80), 0)}},
			members: all("new-1 i-web3 10.0.1.13:80 w0"), added: []string{"new-1 i-web3 10.0.1.13:80 w0"}},
		{name: "AddWeight100Allowed", batch: Batch{DefaultWeight: 1, New: []Spec{weighted(srv("i-web3", 80), 100)}},
			members: all(web3), added: []string{web3}},
		{name: "AddPort1And65535Allowed", batch: Batch{New: []Spec{srv("i-web3", 1), srv("i-web3", 65535)}},
			members: all("new-1 i-web3 10.0.1.13:1 w100", "new-2 i-web3 10.0.1.13:65535 w100"),
			added:   []string{"new-1 i-web3 10.0.1.13:1 w100", "new-2 i-web3 10.0.1.13:65535 w100"}},
		{name: "AddSameServerOnAnotherPort", batch: Batch{New: []Spec{srv("i-web2", 8080)}},
			members: all("new-1 i-web2 10.0.1.12:8080 w100"), added: []string{"new-1 i-web2 10.0.1.12:8080 w100"}},
		{name: "AddByAddressAndSubnet", batch: Batch{New: []Spec{ip("10.0.2.30", "vsw-2", 443)}},
			members: all("new-1 - 10.0.2.30:443 w100"), added: []string{"new-1 - 10.0.2.30:443 w100"}},
		{name: "AddByAddressOfInventoryServerTakesItsServerID", batch: Batch{New: []Spec{ip("10.0.1.13", "vsw-1", 81)}},
			members: all("new-1 i-web3 10.0.1.13:81 w100"), added: []string{"new-1 i-web3 10.0.1.13:81 w100"}},
		{name: "AddWithDescription", batch: Batch{New: []Spec{described(srv("i-web3", 80), "api")}},
			members: all(web3 + " [api]"), added: []string{web3 + " [api]"}},
		{name: "AddEightyCharDescriptionCountedInRunes", batch: Batch{New: []Spec{described(srv("i-web3", 80), long80)}},
			members: all(web3 + " [" + long80 + "]"), added: []string{web3 + " [" + long80 + "]"}},
		{name: "Add255CharDescriptionWithRESTLimit", batch: Batch{DescriptionLimit: MaxNameLen, New: []Spec{described(srv("i-web3", 80), long255)}},
			members: all(web3 + " [" + long255 + "]"), added: []string{web3 + " [" + long255 + "]"}},
		{name: "AddToDefaultList", target: defaultFixture, batch: Batch{New: []Spec{{ServerID: "i-web3"}}},
			members: []string{d1, d2, "new-1 i-web3 10.0.1.13 w100"}, added: []string{"new-1 i-web3 10.0.1.13 w100"}},

		{name: "AlreadyPresentServerRefused", batch: Batch{New: []Spec{srv("i-web1", 80)}},
			kind: KindConflict, field: FieldServerID},
		{name: "AlreadyPresentAddressRefused", batch: Batch{New: []Spec{ip("10.0.2.20", "vsw-2", 80)}},
			kind: KindConflict, field: FieldServerID},
		{name: "DuplicateAddressPortRefused", batch: Batch{New: []Spec{srv("i-web3", 80), ip("10.0.1.13", "vsw-1", 80)}},
			kind: KindConflict, field: FieldServerID},
		{name: "DuplicateServerIDInDefaultListRefused", target: defaultFixture, batch: Batch{New: []Spec{{ServerID: "i-web1"}}},
			kind: KindConflict, field: FieldServerID},
		{name: "ServerIDTwiceInOneDefaultListBatchRefused", target: defaultFixture, batch: Batch{New: []Spec{{ServerID: "i-web3"}, {ServerID: "i-web3"}}},
			kind: KindConflict, field: FieldServerID},
		{name: "DefaultListAddressOfPresentServerRefused", target: defaultFixture, batch: Batch{New: []Spec{{Address: "10.0.1.11", SubnetID: "vsw-1"}}},
			kind: KindConflict, field: FieldServerID},
		{name: "WeightAbove100Refused", batch: Batch{New: []Spec{weighted(srv("i-web3", 80), 101)}},
			kind: KindInvalid, field: FieldWeight},
		{name: "WeightBelowZeroRefused", batch: Batch{New: []Spec{weighted(srv("i-web3", 80), -1)}},
			kind: KindInvalid, field: FieldWeight},
		{name: "PortZeroRefused", batch: Batch{New: []Spec{srv("i-web3", 0)}},
			kind: KindInvalid, field: FieldPort},
		{name: "PortAbove65535Refused", batch: Batch{New: []Spec{srv("i-web3", 65536)}},
			kind: KindInvalid, field: FieldPort},
		{name: "DefaultListRefusesAPort", target: defaultFixture, batch: Batch{New: []Spec{srv("i-web3", 80)}},
			kind: KindInvalid, field: FieldPort},
		{name: "IPv6AddressRefused", batch: Batch{New: []Spec{ip("2001:db8::1", "vsw-1", 80)}},
			kind: KindInvalid, field: FieldAddress},
		{name: "GarbageAddressRefused", batch: Batch{New: []Spec{ip("ten.zero.one.five", "vsw-1", 80)}},
			kind: KindInvalid, field: FieldAddress},
		{name: "AddressLongerThan64CharsRefused", batch: Batch{New: []Spec{ip(strings.Repeat("1", 65), "vsw-1", 80)}},
			kind: KindInvalid, field: FieldAddress},
		{name: "AddressOutsideSubnetCIDRRefused", batch: Batch{New: []Spec{ip("10.0.2.30", "vsw-1", 80)}},
			kind: KindInvalid, field: FieldAddress},
		{name: "AddressWithoutSubnetOutsideEverySubnetRefused", batch: Batch{New: []Spec{{Address: "10.9.1.30", Port: 80}}},
			kind: KindInvalid, field: FieldAddress},
		{name: "SubnetNetworkAddressRefused", batch: Batch{New: []Spec{ip("10.0.1.0", "vsw-1", 80)}},
			kind: KindInvalid, field: FieldAddress},
		{name: "SubnetBroadcastAddressWithoutSubnetRefused", batch: Batch{New: []Spec{{Address: "10.0.2.255", Port: 80}}},
			kind: KindInvalid, field: FieldAddress},
		{name: "ServerAtABroadcastAddressRefused", target: withServerAt("10.0.1.255"), batch: Batch{New: []Spec{srv("i-odd", 80)}},
			kind: KindInvalid, field: FieldServerState},
		{name: "BidiControlInDescriptionRefused", batch: Batch{New: []Spec{described(srv("i-web3", 80), "web\u202e1")}},
			kind: KindInvalid, field: FieldDescription},
		{name: "SubnetOutsideVPCRefused", batch: Batch{New: []Spec{ip("172.16.0.9", "vsw-away", 80)}},
			kind: KindInvalid, field: FieldSubnetID},
		{name: "ServerOutsideVPCRefused", batch: Batch{New: []Spec{srv("i-away", 80)}},
			kind: KindInvalid, field: FieldServerState},
		{name: "UnknownServerRefused", batch: Batch{New: []Spec{srv("i-nope", 80)}},
			kind: KindNotFound, field: FieldServerID},
		{name: "StoppedServerRefused", batch: Batch{New: []Spec{srv("i-stopped", 80)}},
			kind: KindInvalid, field: FieldServerState},
		{name: "DescriptionOver80CharsRefused", batch: Batch{New: []Spec{described(srv("i-web3", 80), long80+"x")}},
			kind: KindInvalid, field: FieldDescription},
		{name: "DescriptionOver255CharsRefusedWithRESTLimit", batch: Batch{DescriptionLimit: MaxNameLen, New: []Spec{described(srv("i-web3", 80), long255+"x")}},
			kind: KindInvalid, field: FieldDescription},
		{name: "InvalidUTF8DescriptionRefused", batch: Batch{New: []Spec{described(srv("i-web3", 80), "web\xff")}},
			kind: KindInvalid, field: FieldDescription},
		{name: "UnknownTypeRefused", batch: Batch{New: []Spec{{Address: "10.0.1.30", SubnetID: "vsw-1", Port: 80, Type: "vm"}}},
			kind: KindInvalid, field: FieldType},
		{name: "EntryNamingNoServerRefused", batch: Batch{New: []Spec{{Port: 80}}},
			kind: KindInvalid, field: FieldServerID},
		{name: "OneBadEntryRefusesTheWholeBatch", batch: Batch{New: []Spec{srv("i-web3", 80), srv("i-nope", 80)}},
			kind: KindNotFound, field: FieldServerID},
	})
}

func TestPlanReplace(t *testing.T) {
	runPlanCases(t, ActionReplace, []planCase{
		{name: "ReplaceTakesOldOutAndPutsNewIn", batch: Batch{Old: []Spec{mid("m-2")}, New: []Spec{srv("i-web3", 80)}},
			members: []string{m1, m3, m4, "new-1 i-web3 10.0.1.13:80 w100"},
			removed: []string{m2}, added: []string{"new-1 i-web3 10.0.1.13:80 w100"}},
		{name: "ReplaceServerByItselfOnAnotherPort", batch: Batch{Old: []Spec{srv("i-web2", 80)}, New: []Spec{srv("i-web2", 9090)}},
			members: []string{m1, m3, m4, "new-1 i-web2 10.0.1.12:9090 w100"},
			removed: []string{m2}, added: []string{"new-1 i-web2 10.0.1.12:9090 w100"}},
		{name: "ReplaceServerByItselfOnTheSamePort", batch: Batch{Old: []Spec{srv("i-web2", 80)}, New: []Spec{weighted(srv("i-web2", 80), 5)}},
			members: []string{m1, m3, m4, "new-1 i-web2 10.0.1.12:80 w5"},
			removed: []string{m2}, added: []string{"new-1 i-web2 10.0.1.12:80 w5"}},
		{name: "ReplaceIgnoresUnknownOld", batch: Batch{Old: []Spec{srv("i-web3", 80)}, New: []Spec{srv("i-web3", 80)}},
			members: []string{m1, m2, m3, m4, "new-1 i-web3 10.0.1.13:80 w100"}, added: []string{"new-1 i-web3 10.0.1.13:80 w100"}},
		{name: "ReplaceInDefaultList", target: defaultFixture, batch: Batch{Old: []Spec{{ServerID: "i-web1"}}, New: []Spec{{ServerID: "i-web3"}}},
			members: []string{d2, "new-1 i-web3 10.0.1.13 w100"}, removed: []string{d1}, added: []string{"new-1 i-web3 10.0.1.13 w100"}},
		{name: "StrictReplaceUnknownOldRefused", batch: Batch{Strict: true, Old: []Spec{mid("m-9")}, New: []Spec{srv("i-web3", 80)}},
			kind: KindNotFound, field: FieldMemberID},
		{name: "ReplaceWithPresentServerRefused", batch: Batch{Old: []Spec{mid("m-2")}, New: []Spec{srv("i-web1", 80)}},
			kind: KindConflict, field: FieldServerID},
		{name: "ReplaceWithStoppedServerRefused", batch: Batch{Old: []Spec{mid("m-2")}, New: []Spec{srv("i-stopped", 80)}},
			kind: KindInvalid, field: FieldServerState},
		{name: "ReplaceWithPortZeroRefused", batch: Batch{Old: []Spec{mid("m-2")}, New: []Spec{srv("i-web3", 0)}},
			kind: KindInvalid, field: FieldPort},
	})
}

func TestPlanReplaceAll(t *testing.T) {
	// resolve makes an id for every entry, matched or not, so the first new member of a list
	// whose first entry matches is new-2.
	runPlanCases(t, ActionReplaceAll, []planCase{
		{name: "ReplaceAllMatchKeepsMemberIDAndGetsNewWeight", batch: Batch{New: []Spec{weighted(srv("i-web2", 80), 0)}},
			members: []string{"m-2 i-web2 10.0.1.12:80 w0"},
			removed: []string{m1, m3, m4}, changed: []string{"m-2 w50->w0"}},
		{name: "ReplaceAllMatchesOnAddressAndPort", batch: Batch{New: []Spec{weighted(ip("10.0.2.20", "vsw-2", 80), 20)}},
			members: []string{"m-4 - 10.0.2.20:80 w20"},
			removed: []string{m1, m2, m3}, changed: []string{"m-4 w10->w20"}},
		{name: "ReplaceAllRemovesMissingAndAddsNew", batch: Batch{New: []Spec{srv("i-web2", 80), srv("i-web3", 80)}},
			members: []string{m2, "new-2 i-web3 10.0.1.13:80 w100"},
			removed: []string{m1, m3, m4}, added: []string{"new-2 i-web3 10.0.1.13:80 w100"}},
		{name: "ReplaceAllMatchWithoutWeightKeepsItsWeight", batch: Batch{DefaultWeight: 1, New: []Spec{ip("10.0.2.20", "vsw-2", 80), srv("i-web3", 80)}},
			members: []string{m4, "new-2 i-web3 10.0.1.13:80 w1"},
			removed: []string{m1, m2, m3}, added: []string{"new-2 i-web3 10.0.1.13:80 w1"}},
		{name: "ReplaceAllKeepsDescriptionWhenNoneGiven", batch: Batch{New: []Spec{weighted(srv("i-web1", 80), 5)}},
			members: []string{"m-1 i-web1 10.0.1.11:80 w5 [web one]"},
			removed: []string{m2, m3, m4}, changed: []string{"m-1 w100->w5"}},
		{name: "ReplaceAllChangesDescription", batch: Batch{New: []Spec{described(srv("i-web1", 80), "api")}},
			members: []string{"m-1 i-web1 10.0.1.11:80 w100 [api]"},
			removed: []string{m2, m3, m4}, changed: []string{"m-1 w100->w100 [web one]->[api]"}},
		{name: "ReplaceAllWithTheSameListChangesNothing", batch: Batch{New: []Spec{
			described(srv("i-web1", 80), "web one"), srv("i-web2", 80), srv("i-web1", 8080), ip("10.0.2.20", "vsw-2", 80)}},
			members: []string{m1, m2, m3, m4}},
		{name: "ReplaceAllFollowsTheListOrder", batch: Batch{New: []Spec{ip("10.0.2.20", "vsw-2", 80), srv("i-web2", 80)}},
			members: []string{m4, m2}, removed: []string{m1, m3}},
		{name: "ReplaceAllEmptyListRemovesEverything", batch: Batch{},
			removed: []string{m1, m2, m3, m4}},
		{name: "ReplaceAllInDefaultList", target: defaultFixture, batch: Batch{New: []Spec{weighted(Spec{ServerID: "i-web2"}, 30), {ServerID: "i-web3"}}},
			members: []string{"d-2 i-web2 10.0.1.12 w30", "new-2 i-web3 10.0.1.13 w100"},
			removed: []string{d1}, added: []string{"new-2 i-web3 10.0.1.13 w100"}, changed: []string{"d-2 w100->w30"}},
		{name: "ReplaceAllDuplicateNewEntriesRefused", batch: Batch{New: []Spec{srv("i-web3", 80), srv("i-web3", 80)}},
			kind: KindConflict, field: FieldServerID},
		{name: "ReplaceAllDuplicateMatchingEntriesRefused", batch: Batch{New: []Spec{srv("i-web2", 80), weighted(srv("i-web2", 80), 1)}},
			kind: KindConflict, field: FieldServerID},
		{name: "ReplaceAllDuplicateAddressPortRefused", batch: Batch{New: []Spec{srv("i-web3", 80), ip("10.0.1.13", "vsw-1", 80)}},
			kind: KindConflict, field: FieldAddress},
		{name: "ReplaceAllEntryWithItsMemberIDUpdatesIt", batch: Batch{New: []Spec{read("m-4", weighted(ip("10.0.2.20", "vsw-2", 80), 20))}},
			members: []string{"m-4 - 10.0.2.20:80 w20"},
			removed: []string{m1, m2, m3}, changed: []string{"m-4 w10->w20"}},
		{name: "ReplaceAllEntryWithAnotherMembersIDRefused", batch: Batch{New: []Spec{read("m-2", ip("10.0.2.20", "vsw-2", 80))}},
			kind: KindConflict, field: FieldMemberID},
		{name: "ReplaceAllEntryWithTheIDOfAMemberNoLongerThereRefused", batch: Batch{New: []Spec{read("m-9", ip("10.0.1.13", "vsw-1", 80))}},
			kind: KindConflict, field: FieldMemberID},
		{name: "ReplaceAllStoppedServerRefused", batch: Batch{New: []Spec{srv("i-web2", 80), srv("i-stopped", 80)}},
			kind: KindInvalid, field: FieldServerState},
		{name: "ReplaceAllWeightAbove100Refused", batch: Batch{New: []Spec{weighted(srv("i-web2", 80), 101)}},
			kind: KindInvalid, field: FieldWeight},
		{name: "ReplaceAllAddressOutsideSubnetRefused", batch: Batch{New: []Spec{ip("10.0.1.77", "vsw-2", 80)}},
			kind: KindInvalid, field: FieldAddress},
	})
}

func TestPlanUpsert(t *testing.T) {
	runPlanCases(t, ActionUpsert, []planCase{
		{name: "UpsertKeepsUnlistedMembers", batch: Batch{New: []Spec{srv("i-web3", 80)}},
			members: []string{m1, m2, m3, m4, "new-1 i-web3 10.0.1.13:80 w100"}, added: []string{"new-1 i-web3 10.0.1.13:80 w100"}},
		{name: "UpsertUpdatesAMatchInPlace", batch: Batch{New: []Spec{weighted(srv("i-web2", 80), 0), srv("i-web3", 80)}},
			members: []string{m1, "m-2 i-web2 10.0.1.12:80 w0", m3, m4, "new-2 i-web3 10.0.1.13:80 w100"},
			added:   []string{"new-2 i-web3 10.0.1.13:80 w100"}, changed: []string{"m-2 w50->w0"}},
		{name: "UpsertMatchWithoutWeightKeepsItsWeight", batch: Batch{DefaultWeight: 1, New: []Spec{described(ip("10.0.2.20", "vsw-2", 80), "db")}},
			members: []string{m1, m2, m3, "m-4 - 10.0.2.20:80 w10 [db]"}, changed: []string{"m-4 w10->w10 []->[db]"}},
		{name: "UpsertEmptyListChangesNothing", batch: Batch{}, members: []string{m1, m2, m3, m4}},
		{name: "UpsertInDefaultList", target: defaultFixture, batch: Batch{New: []Spec{{ServerID: "i-web3"}}},
			members: []string{d1, d2, "new-1 i-web3 10.0.1.13 w100"}, added: []string{"new-1 i-web3 10.0.1.13 w100"}},
		{name: "UpsertDuplicateEntriesRefused", batch: Batch{New: []Spec{srv("i-web3", 80), srv("i-web3", 80)}},
			kind: KindConflict, field: FieldServerID},
		{name: "UpsertEntryWithItsMemberIDUpdatesIt", batch: Batch{New: []Spec{read("m-2", weighted(srv("i-web2", 80), 0))}},
			members: []string{m1, "m-2 i-web2 10.0.1.12:80 w0", m3, m4}, changed: []string{"m-2 w50->w0"}},
		{name: "UpsertEntryWithAnotherMembersIDRefused", batch: Batch{New: []Spec{read("m-1", srv("i-web2", 80))}},
			kind: KindConflict, field: FieldMemberID},
		{name: "UpsertStoppedServerRefused", batch: Batch{New: []Spec{srv("i-stopped", 80)}},
			kind: KindInvalid, field: FieldServerState},
		{name: "UpsertOnLockedLoadBalancerRefused", target: lockedFixture, batch: Batch{New: []Spec{srv("i-web3", 80)}},
			kind: KindForbidden, field: FieldLoadBalancer},
	})
}

func TestPlanSetWeights(t *testing.T) {
	runPlanCases(t, ActionSetWeights, []planCase{
		{name: "SetWeightChangesWeight", batch: Batch{New: []Spec{weighted(mid("m-2"), 70)}},
			members: []string{m1, "m-2 i-web2 10.0.1.12:80 w70", m3, m4}, changed: []string{"m-2 w50->w70"}},
		{name: "SetWeightZeroDrains", batch: Batch{New: []Spec{weighted(mid("m-1"), 0), weighted(mid("m-3"), 0)}},
			members: []string{"m-1 i-web1 10.0.1.11:80 w0 [web one]", m2, "m-3 i-web1 10.0.1.11:8080 w0", m4},
			changed: []string{"m-1 w100->w0", "m-3 w100->w0"}},
		{name: "SetWeight100", batch: Batch{New: []Spec{weighted(mid("m-4"), 100)}},
			members: []string{m1, m2, m3, "m-4 - 10.0.2.20:80 w100"}, changed: []string{"m-4 w10->w100"}},
		{name: "SetWeightByServerIDAndPort", batch: Batch{New: []Spec{weighted(srv("i-web1", 8080), 20)}},
			members: []string{m1, m2, "m-3 i-web1 10.0.1.11:8080 w20", m4}, changed: []string{"m-3 w100->w20"}},
		{name: "SetWeightByAddressAndPort", batch: Batch{New: []Spec{weighted(Spec{Address: "10.0.2.20", Port: 80}, 0)}},
			members: []string{m1, m2, m3, "m-4 - 10.0.2.20:80 w0"}, changed: []string{"m-4 w10->w0"}},
		{name: "SetWeightByServerIDInDefaultList", target: defaultFixture, batch: Batch{New: []Spec{weighted(Spec{ServerID: "i-web2"}, 0)}},
			members: []string{d1, "d-2 i-web2 10.0.1.12 w0"}, changed: []string{"d-2 w100->w0"}},
		{name: "UnchangedWeightProducesNoChange", batch: Batch{New: []Spec{weighted(mid("m-2"), 50), weighted(mid("m-1"), 100)}},
			members: []string{m1, m2, m3, m4}},
		{name: "SetDescriptionOnly", batch: Batch{New: []Spec{described(mid("m-2"), "api")}},
			members: []string{m1, m2 + " [api]", m3, m4}, changed: []string{"m-2 w50->w50 []->[api]"}},
		{name: "SetWeightAndDescription", batch: Batch{New: []Spec{described(weighted(mid("m-1"), 1), "")}},
			members: []string{"m-1 i-web1 10.0.1.11:80 w1", m2, m3, m4}, changed: []string{"m-1 w100->w1 [web one]->[]"}},
		{name: "SetLongDescriptionWithRESTLimit", batch: Batch{DescriptionLimit: MaxNameLen, New: []Spec{described(mid("m-2"), strings.Repeat("n", 100))}},
			members: []string{m1, m2 + " [" + strings.Repeat("n", 100) + "]", m3, m4},
			changed: []string{"m-2 w50->w50 []->[" + strings.Repeat("n", 100) + "]"}},

		{name: "UnknownMemberRefused", batch: Batch{New: []Spec{weighted(mid("m-9"), 1)}},
			kind: KindNotFound, field: FieldMemberID},
		{name: "UnknownServerRefused", batch: Batch{New: []Spec{weighted(srv("i-web3", 80), 1)}},
			kind: KindNotFound, field: FieldServerID},
		{name: "MemberListedTwiceRefused", batch: Batch{New: []Spec{weighted(mid("m-2"), 1), weighted(mid("m-2"), 2)}},
			kind: KindInvalid, field: FieldMemberID},
		{name: "MemberNamedTwiceDifferentlyRefused", batch: Batch{New: []Spec{weighted(mid("m-2"), 1), weighted(srv("i-web2", 80), 2)}},
			kind: KindInvalid, field: FieldServerID},
		{name: "NeitherWeightNorDescriptionRefused", batch: Batch{New: []Spec{mid("m-2")}},
			kind: KindInvalid, field: FieldWeight},
		{name: "WeightAbove100Refused", batch: Batch{New: []Spec{weighted(mid("m-2"), 101)}},
			kind: KindInvalid, field: FieldWeight},
		{name: "WeightBelowZeroRefused", batch: Batch{New: []Spec{weighted(mid("m-2"), -1)}},
			kind: KindInvalid, field: FieldWeight},
		{name: "DescriptionOver80CharsRefused", batch: Batch{New: []Spec{described(mid("m-2"), strings.Repeat("é", 81))}},
			kind: KindInvalid, field: FieldDescription},
		{name: "InvalidUTF8DescriptionRefused", batch: Batch{New: []Spec{described(mid("m-2"), "\xc3")}},
			kind: KindInvalid, field: FieldDescription},
		{name: "ServerIDWithoutPortRefusedInVServerGroup", batch: Batch{New: []Spec{weighted(Spec{ServerID: "i-web2"}, 1)}},
			kind: KindInvalid, field: FieldPort},
		{name: "OneBadEntryRefusesTheWholeBatch", batch: Batch{New: []Spec{weighted(mid("m-1"), 0), weighted(mid("m-9"), 0)}},
			kind: KindNotFound, field: FieldMemberID},
	})
}

func TestPlanLockedLoadBalancerRefusesEveryAction(t *testing.T) {
	runPlanCases(t, "", []planCase{
		{name: "LockedLoadBalancerRefusesRemove", target: lockedFixture, batch: Batch{Action: ActionRemove, Old: []Spec{mid("m-1")}},
			kind: KindForbidden, field: FieldLoadBalancer},
		{name: "LockedLoadBalancerRefusesAdd", target: lockedFixture, batch: Batch{Action: ActionAdd, New: []Spec{srv("i-web3", 80)}},
			kind: KindForbidden, field: FieldLoadBalancer},
		{name: "LockedLoadBalancerRefusesReplace", target: lockedFixture, batch: Batch{Action: ActionReplace, Old: []Spec{mid("m-1")}, New: []Spec{srv("i-web3", 80)}},
			kind: KindForbidden, field: FieldLoadBalancer},
		{name: "LockedLoadBalancerRefusesReplaceAll", target: lockedFixture, batch: Batch{Action: ActionReplaceAll, New: []Spec{srv("i-web3", 80)}},
			kind: KindForbidden, field: FieldLoadBalancer},
		{name: "LockedLoadBalancerRefusesSetWeights", target: lockedFixture, batch: Batch{Action: ActionSetWeights, New: []Spec{weighted(mid("m-1"), 0)}},
			kind: KindForbidden, field: FieldLoadBalancer},
		{name: "LockedLoadBalancerRefusesAnEmptyBatch", target: lockedFixture, batch: Batch{Action: ActionRemove},
			kind: KindForbidden, field: FieldLoadBalancer},
		{name: "InactiveLoadBalancerAccepts", target: func() Target { t := fixture(); t.LoadBalancer.Status = LBInactive; return t },
			batch:   Batch{Action: ActionSetWeights, New: []Spec{weighted(mid("m-4"), 0)}},
			members: []string{m1, m2, m3, "m-4 - 10.0.2.20:80 w0"}, changed: []string{"m-4 w10->w0"}},
		{name: "UnknownActionRefused", batch: Batch{Action: "delete", Old: []Spec{mid("m-1")}},
			kind: KindInvalid, field: FieldAction},
		{name: "MissingActionRefused", batch: Batch{Old: []Spec{mid("m-1")}},
			kind: KindInvalid, field: FieldAction},
	})
}

// ports returns n entries for distinct ports of one new address in vsw-1.
func ports(n int) []Spec {
	out := make([]Spec, n)
	for i := range out {
		out[i] = ip("10.0.1.50", "vsw-1", 1000+i)
	}
	return out
}

func TestPlanBatchSize(t *testing.T) {
	tests := []struct {
		name    string
		batch   Batch
		kind    Kind
		added   int
		removed int
	}{
		{name: "TwentyEntriesAllowedWhenLimitIs20", batch: Batch{Action: ActionAdd, Limit: MaxSLBEntries, New: ports(20)}, added: 20},
		{name: "TwentyOneEntriesRefusedWhenLimitIs20", batch: Batch{Action: ActionAdd, Limit: MaxSLBEntries, New: ports(21)}, kind: KindTooMany},
		{name: "TwentyOneOldEntriesRefusedWhenLimitIs20", batch: Batch{Action: ActionRemove, Limit: MaxSLBEntries, Old: ports(21)}, kind: KindTooMany},
		{name: "TwentyOldAndTwentyNewAllowedWhenLimitIs20", batch: Batch{Action: ActionReplace, Limit: MaxSLBEntries, Old: ports(20), New: ports(20)}, added: 20},
		{name: "TwoHundredAllowedWhenLimitIs200", batch: Batch{Action: ActionAdd, Limit: MaxRESTEntries, New: ports(200)}, added: 200},
		{name: "TwoHundredOneRefusedWhenLimitIs200", batch: Batch{Action: ActionAdd, Limit: MaxRESTEntries, New: ports(201)}, kind: KindTooMany},
		{name: "TwoHundredOneRefusedByReplaceAllWhenLimitIs200", batch: Batch{Action: ActionReplaceAll, Limit: MaxRESTEntries, New: ports(201)}, kind: KindTooMany},
		{name: "LimitZeroAllows200", batch: Batch{Action: ActionReplaceAll, New: ports(200)}, added: 200, removed: 4},
		{name: "LimitZeroRefuses201", batch: Batch{Action: ActionAdd, New: ports(201)}, kind: KindTooMany},
		{name: "TooManyRefusedBeforeBadEntries", batch: Batch{Action: ActionAdd, Limit: MaxSLBEntries, New: make([]Spec, 21)}, kind: KindTooMany},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Plan(fixture(), tc.batch)
			if tc.kind != "" {
				checkErr(t, err, tc.kind, FieldEntries)
				return
			}
			checkErr(t, err, "", "")
			if got := len(res.Diff.Added); got != tc.added {
				t.Errorf("added %d, want %d", got, tc.added)
			}
			if got := len(res.Diff.Removed); got != tc.removed {
				t.Errorf("removed %d, want %d", got, tc.removed)
			}
		})
	}
}

// TestPlanAddBuildsFullMembers checks every field of new members, which the tables above print
// only in part.
func TestPlanAddBuildsFullMembers(t *testing.T) {
	tests := []struct {
		name string
		spec Spec
		want Member
	}{
		{"ServerGivesAddressSubnetAndType", described(srv("eni-web4", 443), "eni"),
			Member{ID: "new-1", GroupID: "rsp-web", ServerID: "eni-web4", Address: "10.0.2.14", Port: 443, Weight: 100,
				Type: TypeENI, Description: "eni", SubnetID: "vsw-2", Created: now, Updated: now}},
		{"AddressOfInventoryServerGivesItsIDAndType", ip("10.0.2.14", "vsw-2", 443),
			Member{ID: "new-1", GroupID: "rsp-web", ServerID: "eni-web4", Address: "10.0.2.14", Port: 443, Weight: 100,
				Type: TypeENI, SubnetID: "vsw-2", Created: now, Updated: now}},
		{"AddressOutsideInventoryIsECSByDefault", weighted(ip("10.0.2.31", "vsw-2", 443), 3),
			Member{ID: "new-1", GroupID: "rsp-web", Address: "10.0.2.31", Port: 443, Weight: 3,
				Type: TypeECS, SubnetID: "vsw-2", Created: now, Updated: now}},
		{"AddressOutsideInventoryKeepsGivenType", Spec{Address: "10.0.2.31", SubnetID: "vsw-2", Port: 443, Type: TypeECI},
			Member{ID: "new-1", GroupID: "rsp-web", Address: "10.0.2.31", Port: 443, Weight: 100,
				Type: TypeECI, SubnetID: "vsw-2", Created: now, Updated: now}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Plan(fixture(), Batch{Action: ActionAdd, New: []Spec{tc.spec}})
			checkErr(t, err, "", "")
			if len(res.Diff.Added) != 1 {
				t.Fatalf("added %d members, want 1", len(res.Diff.Added))
			}
			if got := res.Diff.Added[0]; got != tc.want {
				t.Errorf("\n got  %+v\n want %+v", got, tc.want)
			}
		})
	}
}

func TestPlanWithoutNewIDMakesUUIDs(t *testing.T) {
	tg := fixture()
	tg.NewID = nil
	res, err := Plan(tg, Batch{Action: ActionAdd, New: []Spec{srv("i-web3", 80), srv("i-web3", 81)}})
	checkErr(t, err, "", "")
	for _, m := range res.Diff.Added {
		if !uuidV4.MatchString(m.ID) {
			t.Errorf("member id %q is not a version 4 UUID", m.ID)
		}
	}
	if len(res.Diff.Added) == 2 && res.Diff.Added[0].ID == res.Diff.Added[1].ID {
		t.Errorf("two new members share id %s", res.Diff.Added[0].ID)
	}
}

func TestPlanResultDoesNotShareTargetMembers(t *testing.T) {
	tests := []struct {
		name  string
		batch Batch
	}{
		{"NoOpSetWeights", Batch{Action: ActionSetWeights, New: []Spec{weighted(mid("m-1"), 100)}}},
		{"RemoveNothing", Batch{Action: ActionRemove, Old: []Spec{mid("m-9")}}},
		{"RemoveLast", Batch{Action: ActionRemove, Old: []Spec{mid("m-4")}}},
		{"AddOne", Batch{Action: ActionAdd, New: []Spec{srv("i-web3", 80)}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tg := fixture()
			given := slices.Clone(tg.Members)
			res, err := Plan(tg, tc.batch)
			checkErr(t, err, "", "")
			for i := range res.Members {
				res.Members[i].Weight = -7
			}
			_ = append(res.Members, Member{ID: "intruder"})
			if !reflect.DeepEqual(tg.Members, given) {
				t.Errorf("writing to the result changed the target's members:\n got  %v\n want %v", fms(tg.Members), fms(given))
			}
		})
	}
}

func TestDiff(t *testing.T) {
	a := member("m-1", "i-web1", "10.0.1.11", 80, 100)
	b := member("m-2", "i-web2", "10.0.1.12", 80, 50)
	c := member("new-1", "i-web3", "10.0.1.13", 80, 100)
	drained := a
	drained.Weight = 0
	tests := []struct {
		name   string
		diff   Diff
		before []string
		after  []string
		count  int
		empty  bool
	}{
		{"EmptyDiff", Diff{}, nil, nil, 0, true},
		{"RemovedOnlyIsBefore", Diff{Removed: []Member{b}}, []string{fm(b)}, nil, 1, false},
		{"AddedOnlyIsAfter", Diff{Added: []Member{c}}, nil, []string{fm(c)}, 1, false},
		{"ChangedIsBothSides", Diff{Changed: []Change{{Before: a, After: drained}}}, []string{fm(a)}, []string{fm(drained)}, 1, false},
		{"RemovedThenChangedBefore_AddedThenChangedAfter",
			Diff{Removed: []Member{b}, Added: []Member{c}, Changed: []Change{{Before: a, After: drained}}},
			[]string{fm(b), fm(a)}, []string{fm(c), fm(drained)}, 3, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			compare(t, "Before", fms(tc.diff.Before()), tc.before)
			compare(t, "After", fms(tc.diff.After()), tc.after)
			if got := tc.diff.Count(); got != tc.count {
				t.Errorf("Count = %d, want %d", got, tc.count)
			}
			if got := tc.diff.Empty(); got != tc.empty {
				t.Errorf("Empty = %v, want %v", got, tc.empty)
			}
		})
	}
}
