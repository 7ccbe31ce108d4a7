package db

import (
	"context"
	"testing"
	"time"

	"lbconsole/dataplane"
)

// retiredWeb says whether node n's desired state holds backend web retired: emptied, so that
// its servers drain and go, with a retirement's (negative) version rather than a group's.
func retiredWeb(t *testing.T, d *DB, n Node) bool {
	t.Helper()
	des, err := d.NodeDesired(context.Background(), n)
	if err != nil {
		t.Fatal(err)
	}
	for _, be := range des.Backends {
		if be.Name == "web" && be.Version < 0 {
			if len(be.Servers) != 0 {
				t.Fatalf("backend web retired with servers: %+v", be)
			}
			return true
		}
	}
	return false
}

// A deleted group's backend stays desired, empty, until a pass converges on that emptiness. A
// pass that read the desired state before the delete, and reports afterwards that web
// converged on the group's servers, must not end it: that left the servers in HAProxy for
// good, unmanaged, whenever a pass was under way as the group went.
func TestRetiredBackendOutlivesAPassReadBeforeIt(t *testing.T) {
	t.Parallel()
	d := boundDB(t, Options{})
	ctx := context.Background()
	o := Origin{Actor: "admin", Source: SourceConsole}
	now := time.Now()
	before := webReport(t, d, nodeA, dataplane.StatusInSync, now)
	if _, err := d.DeleteGroup(ctx, o, "g-web"); err != nil {
		t.Fatal(err)
	}
	if !retiredWeb(t, d, nodeA) {
		t.Fatal("after the delete, backend web is not desired on node A; want it retired")
	}
	recordPass(t, d, nodeA, before)
	if !retiredWeb(t, d, nodeA) {
		t.Fatal("a pass read before the delete ended web's retirement; want it kept until a pass converges on it")
	}
	recordPass(t, d, nodeB, webReport(t, d, nodeB, dataplane.StatusInSync, now.Add(time.Second)))
	if retiredWeb(t, d, nodeB) {
		t.Error("node B converged on web's retirement, and web is still desired there")
	}
	if !retiredWeb(t, d, nodeA) {
		t.Error("node B's pass ended node A's retirement of web; want each node's own")
	}

	// Web claimed again and retired again before node A's next pass: a pass that converged on
	// the first retirement does not end the second.
	first := webReport(t, d, nodeA, dataplane.StatusInSync, now.Add(2*time.Second))
	applyFleet(t, d, parseFleet(t, boundFleet), ApplyOptions{})
	if retiredWeb(t, d, nodeA) {
		t.Fatal("g-web is back, and web is still desired empty on node A")
	}
	if _, err := d.DeleteGroup(ctx, o, "g-web"); err != nil {
		t.Fatal(err)
	}
	recordPass(t, d, nodeA, first)
	if !retiredWeb(t, d, nodeA) {
		t.Fatal("a pass converged on web's first retirement ended its second")
	}
	recordPass(t, d, nodeA, webReport(t, d, nodeA, dataplane.StatusInSync, now.Add(3*time.Second)))
	if retiredWeb(t, d, nodeA) {
		t.Error("node A converged on web's second retirement, and web is still desired there")
	}
}

// nodeRuns is the version of group g that GroupVersions says node n runs, 0 for none.
func nodeRuns(t *testing.T, d *DB, g string, n Node) int64 {
	t.Helper()
	versions, err := d.GroupVersions(context.Background(), g)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range versions {
		if v.Node.Node == n {
			return v.Version
		}
	}
	t.Fatalf("GroupVersions(%s) = %+v; no entry for %v", g, versions, n)
	return 0
}

// A group made again with a deleted group's id starts with no node running it. A pass that
// read the old group's desired state, and reports afterwards that its backend converged, is
// not the new group's: "applied on each node" would say so before any node had it.
func TestAPassOfADeletedGroupIsNotItsSuccessors(t *testing.T) {
	t.Parallel()
	d := boundDB(t, Options{})
	ctx := context.Background()
	now := time.Now()
	old := webReport(t, d, nodeA, dataplane.StatusInSync, now)
	if _, err := d.DeleteGroup(ctx, Origin{Actor: "admin", Source: SourceConsole}, "g-web"); err != nil {
		t.Fatal(err)
	}
	applyFleet(t, d, parseFleet(t, boundFleet), ApplyOptions{})
	recordPass(t, d, nodeA, old)
	if v := nodeRuns(t, d, "g-web", nodeA); v != 0 {
		t.Errorf("node A runs version %d of the new g-web, from a pass of the deleted one; want none yet", v)
	}
	recordPass(t, d, nodeA, webReport(t, d, nodeA, dataplane.StatusInSync, now.Add(time.Second)))
	g, err := d.GetGroup(ctx, "lb-hx", "g-web")
	if err != nil {
		t.Fatal(err)
	}
	if v := nodeRuns(t, d, "g-web", nodeA); v != g.Version {
		t.Errorf("after a pass of the new g-web, node A runs version %d; want %d", v, g.Version)
	}
}
