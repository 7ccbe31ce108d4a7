package elbapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"lbconsole/lb"
)

// seedFiles are the seed document's three examples and what gophercloud's BatchUpdateMembers
// sends, verbatim.
func seedFiles(t testing.TB) map[string][]byte {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no seed bodies in testdata: %v", err)
	}
	out := make(map[string][]byte, len(paths))
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(p)] = b
	}
	return out
}

func TestDecodeBatchSeedExamples(t *testing.T) {
	files := seedFiles(t)
	tests := []struct {
		file     string
		action   lb.Action
		old, new int
	}{
		{"seed_add.json", lb.ActionAdd, 0, 3},
		{"seed_replace.json", lb.ActionReplaceAll, 0, 3},
		{"seed_delete.json", lb.ActionRemove, 2, 0},
		{"gophercloud_batch.json", lb.ActionReplaceAll, 0, 2},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			d, err := decodeBatch(files[tt.file], false)
			if err != nil {
				t.Fatalf("decodeBatch: %v", err)
			}
			b := d.batch
			if b.Action != tt.action || len(b.Old) != tt.old || len(b.New) != tt.new {
				t.Fatalf("got %s with %d old, %d new; want %s with %d, %d", b.Action, len(b.Old), len(b.New), tt.action, tt.old, tt.new)
			}
			if b.Limit != lb.MaxRESTEntries || b.DefaultWeight != 1 || b.DescriptionLimit != lb.MaxNameLen {
				t.Errorf("limits = %d, %d, %d; want 200, 1, 255", b.Limit, b.DefaultWeight, b.DescriptionLimit)
			}
			if b.Action == lb.ActionRemove != b.Strict {
				t.Errorf("Strict = %v for %s", b.Strict, b.Action)
			}
		})
	}
	d, _ := decodeBatch(files["gophercloud_batch.json"], false)
	if s := d.batch.New[0]; s.SubnetID != "" || *s.Weight != 10 || *s.Description != "web-1" || s.Port != 8080 {
		t.Errorf("first gophercloud entry = %+v; want no subnet, weight 10, name web-1, port 8080", s)
	}
	if s := d.batch.New[1]; s.Weight != nil || s.Description != nil {
		t.Errorf("second gophercloud entry = %+v; want weight and name not given", s)
	}
}

func TestDecodeBatchRefusals(t *testing.T) {
	tooMany := `{"members":[` + strings.TrimSuffix(strings.Repeat(`{"address":"10.0.0.1","protocol_port":80},`, 201), ",") + `]}`
	tests := []struct {
		name, body string
		status     int
		message    string
	}{
		{"ErrEmptyBody", ``, 400, "empty"},
		{"ErrNotJSON", `members=1`, 400, "not valid JSON"},
		{"ErrTruncated", `{"members":[`, 400, "ends in the middle"},
		{"ErrTwoValues", `{"members":[]} {}`, 400, "more than one JSON value"},
		{"ErrNotAnObject", `[]`, 400, "must be a JSON object"},
		{"ErrNull", `null`, 400, `needs a "members" list`},
		{"ErrMembersMissing", `{"action":"add"}`, 400, `needs a "members" list`},
		{"ErrMembersNull", `{"members":null}`, 400, `needs a "members" list`},
		{"ErrMembersNotList", `{"members":{}}`, 400, "members must be a list"},
		{"ErrUnknownAction", `{"members":[],"action":"remove"}`, 400, `not "remove"`},
		{"ErrEmptyAction", `{"members":[],"action":""}`, 400, `not ""`},
		{"ErrActionNotString", `{"members":[],"action":1}`, 400, "action must be a string"},
		{"ErrUnknownField", `{"members":[{"address":"10.0.0.1","protocol_port":80,"wieght":5}]}`, 400, `unknown field "wieght"`},
		{"ErrUnknownTopField", `{"members":[],"force":true}`, 400, `unknown field "force"`},
		{"ErrPortString", `{"members":[{"address":"10.0.0.1","protocol_port":"80"}]}`, 400, "protocol_port must be a whole number"},
		{"ErrPortFraction", `{"members":[{"address":"10.0.0.1","protocol_port":80.5}]}`, 400, "protocol_port must be a whole number"},
		{"ErrWeightHuge", `{"members":[{"address":"10.0.0.1","protocol_port":80,"weight":1e400}]}`, 400, "weight"},
		{"ErrAddressMissing", `{"members":[{"protocol_port":80}]}`, 400, "members[0] needs an address"},
		{"ErrPortMissing", `{"members":[{"address":"10.0.0.1"}]}`, 400, "members[0] needs a protocol_port"},
		{"ErrPortNull", `{"members":[{"address":"10.0.0.1","protocol_port":null}]}`, 400, "needs a protocol_port"},
		{"ErrNullEntry", `{"members":[null]}`, 400, "members[0] is null"},
		{"ErrIDOnAdd", `{"members":[{"id":"x","address":"10.0.0.1","protocol_port":80}],"action":"add"}`, 400, "id is not accepted"},
		{"ErrDeleteWithoutID", `{"members":[{"address":"10.0.0.1","protocol_port":80}],"action":"delete"}`, 400, "needs the id"},
		{"ErrDeleteLongID", `{"members":[{"id":"` + strings.Repeat("a", 65) + `"}],"action":"delete"}`, 400, "at most 64"},
		{"ErrMonitorPort", `{"members":[{"address":"10.0.0.1","protocol_port":80,"monitor_port":8080}]}`, 400, "monitor_port"},
		{"ErrMonitorAddress", `{"members":[{"address":"10.0.0.1","protocol_port":80,"monitor_address":"10.0.0.2"}]}`, 400, "monitor_address"},
		{"ErrTags", `{"members":[{"address":"10.0.0.1","protocol_port":80,"tags":["a"]}]}`, 400, "tags"},
		{"ErrTooMany", tooMany, 413, "201 servers in one batch: at most 200"},
		{"ErrActionTwice", `{"action":"delete","action":"add","members":[]}`, 400, `the key "action" is given more than once`},
		{"ErrActionCaseVariant", `{"action":"add","members":[],"Action":null}`, 400, `the key "Action" repeats "action": keys that differ only in case`},
		{"ErrFieldCapitalised", `{"members":[{"Address":"10.0.0.1","protocol_port":80}]}`, 400, `members[0]: unknown field "Address": field names are matched exactly; this one is spelt "address"`},
		{"ErrFieldFoldsWithLongS", `{"member\u017f":[]}`, 400, "unknown field \"member\u017f\": field names are matched exactly; this one is spelt \"members\""},
		{"ErrNestedKeyTwice", `{"members":[{"address":"10.0.0.1","address":"10.0.0.2","protocol_port":80}]}`, 400, `members[0]: the key "address" is given more than once`},
		{"ErrNestedCaseVariant", `{"members":[{},{"address":"10.0.0.1","protocol_port":80,"PROTOCOL_PORT":81}]}`, 400, `members[1]: the key "PROTOCOL_PORT" repeats "protocol_port"`},
		{"ErrDeepNesting", `{"members":` + strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000) + `}`, 400, "nests more than 32 levels deep"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decodeBatch([]byte(tt.body), false)
			if err == nil {
				t.Fatal("decodeBatch accepted it")
			}
			status, msg := statusOf(err)
			if status != tt.status || !strings.Contains(msg, tt.message) {
				t.Errorf("got %d %q; want %d containing %q", status, msg, tt.status, tt.message)
			}
		})
	}
}

func TestDecodeBatchTolerates(t *testing.T) {
	tests := []struct{ name, body string }{
		{"OctaviaDefaults", `{"members":[{"address":"10.0.0.1","protocol_port":80,"admin_state_up":true,"backup":false,"monitor_address":null,"monitor_port":null,"tags":[]}]}`},
		{"NullsMeanAbsent", `{"members":[{"address":"10.0.0.1","protocol_port":80,"subnet_id":null,"name":null,"weight":null,"project_id":null}],"action":null}`},
		{"EmptyAdd", `{"members":[],"action":"add"}`},
		{"EmptyReplace", `{"members":[]}`},
		{"EmptyDelete", `{"members":[],"action":"delete"}`},
		{"DeleteIgnoresOtherFields", `{"members":[{"id":"m1","address":"10.0.0.1","protocol_port":80,"weight":3}],"action":"delete"}`},
		{"Exactly200", `{"members":[` + strings.TrimSuffix(strings.Repeat(`{"id":"m1"},`, 200), ",") + `],"action":"delete"}`},
		{"ReadBackFieldsOfAReplace", `{"members":[{"id":"m1","name":"web","address":"10.0.0.1","protocol_port":80,"subnet_id":"vsw-1","pool_id":"rsp-1","project_id":"lb-1","weight":1,"admin_state_up":true,"provisioning_status":"ACTIVE","operating_status":"NO_MONITOR","backup":false,"monitor_address":null,"monitor_port":null,"tags":[],"created_at":"2024-01-02T03:04:05","updated_at":"2024-01-02T03:04:05"}]}`},
		{"ReadBackFieldsOfADelete", `{"members":[{"id":"m1","pool_id":"rsp-1","provisioning_status":"ACTIVE","operating_status":"DRAINING","created_at":"x","updated_at":"y"}],"action":"delete"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := decodeBatch([]byte(tt.body), false); err != nil {
				t.Errorf("decodeBatch: %v", err)
			}
		})
	}
}

func TestDecodeUpdate(t *testing.T) {
	d, changes, err := decodeUpdate([]byte(`{"member":{"weight":7,"name":"n"}}`), "m1")
	if err != nil || !changes {
		t.Fatalf("decodeUpdate = %v, %v", changes, err)
	}
	if b, s := d.batch, d.batch.New[0]; b.Action != lb.ActionSetWeights || s.MemberID != "m1" || *s.Weight != 7 || *s.Description != "n" {
		t.Errorf("batch = %+v", b)
	}
	if want := `{"member":{"name":"n","weight":7}}`; d.request != want {
		t.Errorf("request = %s; want %s", d.request, want)
	}
	if _, changes, err := decodeUpdate([]byte(`{"member":{"monitor_address":"","tags":[]}}`), "m1"); err != nil || changes {
		t.Errorf("a no-op update = %v, %v; want false, nil", changes, err)
	}
	for body, maint := range map[string]bool{`{"member":{"admin_state_up":false}}`: true, `{"member":{"admin_state_up":true}}`: false} {
		d, changes, err := decodeUpdate([]byte(body), "m1")
		if s := d.batch.New; err != nil || !changes || d.batch.Action != lb.ActionSetMaintenance || s[0].Maintenance == nil || *s[0].Maintenance != maint {
			t.Errorf("decodeUpdate(%s) = %+v, %v, %v; want set_maintenance with maintenance %v", body, d.batch, changes, err, maint)
		}
	}
	for _, body := range []string{`{"member":{"address":"10.0.0.1"}}`, `{"weight":5}`,
		`{"member":{"weight":5,"Weight":100}}`, `{"Member":{"weight":5}}`} {
		if _, _, err := decodeUpdate([]byte(body), "m1"); err == nil {
			t.Errorf("decodeUpdate(%s) accepted it", body)
		}
	}
}

// fuzzTarget is a pool that the decoded batches are planned on, so that the fuzzers check
// what matters: whatever the decoder lets through, the plan keeps every rule or refuses.
func fuzzTarget() lb.Target {
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	sn := lb.Subnet{ID: "33d8b01a-bbe6-41f4-bc45-78a1d284d503", VpcID: "vpc-1", CIDR: "192.168.44.0/24"}
	return lb.Target{
		LoadBalancer: lb.LoadBalancer{ID: "lb-1", VpcID: "vpc-1", Status: lb.LBActive},
		Group:        lb.Group{ID: "rsp-1", LoadBalancerID: "lb-1", Kind: lb.KindVServer, Version: 1},
		Members: []lb.Member{
			{ID: "33d8b01a-bbe6-41f4-bc45-78a1d284d503", GroupID: "rsp-1", Address: "192.168.44.11", Port: 88, Weight: 1, SubnetID: sn.ID, Type: lb.TypeECS},
			{ID: "m-2", GroupID: "rsp-1", Address: "192.168.44.99", Port: 80, Weight: 100, SubnetID: sn.ID, Type: lb.TypeECS},
		},
		Subnets: []lb.Subnet{sn, {ID: "vsw-2", VpcID: "vpc-1", CIDR: "10.0.0.0/8"}},
		Now:     now,
	}
}

// checkRefusal fails unless err is a client error: the decoder and the plan never answer 5xx.
func checkRefusal(t *testing.T, err error) {
	t.Helper()
	if status, msg := statusOf(err); status < 400 || status > 499 || status == http.StatusNotFound && !strings.Contains(msg, "member") {
		t.Fatalf("refusal answered %d %q (%T)", status, msg, err)
	}
}

// checkPlan plans b and fails if an accepted plan breaks a rule.
func checkPlan(t *testing.T, b lb.Batch) {
	t.Helper()
	res, err := lb.Plan(fuzzTarget(), b)
	if err != nil {
		if _, ok := lb.AsError(err); !ok {
			t.Fatalf("Plan failed with a non-domain error %v", err)
		}
		checkRefusal(t, err)
		return
	}
	seen := map[string]bool{}
	for _, m := range res.Members {
		if m.Port < lb.MinPort || m.Port > lb.MaxPort || m.Weight < lb.MinWeight || m.Weight > lb.MaxWeight {
			t.Fatalf("planned member %+v has a port or weight out of range", m)
		}
		if _, err := lb.ParseIPv4(m.Address); err != nil {
			t.Fatalf("planned member %+v has no IPv4 address", m)
		}
		if !utf8.ValidString(m.Description) || utf8.RuneCountInString(m.Description) > lb.MaxNameLen {
			t.Fatalf("planned member %+v has a bad name", m)
		}
		k := m.Address + ":" + itoa(m.Port)
		if seen[k] {
			t.Fatalf("planned members share %s", k)
		}
		seen[k] = true
	}
}

func FuzzDecodeBatch(f *testing.F) {
	for _, b := range seedFiles(f) {
		f.Add(b)
	}
	for _, s := range []string{
		``, `null`, `{}`, `[]`, `{"members":[]}`, `{"members":[],"action":"delete"}`,
		`{"members":[{"address":"192.168.44.12","protocol_port":0}],"action":"add"}`,
		`{"members":[{"address":"192.168.44.12","protocol_port":65536,"weight":101}]}`,
		`{"members":[{"address":"::1","protocol_port":80}]}`,
		`{"members":[{"address":"192.168.44.11","protocol_port":88,"weight":0,"name":"ä"}],"action":"add"}`,
		`{"members":[{"address":"192.168.44.11","protocol_port":88},{"address":"192.168.44.11","protocol_port":88}]}`,
		`{"members":[{"id":"m-2"},{"id":"nope"}],"action":"delete"}`,
		`{"members":[{"address":"10.1.2.3","protocol_port":1,"subnet_id":"vsw-2","weight":-1}]}`,
		`{"members":[{"ADDRESS":"10.1.2.3","Protocol_Port":1}]}`,
		`{"action":"add","members":[{"address":"192.168.44.12","protocol_port":80}],"Action":null}`,
		`{"action":"add","member\u017f":[{"address":"192.168.44.12","protocol_port":80}]}`,
		`{"members":[{"address":"192.168.44.12","protocol_port":80,"name":"<b>&amp;</b>"}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		additive := len(body)%2 == 1 // both ways, without a second fuzzed argument
		d, err := decodeBatch(body, additive)
		if err != nil {
			checkRefusal(t, err)
			return
		}
		checkExecuted(t, d, additive)
		b := d.batch
		if b.Size() > lb.MaxRESTEntries || b.Limit != lb.MaxRESTEntries || b.DefaultWeight != 1 || b.DescriptionLimit != lb.MaxNameLen {
			t.Fatalf("accepted batch breaks the REST limits: %+v", b)
		}
		switch b.Action {
		case lb.ActionRemove:
			if !b.Strict || len(b.New) != 0 {
				t.Fatalf("delete batch = %+v", b)
			}
			for _, s := range b.Old {
				if s.MemberID == "" || len(s.MemberID) > maxMemberIDLen || s.Address != "" || s.ServerID != "" {
					t.Fatalf("delete entry = %+v", s)
				}
			}
		case lb.ActionAdd, lb.ActionReplaceAll, lb.ActionUpsert:
			if (b.Action == lb.ActionUpsert) != additive && b.Action != lb.ActionAdd {
				t.Fatalf("additive_only %v decoded as %s", additive, b.Action)
			}
			if b.Strict || len(b.Old) != 0 {
				t.Fatalf("%s batch = %+v", b.Action, b)
			}
			for _, s := range b.New {
				if s.Address == "" || s.MemberID != "" || s.ServerID != "" {
					t.Fatalf("new entry = %+v", s)
				}
			}
		default:
			t.Fatalf("accepted action %q", b.Action)
		}
		checkPlan(t, b)
	})
}

// checkExecuted fails unless the request recorded for the audit log decodes, as it is, to the
// batch that runs: what the log says ran is what ran.
// additive_only, a query parameter, is recorded in the request and taken out to decode it.
func checkExecuted(t *testing.T, d decoded, additive bool) {
	t.Helper()
	var rec map[string]json.RawMessage
	if err := json.Unmarshal([]byte(d.request), &rec); err != nil {
		t.Fatalf("the executed request %s is not a JSON object: %v", d.request, err)
	}
	if flag, given := rec["additive_only"]; given != additive || given && string(flag) != "true" {
		t.Fatalf("the executed request %s does not say additive_only is %v", d.request, additive)
	}
	delete(rec, "additive_only")
	body, _ := json.Marshal(rec)
	again, err := decodeBatch(body, additive)
	if err != nil {
		t.Fatalf("the executed request %s does not decode: %v", d.request, err)
	}
	if !reflect.DeepEqual(again.batch, d.batch) || again.request != d.request {
		t.Fatalf("the executed request %s decodes to %+v; the batch that runs is %+v", d.request, again.batch, d.batch)
	}
}

func FuzzDecodeMember(f *testing.F) {
	for _, s := range []string{
		`{"member":{"address":"192.168.44.12","protocol_port":80}}`,
		`{"member":{"address":"192.168.44.12","protocol_port":80,"weight":5,"name":"x","subnet_id":"vsw-2","project_id":"lb-1"}}`,
		`{"member":{"weight":0}}`, `{"member":{"name":""}}`, `{"member":{"weight":101}}`,
		`{"member":{"admin_state_up":true}}`, `{"member":null}`, `{"member":[]}`, `{}`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if d, err := decodeCreate(body); err != nil {
			checkRefusal(t, err)
		} else {
			if d.batch.Action != lb.ActionAdd || len(d.batch.New) != 1 || len(d.batch.Old) != 0 || d.batch.New[0].Address == "" {
				t.Fatalf("create batch = %+v", d.batch)
			}
			checkPlan(t, d.batch)
		}
		d, changes, err := decodeUpdate(body, "m-2")
		if err != nil {
			checkRefusal(t, err)
			return
		}
		b, s := d.batch, d.batch.New[0]
		action := lb.ActionSetWeights
		switch {
		case s.Weight != nil || s.Description != nil:
		case s.Maintenance != nil:
			action = lb.ActionSetMaintenance
		case s.Backup != nil:
			action = lb.ActionSetBackup
		}
		if b.Action != action || len(b.New) != 1 || s.MemberID != "m-2" || changes != (s.Weight != nil || s.Description != nil || s.Maintenance != nil || s.Backup != nil) {
			t.Fatalf("update batch = %+v, changes %v", b, changes)
		}
		if changes {
			checkPlan(t, b)
		}
	})
}

// BenchmarkDecodeBatch200 decodes the largest batch body: 200 members with every field a
// client usually gives.
func BenchmarkDecodeBatch200(b *testing.B) {
	var entries []string
	for i := range 200 {
		entries = append(entries, fmt.Sprintf(`{"name":"web-%d","address":"10.0.%d.%d","protocol_port":8080,"subnet_id":"vsw-2","weight":%d,"admin_state_up":true}`, i, i/250, i%250+1, i%101))
	}
	body := []byte(`{"action":"replace","members":[` + strings.Join(entries, ",") + `]}`)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := decodeBatch(body, false); err != nil {
			b.Fatal(err)
		}
	}
}
