package pgtest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// childEnv makes this test binary, run again as a child, play the part of a package's test
// binary in TestNoServerOutlivesItsTestBinary: it says how the child is to end.
const childEnv = "LBCONSOLE_PGTEST_CHILD"

// childInfoPrefix starts the line on which the child reports its cluster.
const childInfoPrefix = "PGTEST-CHILD-CLUSTER "

// childInfo is what the child reports of its cluster while it runs.
type childInfo struct {
	Dir        string
	Postmaster procInfo
	Backend    procInfo // the server process of the connection the child holds open
	ShmID      int      // the server's System V shared memory segment
}

// TestChild is the child's part: it makes a database, holds a connection to it open, reports
// its cluster and ends as childEnv says. It does nothing in an ordinary run.
func TestChild(t *testing.T) {
	mode := os.Getenv(childEnv)
	if mode == "" {
		t.Skip("the child process of TestNoServerOutlivesItsTestBinary")
	}
	ctx := testCtx(t)
	conn, err := pgx.Connect(ctx, NewDB(t))
	if err != nil {
		t.Fatal(err)
	}
	var backend int
	if err := conn.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&backend); err != nil {
		t.Fatal(err)
	}
	c := shared.cluster
	info := childInfo{Dir: c.dir}
	info.Postmaster, _ = readProc(c.server.cmd.Process.Pid)
	info.Backend, _ = readProc(backend)
	info.ShmID, _ = strconv.Atoi(lastField(c.pidFileLine(7)))
	b, _ := json.Marshal(info)
	os.Stdout.Write(append([]byte(childInfoPrefix), append(b, '\n')...))
	switch mode {
	case "panic":
		panic("pgtest: the child panics, as a failing test may")
	case "kill":
		time.Sleep(time.Minute) // until the parent kills it
		t.Fatal("the parent did not kill the child")
	}
}

func lastField(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return ""
	}
	return f[len(f)-1]
}

// TestNoServerOutlivesItsTestBinary runs this test binary again as a child that starts a
// cluster and then exits normally, panics, or is killed with SIGKILL, and checks that no
// process of the cluster remains afterwards, nor its shared memory, and that its directory is
// gone: removed by Main on a normal exit, by the next cluster's start otherwise.
func TestNoServerOutlivesItsTestBinary(t *testing.T) {
	if os.Getenv(URLEnv) != "" {
		t.Skipf("%s is set: the tests start no cluster", URLEnv)
	}
	server1(t) // skips, or fails in CI, as NewDB would
	for _, mode := range []string{"exit", "panic", "kill"} {
		// One after another: the start of another child's cluster would sweep away what this
		// one's left running, and hide it.
		t.Run(mode, func(t *testing.T) {
			info := runChild(t, mode)
			waitGone(t, info)
			if mode == "exit" {
				if _, err := os.Stat(info.Dir); !os.IsNotExist(err) {
					t.Errorf("the cluster's directory %s is still there after its test binary exited: %v", info.Dir, err)
				}
				return
			}
			removed := sweep(filepath.Dir(info.Dir))
			if _, err := os.Stat(info.Dir); !os.IsNotExist(err) || !slices.Contains(removed, info.Dir) {
				t.Errorf("the next cluster's start did not remove %s (it removed %v): %v", info.Dir, removed, err)
			}
		})
	}
}

// runChild runs the child in mode until it has ended, killing it in mode "kill" once it has
// reported its cluster (and the parent has seen the cluster's processes run).
func runChild(t *testing.T, mode string) childInfo {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, "-test.run=^TestChild$", "-test.count=1", "-test.timeout=2m")
	cmd.Env = append(os.Environ(), childEnv+"="+mode)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var info childInfo
	var out strings.Builder
	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		line := lines.Text()
		out.WriteString(line + "\n")
		if rest, ok := strings.CutPrefix(line, childInfoPrefix); ok {
			if err := json.Unmarshal([]byte(rest), &info); err != nil {
				t.Fatalf("the child's report %q: %v", rest, err)
			}
			break
		}
	}
	if info.Dir == "" {
		cmd.Wait()
		t.Fatalf("the child reported no cluster:\n%s%s", out.String(), stderr.String())
	}
	if mode == "kill" {
		if running := inDataDir(info.Dir); !slices.Contains(running, info.Postmaster.PID) || !slices.Contains(running, info.Backend.PID) {
			t.Fatalf("the cluster's server and backend (%d, %d) are not among its running processes %v before the kill",
				info.Postmaster.PID, info.Backend.PID, running)
		}
		cmd.Process.Kill()
	}
	go func() { // drain the rest, so that the child never blocks writing it
		for lines.Scan() {
		}
	}()
	err = cmd.Wait()
	if (mode == "exit") != (err == nil) {
		t.Errorf("the child in mode %s ended with %v:\n%s", mode, err, stderr.String())
	}
	return info
}

// waitGone waits until the child's cluster has no process left, and fails the test if one
// remains after a generous time, or if its shared memory remains.
func waitGone(t *testing.T, info childInfo) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		left := inDataDir(info.Dir)
		for _, p := range []procInfo{info.Postmaster, info.Backend} {
			if p.alive() {
				left = append(left, p.PID)
			}
		}
		if len(left) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("processes of the cluster in %s still run after its test binary ended: %v", info.Dir, left)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if info.ShmID == 0 {
		t.Fatal("the child reported no shared memory segment")
	}
	if shm, _ := os.ReadFile("/proc/sysvipc/shm"); hasShm(string(shm), info.ShmID) {
		t.Errorf("the cluster's shared memory segment %d is still there after its server stopped", info.ShmID)
	}
}

// hasShm reports whether a /proc/sysvipc/shm listing holds the segment id.
func hasShm(listing string, id int) bool {
	for _, line := range strings.Split(listing, "\n")[1:] {
		if f := strings.Fields(line); len(f) > 1 && f[1] == strconv.Itoa(id) {
			return true
		}
	}
	return false
}

// inDataDir returns the running processes whose working directory is the data directory of
// the cluster in dir: every process of a PostgreSQL server works there.
func inDataDir(dir string) []int {
	data := filepath.Join(dir, "data")
	entries, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cwd, err := os.Readlink("/proc/" + e.Name() + "/cwd")
		if err != nil || strings.TrimSuffix(cwd, " (deleted)") != data {
			continue
		}
		if p, ok := readProc(pid); ok && !p.Zombie {
			pids = append(pids, pid)
		}
	}
	return pids
}

// TestSweepSparesLiveBinaries: the start of a cluster removes the clusters of test binaries
// that died, and never those of binaries that still run (other packages' tests run at once).
func TestSweepSparesLiveBinaries(t *testing.T) {
	parent := t.TempDir()
	mine := filepath.Join(parent, dirPrefix+"live")
	dead := filepath.Join(parent, dirPrefix+"dead")
	fresh := filepath.Join(parent, dirPrefix+"being-made") // no owner file yet
	for _, d := range []string{mine, dead, fresh} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := writeOwner(mine); err != nil {
		t.Fatal(err)
	}
	// A process that has exited: this binary's pid with another start time.
	me, _ := readProc(os.Getpid())
	if err := os.WriteFile(filepath.Join(dead, ownerFile), []byte(strconv.Itoa(me.PID)+" "+strconv.FormatUint(me.Start+1, 10)), 0o644); err != nil {
		t.Fatal(err)
	}
	removed := sweep(parent)
	if !slices.Equal(removed, []string{dead}) {
		t.Errorf("sweep removed %v, want only %s", removed, dead)
	}
	for _, d := range []string{mine, fresh} {
		if _, err := os.Stat(d); err != nil {
			t.Errorf("sweep removed %s, which a running binary may own: %v", d, err)
		}
	}
}
