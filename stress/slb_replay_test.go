package stress

import (
	"context"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/slb"

	"lbconsole/db"
	"lbconsole/lb"
)

// newHarness builds the binary and prepares a database file and a server log in a temporary
// directory.
func newHarness(t *testing.T, name string) *harness {
	t.Helper()
	dir := t.TempDir()
	bin := buildConsole(t, dir)
	logFile, err := os.OpenFile(filepath.Join(dir, "server.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { logFile.Close() })
	return &harness{t: t, bin: bin, dbPath: filepath.Join(dir, name+".db"), log: logFile, env: serverEnv()}
}

// fixture opens the database the server serves, beside it, and picks groups and servers.
func (h *harness) fixture(ctx context.Context) fixture {
	h.t.Helper()
	key, err := os.ReadFile(h.dbPath + ".key")
	if err != nil {
		h.t.Fatalf("the server left no key file beside the database: %v", err)
	}
	storeKey, err := hex.DecodeString(strings.TrimSpace(string(key)))
	if err != nil {
		h.t.Fatalf("key file: %v", err)
	}
	store, err := db.Open(ctx, h.dbPath, db.Options{Key: storeKey})
	if err != nil {
		h.t.Fatalf("db.Open: %v", err)
	}
	defer store.Close()
	return pickFixture(h.t, ctx, store)
}

// TestSLBReplayAcrossRestartAndProcesses captures a signed RemoveVServerGroupBackendServers as
// anyone on the path could, and sends it again: to the server after it was killed with SIGKILL
// and restarted on the same database, and to a second server running on that database at the
// same time, both ways. Each replay must be refused with SignatureNonceUsed and must leave the
// server it would remove in the group.
func TestSLBReplayAcrossRestartAndProcesses(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	h := newHarness(t, "replay")
	srv := h.start(ctx, "--demo")
	t.Cleanup(func() { srv.kill() })
	cred := h.keyCreate(ctx)
	g, server := replayTarget(t, h.fixture(ctx))
	r := &replayer{t: t, cred: cred, group: g.Group.ID, server: server.ID, port: g.Port}
	r.add(srv.addr)

	// The captured call works once, on the server it was made for.
	captured := r.removal(srv.addr)
	r.send(captured, http.StatusOK, "")
	r.wantMember(srv.addr, false, "after the captured removal")
	r.add(srv.addr)

	srv.kill()
	srv = h.start(ctx)
	r.send(onHost(t, captured, srv.addr), http.StatusBadRequest, "SignatureNonceUsed")
	r.wantMember(srv.addr, true, "after the removal was replayed to the restarted server")
	logf(t, "replay after SIGKILL and restart: refused with SignatureNonceUsed; %s:%d still in %s", server.ID, g.Port, g.Group.ID)

	second := h.start(ctx)
	t.Cleanup(func() { second.kill() })
	for _, hop := range []struct{ from, to *proc }{{srv, second}, {second, srv}} {
		captured := r.removal(hop.from.addr)
		r.send(captured, http.StatusOK, "")
		r.add(hop.from.addr)
		r.send(onHost(t, captured, hop.to.addr), http.StatusBadRequest, "SignatureNonceUsed")
		r.wantMember(hop.to.addr, true, "after a removal made for one server was replayed to the other")
	}
	logf(t, "replay to a second server on the same database, both ways: refused with SignatureNonceUsed")
	for _, p := range []*proc{srv, second} {
		if err := p.stop(); err != nil {
			t.Errorf("a server did not stop cleanly on SIGTERM: %v", err)
		}
	}
	h.checkLog()
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
	cred   credentials
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
