package stress

import (
	"flag"
	"fmt"
	"os"
	"testing"

	"lbconsole/internal/testenv"
)

// TestMain removes the binary that the tests build once and share, and stops the PostgreSQL
// cluster of the replica tests. Under -short it runs nothing: every test here drives the real
// binary, most of them for tens of seconds, and they run without -short, as CI runs them.
func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		fmt.Println("stress: -short: the stress tests run without -short, as CI runs them")
		os.Exit(0)
	}
	testenv.MainPostgres(m)
}
