package testenv

import (
	"os"
	"sync/atomic"
	"testing"
)

// mainRan says that Run is running the tests and will remove what was built for all of them.
var mainRan atomic.Bool

// Main runs the package's tests, removes what was built for all of them and exits with the
// tests' status. Call it from TestMain.
func Main(m *testing.M) { os.Exit(Run(m)) }

// Run is Main for a TestMain that has more to do: it returns the tests' status instead of
// exiting.
func Run(m *testing.M) int {
	mainRan.Store(true)
	code := m.Run()
	removeBinary()
	return code
}
