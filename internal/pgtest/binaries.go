package pgtest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// minMajor is the oldest PostgreSQL that NewDB works with: DROP DATABASE … WITH (FORCE), which
// drops a database that a test left connections open to, came in 13.
const minMajor = 13

// errNoServer says that this machine cannot run a throwaway cluster: a test skips (or, in CI,
// fails) rather than reports a broken cluster.
var errNoServer = errors.New("pgtest: no PostgreSQL server to test with")

// binaries are the two server programs a throwaway cluster needs, from one installation.
type binaries struct {
	dir     string // holds initdb and postgres
	version string // as postgres --version says it, such as 15.18
}

func (b binaries) path(name string) string { return filepath.Join(b.dir, name) }

// debianBinDirs is where Debian's postgresql-NN packages put the server's programs, which are
// not on the PATH there.
const debianBinDirs = "/usr/lib/postgresql/*/bin"

// findBinaries finds initdb and postgres: on the PATH (following a link to the installation it
// belongs to) or else in the newest of Debian's installations. It returns an error wrapping
// errNoServer when there are none, and another error when they are too old.
func findBinaries() (binaries, error) {
	var dirs []string
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		dirs = append(dirs, filepath.Dir(p))
	}
	dirs = append(dirs, debianDirs()...)
	for _, dir := range dirs {
		b := binaries{dir: dir}
		if !isExecutable(b.path("initdb")) || !isExecutable(b.path("postgres")) {
			continue
		}
		return b, b.checkVersion()
	}
	return binaries{}, fmt.Errorf("%w: initdb and postgres are neither on the PATH nor in %s (apt-get install postgresql)", errNoServer, debianBinDirs)
}

// debianDirs returns Debian's installation directories, newest version first.
func debianDirs() []string {
	dirs, _ := filepath.Glob(debianBinDirs)
	major := func(dir string) int {
		n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
		return n
	}
	sort.Slice(dirs, func(i, j int) bool { return major(dirs[i]) > major(dirs[j]) })
	return dirs
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

var versionRE = regexp.MustCompile(`\(PostgreSQL\) (\d+)(\.\d+)?`)

// checkVersion reads the server's version and refuses one older than minMajor.
func (b *binaries) checkVersion() error {
	out, err := exec.Command(b.path("postgres"), "--version").Output()
	if err != nil {
		return fmt.Errorf("pgtest: unable to run %s --version: %w", b.path("postgres"), err)
	}
	m := versionRE.FindStringSubmatch(string(out))
	if m == nil {
		return fmt.Errorf("pgtest: unable to read the version of %s from %q", b.path("postgres"), strings.TrimSpace(string(out)))
	}
	b.version = m[1] + m[2]
	if major, _ := strconv.Atoi(m[1]); major < minMajor {
		return fmt.Errorf("pgtest: %s is PostgreSQL %s: %d or later is needed", b.path("postgres"), b.version, minMajor)
	}
	return nil
}
