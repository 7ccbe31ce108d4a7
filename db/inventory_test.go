package db

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"lbconsole/lb"
)

func TestListServers(t *testing.T) {
	ctx := context.Background()
	d, _ := seededDB(t, Options{})
	all, err := d.ListServers(ctx, ServerFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if all.Total != 480 || len(all.Items) != 480 {
		t.Fatalf("ListServers() = %d items of %d; want all 480 demo servers", len(all.Items), all.Total)
	}

	t.Run("QueryMatchesIDNameOrAddress", func(t *testing.T) {
		s := all.Items[len(all.Items)/2]
		for _, q := range []string{s.ID, s.ID[2:8], s.Name, s.Address} {
			res, err := d.ListServers(ctx, ServerFilter{Query: q})
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, got := range res.Items {
				found = found || got == s
				if !strings.Contains(got.ID, q) && !strings.Contains(got.Name, q) && !strings.Contains(got.Address, q) {
					t.Errorf("query %q matched %+v", q, got)
				}
			}
			if !found {
				t.Errorf("query %q did not find %s", q, s.ID)
			}
		}
	})

	t.Run("LikeWildcardsAreLiteral", func(t *testing.T) {
		res, err := d.ListServers(ctx, ServerFilter{Query: "%"})
		if err != nil || res.Total != 0 {
			t.Errorf("query %% = %d, %v; want 0 matches", res.Total, err)
		}
	})

	t.Run("RegionAndStatus", func(t *testing.T) {
		res, err := d.ListServers(ctx, ServerFilter{Region: "cn-shanghai", Status: lb.StatusStopped})
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		for _, s := range all.Items {
			if s.RegionID == "cn-shanghai" && s.Status == lb.StatusStopped {
				want++
			}
		}
		if want == 0 || res.Total != want {
			t.Errorf("stopped in cn-shanghai = %d; want %d (non-zero)", res.Total, want)
		}
		for _, s := range res.Items {
			if s.RegionID != "cn-shanghai" || s.Status != lb.StatusStopped {
				t.Errorf("got %+v", s)
			}
		}
	})

	t.Run("Paging", func(t *testing.T) {
		res, err := d.ListServers(ctx, ServerFilter{Offset: 450, Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 480 || len(res.Items) != 30 || res.Items[0] != all.Items[450] {
			t.Errorf("page at 450 = %d items of %d; want the last 30 of 480 in order", len(res.Items), res.Total)
		}
	})
}

// importFixture is an empty inventory with one subnet to import into.
type importFixture struct {
	d      *DB
	subnet lb.Subnet
	who    Origin
}

func newImportFixture(t *testing.T) importFixture {
	t.Helper()
	d, _ := emptyDB(t, Options{})
	sn := lb.Subnet{ID: "vsw-import", VpcID: "vpc-import", Name: "import", CIDR: "10.50.0.0/16"}
	for _, q := range []string{
		"INSERT INTO regions (id, name) VALUES ('cn-hangzhou', 'Hangzhou')",
		"INSERT INTO vpcs (id, region_id, name, cidr) VALUES ('vpc-import', 'cn-hangzhou', 'import', '10.50.0.0/16')",
		"INSERT INTO subnets (id, vpc_id, name, cidr) VALUES ('vsw-import', 'vpc-import', 'import', '10.50.0.0/16')",
		"INSERT INTO servers (id, name, address, subnet_id, type, status) VALUES ('i-old', 'old', '10.50.200.5', 'vsw-import', 'ecs', 'Running')",
	} {
		if _, err := d.write.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	return importFixture{d: d, subnet: sn, who: Origin{ActorID: 1, Actor: "ann", ClientIP: "192.0.2.7", RequestID: "req-import"}}
}

// row is a good row at line n (the header is line 1): server i-nNNN at 10.50.1.n.
func (f importFixture) row(n int) ServerImport {
	return ServerImport{Line: n, Server: lb.Server{ID: fmt.Sprintf("i-n%04d", n), Name: fmt.Sprintf("web %d", n),
		Address: fmt.Sprintf("10.50.%d.%d", n/250, n%250+1), SubnetID: f.subnet.ID, Type: lb.TypeECS, Status: lb.StatusRunning}}
}

func (f importFixture) rows(n int) []ServerImport {
	out := make([]ServerImport, 0, n)
	for i := 2; i < n+2; i++ {
		out = append(out, f.row(i))
	}
	return out
}

func (f importFixture) run(t *testing.T, rows []ServerImport) ImportResult {
	t.Helper()
	res, err := f.d.ImportServers(context.Background(), ImportRequest{Origin: f.who, File: "servers.csv", Rows: rows})
	if err != nil {
		t.Fatalf("ImportServers: %v", err)
	}
	return res
}

func (f importFixture) servers(t *testing.T) int {
	t.Helper()
	return count(t, f.d, "SELECT count(*) FROM servers")
}

func TestImportServers(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		f := newImportFixture(t)
		res := f.run(t, f.rows(3))
		if res.Refused() || res.Imported != 3 || res.Seq != 1 {
			t.Fatalf("ImportServers = %+v; want 3 imported, audit entry 1", res)
		}
		got, err := f.d.ListServers(context.Background(), ServerFilter{Query: "i-n"})
		if err != nil {
			t.Fatal(err)
		}
		want := f.row(3).Server
		want.VpcID, want.RegionID = "vpc-import", "cn-hangzhou"
		if got.Total != 3 || got.Items[1] != want {
			t.Errorf("imported servers = %+v; want 3, the second %+v", got.Items, want)
		}
		e := getAudit(t, f.d, res.Seq)
		if e.Action != ActionImportServers || e.Outcome != OutcomeOK || e.Actor != "ann" || e.Source != SourceConsole ||
			e.ClientIP != "192.0.2.7" || e.RequestID != "req-import" || e.Count != 3 ||
			e.Servers != "i-n0002 i-n0003 i-n0004" || e.Request != "servers.csv: 3 rows" || e.Before != "[]" || e.After != "[]" {
			t.Errorf("audit entry = %+v", e)
		}
	})

	t.Run("AllOrNothing", func(t *testing.T) {
		f := newImportFixture(t)
		rows := f.rows(10)
		rows[4].Server.Address = "10.51.0.1"
		rows[7].Server.Status = "running"
		res := f.run(t, rows)
		if !res.Refused() || res.Imported != 0 || res.BadRows != 2 {
			t.Fatalf("ImportServers = %+v; want refused with 2 bad rows", res)
		}
		if len(res.Problems) != 2 || res.Problems[0].Line != 6 || res.Problems[1].Line != 9 {
			t.Errorf("problems = %+v; want lines 6 and 9", res.Problems)
		}
		if n := f.servers(t); n != 1 {
			t.Errorf("%d servers after a refused import; want only the 1 there before", n)
		}
		e := getAudit(t, f.d, res.Seq)
		if e.Outcome != string(lb.KindInvalid) || e.Action != ActionImportServers || !strings.Contains(e.Message, "line 6:") || !strings.Contains(e.Message, "line 9:") {
			t.Errorf("refusal audit entry = outcome %q, message %q; want invalid naming lines 6 and 9", e.Outcome, e.Message)
		}
	})

	long := strings.Repeat("x", 129)
	for _, tc := range []struct {
		name   string
		change func(s *lb.Server)
		reason string
	}{
		{"ErrIDPrefix", func(s *lb.Server) { s.ID = "vm-123" }, "must start with i- or eni-"},
		{"ErrIDCharacters", func(s *lb.Server) { s.ID = "i-ABC" }, "lower-case letters, digits and dashes"},
		{"ErrIDTooShort", func(s *lb.Server) { s.ID = "i-" }, "too short"},
		{"ErrIDOnlyPrefix", func(s *lb.Server) { s.ID = "eni-" }, "nothing after its prefix"},
		{"ErrIDTooLong", func(s *lb.Server) { s.ID = "i-" + strings.Repeat("a", 63) }, "at most 64"},
		{"ErrIDEmpty", func(s *lb.Server) { s.ID = "" }, "id is empty"},
		{"ErrNameTooLong", func(s *lb.Server) { s.Name = long }, "129 characters long"},
		{"ErrNameControl", func(s *lb.Server) { s.Name = "web\x07" }, "control character"},
		{"ErrNameNotUTF8", func(s *lb.Server) { s.Name = "web\xff" }, "not valid UTF-8"},
		{"ErrNameRightToLeftOverride", func(s *lb.Server) { s.Name = "web\u202e1-gnp" }, "bidirectional control U+202E"},
		{"ErrNameRightToLeftIsolate", func(s *lb.Server) { s.Name = "web\u20671" }, "bidirectional control U+2067"},
		{"ErrAddressIsTheSubnetsNetworkAddress", func(s *lb.Server) { s.Address = "10.50.0.0" }, "network address of subnet vsw-import"},
		{"ErrAddressIsTheSubnetsBroadcastAddress", func(s *lb.Server) { s.Address = "10.50.255.255" }, "broadcast address of subnet vsw-import"},
		{"ErrAddressNotIPv4", func(s *lb.Server) { s.Address = "fe80::1" }, "not an IPv4 address"},
		{"ErrAddressOutsideSubnet", func(s *lb.Server) { s.Address = "10.60.0.1" }, "is not in subnet vsw-import"},
		{"ErrSubnetUnknown", func(s *lb.Server) { s.SubnetID = "vsw-nope" }, "subnet vsw-nope does not exist"},
		{"ErrType", func(s *lb.Server) { s.Type = "vm" }, `type "vm" is not ecs, eni or eci`},
		{"ErrStatus", func(s *lb.Server) { s.Status = "Starting" }, `status "Starting" is not Running or Stopped`},
		{"ErrIDInInventory", func(s *lb.Server) { s.ID = "i-old" }, "already in the inventory"},
		{"ErrAddressUsedInSubnet", func(s *lb.Server) { s.Address = "10.50.200.5" }, "already used by server i-old"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newImportFixture(t)
			rows := f.rows(3)
			tc.change(&rows[1].Server)
			res := f.run(t, rows)
			if !res.Refused() || len(res.Problems) != 1 || res.Problems[0].Line != 3 || !strings.Contains(res.Problems[0].Reason, tc.reason) {
				t.Errorf("problems = %+v; want one on line 3 containing %q", res.Problems, tc.reason)
			}
			if n := f.servers(t); n != 1 {
				t.Errorf("%d servers; want 1: nothing imported", n)
			}
		})
	}

	t.Run("ErrDuplicateInFile", func(t *testing.T) {
		f := newImportFixture(t)
		rows := f.rows(4)
		rows[2].Server.ID = rows[0].Server.ID
		rows[3].Server.Address = rows[1].Server.Address
		res := f.run(t, rows)
		want := []ImportProblem{
			{Line: 4, Reason: "server id i-n0002 is also on line 2"},
			{Line: 5, Reason: "address 10.50.0.4 in subnet vsw-import is also on line 3"},
		}
		if len(res.Problems) != 2 || res.Problems[0] != want[0] || res.Problems[1] != want[1] {
			t.Errorf("problems = %+v; want %+v", res.Problems, want)
		}
	})

	t.Run("EveryReasonOfARow", func(t *testing.T) {
		f := newImportFixture(t)
		rows := f.rows(1)
		rows[0].Server.Type, rows[0].Server.Status = "vm", "on"
		res := f.run(t, rows)
		if len(res.Problems) != 1 || !strings.Contains(res.Problems[0].Reason, "type") || !strings.Contains(res.Problems[0].Reason, "status") {
			t.Errorf("problems = %+v; want one naming both type and status", res.Problems)
		}
	})

	t.Run("UnreadableRowsAreReported", func(t *testing.T) {
		f := newImportFixture(t)
		rows := append(f.rows(2), ServerImport{Line: 4, Problem: "the line has 5 fields"})
		res := f.run(t, rows)
		if len(res.Problems) != 1 || res.Problems[0] != (ImportProblem{Line: 4, Reason: "the line has 5 fields"}) {
			t.Errorf("problems = %+v", res.Problems)
		}
	})

	t.Run("ErrNoRows", func(t *testing.T) {
		f := newImportFixture(t)
		if res := f.run(t, nil); !res.Refused() || res.Problems[0].Line != 1 {
			t.Errorf("empty import = %+v; want refused at line 1", res)
		}
	})

	t.Run("ErrTooManyRows", func(t *testing.T) {
		f := newImportFixture(t)
		res := f.run(t, f.rows(MaxImportRows+1))
		if !res.Refused() || res.BadRows != 1 || res.Problems[0].Line != MaxImportRows+2 || !strings.Contains(res.Problems[0].Reason, "more than 5000") {
			t.Errorf("import of 5001 rows = %+v; want refused at line 5002", res.Problems)
		}
		if n := f.servers(t); n != 1 {
			t.Errorf("%d servers; want 1", n)
		}
	})

	t.Run("ProblemsAreCappedButCounted", func(t *testing.T) {
		f := newImportFixture(t)
		rows := f.rows(80)
		for i := range rows {
			rows[i].Server.Type = "vm"
		}
		res := f.run(t, rows)
		if res.BadRows != 80 || len(res.Problems) != MaxImportProblems || res.Problems[49].Line != 51 {
			t.Errorf("BadRows %d, %d problems listed, last at %d; want 80, 50, line 51", res.BadRows, len(res.Problems), res.Problems[len(res.Problems)-1].Line)
		}
	})

	t.Run("AuditNamesAtMost200Servers", func(t *testing.T) {
		f := newImportFixture(t)
		res := f.run(t, f.rows(MaxImportRows))
		if res.Imported != MaxImportRows {
			t.Fatalf("imported %d; want %d: %+v", res.Imported, MaxImportRows, res.Problems)
		}
		e := getAudit(t, f.d, res.Seq)
		ids := strings.Fields(e.Servers)
		if e.Count != MaxImportRows || len(ids) != 201 || ids[200] != "…" || ids[199] != "i-n0201" {
			t.Errorf("audit count %d, %d words ending %q; want 5000, 200 ids then …", e.Count, len(ids), ids[len(ids)-1])
		}
		if r, err := f.d.VerifyAudit(context.Background()); err != nil || !r.OK() {
			t.Errorf("VerifyAudit = %+v, %v", r, err)
		}
	})
}
