// Package haproxytest runs real parts for tests of the data plane: Debian's haproxy as a child
// process with an admin Runtime API socket, small HTTP backends on loopback addresses that answer
// their own name (both from dataplane/haproxyrun), and clients that send requests through
// HAProxy and count who answered.
//
// Only loopback addresses (127.0.0.0/8) are ever used. Every piece stops itself through
// t.Cleanup. Tests that need haproxy call Start (or Binary): they skip when haproxy is not
// installed, except with CI=true in the environment, where they fail instead.
package haproxytest

import (
	"os"
	"testing"

	"lbconsole/dataplane/haproxyrun"
)

// Binary returns the path of the haproxy binary. Without one the test is skipped, unless the
// environment says CI=true: CI must install it (apt-get install -y haproxy), so there it fails.
func Binary(t testing.TB) string {
	t.Helper()
	path, err := haproxyrun.LookPath()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("haproxy is not installed, and CI=true: CI must install it (apt-get install -y haproxy)")
		}
		t.Skip("haproxy is not installed (apt-get install -y haproxy)")
	}
	return path
}

// Section is one backend of the configuration (see haproxyrun.Section).
type Section = haproxyrun.Section

// Config is what Start writes to haproxy.cfg (see haproxyrun.Config).
type Config = haproxyrun.Config

// HAProxy is a running haproxy (see haproxyrun.HAProxy), stopped when the test ends.
type HAProxy struct {
	*haproxyrun.HAProxy
}

// Start writes cfg to a temporary haproxy.cfg, starts haproxy in the foreground and waits until
// its Runtime API answers. It stops haproxy when the test ends, and prints haproxy's own log
// if the test failed.
func Start(t testing.TB, cfg Config) *HAProxy {
	t.Helper()
	Binary(t)
	h, err := haproxyrun.Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		h.Close()
		if t.Failed() {
			t.Logf("haproxy log:\n%s", h.Log())
		}
	})
	return &HAProxy{h}
}

// Restart stops haproxy and starts it again from the same configuration: what was added at
// runtime is gone, the backends are as haproxy.cfg describes them.
func (h *HAProxy) Restart(t testing.TB) {
	t.Helper()
	if err := h.HAProxy.Restart(); err != nil {
		t.Fatal(err)
	}
}
