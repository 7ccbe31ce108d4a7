package stress

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/slb"

	"lbconsole/auth"
	"lbconsole/db"
	"lbconsole/internal/testenv"
	"lbconsole/lb"
)

// newHarness prepares to run the binary on a copy of the demo database with its users, named
// name.db in a directory of the test's own.
func newHarness(t *testing.T, name string) *testenv.Harness {
	t.Helper()
	path := filepath.Join(t.TempDir(), name+".db")
	testenv.DemoUsers.CopyTo(t, path)
	return testenv.NewHarness(t, path)
}

// fixtureOf opens the database at path, which a server may be serving, and picks groups and
// servers.
func fixtureOf(t *testing.T, ctx context.Context, path string) fixture {
	t.Helper()
	store, err := db.Open(ctx, path, db.Options{Key: testenv.Key()})
	if err != nil {
		t.Fatalf("db.Open: %v", err)
	}
	defer store.Close()
	return pickFixture(t, ctx, store)
}

// TestSLBReplayAcrossRestartAndProcesses captures a signed RemoveVServerGroupBackendServers as
// anyone on the path could, and sends it again: to the server after it was killed with SIGKILL
// and restarted on the same database, and to a second server running on that database at the
// same time, both ways. Each replay must be refused with SignatureNonceUsed and must leave the
// server it would remove in the group.
func TestSLBReplayAcrossRestartAndProcesses(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	h := newHarness(t, "replay")
	srv := h.Start(ctx)
	cred := h.KeyCreate(ctx, testenv.Admin)
	g, server := replayTarget(t, fixtureOf(t, ctx, h.DBPath))
	r := &replayer{t: t, cred: cred, group: g.Group.ID, server: server.ID, port: g.Port}
	r.add(srv.Addr)

	// The captured call works once, on the server it was made for.
	captured := r.removal(srv.Addr)
	r.send(captured, http.StatusOK, "")
	r.wantMember(srv.Addr, false, "after the captured removal")
	r.add(srv.Addr)

	srv.Kill()
	srv = h.Start(ctx)
	r.send(onHost(t, captured, srv.Addr), http.StatusBadRequest, "SignatureNonceUsed")
	r.wantMember(srv.Addr, true, "after the removal was replayed to the restarted server")
	logf(t, "replay after SIGKILL and restart: refused with SignatureNonceUsed; %s:%d still in %s", server.ID, g.Port, g.Group.ID)

	second := h.Start(ctx)
	for _, hop := range []struct{ from, to *testenv.Process }{{srv, second}, {second, srv}} {
		captured := r.removal(hop.from.Addr)
		r.send(captured, http.StatusOK, "")
		r.add(hop.from.Addr)
		r.send(onHost(t, captured, hop.to.Addr), http.StatusBadRequest, "SignatureNonceUsed")
		r.wantMember(hop.to.Addr, true, "after a removal made for one server was replayed to the other")
	}
	logf(t, "replay to a second server on the same database, both ways: refused with SignatureNonceUsed")
	for _, p := range []*testenv.Process{srv, second} {
		if err := p.Stop(); err != nil {
			t.Errorf("a server did not stop cleanly on SIGTERM: %v", err)
		}
	}
	h.CheckLog()
}

// replayTarget picks a group and a running server of its VPC that is not in it.
func replayTarget(t *testing.T, fx fixture) (target, lb.Server) {
	t.Helper()
	g := fx.targets[0]
	in := map[string]bool{}
	for _, m := range g.Start {
		in[m.ServerID] = true
	}
	for _, s := range fx.pool {
		if !in[s.ID] {
			return g, s
		}
	}
	t.Fatalf("every server of the pool is already in %s", g.Group.ID)
	return target{}, lb.Server{}
}

// replayer makes, sends and checks the calls of the replay test, on one group and server.
type replayer struct {
	t      *testing.T
	cred   auth.APICredentials
	group  string
	server string
	port   int
}

func (r *replayer) list() string {
	return fmt.Sprintf(`[{"ServerId":%q,"Port":%d,"Weight":50}]`, r.server, r.port)
}

// removal is the signed URL of a call removing the server from the group, made for addr.
func (r *replayer) removal(addr string) string {
	req := slb.CreateRemoveVServerGroupBackendServersRequest()
	req.VServerGroupId, req.BackendServers = r.group, r.list()
	return sdkSignedURL(r.t, addr, r.cred, req)
}

// add puts the server (back) into the group with the SDK, so that a removal has something to do.
func (r *replayer) add(addr string) {
	r.t.Helper()
	req := slb.CreateAddVServerGroupBackendServersRequest()
	req.VServerGroupId, req.BackendServers = r.group, r.list()
	if _, err := sdkClient(r.t, addr, r.cred).AddVServerGroupBackendServers(req); err != nil {
		r.t.Fatalf("add %s to %s: %v", r.server, r.group, err)
	}
}

// send POSTs a signed URL and wants the given status and, for an error, code.
func (r *replayer) send(u string, status int, code string) {
	r.t.Helper()
	a, err := postSLB(http.DefaultClient, u)
	if err != nil {
		r.t.Fatal(err)
	}
	if a.status != status || a.code != code {
		r.t.Fatalf("POST %s: %d %.300s; want %d %s", u, a.status, a.body, status, code)
	}
}

// wantMember checks with the SDK whether the server is in the group.
func (r *replayer) wantMember(addr string, want bool, when string) {
	r.t.Helper()
	req := slb.CreateDescribeVServerGroupAttributeRequest()
	req.VServerGroupId = r.group
	res, err := sdkClient(r.t, addr, r.cred).DescribeVServerGroupAttribute(req)
	if err != nil {
		r.t.Fatalf("DescribeVServerGroupAttribute: %v", err)
	}
	got := false
	for _, s := range res.BackendServers.BackendServer {
		got = got || (s.ServerId == r.server && s.Port == r.port)
	}
	if got != want {
		r.t.Fatalf("%s: %s:%d in %s is %v; want %v", when, r.server, r.port, r.group, got, want)
	}
}
