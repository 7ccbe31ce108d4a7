package dataplane_test

import (
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"lbconsole/dataplane"
	"lbconsole/dataplane/haproxy"
	"lbconsole/dataplane/haproxytest"
)

// countingSocket is a unix socket in front of haproxy's that passes every connection through
// and counts them: the Runtime API answers one command per connection.
type countingSocket struct {
	addr  string
	conns atomic.Int64
}

func countCommands(t *testing.T, target string) *countingSocket {
	t.Helper()
	dir, err := os.MkdirTemp("", "cnt")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	l, err := net.Listen("unix", filepath.Join(dir, "s.sock"))
	if err != nil {
		t.Fatal(err)
	}
	cs := &countingSocket{addr: "unix:" + l.Addr().String()}
	var wg sync.WaitGroup
	t.Cleanup(func() { l.Close(); wg.Wait() })
	wg.Go(func() {
		for {
			in, err := l.Accept()
			if err != nil {
				return
			}
			cs.conns.Add(1)
			wg.Go(func() { relay(in, strings.TrimPrefix(target, "unix:")) })
		}
	})
	return cs
}

func relay(in net.Conn, target string) {
	defer in.Close()
	out, err := net.Dial("unix", target)
	if err != nil {
		return
	}
	defer out.Close()
	go func() {
		io.Copy(out, in)
		out.(*net.UnixConn).CloseWrite()
	}()
	io.Copy(in, out)
}

// ReadActual reads a node of many backends in two commands, not two per backend, and keeps only
// the desired backends.
func TestReadActualReadsTheNodeInTwoCommands(t *testing.T) {
	var sections []haproxytest.Section
	var desired dataplane.Desired
	for _, name := range []string{"b1", "b2", "b3", "b4", "b5"} {
		sections = append(sections, haproxytest.Section{Name: name, Lines: []string{"server s " + "127.0.0.2:9"}})
		desired.Backends = append(desired.Backends, dataplane.Backend{Name: name})
	}
	desired.Backends = append(desired.Backends[:4], dataplane.Backend{Name: "missing"})
	h := haproxytest.Start(t, haproxytest.Config{Backends: sections})
	cs := countCommands(t, h.Unix)
	c, err := haproxy.New("node-1", cs.addr)
	if err != nil {
		t.Fatal(err)
	}
	actual, err := dataplane.ReadActual(context.Background(), c, desired)
	if err != nil {
		t.Fatal(err)
	}
	if n := cs.conns.Load(); n != 2 {
		t.Fatalf("ReadActual sent %d commands, want 2", n)
	}
	if len(actual.Backends) != 4 || len(actual.Backends["b1"]) != 1 || actual.Backends["b4"][0].Name != "s" {
		t.Fatalf("actual %+v, want b1–b4 with their server s, not b5, not missing", actual.Backends)
	}
	if _, ok := actual.Backends["missing"]; ok {
		t.Fatal("a backend the node does not have is in Actual")
	}
}
