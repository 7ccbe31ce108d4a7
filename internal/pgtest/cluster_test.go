package pgtest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFailedStartLeavesNothing: a cluster that cannot be made (here initdb fails) is an error
// that says why, and leaves no directory behind.
func TestFailedStartLeavesNothing(t *testing.T) {
	acct, err := clusterAccount()
	if err != nil {
		t.Skip(err)
	}
	// The cluster's user runs the programs, so they must be where it can reach them.
	fake, err := os.MkdirTemp("", "pgtest-fake-bin-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(fake)
	if err := os.Chmod(fake, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"initdb", "postgres"} {
		script := "#!/bin/sh\necho \"" + name + ": the disk is on fire\" >&2\nexit 1\n"
		if err := os.WriteFile(filepath.Join(fake, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	before := ownClusters(acct)
	c, err := startCluster(testCtx(t), binaries{dir: fake}, acct)
	if err == nil {
		c.stop()
		t.Fatal("a cluster started with an initdb that fails")
	}
	if !strings.Contains(err.Error(), "initdb: the disk is on fire") {
		t.Errorf("the error does not say what initdb said: %v", err)
	}
	if after := ownClusters(acct); len(after) != len(before) {
		t.Errorf("the failed start left directories behind: %v, were %v", after, before)
	}
}

// ownClusters lists the cluster directories this test binary owns.
func ownClusters(acct account) []string {
	dirs, _ := filepath.Glob(filepath.Join(clusterParent(acct), dirPrefix+"*"))
	var own []string
	for _, d := range dirs {
		if o, ok := owner(d); ok && o.PID == os.Getpid() {
			own = append(own, d)
		}
	}
	return own
}
