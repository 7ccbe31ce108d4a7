package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"lbconsole/fleet"
)

// TestFleetApplyScale applies a generated fleet with the real binary, once written as YAML and
// once as JSON, each to an empty database, and reports the wall time and the peak resident
// memory of the apply. FLEET_SCALE=LBS,SERVERS sets the size (the bar is
// FLEET_SCALE=10000,100000); the default is small, to keep the suite quick. It asserts that
// the apply succeeds and that applying the same file again changes nothing, never how fast.
func TestFleetApplyScale(t *testing.T) {
	size := os.Getenv("FLEET_SCALE")
	if size == "" {
		size = "100,1000"
	}
	var nLBs, nServers int
	if _, err := fmt.Sscanf(size, "%d,%d", &nLBs, &nServers); err != nil {
		t.Fatalf("FLEET_SCALE=%q: want LBS,SERVERS", size)
	}
	doc := fleet.Generate(nLBs, nServers, 1)
	dir := t.TempDir()
	for _, format := range []string{fleet.FormatYAML, fleet.FormatJSON} {
		data, err := fleet.Marshal(doc, format)
		if err != nil {
			t.Fatal(err)
		}
		file := writeFile(t, dir, "fleet."+format, string(data))
		dbPath := filepath.Join(dir, format+".db")
		wall, peak, out := measuredRun(t, "fleet", "apply", "--db", dbPath, file)
		last := out[strings.LastIndex(out, "applied: "):]
		last, _, _ = strings.Cut(last, "\n")
		t.Logf("%s: apply %d load balancers, %d servers (%.1f MB file): %s, peak RSS %d MiB; %s",
			format, nLBs, nServers, float64(len(data))/1e6, wall.Round(time.Millisecond), peak>>20, strings.TrimSpace(last))
		wall, peak, out = measuredRun(t, "fleet", "apply", "--db", dbPath, file)
		if out != fleet.NothingToDo+"\n" {
			t.Errorf("%s: applying again printed %q", format, out)
		}
		t.Logf("%s: the same file again: %s, peak RSS %d MiB", format, wall.Round(time.Millisecond), peak>>20)
	}
}

// measuredRun runs the binary and returns its wall time, its peak resident memory in bytes
// and its standard output, failing the test unless it exits 0.
func measuredRun(t *testing.T, args ...string) (time.Duration, int64, string) {
	t.Helper()
	cmd := exec.Command(consoleBinary(t), args...)
	cmd.Env = cleanEnv()
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatalf("console %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	wall := time.Since(start)
	var peak int64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		peak = ru.Maxrss << 10 // kilobytes on Linux
	}
	return wall, peak, stdout.String()
}
