package pgtest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"runtime"
	"strconv"
	"strings"
	"syscall"
)

// serverUser is who the cluster runs as when the tests run as root, which PostgreSQL refuses.
// Debian's postgresql-common package creates it.
const serverUser = "postgres"

// account is the user the cluster's programs run as: the current one, or serverUser for root.
type account struct {
	cred     *syscall.Credential // nil: run as the current user
	uid, gid int
}

// clusterAccount decides who runs the cluster. For root without a postgres user it returns an
// error wrapping errNoServer: the machine lacks the package rather than the cluster failing.
func clusterAccount() (account, error) {
	if os.Geteuid() != 0 {
		return account{uid: os.Geteuid(), gid: os.Getegid()}, nil
	}
	u, err := user.Lookup(serverUser)
	if err != nil {
		return account{}, fmt.Errorf("%w: the tests run as root, which PostgreSQL refuses, and there is no %s user to run it as (apt-get install postgresql creates it): %v",
			errNoServer, serverUser, err)
	}
	uid, err1 := strconv.Atoi(u.Uid)
	gid, err2 := strconv.Atoi(u.Gid)
	if err1 != nil || err2 != nil {
		return account{}, fmt.Errorf("pgtest: unable to read the ids of user %s (%s:%s)", serverUser, u.Uid, u.Gid)
	}
	// No supplementary groups: the server gets the postgres user's rights and no more of root's.
	cred := &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{}}
	return account{cred: cred, uid: uid, gid: gid}, nil
}

// process is a child started by launch.
type process struct {
	cmd  *exec.Cmd
	done chan struct{} // closed once the child has exited and been reaped
	err  error         // how it exited, once done is closed
}

// launch starts cmd as acct, in a process group of its own (a terminal's Ctrl-C reaches the
// test binary, whose death then stops the child), with deathSignal sent to it when the test
// binary dies.
//
// Linux sends the parent-death signal when the thread that started the child ends, not the
// process, and the Go runtime ends a thread when a goroutine locked to it returns. So the child
// is started from a goroutine locked to a thread of its own, which then waits for the child:
// that thread lives exactly as long as the child or the test binary, whichever ends first.
func launch(cmd *exec.Cmd, acct account, deathSignal syscall.Signal) (*process, error) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: acct.cred, Pdeathsig: deathSignal, Setpgid: true}
	p := &process{cmd: cmd, done: make(chan struct{})}
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with this goroutine
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		p.err = cmd.Wait()
		close(p.done)
	}()
	if err := <-started; err != nil {
		return nil, fmt.Errorf("pgtest: unable to start %s: %w", cmd.Path, err)
	}
	return p, nil
}

// run runs cmd to its end as launch starts it, and returns its combined output.
func run(cmd *exec.Cmd, acct account) ([]byte, error) {
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	p, err := launch(cmd, acct, syscall.SIGKILL)
	if err != nil {
		return nil, err
	}
	<-p.done
	return out.Bytes(), p.err
}

// serverEnv is the environment the cluster's programs get: the test's, without the PG…
// variables that would change where initdb and postgres put or look for things, in the C
// locale.
func serverEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "PG") || strings.HasPrefix(kv, "LC_") || strings.HasPrefix(kv, "LANG=") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "LC_ALL=C", "LANG=C")
}

// procInfo is what /proc says about a process: enough to tell it from a later one that reuses
// its pid, and whether it has exited but not been reaped.
type procInfo struct {
	PID    int
	PPID   int
	Start  uint64 // clock ticks after boot
	Zombie bool
}

// readProc reads /proc/PID/stat; ok is false when there is no such process.
func readProc(pid int) (procInfo, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return procInfo{}, false
	}
	// pid (comm) state ppid … with starttime the 22nd field; comm may hold spaces and ')'.
	end := bytes.LastIndexByte(b, ')')
	if end < 0 {
		return procInfo{}, false
	}
	f := strings.Fields(string(b[end+1:]))
	if len(f) < 20 {
		return procInfo{}, false
	}
	ppid, _ := strconv.Atoi(f[1])
	start, _ := strconv.ParseUint(f[19], 10, 64)
	return procInfo{PID: pid, PPID: ppid, Start: start, Zombie: f[0] == "Z" || f[0] == "X"}, true
}

// alive reports whether the process p describes still runs: same pid, same start, not a
// zombie (a child whose parent died may never be reaped in a container).
func (p procInfo) alive() bool {
	now, ok := readProc(p.PID)
	return ok && now.Start == p.Start && !now.Zombie
}
