package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"lbconsole/internal/testenv"
)

// The fleet tests run the real program as people do: one binary, built once per test run,
// started as a separate process for each command and for the server.

// consoleBinary is the console built once for the whole run (testenv.Binary).
func consoleBinary(t *testing.T) string {
	t.Helper()
	return testenv.Binary(t)
}

// result is how one run of the program ended.
type result struct {
	code           int
	stdout, stderr string
}

// cleanEnv is the test's environment without any CONSOLE_ setting, plus extra.
func cleanEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CONSOLE_") {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

// runBinary runs the program with args and stdin, and waits for it.
func runBinary(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, consoleBinary(t), args...)
	cmd.Env = cleanEnv()
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	code := 0
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatalf("console %s: %v", strings.Join(args, " "), err)
	}
	return result{code, stdout.String(), stderr.String()}
}

// mustRun runs the program and fails the test unless it exits 0.
func mustRun(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	r := runBinary(t, stdin, args...)
	if r.code != 0 {
		t.Fatalf("console %s: status %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r.stdout
}

// server is `console serve` running as a process of its own.
type server struct {
	cmd  *exec.Cmd
	addr string
	done chan error
}

// startServer serves the database with the real binary, the first admin's password given,
// and stops it when the test ends.
func startServer(t *testing.T, dbPath, adminPassword string) *server {
	t.Helper()
	cmd := exec.Command(consoleBinary(t), "serve", "--addr", "127.0.0.1:0", "--db", dbPath)
	cmd.Env = cleanEnv("CONSOLE_ADMIN_PASSWORD=" + adminPassword)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, done: make(chan error, 1)}
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), "lbconsole is serving on http://"); ok {
				addr, _, _ := strings.Cut(rest, " ")
				ready <- addr
			}
		}
		s.done <- cmd.Wait()
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.done:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
		}
	})
	select {
	case s.addr = <-ready:
		return s
	case err := <-s.done:
		t.Fatalf("the server exited before serving: %v\n%s", err, stderr.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("the server did not say it was serving\n%s", stderr.String())
	}
	return nil
}

// TestMain removes the binary and the templates that the tests build once and share, and stops
// the PostgreSQL cluster of the tests that run on PostgreSQL.
func TestMain(m *testing.M) { testenv.MainPostgres(m) }
