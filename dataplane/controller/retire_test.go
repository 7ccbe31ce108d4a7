package controller_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

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
