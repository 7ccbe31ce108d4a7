package dataplane_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"lbconsole/dataplane"
	"lbconsole/dataplane/haproxy"
	"lbconsole/dataplane/haproxytest"
)

// fastCheck makes servers come up and go down within a few hundred milliseconds. Fall 3: on a
// loaded machine (the race detector, two cores shared) one check in a while outlasts haproxy's
// 1 s check timeout, and one failure must not take a healthy server down mid-test.
var fastCheck = &dataplane.Check{Type: dataplane.CheckTCP, Interval: 100 * time.Millisecond, Rise: 1, Fall: 3}

// desiredHolder is the desired state a test changes as it goes, as the database would.
type desiredHolder struct {
	mu   sync.Mutex
	d    dataplane.Desired
	fail error
}

func (h *desiredHolder) set(d dataplane.Desired) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.d = d
}

func (h *desiredHolder) failWith(err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.fail = err
}

func (h *desiredHolder) get(context.Context) (dataplane.Desired, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.d, h.fail
}

// fileStore keeps State in a JSON file, as the console keeps it in its database: it survives a
// reconciler's restart.
type fileStore struct{ path string }

func (f fileStore) LoadState(context.Context) (dataplane.State, error) {
	var s dataplane.State
	b, err := os.ReadFile(f.path)
	if errors.Is(err, os.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return s, err
	}
	return s, json.Unmarshal(b, &s)
}

func (f fileStore) SaveState(_ context.Context, s dataplane.State) error {
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	return os.WriteFile(f.path, b, 0o600)
}

// rig is one haproxy with backend "web" (and any others), a client, and a reconciler whose
// desired state the test sets.
type rig struct {
	h       *haproxytest.HAProxy
	client  *haproxy.Client
	desired *desiredHolder
	store   fileStore
	r       *dataplane.Reconciler
}

func newRig(t *testing.T, sections ...haproxytest.Section) *rig {
	t.Helper()
	if len(sections) == 0 {
		sections = []haproxytest.Section{{Name: "web", Lines: []string{"balance roundrobin"}}}
	}
	h := haproxytest.Start(t, haproxytest.Config{Backends: sections})
	c, err := haproxy.New("node-1", h.Unix)
	if err != nil {
		t.Fatal(err)
	}
	rg := &rig{h: h, client: c, desired: &desiredHolder{}, store: fileStore{filepath.Join(t.TempDir(), "state.json")}}
	rg.r = rg.reconciler(t)
	return rg
}

// reconciler makes a fresh reconciler on the rig's node and store, as a restarted console would.
func (rg *rig) reconciler(t *testing.T) *dataplane.Reconciler {
	t.Helper()
	r, err := dataplane.NewReconciler(dataplane.Config{Node: "node-1", Client: rg.client, Desired: rg.desired.get,
		Store: rg.store, Settle: 100 * time.Millisecond, Period: time.Second, Backoff: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// web is a desired state of backend "web" holding one server per backend, named m1, m2, … in
// order, with the given weights (1 when not given).
func web(drain time.Duration, backends []*haproxytest.Backend, weights ...int) dataplane.Desired {
	be := dataplane.Backend{Name: "web", DrainTimeout: drain}
	for i, b := range backends {
		w := 1
		if i < len(weights) {
			w = weights[i]
		}
		be.Servers = append(be.Servers, serverFor(b, w))
	}
	return dataplane.Desired{Backends: []dataplane.Backend{be}}
}

// serverFor is the desired server for backend b: its member id is its address with dots as dashes.
func serverFor(b *haproxytest.Backend, weight int) dataplane.Server {
	id := "m-" + strings.NewReplacer(".", "-", ":", "-").Replace(b.Name)
	return dataplane.Server{ID: id, Address: b.IP, Port: b.Port, Weight: weight, Check: fastCheck}
}

func (rg *rig) pass(t *testing.T) dataplane.Report {
	t.Helper()
	rep := rg.r.Pass(context.Background())
	for _, o := range rep.Outcomes {
		t.Logf("  %v: %v", o.Op, o.Err)
	}
	return rep
}

// converge makes passes until one finds nothing to do and every desired server up (health
// checks take their time), and fails the test after 10 s.
func (rg *rig) converge(t *testing.T) dataplane.Report {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		rep := rg.pass(t)
		if rep.Status == dataplane.StatusInSync && allUp(rep.Observed) {
			return rep
		}
		if time.Now().After(deadline) {
			t.Fatalf("not in sync after 10 s: %+v", rep)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// servers lists the node's servers in backend, by name.
func (rg *rig) servers(t *testing.T, backend string) map[string]haproxy.Server {
	t.Helper()
	list, err := rg.client.Servers(context.Background(), backend)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]haproxy.Server{}
	for _, s := range list {
		m[s.Name] = s
	}
	return m
}

// eventually polls cond every 50 ms for up to 10 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting: %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func allUp(observed []dataplane.Observed) bool {
	for _, o := range observed {
		if o.Health != dataplane.HealthUp {
			return false
		}
	}
	return true
}
