package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"lbconsole/fleet"
	"lbconsole/lb"
)

// fleetV1 is the fleet the end-to-end test starts from: two regions, a load balancer with an
// HAProxy data plane, a default list and two VServer groups (one member named by its address
// alone, one with a description), and one in another region.
const fleetV1 = `# the fleet of the end-to-end test
regions:
  - {id: eu-west-1, name: Europe West}
  - {id: ap-east-1, name: Asia East}
vpcs:
  - {id: vpc-prod, region: eu-west-1, name: prod, cidr: 10.20.0.0/16}
  - {id: vpc-asia, region: ap-east-1, name: asia, cidr: 10.40.0.0/16}
subnets:
  - {id: vsw-a, vpc: vpc-prod, name: a, cidr: 10.20.1.0/24}
  - {id: vsw-b, vpc: vpc-prod, name: b, cidr: 10.20.2.0/24}
  - {id: vsw-asia, vpc: vpc-asia, name: asia-a, cidr: 10.40.1.0/24}
servers:
  - {id: i-web-1, name: web-1, address: 10.20.1.11, subnet: vsw-a}
  - {id: i-web-2, name: web-2, address: 10.20.1.12, subnet: vsw-a}
  - {id: i-web-3, name: web-3, address: 10.20.2.13, subnet: vsw-b}
  - {id: eni-db-1, name: db-1, address: 10.20.2.20, subnet: vsw-b, type: eni}
  - {id: i-asia-1, name: asia-1, address: 10.40.1.10, subnet: vsw-asia}
  - {id: i-asia-2, name: asia-2, address: 10.40.1.11, subnet: vsw-asia}
load_balancers:
  - id: lb-web
    name: web
    region: eu-west-1
    vpc: vpc-prod
    address: 203.0.113.10
    address_type: internet
    dataplane:
      haproxy:
        runtime_api: [unix:/run/haproxy/web.sock]
    groups:
      - id: dfl-web
        name: default
        kind: default
        default_port: 8080
        members:
          - {server: i-web-1}
          - {server: i-web-2, weight: 50}
      - id: rsp-web-http
        name: web-http
        kind: vserver
        health_check: {type: http, path: /healthz}
        members:
          - {server: i-web-1, port: 80, weight: 100}
          - {server: i-web-2, port: 80, weight: 100, description: second}
          - {server: i-web-3, port: 80, weight: 20}
          - {address: 10.20.2.250, port: 80, weight: 10, description: canary}
      - id: rsp-web-https
        name: web-https
        kind: vserver
        members:
          - {server: i-web-1, port: 443}
          - {server: i-web-3, port: 443}
  - id: lb-asia
    name: asia
    region: ap-east-1
    vpc: vpc-asia
    address: 198.51.100.7
    address_type: internet
    groups:
      - {id: dfl-asia, name: default, kind: default, members: [{server: i-asia-1}]}
      - id: rsp-asia-api
        name: asia-api
        kind: vserver
        members:
          - {server: i-asia-1, port: 9000}
          - {server: i-asia-2, port: 9000, weight: 0}
`

// fleetV2 is fleetV1 edited: the load balancer and a group renamed, a weight changed, and
// server i-web-2 taken out of its groups and out of the file.
var fleetV2 = strings.NewReplacer(
	"    name: web\n", "    name: web-frontend\n",
	"        name: web-https\n", "        name: web-tls\n",
	"{server: i-web-3, port: 80, weight: 20}", "{server: i-web-3, port: 80, weight: 60}",
	"          - {server: i-web-2, weight: 50}\n", "",
	"          - {server: i-web-2, port: 80, weight: 100, description: second}\n", "",
	"  - {id: i-web-2, name: web-2, address: 10.20.1.12, subnet: vsw-a}\n", "",
).Replace(fleetV1)

const adminPassword = "a long enough admin password"

// TestFleetEndToEnd is the "done when": the real binary applies a fleet file to an
// empty database, applies it again (no change), exports it and applies the export (no change),
// applies an edited file with --prune; after each step the console's pages, the SLB API (the
// Alibaba Cloud SDK) and the REST API (gophercloud) show exactly the file, and the audit log
// holds every change.
func TestFleetEndToEnd(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "fleet.db")
	v1, v2 := writeFile(t, dir, "v1.yaml", fleetV1), writeFile(t, dir, "v2.yaml", fleetV2)
	if fleetV2 == fleetV1 || strings.Contains(fleetV2, "i-web-2") {
		t.Fatal("fleetV2 did not edit fleetV1 as meant")
	}

	out := mustRun(t, "", "fleet", "apply", "--db", dbPath, v1)
	if !strings.Contains(out, "create load balancer lb-web\n") || !strings.Contains(out, "applied: 20 created, 0 updated, 0 deleted, 5 member lists replaced\n") {
		t.Fatalf("first apply printed:\n%s", out)
	}

	srv := startServer(t, dbPath, adminPassword)
	keyOut := mustRun(t, "", "key", "create", "--user", "admin", "--db", dbPath)
	cred := createdCredentials(t, keyOut)
	console := signIn(t, srv.addr, "admin", adminPassword)
	shows := func(step, file string) {
		t.Helper()
		want := fileView(parseFile(t, file))
		consoleWant := project(want, func(*lbView) {}, func(*memberView) {})
		for i := range consoleWant {
			for j := range consoleWant[i].Groups {
				if g := &consoleWant[i].Groups[j]; g.Kind == lb.KindDefault {
					g.Name = ""
				}
			}
		}
		if got := console.view(); !reflect.DeepEqual(got, consoleWant) {
			t.Errorf("%s: the console shows\n%+v\nwant\n%+v", step, got, consoleWant)
		}
		slbWant := project(want, func(*lbView) {}, func(*memberView) {})
		for i := range slbWant {
			for j := range slbWant[i].Groups {
				if g := &slbWant[i].Groups[j]; g.Kind == lb.KindDefault {
					g.ID, g.Name = "", ""
				}
			}
		}
		if got := slbView(t, srv.addr, cred["AccessKeyId"], cred["AccessKeySecret"], []string{"eu-west-1", "ap-east-1"}); !reflect.DeepEqual(got, slbWant) {
			t.Errorf("%s: the SLB API shows\n%+v\nwant\n%+v", step, got, slbWant)
		}
		restWant := project(want, func(l *lbView) { *l = lbView{ID: l.ID, Groups: l.Groups} },
			func(m *memberView) { m.Server = "" }, lb.KindVServer)
		for i := range restWant {
			for j := range restWant[i].Groups {
				restWant[i].Groups[j].Name = ""
			}
		}
		if got := restView(t, srv.addr, cred["Token"], want); !reflect.DeepEqual(got, restWant) {
			t.Errorf("%s: the REST API shows\n%+v\nwant\n%+v", step, got, restWant)
		}
	}
	shows("after the first apply", fleetV1)

	t.Run("the same file again changes nothing", func(t *testing.T) {
		if out := mustRun(t, "", "fleet", "apply", "--db", dbPath, v1); out != fleet.NothingToDo+"\n" {
			t.Errorf("second apply printed:\n%s", out)
		}
	})

	t.Run("its export, applied, changes nothing", func(t *testing.T) {
		yamlExport := mustRun(t, "", "fleet", "export", "--db", dbPath)
		jsonExport := mustRun(t, "", "fleet", "export", "--db", dbPath, "--format", "json")
		for name, data := range map[string]string{"export.yaml": yamlExport, "export.json": jsonExport} {
			if out := mustRun(t, "", "fleet", "apply", "--prune", "--db", dbPath, writeFile(t, dir, name, data)); out != fleet.NothingToDo+"\n" {
				t.Errorf("applying %s printed:\n%s", name, out)
			}
		}
		if out := mustRun(t, jsonExport, "fleet", "apply", "--db", dbPath, "-"); out != fleet.NothingToDo+"\n" {
			t.Errorf("applying the JSON export from standard input printed:\n%s", out)
		}
		if again := mustRun(t, "", "fleet", "export", "--db", dbPath); again != yamlExport {
			t.Errorf("a second export differs from the first")
		}
	})
	shows("after the re-applies", fleetV1)

	t.Run("a dry run of the edit changes nothing", func(t *testing.T) {
		before := mustRun(t, "", "fleet", "export", "--db", dbPath)
		out := mustRun(t, "", "fleet", "apply", "--dry-run", "--prune", "--db", dbPath, v2)
		if !strings.Contains(out, "delete server i-web-2\n") || !strings.HasSuffix(out, "dry run: nothing was changed\n") {
			t.Errorf("dry run printed:\n%s", out)
		}
		if after := mustRun(t, "", "fleet", "export", "--db", dbPath); after != before {
			t.Error("the dry run changed the fleet")
		}
	})

	out = mustRun(t, "", "fleet", "apply", "--prune", "--db", dbPath, v2)
	for _, line := range []string{
		`update load balancer lb-web: name "web" → "web-frontend"`,
		// The file gives the group no backend, so its backend follows its name, and the plan says so.
		`update group rsp-web-https in load balancer lb-web: name "web-https" → "web-tls", backend "web-https" → "web-tls"`,
		"replace members of dfl-web: +0 −1 ~0",
		"replace members of rsp-web-http: +0 −1 ~1",
		"    ~ i-web-3 (10.20.2.13:80): weight 20 → 60",
		"delete server i-web-2",
		"applied: 0 created, 2 updated, 1 deleted, 2 member lists replaced",
	} {
		if !strings.Contains(out, line+"\n") {
			t.Errorf("the edit's apply does not print %q:\n%s", line, out)
		}
	}
	shows("after the edit", fleetV2)

	t.Run("the audit log holds every change and its chain verifies", func(t *testing.T) {
		if out := mustRun(t, "", "audit", "verify", "--db", dbPath); !strings.Contains(out, "audit chain intact") {
			t.Errorf("audit verify: %s", out)
		}
		rows := csvRows(t, mustRun(t, "", "audit", "export", "--db", dbPath, "--source", "fleet"))
		count := map[string]int{}
		for _, r := range rows {
			count[r["action"]]++
		}
		want := map[string]int{"create_region": 2, "create_vpc": 2, "create_subnet": 3, "create_server": 6, "create_load_balancer": 2,
			"create_group": 5, "replace_all": 7, "update_load_balancer": 1, "update_group": 1, "delete_server": 1}
		if !reflect.DeepEqual(count, want) {
			t.Errorf("fleet entries by action = %v, want %v", count, want)
		}
		editID := strings.TrimSpace(out[strings.LastIndex(out, "audited with request id ")+len("audited with request id "):])
		var edit []string
		for _, r := range rows {
			if r["action"] == "delete_server" && (r["servers"] != "i-web-2" || r["message"] != "delete server i-web-2") {
				t.Errorf("delete_server row: %v", r)
			}
			if r["request_id"] == editID {
				edit = append(edit, r["action"]+" "+r["group"]+r["load_balancer"])
			}
		}
		if want := []string{"update_load_balancer lb-web", "update_group rsp-web-httpslb-web", "replace_all dfl-weblb-web",
			"replace_all rsp-web-httplb-web", "delete_server "}; !reflect.DeepEqual(edit, want) {
			t.Errorf("entries of the edit's request id %q: %q, want %q", editID, edit, want)
		}
		page := console.page("/audit?source=fleet&action=update_load_balancer")
		if n := page.Find("tr[data-testid=audit-row]").Length(); n != 1 {
			t.Errorf("/audit filtered on update_load_balancer shows %d rows, want 1", n)
		}
	})
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func parseFile(t *testing.T, text string) fleet.Document {
	t.Helper()
	doc, err := fleet.Parse([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// createdCredentials reads the three lines of key create.
func createdCredentials(t *testing.T, out string) map[string]string {
	t.Helper()
	cred := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if k, v, ok := strings.Cut(line, ": "); ok {
			cred[k] = strings.TrimSpace(v)
		}
	}
	if cred["AccessKeyId"] == "" || cred["AccessKeySecret"] == "" || cred["Token"] == "" {
		t.Fatalf("key create printed %q", out)
	}
	return cred
}

func csvRows(t *testing.T, data string) []map[string]string {
	t.Helper()
	records, err := csv.NewReader(strings.NewReader(data)).ReadAll()
	if err != nil || len(records) == 0 {
		t.Fatalf("CSV: %v", err)
	}
	var rows []map[string]string
	for _, rec := range records[1:] {
		row := map[string]string{}
		for i, name := range records[0] {
			row[name] = rec[i]
		}
		rows = append(rows, row)
	}
	return rows
}
