package stress

import (
	"context"
	"net/http"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2/openstack/loadbalancer/v2/pools"

	"lbconsole/db"
	"lbconsole/internal/testenv"
	"lbconsole/lb"
)

// benchClients is how many gophercloud clients apply batches at once in
// BenchmarkReplicaBatches, spread over the replicas.
const benchClients = 12

// BenchmarkReplicaBatches runs the real binary, as one console on SQLite, one on PostgreSQL
// and three replicas on one PostgreSQL database, and applies one-weight batches through the
// pool members REST API (gophercloud's UpdateMember) from benchClients clients at once, each
// on a member of its own group, spread over the replicas. It reports batches per second: what
// a deployment takes, HTTP, authentication and the audit entry included.
func BenchmarkReplicaBatches(b *testing.B) {
	for _, bc := range []struct {
		name     string
		replicas int
		harness  func(b *testing.B) *testenv.Harness
	}{
		{"sqlite/1-replica", 1, func(b *testing.B) *testenv.Harness {
			path := filepath.Join(b.TempDir(), "bench.db")
			testenv.DemoUsers.CopyTo(b, path)
			return testenv.NewHarness(b, path)
		}},
		{"postgres/1-replica", 1, func(b *testing.B) *testenv.Harness {
			return testenv.NewPostgresHarness(b, testenv.PostgresDemoUsers(b))
		}},
		{"postgres/3-replicas", 3, func(b *testing.B) *testenv.Harness {
			return testenv.NewPostgresHarness(b, testenv.PostgresDemoUsers(b))
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			ctx := context.Background()
			h := bc.harness(b)
			var hosts []string
			for range bc.replicas {
				hosts = append(hosts, h.Start(ctx).Addr)
			}
			token := h.KeyCreate(ctx, testenv.Admin).Token
			targets := replicaBenchTargets(b, h.DBPath)
			var n atomic.Int64
			b.ResetTimer()
			start := time.Now()
			var wg sync.WaitGroup
			for c := range benchClients {
				wg.Add(1)
				go func() {
					defer wg.Done()
					sc := testenv.PoolClient("http://"+hosts[c%len(hosts)]+"/v2.0", token, http.Client{Timeout: time.Minute})
					m := targets[c%len(targets)]
					for i := 0; n.Add(1) <= int64(b.N); i++ {
						weight := 1 + i%2
						if _, err := pools.UpdateMember(ctx, sc, m.GroupID, m.ID, pools.UpdateMemberOpts{Weight: &weight}).Extract(); err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "batches/s")
		})
	}
}

// replicaBenchTargets picks one member in each of benchClients VServer groups of active load
// balancers.
func replicaBenchTargets(b *testing.B, dsn string) []lb.Member {
	b.Helper()
	ctx := context.Background()
	store, err := db.Open(ctx, dsn, db.Options{Key: testenv.Key()})
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	page, err := store.ListLoadBalancers(ctx, db.LBFilter{Status: lb.LBActive})
	if err != nil {
		b.Fatal(err)
	}
	var out []lb.Member
	for _, l := range page.Items {
		groups, err := store.ListGroups(ctx, l.ID)
		if err != nil {
			b.Fatal(err)
		}
		for _, g := range groups {
			if g.Kind != lb.KindVServer || g.Members == 0 || len(out) == benchClients {
				continue
			}
			ms, err := store.ListMembers(ctx, g.ID)
			if err != nil {
				b.Fatal(err)
			}
			out = append(out, ms[0])
		}
	}
	if len(out) < benchClients {
		b.Fatalf("the demo has %d VServer groups with members of active load balancers; want %d", len(out), benchClients)
	}
	return out
}
