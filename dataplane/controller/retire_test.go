package controller_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"lbconsole/internal/testenv"
)

// A group deleted from a bound load balancer takes its servers out of HAProxy: they drain and
// are deleted as any removed member is, instead of serving on, unmanaged, in a backend that
// no group claims any more.
func TestDeletedGroupLeavesHAProxy(t *testing.T) {
	t.Parallel()
	r := newRig(t, rigOptions{drain: 0})
	r.converged(t)
	if n := len(r.servers(t, 0)); n != len(r.backends) {
		t.Fatalf("%d servers in the backend before the delete; want %d", n, len(r.backends))
	}
	if _, err := r.c.Store.DeleteGroup(context.Background(), testenv.Origin, groupID); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the deleted group's servers gone from HAProxy", func() string {
		if left := ownServers(r.servers(t, 0)); len(left) > 0 {
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
