package testenv

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

var binary struct {
	once sync.Once
	dir  string
	path string
	took time.Duration
	err  error
}

// mainRan says that RunPostgres is running the tests and will remove what was built for all
// of them.
var mainRan atomic.Bool

// Binary builds ./cmd/console once per test binary, with -race when the tests run with it, and
// returns its path. The package's TestMain must call MainPostgres or RunPostgres, which remove
// it at the end.
func Binary(tb testing.TB) string {
	tb.Helper()
	if !mainRan.Load() {
		tb.Fatal("testenv.Binary needs the package's TestMain to call testenv.MainPostgres(m) or testenv.RunPostgres(m), which remove the binary when the tests end")
	}
	binary.once.Do(func() {
		start := time.Now()
		binary.dir, binary.path, binary.err = buildBinary()
		binary.took = time.Since(start)
		if binary.err == nil {
			tb.Logf("built the console binary once for this test binary in %s", binary.took.Round(time.Millisecond))
		}
	})
	if binary.err != nil {
		tb.Fatal(binary.err)
	}
	return binary.path
}

func buildBinary() (dir, path string, err error) {
	root, err := moduleRoot()
	if err != nil {
		return "", "", err
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	if dir, err = os.MkdirTemp("", "lbconsole-testenv-bin-"); err != nil {
		return "", "", err
	}
	path = filepath.Join(dir, "console")
	args := []string{"build"}
	if raceEnabled {
		args = append(args, "-race")
	}
	args = append(args, "-o", path, "./cmd/console")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goBin, args...)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return dir, "", fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return dir, path, nil
}

func removeBinary() {
	if binary.dir != "" {
		os.RemoveAll(binary.dir)
	}
}

// moduleRoot is the directory of go.mod, found from the test's working directory up.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("testenv: no go.mod above the test's working directory")
		}
		dir = parent
	}
}
