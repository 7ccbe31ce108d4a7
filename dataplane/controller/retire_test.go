package controller_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"lbconsole/fleet"
	"lbconsole/internal/testenv"
)

// A group deleted from a bound load balancer takes its servers out of HAProxy: they drain and
// are deleted as any removed member is, instead of serving on, unmanaged, in a backend that
// no group claims any more.
func TestDeletedGroupLeavesHAProxy(t *testing.T) {
	t.Parallel()
	r := newRig(t, testenv.RigOptions{Nodes: 2, Drain: 500 * time.Millisecond})
	r.Converged(t)
	for i := range r.Nodes {
		if n := len(ownServers(r.Servers(t, i))); n != len(r.Backends) {
			t.Fatalf("node %d has %d servers in the backend before the delete; want %d", i, n, len(r.Backends))
		}
	}
	if _, err := r.Console.Store.DeleteGroup(context.Background(), testenv.Origin, groupID); err != nil {
		t.Fatal(err)
	}
	for i := range r.Nodes {
		testenv.Eventually(t, fmt.Sprintf("the deleted group's servers gone from node %d", i), func() string {
			if left := ownServers(r.Servers(t, i)); len(left) > 0 {
				return fmt.Sprintf("still in backend %s: %s", backend, strings.Join(left, ", "))
			}
			return ""
		})
	}
}

// A group whose backend is renamed leaves the old backend as a deleted group does.
func TestRenamedBackendIsEmptied(t *testing.T) {
	t.Parallel()
	r := newRig(t, testenv.RigOptions{Drain: 500 * time.Millisecond})
	r.Converged(t)
	doc, err := r.Console.Store.ExportFleet(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var g fleet.Group
	for _, l := range doc.LoadBalancers {
		for _, x := range l.Groups {
			if x.ID == groupID {
				g = x
			}
		}
	}
	g.Backend, g.Members = "elsewhere", nil
	if _, err := r.Console.Store.PutGroup(context.Background(), testenv.Origin, lbID, g); err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, "the old backend emptied", func() string {
		if left := ownServers(r.Servers(t, 0)); len(left) > 0 {
			return fmt.Sprintf("still in backend %s: %s", backend, strings.Join(left, ", "))
		}
		return ""
	})
}

// ownServers are the names of the servers lbconsole made, of those given.
func ownServers[S any](servers map[string]S) []string {
	var out []string
	for name := range servers {
		if strings.HasPrefix(name, "lbc-") {
			out = append(out, name)
		}
	}
	return out
}
