package pgtest

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// dirPrefix names the directories of throwaway clusters, so that a later run finds those that
// a killed test binary left behind.
const dirPrefix = "lbconsole-pgtest-"

// ownerFile, in a cluster's directory, names the test binary that owns the cluster: its pid
// and start time, so that a later binary that gets the same pid is not taken for it.
const ownerFile = "owner"

// writeOwner records the current process as the owner of the cluster in dir.
func writeOwner(dir string) error {
	me, ok := readProc(os.Getpid())
	if !ok {
		return fmt.Errorf("pgtest: unable to read /proc/%d/stat", os.Getpid())
	}
	return os.WriteFile(filepath.Join(dir, ownerFile), fmt.Appendf(nil, "%d %d\n", me.PID, me.Start), 0o644)
}

// owner reads the owner of the cluster in dir; ok is false when dir has no readable owner.
func owner(dir string) (procInfo, bool) {
	b, err := os.ReadFile(filepath.Join(dir, ownerFile))
	if err != nil {
		return procInfo{}, false
	}
	var p procInfo
	if _, err := fmt.Sscan(string(b), &p.PID, &p.Start); err != nil {
		return procInfo{}, false
	}
	return p, true
}

// ownerless is how old a cluster directory without an owner file must be to be removed: a
// younger one may belong to a binary that has just made it.
const ownerless = 10 * time.Minute

// sweep removes the clusters under parent whose test binary has died, stopping their server
// first if it still runs (it does not when it got its parent-death signal), and reports what
// it removed. The directories of running binaries are left alone: the test binaries of several
// packages run at once.
func sweep(parent string) []string {
	dirs, _ := filepath.Glob(filepath.Join(parent, dirPrefix+"*"))
	var removed []string
	for _, dir := range dirs {
		if !stale(dir) {
			continue
		}
		stopOrphan(filepath.Join(dir, "data"))
		if os.RemoveAll(dir) == nil {
			removed = append(removed, dir)
		}
	}
	return removed
}

// stale reports whether dir is a cluster directory whose owner has died.
func stale(dir string) bool {
	fi, err := os.Lstat(dir)
	if err != nil || !fi.IsDir() {
		return false
	}
	if o, ok := owner(dir); ok {
		return !o.alive()
	}
	return time.Since(fi.ModTime()) > ownerless
}

// stopOrphan stops the server of the data directory data if it still runs: a server whose
// parent-death signal never came, such as one started by an older version of this package.
func stopOrphan(data string) {
	pid := postmasterPID(data)
	if pid == 0 {
		return
	}
	p, ok := readProc(pid)
	if !ok || p.Zombie || !servesData(pid, data) {
		return
	}
	syscall.Kill(pid, syscall.SIGQUIT) // immediate shutdown: it stops its own processes
	for deadline := time.Now().Add(10 * time.Second); p.alive() && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	if p.alive() {
		syscall.Kill(pid, syscall.SIGKILL)
	}
}

// postmasterPID reads the server's pid from the first line of data/postmaster.pid, or 0.
func postmasterPID(data string) int {
	f, err := os.Open(filepath.Join(data, "postmaster.pid"))
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	if !s.Scan() {
		return 0
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(s.Text()))
	return pid
}

// servesData reports whether process pid is a postgres server of the data directory data, so
// that a pid reused by another program is never signalled.
func servesData(pid int, data string) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if err != nil {
		return false
	}
	args := strings.Split(strings.TrimRight(string(b), "\x00"), "\x00")
	if len(args) == 0 || filepath.Base(args[0]) != "postgres" {
		return false
	}
	for i, a := range args {
		if a == "-D" && i+1 < len(args) && args[i+1] == data {
			return true
		}
	}
	return false
}
