package fleet

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The scale run: FLEET_SCALE=LBS,SERVERS go test ./fleet -run TestScale -v measures, in a
// child process of its own so that the peak is the work's alone, how long parsing, validating
// and planning a generated fleet takes and the peak resident memory (VmHWM). It prints the
// figures; it asserts only that the work succeeds, never how fast.
func TestScale(t *testing.T) {
	size := os.Getenv("FLEET_SCALE")
	if size == "" {
		size = "200,2000" // small, to keep the suite quick: the figures that matter come from FLEET_SCALE=10000,100000
	}
	var nLBs, nServers int
	if _, err := fmt.Sscanf(size, "%d,%d", &nLBs, &nServers); err != nil {
		t.Fatalf("FLEET_SCALE=%q: want LBS,SERVERS", size)
	}
	doc := Generate(nLBs, nServers, 1)
	dir := t.TempDir()
	for _, format := range []string{FormatYAML, FormatJSON} {
		cpu0, start := cpuTime(), time.Now()
		data, err := Marshal(doc, format)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: marshal %d LBs, %d servers: %d bytes, cpu %v, wall %v", format, nLBs, nServers, len(data),
			(cpuTime() - cpu0).Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
		file := filepath.Join(dir, "fleet."+format)
		if err := os.WriteFile(file, data, 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestScaleChild$", "-test.v")
		cmd.Env = append(os.Environ(), "FLEET_SCALE_FILE="+file)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("child: %v\n%s", err, out)
		}
		for line := range strings.Lines(string(out)) {
			if strings.Contains(line, "scale:") {
				t.Log(format + ": " + strings.TrimSpace(line[strings.Index(line, "scale:")+len("scale:"):]))
			}
		}
	}
}

// TestScaleChild is TestScale's child: it reads the file, then parses, validates and plans it
// against an empty database, and reports CPU time, wall time and VmHWM for each step.
func TestScaleChild(t *testing.T) {
	file := os.Getenv("FLEET_SCALE_FILE")
	if file == "" {
		t.Skip("run by TestScale")
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var doc Document
	step(t, "parse", func() {
		if doc, err = Parse(data); err != nil {
			t.Fatal(err)
		}
	})
	step(t, "validate", func() {
		if ps := Validate(doc, Document{}); len(ps) > 0 {
			t.Fatalf("%d problems, first %s", len(ps), ps[0])
		}
	})
	step(t, "plan", func() {
		if _, err := MakePlan(Document{}, doc, false); err != nil {
			t.Fatal(err)
		}
	})
	step(t, "plan again against itself", func() {
		if p, err := MakePlan(doc, doc, true); err != nil || !p.Empty() {
			t.Fatalf("%v %s", err, p.Summary())
		}
	})
}

func step(t *testing.T, name string, f func()) {
	cpu0, wall0 := cpuTime(), time.Now()
	f()
	t.Logf("scale: %-26s cpu %7v  wall %7v  VmHWM %4d MiB", name, (cpuTime() - cpu0).Round(time.Millisecond), time.Since(wall0).Round(time.Millisecond), vmHWM()>>20)
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// vmHWM is the process's peak resident memory, in bytes.
func vmHWM() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := bytes.CutPrefix(s.Bytes(), []byte("VmHWM:")); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(string(rest)), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}
