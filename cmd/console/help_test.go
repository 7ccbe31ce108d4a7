package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Bug 12: `console --help` printed serve's flags alone, and the subcommands showed only under
// `help`. Every way of asking prints every subcommand, and each subcommand's --help its flags.
func TestHelpListsEveryCommand(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			e, stdout, stderr := testEnv(nil, "")
			err := run(context.Background(), args, e)
			if code := exitCode(err); code != 0 {
				t.Fatalf("console %s: status %d (%v)\n%s", args[0], code, err, stderr)
			}
			for _, c := range commands {
				if !strings.Contains(stdout.String(), "console "+c.name) {
					t.Errorf("console %s does not list %q:\n%s", args[0], c.name, stdout)
				}
			}
		})
	}
}

func TestEachCommandsHelpListsItsFlags(t *testing.T) {
	t.Parallel()
	for _, c := range commands {
		if c.name == "help" {
			continue
		}
		for _, args := range [][]string{append(strings.Fields(c.name), "--help"), append([]string{"help"}, strings.Fields(c.name)...)} {
			t.Run(strings.Join(args, " "), func(t *testing.T) {
				e, stdout, stderr := testEnv(nil, "")
				err := run(context.Background(), args, e)
				if code := exitCode(err); code != 0 {
					t.Fatalf("status %d (%v)\n%s", code, err, stderr)
				}
				out := stdout.String()
				// Every command names its database with --db, but migrate, which names two.
				store := strings.Contains(out, "--db FILE") || strings.Contains(out, "--db string")
				if c.name == "migrate" {
					store = strings.Contains(out, "--from string") && strings.Contains(out, "--to string")
				}
				if !strings.HasPrefix(out, "usage: console "+c.name) || !store {
					t.Errorf("the help is:\n%s", out)
				}
				if strings.Contains(out, "console serve") && c.name != "serve" {
					t.Errorf("the help of %s is serve's:\n%s", c.name, out)
				}
			})
		}
	}
	t.Run("a group lists its commands", func(t *testing.T) {
		e, stdout, _ := testEnv(nil, "")
		if err := run(context.Background(), []string{"fleet", "--help"}, e); err != nil {
			t.Fatal(err)
		}
		if out := stdout.String(); !strings.Contains(out, "console fleet apply") || !strings.Contains(out, "console fleet export") || strings.Contains(out, "user add") {
			t.Errorf("console fleet --help says:\n%s", out)
		}
	})
}

// Bug 12: the hints after a second start named a binary, console, that someone who runs the
// program with go run does not have. They name the program as it was run: go run builds it into
// a go-build directory, and the hints then say go run ./cmd/console.
func TestHintsNameTheProgramAsItWasRun(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, dir, want string }{
		{"go run", filepath.Join("go-build1234567", "b001", "exe"), "go run ./cmd/console"},
		{"a built binary", "bin", "bin/console"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			root := t.TempDir()
			program := copyBinary(t, filepath.Join(root, tc.dir))
			arg0 := program
			if tc.name == "a built binary" {
				arg0 = "bin/console" // as typed in root
			}
			dbPath := filepath.Join(root, "lbconsole.db")
			runIn(t, root, arg0, goodPassword+"\n", "user", "add", "ada", "--role", "admin", "--db", dbPath)

			busy, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer busy.Close()
			code, _, stderr := runIn(t, root, arg0, "", "--db", dbPath, "--addr", busy.Addr().String())
			if code != 2 || !strings.Contains(stderr, tc.want+" --addr 127.0.0.1:") {
				t.Errorf("a second start on a busy address: status %d, %q; want 2 and a hint to run %s --addr …", code, stderr, tc.want)
			}

			line := secondLine(t, root, arg0, "--db", dbPath, "--addr", "127.0.0.1:0")
			if !strings.Contains(line, "| "+tc.want+" user passwd admin") {
				t.Errorf("a start on a database with users says %q; want the hint to run %s user passwd admin", line, tc.want)
			}
		})
	}
	t.Run("programName", func(t *testing.T) {
		for arg0, want := range map[string]string{
			"/tmp/go-build2871/b001/exe/console":                  "go run ./cmd/console",
			"/root/.cache/go-build/2d/2dc15d12c61cdaac-d/console": "go run ./cmd/console",
			"./console": "./console",
			"console":   "console",
			"":          "console",
		} {
			if got := programName(arg0); got != want {
				t.Errorf("programName(%q) = %q; want %q", arg0, got, want)
			}
		}
	})
}

// copyBinary puts the console binary in dir, as go run or go build would, and returns its path.
func copyBinary(t *testing.T, dir string) string {
	t.Helper()
	data, err := os.ReadFile(consoleBinary(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "console")
	if err := os.WriteFile(path, data, 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// runIn runs the program as arg0 in dir and waits for it.
func runIn(t *testing.T, dir, arg0, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, arg0, args...)
	if !filepath.IsAbs(arg0) {
		cmd.Path = filepath.Join(dir, arg0)
	}
	cmd.Dir, cmd.Env, cmd.Stdin = dir, cleanEnv(), strings.NewReader(stdin)
	var out, errs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errs
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode(), out.String(), errs.String()
	} else if err != nil {
		t.Fatalf("%s %s: %v", arg0, strings.Join(args, " "), err)
	}
	return 0, out.String(), errs.String()
}

// secondLine starts the server as arg0 in dir and returns the second line it prints, then stops it.
func secondLine(t *testing.T, dir, arg0 string, args ...string) string {
	t.Helper()
	cmd := exec.Command(arg0, args...)
	if !filepath.IsAbs(arg0) {
		cmd.Path = filepath.Join(dir, arg0)
	}
	cmd.Dir, cmd.Env = dir, cleanEnv()
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	lines := make(chan string, 2)
	go func() {
		s := bufio.NewScanner(out)
		for s.Scan() {
			lines <- s.Text()
		}
		close(lines)
	}()
	var got []string
	timeout := time.After(time.Minute)
	for len(got) < 2 {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("the server stopped after printing %q", got)
			}
			got = append(got, l)
		case <-timeout:
			t.Fatalf("the server printed %q within a minute", got)
		}
	}
	return got[1]
}
