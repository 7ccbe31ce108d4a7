package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/slb"

	"lbconsole/auth"
	"lbconsole/db"
	"lbconsole/handlers"
)

// slbRows time the SLB API through Alibaba's own SDK (real signatures, real nonces) with
// several clients at once, beside a trivial handler under the same load.
func (b *bench) slbRows() []rowSpec {
	return []rowSpec{
		{fmt.Sprintf("SLB DescribeVServerGroupAttribute, %d members, %d clients", b.c.members, b.c.clients), b.slbDescribe},
		{fmt.Sprintf("SLB Add/Remove 20 servers, %d clients", b.c.clients), b.slbAddRemove},
	}
}

// slbClients makes one SDK client per concurrent caller: the SDK's endpoint table is filled
// without a lock, so they are made one at a time.
func (b *bench) slbClients() ([]*slb.Client, error) {
	var out []*slb.Client
	host := strings.TrimPrefix(b.appURL, "http://")
	for range b.c.clients {
		c, err := slb.NewClientWithAccessKey(b.f.region, b.f.cred.AccessKeyID, b.f.cred.AccessKeySecret)
		if err != nil {
			return nil, err
		}
		c.Domain = host
		out = append(out, c)
	}
	return out, nil
}

// perClient hands each goroutine of measure a client of its own.
func perClient(clients []*slb.Client) func() *slb.Client {
	var mu sync.Mutex
	i := 0
	return func() *slb.Client {
		mu.Lock()
		defer mu.Unlock()
		i++
		return clients[i%len(clients)]
	}
}

func (b *bench) slbDescribe() (row, error) {
	clients, err := b.slbClients()
	if err != nil {
		return row{}, err
	}
	pick := perClient(clients)
	app, err := measure(b.c.n, b.c.clients, func() (int, error) {
		req := slb.CreateDescribeVServerGroupAttributeRequest()
		req.VServerGroupId = b.f.big.ID
		resp, err := pick().DescribeVServerGroupAttribute(req)
		if err != nil {
			return 0, err
		}
		if got := len(resp.BackendServers.BackendServer); got < b.c.members {
			return 0, fmt.Errorf("DescribeVServerGroupAttribute answered %d members; want at least %d", got, b.c.members)
		}
		return len(resp.GetHttpContentBytes()), nil
	})
	if err != nil {
		return row{}, err
	}
	floor, err := b.trivialFloor(b.c.clients)
	note := fmt.Sprintf("%.0f calls/s; floor %.0f/s", app.perSec, floor.perSec)
	return row{name: fmt.Sprintf("SLB DescribeVServerGroupAttribute, %d members, %d clients", b.c.members, b.c.clients),
		app: app, floorName: "trivial handler", floor: floor, goal: "≤ 10×", note: note}, err
}

// slbAddRemove adds 20 servers to the big group on a port of their own and removes them
// again, in turn; each client works on servers of its own, so that no call is refused.
func (b *bench) slbAddRemove() (row, error) {
	clients, err := b.slbClients()
	if err != nil {
		return row{}, err
	}
	type slot struct {
		c     *slb.Client
		list  string
		added bool
	}
	slots := make(chan *slot, len(clients))
	for i, c := range clients {
		var list []map[string]string
		for j := range 20 {
			s := b.f.spare[(i*20+j)%len(b.f.spare)]
			list = append(list, map[string]string{"ServerId": s.ID, "Port": strconv.Itoa(9000 + i), "Weight": "10"})
		}
		data, _ := json.Marshal(list)
		slots <- &slot{c: c, list: string(data)}
	}
	var calls atomic.Int64
	app, err := measure(b.c.n, b.c.clients, func() (int, error) {
		s := <-slots
		defer func() { slots <- s }()
		calls.Add(1)
		if !s.added {
			req := slb.CreateAddVServerGroupBackendServersRequest()
			req.VServerGroupId, req.BackendServers = b.f.big.ID, s.list
			_, err := s.c.AddVServerGroupBackendServers(req)
			s.added = err == nil
			return 0, err
		}
		req := slb.CreateRemoveVServerGroupBackendServersRequest()
		req.VServerGroupId, req.BackendServers = b.f.big.ID, s.list
		_, err := s.c.RemoveVServerGroupBackendServers(req)
		s.added = err != nil
		return 0, err
	})
	if err != nil {
		return row{}, err
	}
	// Leave the group as it was, for the rows and runs after this one.
	for range clients {
		s := <-slots
		if s.added {
			req := slb.CreateRemoveVServerGroupBackendServersRequest()
			req.VServerGroupId, req.BackendServers = b.f.big.ID, s.list
			if _, err := s.c.RemoveVServerGroupBackendServers(req); err != nil {
				return row{}, err
			}
		}
	}
	floor, err := b.trivialFloor(b.c.clients)
	return row{name: fmt.Sprintf("SLB Add/Remove 20 servers, %d clients", b.c.clients), app: app,
		floorName: "trivial handler", floor: floor, goal: "≤ 5×"}, err
}

// startRow times opening the fleet's database, building the router and answering /readyz on
// a new listener, beside opening the same file with database/sql, one query, and a trivial
// handler's first answer.
func (b *bench) startRow() rowSpec {
	return rowSpec{"start to ready", func() (row, error) {
		n := max(3, b.c.n/10)
		app, err := measure(n, 1, func() (int, error) {
			ctx := context.Background()
			store, err := db.Open(ctx, b.f.path, db.Options{Key: benchKey})
			if err != nil {
				return 0, err
			}
			defer store.Close()
			router, err := handlers.New(handlers.Config{DB: store, CookieKey: auth.DeriveKey(benchKey, "session-cookie"), Logger: discard()})
			if err != nil {
				return 0, err
			}
			return ready(router, "/readyz")
		})
		if err != nil {
			return row{}, err
		}
		floor, err := measure(n, 1, func() (int, error) {
			raw, err := openRaw(b.f.path)
			if err != nil {
				return 0, err
			}
			defer raw.Close()
			var one int
			if err := raw.QueryRow("SELECT count(*) FROM groups WHERE id = ?", b.f.big.ID).Scan(&one); err != nil {
				return 0, err
			}
			return ready(b.floorE, "/trivial")
		})
		return row{name: "start to ready", app: app, floorName: "open + 1 query + trivial handler", floor: floor, goal: "≤ 3×",
			note: "in-process: store, router, listener, /readyz"}, err
	}}
}

// ready serves h on a new listener and waits for path's first 200.
func ready(h http.Handler, path string) (int, error) {
	srv, base, err := serveOn(h)
	if err != nil {
		return 0, err
	}
	defer srv.Close()
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := hc.Get(base + path)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("%s: %d", path, resp.StatusCode)
	}
	return 0, nil
}
