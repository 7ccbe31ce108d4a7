package stress

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"lbconsole/internal/testenv"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/slb"
	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/loadbalancer/v2/pools"
)

// TestFullDisk serves a database from a small file system of the server's own (a tmpfs in a
// user and mount namespace), fills that file system while the server runs, and checks what
// clients and operators see: no SLB call is answered as refused unless its refusal is in the
// audit log (one whose entry cannot be written is answered 503, and counted), REST and console
// writes answer 503 rather than 500, /readyz says not ready, and once room is made all is well
// again. A real full disk: SQLite gets ENOSPC from the kernel, as it does on a full volume.
func TestFullDisk(t *testing.T) {
	t.Parallel()
	if err := exec.Command("unshare", "--user", "--map-root-user", "--mount", "true").Run(); err != nil {
		t.Skipf("this test mounts a tmpfs in a user namespace, which this machine does not allow (unshare: %v)", err)
	}
	dir := t.TempDir()
	bin := testenv.Binary(t)
	seed := filepath.Join(dir, "seed")
	mnt := filepath.Join(dir, "disk")
	for _, d := range []string{seed, mnt} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	x := seedExportDB(t, seed, "full.db", 50, nil)
	// The server runs on a 32 MiB tmpfs mounted over mnt, holding a copy of the seeded
	// database, in namespaces of its own: the mount is its alone and goes with it.
	wrapper := writeScript(t, dir, "console-on-tmpfs", fmt.Sprintf(`exec unshare --user --map-root-user --mount sh -c '
mount -t tmpfs -o size=32m tmpfs %[1]q && cp %[2]q/full.db %[2]q/full.db.key %[1]q/ && exec "$@"' sh %[3]q "$@"`, mnt, seed, bin))
	h := &testenv.Harness{T: t, Bin: wrapper, DBPath: filepath.Join(mnt, "full.db"), Log: testenv.ServerLog(t, dir), Env: testenv.ServerEnv()}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	srv := h.Start(ctx)
	defer srv.Kill()
	// The tmpfs as the test sees it: through the server's root, in its mount namespace.
	filler := fmt.Sprintf("/proc/%d/root%s/filler", srv.Pid(), mnt)

	sdk, rest := x.apiClients(t, srv.Addr)
	admin := signedIn(t, srv.Addr, testenv.Admin) // before the disk fills: signing in writes a session
	if a := refusedAdd(sdk, x.pool); a.status != http.StatusBadRequest {
		t.Fatalf("with room on the disk, a weight of 500 answered %d %s; want 400", a.status, a.code)
	}

	fillDisk(t, filler)
	var answers []sdkAnswer
	for i := 0; i < 20; i++ {
		answers = append(answers, refusedAdd(sdk, x.pool))
	}
	refused, unavailable := 0, 0
	for _, a := range answers {
		switch a.status {
		case http.StatusBadRequest:
			refused++ // must be in the audit log: checked once there is room again
		case http.StatusServiceUnavailable:
			unavailable++
		default:
			t.Errorf("on a full disk, a refused SLB call answered %d %s %q; want 400 (audited) or 503", a.status, a.code, a.message)
		}
	}
	logf(t, "on a full disk, 20 refused SLB calls: %d answered 400, %d answered 503", refused, unavailable)
	if unavailable == 0 {
		t.Error("no SLB call was answered 503 on a full disk: the test exercised nothing")
	}
	waitReady(t, srv.Addr, http.StatusServiceUnavailable, "cannot take writes")
	if got := metricSum(t, srv.Addr, "lbconsole_audit_write_failures_total"); got < float64(unavailable) {
		t.Errorf("lbconsole_audit_write_failures_total = %v; want at least the %d calls answered 503", got, unavailable)
	}
	checkWritesUnavailable(t, ctx, srv.Addr, x, rest, admin)

	// Room again: ready, refusals answered as such and audited, with every earlier 400.
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	waitReady(t, srv.Addr, http.StatusOK, "ready")
	after := refusedAdd(sdk, x.pool)
	if after.status != http.StatusBadRequest {
		t.Errorf("with room again, a weight of 500 answered %d %s; want 400", after.status, after.code)
	}
	csv := admin.getBody(t, srv.Addr, "/audit.csv?source=slb-api")
	for _, a := range append(answers, after) {
		if a.status == http.StatusBadRequest && !strings.Contains(csv, a.requestID) {
			t.Errorf("the SLB call %s was answered 400 (refused) but is not in the audit log", a.requestID)
		}
	}
	if err := srv.Stop(); err != nil {
		t.Errorf("the server did not stop cleanly: %v", err)
	}
}

// TestReadOnlyDatabase serves a database file that the server may not write, as after a
// wrong chmod or a restore from read-only media: it serves reads, says not ready, and
// answers every write 503, never 500 and never a refusal it could not record.
func TestReadOnlyDatabase(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bin := testenv.Binary(t)
	x := seedExportDB(t, dir, "ro.db", 50, nil)
	if err := os.Chmod(x.path, 0o444); err != nil {
		t.Fatal(err)
	}
	h := &testenv.Harness{T: t, Bin: bin, DBPath: x.path, Log: testenv.ServerLog(t, dir), Env: testenv.ServerEnv()}
	if os.Geteuid() == 0 {
		// Root writes whatever the mode says; in a user namespace that maps no one, it is
		// the file's owner without root's powers, and the mode holds.
		if err := exec.Command("unshare", "--user", "true").Run(); err != nil {
			t.Skipf("as root, this test needs a user namespace to make a file read-only, which this machine does not allow (unshare: %v)", err)
		}
		h.Bin = writeScript(t, dir, "console-not-root", fmt.Sprintf(`exec unshare --user %q "$@"`, bin))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	srv := h.Start(ctx)
	defer srv.Kill()
	sdk, rest := x.apiClients(t, srv.Addr)

	waitReady(t, srv.Addr, http.StatusServiceUnavailable, "cannot take writes")
	req := slb.CreateDescribeLoadBalancersRequest()
	req.RegionId = region
	if _, err := sdk.DescribeLoadBalancers(req); err != nil {
		t.Errorf("DescribeLoadBalancers on a read-only database: %v; want the load balancers", err)
	}
	if a := refusedAdd(sdk, x.pool); a.status != http.StatusServiceUnavailable {
		t.Errorf("on a read-only database, a refused SLB call answered %d %s %q; want 503: its refusal cannot be recorded", a.status, a.code, a.message)
	}
	if status := restCreate(ctx, rest, x.pool); status != http.StatusServiceUnavailable {
		t.Errorf("on a read-only database, a REST member create answered %d; want 503", status)
	}
	c := newConsoleClient(&world{timeout: 60 * time.Second}, testenv.Admin, 1)
	if err := c.signIn(srv.Addr, testenv.Admin, password); err == nil || !strings.Contains(err.Error(), "503") {
		t.Errorf("signing in on a read-only database: %v; want 503, as no session can be written", err)
	}
	if err := srv.Stop(); err != nil {
		t.Errorf("the server did not stop cleanly: %v", err)
	}
}

// checkWritesUnavailable checks that the REST API and the console answer a write 503 on a
// database that cannot take writes.
func checkWritesUnavailable(t *testing.T, ctx context.Context, host string, x exportDB, rest *gophercloud.ServiceClient, admin *consoleClient) {
	t.Helper()
	if status := restCreate(ctx, rest, x.pool); status != http.StatusServiceUnavailable && status != http.StatusBadRequest {
		t.Errorf("on a full disk, a REST member create answered %d; want 503 (or 400, refused and audited)", status)
	}
	path := "/lbs/" + x.poolLB + "/groups/" + x.pool
	p, err := admin.do(http.MethodGet, "http://"+host+path, nil, "")
	if err != nil || p.status != http.StatusOK || p.doc == nil {
		t.Fatalf("GET %s on a full disk: %v; want the group's page", path, err)
	}
	rows := rowsOf(p.doc)
	if len(rows) == 0 {
		t.Fatalf("the group %s shows no members", x.pool)
	}
	form := url.Values{"op": {"drain"}, "member": {rows[0].id}, "version": {p.version}, "_csrf": {p.csrf}}
	res, err := admin.do(http.MethodPost, "http://"+host+path+"/batch", form, "")
	if err != nil {
		t.Fatal(err)
	}
	if res.status != http.StatusServiceUnavailable {
		t.Errorf("on a full disk, a console batch answered %d; want 503", res.status)
	}
}

// sdkAnswer is how the SLB API answered a call made through the SDK.
type sdkAnswer struct {
	status                   int
	code, message, requestID string
}

// refusedAdd asks the SLB API to add a server with weight 500 to group: a call the API
// refuses itself, before the store, and records in the audit log as refused.
func refusedAdd(sdk *slb.Client, group string) sdkAnswer {
	req := slb.CreateAddVServerGroupBackendServersRequest()
	req.RegionId = region
	req.VServerGroupId = group
	req.BackendServers = `[{"ServerId":"i-full-disk","Port":80,"Weight":500}]`
	_, err := sdk.AddVServerGroupBackendServers(req)
	var se *sdkerrors.ServerError
	if errors.As(err, &se) {
		return sdkAnswer{status: se.HttpStatus(), code: se.ErrorCode(), message: se.Message(), requestID: se.RequestId()}
	}
	if err != nil {
		return sdkAnswer{code: "transport", message: err.Error()}
	}
	return sdkAnswer{status: http.StatusOK}
}

// restCreate adds a member outside the pool's subnets through gophercloud, which the store
// refuses and audits; it returns the answer's status.
func restCreate(ctx context.Context, rest *gophercloud.ServiceClient, pool string) int {
	_, err := pools.CreateMember(ctx, rest, pool, pools.CreateMemberOpts{Address: "192.0.2.10", ProtocolPort: 8080}).Extract()
	var ue gophercloud.ErrUnexpectedResponseCode
	if errors.As(err, &ue) {
		return ue.Actual
	}
	if err != nil {
		return 0
	}
	return http.StatusCreated
}

// fillDisk writes the file at path until its file system has no room left.
func fillDisk(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatalf("create %s: %v", path, err)
	}
	defer f.Close()
	written := 0
	for _, size := range []int{1 << 20, 4 << 10, 512} {
		buf := make([]byte, size)
		for {
			n, err := f.Write(buf)
			written += n
			if err != nil {
				break
			}
		}
	}
	logf(t, "filled the disk with %d MiB", written>>20)
}

// waitReady asks /readyz until it answers want with a body containing text, for up to 15 s.
func waitReady(t *testing.T, host string, want int, text string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		status, body := getText("http://" + host + "/readyz")
		if status == want && strings.Contains(body, text) {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("/readyz = %d %q; want %d with %q", status, body, want, text)
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func getText(u string) (int, string) {
	res, err := (&http.Client{Timeout: 30 * time.Second}).Get(u)
	if err != nil {
		return 0, err.Error()
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// metricSum adds up every series of the named metric at /metrics.
func metricSum(t *testing.T, host, name string) float64 {
	t.Helper()
	status, body := getText("http://" + host + "/metrics")
	if status != http.StatusOK {
		t.Fatalf("GET /metrics = %d", status)
	}
	sum := 0.0
	for _, line := range strings.Split(body, "\n") {
		if rest, ok := strings.CutPrefix(line, name); ok && (strings.HasPrefix(rest, "{") || strings.HasPrefix(rest, " ")) {
			v, err := strconv.ParseFloat(line[strings.LastIndex(line, " ")+1:], 64)
			if err == nil {
				sum += v
			}
		}
	}
	return sum
}

// getBody fetches path as c and returns the body of a 200.
func (c *consoleClient) getBody(t *testing.T, host, path string) string {
	t.Helper()
	res, err := c.http.Get("http://" + host + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d, %v", path, res.StatusCode, err)
	}
	return string(b)
}

// writeScript writes an executable shell script to dir.
func writeScript(t *testing.T, dir, name, body string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}
