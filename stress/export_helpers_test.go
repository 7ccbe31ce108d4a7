package stress

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/slb"
	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/loadbalancer/v2/pools"

	"lbconsole/auth"
	"lbconsole/db"
	"lbconsole/internal/testenv"
	"lbconsole/lb"
)

// exportDB is a database made for the export tests: the demo data with its users, an API key
// for the admin, more viewers, and an audit log of several megabytes, so that a download of it
// outgrows what the kernel's socket buffers hold and a client that stops reading really
// stalls the server's writes.
type exportDB struct {
	path    string
	cred    auth.APICredentials // the admin's
	pool    string              // a VServer group, for the REST API's member list
	poolLB  string              // its load balancer
	rows    int                 // audit entries in all
	viewers []string
}

// auditMessage makes each refusal's CSV row about 2 KB.
var auditMessage = strings.Repeat("the parameter BackendServers was refused; ", 45)

// seedExportDB writes the database at dir/name, with its key file, with rows audit entries and
// the named viewers, through the store, before any server runs.
func seedExportDB(t *testing.T, dir, name string, rows int, viewers []string) exportDB {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(dir, name)
	testenv.DemoUsers.CopyTo(t, path)
	store, err := db.Open(ctx, path, db.Options{Key: testenv.Key()})
	if err != nil {
		t.Fatalf("db.Open: %v", err)
	}
	defer store.Close()
	x := exportDB{path: path, cred: testenv.APIKey(t, store, testenv.Admin), rows: rows, viewers: viewers}
	for _, v := range viewers {
		if _, err := testenv.AddUser(ctx, store, v, lb.RoleViewer); err != nil {
			t.Fatal(err)
		}
	}
	page, err := store.ListLoadBalancers(ctx, db.LBFilter{Region: region, Status: lb.LBActive})
	if err != nil || len(page.Items) == 0 {
		t.Fatalf("ListLoadBalancers = %d, %v; want some", len(page.Items), err)
	}
	for _, l := range page.Items {
		groups, err := store.ListGroups(ctx, l.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range groups {
			if g.Kind == lb.KindVServer && x.pool == "" {
				x.pool, x.poolLB = g.ID, l.ID
			}
		}
	}
	if x.pool == "" {
		t.Fatal("the demo data has no VServer group")
	}
	start := time.Now()
	for i := 0; i < rows; i++ {
		req := db.BatchRequest{LoadBalancerID: page.Items[i%len(page.Items)].ID, Batch: lb.Batch{Action: lb.ActionAdd},
			Actor: testenv.Admin, Source: db.SourceSLBAPI, ClientIP: "127.0.0.1", RequestID: fmt.Sprintf("seed-%06d", i)}
		if _, err := store.RecordRefusal(ctx, req, "InvalidParameter", auditMessage); err != nil {
			t.Fatalf("RecordRefusal %d: %v", i, err)
		}
	}
	logf(t, "%d audit entries written in %s", rows, time.Since(start).Round(time.Millisecond))
	// The accounts and key made above are audited too: a download holds every entry.
	all, err := store.ListAudit(ctx, db.AuditFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	x.rows = all.Total
	return x
}

// signedIn returns a console client signed in as user.
func signedIn(t *testing.T, host, user string) *consoleClient {
	t.Helper()
	c := newConsoleClient(&world{timeout: 90 * time.Second}, user, 1)
	if err := c.signIn(host, user, password); err != nil {
		t.Fatalf("sign in as %s: %v", user, err)
	}
	return c
}

// cookieHeader is the Cookie header c sends to host.
func (c *consoleClient) cookieHeader(host string) string {
	var parts []string
	for _, k := range c.http.Jar.Cookies(&url.URL{Scheme: "http", Host: host, Path: "/"}) {
		parts = append(parts, k.Name+"="+k.Value)
	}
	return strings.Join(parts, "; ")
}

// download is one GET /audit.csv on a connection of its own whose receive buffer is as small
// as the kernel allows, as a client on a slow link or one that stopped reading has.
type download struct {
	conn   net.Conn
	res    *http.Response
	status int    // zero when no answer came
	body   string // the answer's body when it was not a 200
}

// startDownload sends GET /audit.csv as c and reads the answer's head; a 200's body is left
// unread, so the server stalls once the socket buffers are full.
func startDownload(t *testing.T, host string, c *consoleClient) *download {
	t.Helper()
	dialer := net.Dialer{Timeout: 10 * time.Second, Control: func(_, _ string, raw syscall.RawConn) error {
		var serr error
		err := raw.Control(func(fd uintptr) {
			serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 1024)
		})
		return errors.Join(err, serr)
	}}
	conn, err := dialer.Dial("tcp", host)
	if err != nil {
		t.Fatalf("dial %s: %v", host, err)
	}
	req, _ := http.NewRequest(http.MethodGet, "http://"+host+"/audit.csv", nil)
	req.Header.Set("Cookie", c.cookieHeader(host))
	// A server that answers nothing for this long is stuck: the download counts as holding
	// on, with no status.
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	if err := req.Write(conn); err != nil {
		t.Fatalf("send GET /audit.csv: %v", err)
	}
	res, err := http.ReadResponse(bufio.NewReaderSize(conn, 1024), req)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return &download{conn: conn, body: "no answer in 10 s"}
	}
	if err != nil {
		t.Fatalf("GET /audit.csv as %s: %v", c.name, err)
	}
	conn.SetDeadline(time.Time{})
	d := &download{conn: conn, res: res, status: res.StatusCode}
	if d.status != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
		d.body = string(b)
		conn.Close()
	}
	return d
}

// finish reads the rest of the download and reports the CSV rows it held and how it ended.
func (d *download) finish() (int, error) {
	defer d.conn.Close()
	if d.res == nil {
		return 0, errors.New(d.body)
	}
	d.conn.SetDeadline(time.Now().Add(90 * time.Second))
	sc := bufio.NewScanner(d.res.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	lines := 0
	for sc.Scan() {
		lines++
	}
	return lines, sc.Err()
}

func (d *download) close() { d.conn.Close() }

// probe is one request of another page, timed while downloads stall.
type probe struct {
	name string
	do   func(ctx context.Context) error
}

// probes are the pages the attack froze: the load balancer list, sign-in, the REST API's
// member list, the SLB API's DescribeLoadBalancers and readiness.
func probes(t *testing.T, host string, x exportDB) []probe {
	admin := signedIn(t, host, testenv.Admin)
	sdk, rest := x.apiClients(t, host)
	get := func(c *http.Client, path string) error {
		res, err := c.Get("http://" + host + path)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		io.Copy(io.Discard, res.Body)
		if res.StatusCode != http.StatusOK {
			return fmt.Errorf("GET %s: %d", path, res.StatusCode)
		}
		return nil
	}
	plain := &http.Client{Timeout: 90 * time.Second}
	return []probe{
		{"GET /lbs", func(context.Context) error { return get(admin.http, "/lbs") }},
		{"sign-in", func(context.Context) error {
			return newConsoleClient(&world{timeout: 90 * time.Second}, "probe", 1).signIn(host, testenv.Admin, password)
		}},
		{"REST member list", func(ctx context.Context) error {
			_, err := pools.ListMembers(rest, x.pool, nil).AllPages(ctx)
			return err
		}},
		{"SLB DescribeLoadBalancers", func(context.Context) error {
			req := slb.CreateDescribeLoadBalancersRequest()
			req.RegionId = region
			_, err := sdk.DescribeLoadBalancers(req)
			return err
		}},
		{"GET /readyz", func(context.Context) error { return get(plain, "/readyz") }},
	}
}

// apiClients returns the SLB SDK's and gophercloud's clients for host, as the admin.
func (x exportDB) apiClients(t *testing.T, host string) (*slb.Client, *gophercloud.ServiceClient) {
	t.Helper()
	sdk, err := testenv.SLBClient(host, x.cred.AccessKeyID, x.cred.AccessKeySecret)
	if err != nil {
		t.Fatal(err)
	}
	sdk.GetConfig().WithAutoRetry(false)
	sdk.SetReadTimeout(90 * time.Second)
	return sdk, testenv.PoolClient("http://"+host+"/v2.0", x.cred.Token, http.Client{Timeout: 90 * time.Second})
}

// latencies are the times each probe took, and what failed.
type latencies struct {
	took     map[string][]time.Duration
	failures []string
}

// measure runs every probe once per round, the probes of a round at once, for up to rounds
// rounds; it stops after the first round in which something failed.
func measure(ctx context.Context, ps []probe, rounds int) latencies {
	l := latencies{took: map[string][]time.Duration{}}
	var mu sync.Mutex
	for r := 0; r < rounds && len(l.failures) == 0; r++ {
		var wg sync.WaitGroup
		for _, p := range ps {
			wg.Add(1)
			go func() {
				defer wg.Done()
				start := time.Now()
				err := p.do(ctx)
				took := time.Since(start)
				mu.Lock()
				defer mu.Unlock()
				l.took[p.name] = append(l.took[p.name], took)
				if err != nil {
					l.failures = append(l.failures, fmt.Sprintf("%s after %s: %.200v", p.name, took.Round(time.Millisecond), err))
				}
			}()
		}
		wg.Wait()
	}
	return l
}

// report is one line per probe: how many requests, their median, p99 and slowest.
func (l latencies) report() string {
	var b strings.Builder
	names := make([]string, 0, len(l.took))
	for n := range l.took {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		d := slices.Clone(l.took[n])
		slices.Sort(d)
		p := func(q float64) time.Duration { return d[min(len(d)-1, int(q*float64(len(d))))] }
		fmt.Fprintf(&b, "\n  %-26s n=%-3d p50=%-9s p99=%-9s max=%s", n, len(d), p(0.5).Round(100*time.Microsecond),
			p(0.99).Round(100*time.Microsecond), d[len(d)-1].Round(100*time.Microsecond))
	}
	return b.String()
}
