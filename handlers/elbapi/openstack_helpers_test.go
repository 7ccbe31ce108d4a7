package elbapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lbconsole/db"
	"lbconsole/lb"
)

// Debian's OpenStack client (python3-openstackclient with python3-octaviaclient, which pulls
// in openstacksdk) and the interpreter it runs on: /usr/bin/openstack starts with
// #!/usr/bin/python3, and a python3 earlier on the PATH (a pyenv, say) may lack the modules.
const (
	openstackBin = "/usr/bin/openstack"
	debianPython = "/usr/bin/python3"
)

// commandTimeout bounds one command: `openstack … --wait` polls without an end of its own.
const commandTimeout = 2 * time.Minute

// needOpenStack skips the test under -short, and when the OpenStack client is missing except
// in CI (CI=true), where it fails: CI installs it.
func needOpenStack(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: the OpenStack client's tests run without -short, as CI runs them")
	}
	_, err := os.Stat(openstackBin)
	if err == nil {
		err = exec.Command(debianPython, "-c", "import openstack, octaviaclient").Run()
	}
	if err == nil {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("the OpenStack client is not installed (%v), and CI=true: CI must install it (apt-get install -y python3-openstackclient python3-octaviaclient)", err)
	}
	t.Skipf("the OpenStack client is not installed (%v): apt-get install -y python3-openstackclient python3-octaviaclient; these tests skip outside CI", err)
}

// openstack runs Debian's OpenStack clients against the console as one user: the CLI with the
// console's root as its endpoint and the user's API token (no Keystone: admin_token), and
// Python scripts with openstacksdk.
type openstack struct {
	t        *testing.T
	endpoint string
	token    string
	home     string
}

// openstack returns the clients of user for test t (a subtest of e's, say), with a home of
// their own.
func (e *env) openstack(t *testing.T, user string) *openstack {
	return &openstack{t: t, endpoint: e.srv.URL, token: tokens[user], home: t.TempDir()}
}

// result is what a command did.
type result struct {
	stdout, stderr string
	code           int
}

// run runs a command in a clean environment: the clients read OS_* variables and clouds.yaml
// from the environment and the home directory, and cache their plugins under $HOME.
func (o *openstack) run(name string, args ...string) result {
	o.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), commandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + o.home, "LANG=C.UTF-8"}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
	case err != nil:
		o.t.Fatalf("%s %s: %v", name, strings.Join(args, " "), err)
	}
	return result{stdout: stdout.String(), stderr: stderr.String(), code: cmd.ProcessState.ExitCode()}
}

// cli runs `openstack loadbalancer ARGS…`.
func (o *openstack) cli(args ...string) result {
	o.t.Helper()
	auth := []string{"--os-auth-type", "admin_token", "--os-endpoint", o.endpoint, "--os-token", o.token, "loadbalancer"}
	return o.run(openstackBin, append(auth, args...)...)
}

// ok runs `openstack loadbalancer ARGS…`, which must succeed, and returns its standard output.
func (o *openstack) ok(args ...string) string {
	o.t.Helper()
	r := o.cli(args...)
	if r.code != 0 {
		o.t.Fatalf("openstack loadbalancer %s: exit %d\n%s%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r.stdout
}

// json runs `openstack loadbalancer ARGS… -f json`, which must succeed, into v.
func (o *openstack) json(v any, args ...string) {
	o.t.Helper()
	out := o.ok(append(args, "-f", "json")...)
	if err := json.Unmarshal([]byte(out), v); err != nil {
		o.t.Fatalf("openstack loadbalancer %s -f json printed %q: %v", strings.Join(args, " "), out, err)
	}
}

// fails runs `openstack loadbalancer ARGS…`, which must fail with a message on standard error
// containing want, and returns that message.
func (o *openstack) fails(want string, args ...string) string {
	o.t.Helper()
	r := o.cli(args...)
	if r.code != 1 || r.stdout != "" || !strings.Contains(r.stderr, want) {
		o.t.Fatalf("openstack loadbalancer %s: exit %d, printed %q %q; want exit 1 and %q", strings.Join(args, " "), r.code, r.stdout, r.stderr, want)
	}
	return r.stderr
}

// sdk runs the openstacksdk script testdata/NAME with ARGS after the endpoint and the token,
// and reads the JSON it prints into v.
func (o *openstack) sdk(v any, name string, args ...string) {
	o.t.Helper()
	script, err := filepath.Abs(filepath.Join("testdata", name))
	if err != nil {
		o.t.Fatal(err)
	}
	r := o.run(debianPython, append([]string{script, o.endpoint, o.token}, args...)...)
	if r.code != 0 {
		o.t.Fatalf("%s: exit %d\n%s%s", name, r.code, r.stdout, r.stderr)
	}
	if err := json.Unmarshal([]byte(r.stdout), v); err != nil {
		o.t.Fatalf("%s printed %q: %v", name, r.stdout, err)
	}
}

// cliMember is a member as `openstack loadbalancer member list/show -f json` prints it.
type cliMember struct {
	ID                 string `json:"id"`
	Name               string `json:"name"`
	Address            string `json:"address"`
	ProtocolPort       int    `json:"protocol_port"`
	Weight             int    `json:"weight"`
	ProjectID          string `json:"project_id"`
	ProvisioningStatus string `json:"provisioning_status"`
	OperatingStatus    string `json:"operating_status"`
	SubnetID           string `json:"subnet_id"`
	Tags               string `json:"tags"`
}

// same reports whether the CLI printed m as the store has it.
func (c cliMember) same(m lb.Member) bool {
	return c.ID == m.ID && c.Name == m.Description && c.Address == m.Address && c.ProtocolPort == m.Port && c.Weight == m.Weight
}

// thirdPool is a pool of an active load balancer with members, other than the env's two.
func (e *env) thirdPool() lb.Group {
	e.t.Helper()
	ps, _ := e.allPools()
	for _, p := range ps {
		if p.ID == e.pool.ID || p.ID == e.other.ID || len(p.MemberIDs) == 0 {
			continue
		}
		if l, err := e.store.GetLoadBalancer(e.ctx, p.LoadBalancerID); err == nil && l.Status == lb.LBActive {
			return p.Group
		}
	}
	e.t.Fatal("the demo data has no third pool of an active load balancer")
	return lb.Group{}
}

// uniquePoolName returns the name of a pool that no other pool has, with its id: names
// repeat across regions in the demo, and the CLI refuses a name that several pools have.
func (e *env) uniquePoolName(t *testing.T) (string, string) {
	t.Helper()
	ps, _ := e.allPools()
	count := map[string]int{}
	for _, p := range ps {
		count[p.Name]++
	}
	for _, p := range ps {
		if count[p.Name] == 1 {
			return p.Name, p.ID
		}
	}
	t.Fatal("every pool shares its name with another")
	return "", ""
}

// auditByRequest returns the audit entry of a pool whose request id is id.
func (e *env) auditByRequest(poolID, id string) (db.AuditEntry, bool) {
	e.t.Helper()
	page, err := e.store.ListAudit(e.ctx, db.AuditFilter{Group: poolID})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, a := range page.Items {
		if a.RequestID == id {
			return a, true
		}
	}
	return db.AuditEntry{}, false
}
