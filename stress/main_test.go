package stress

import (
	"testing"

	"lbconsole/internal/testenv"
)

// TestMain removes the binary that the tests build once and share, and stops the PostgreSQL
// cluster of the replica tests.
func TestMain(m *testing.M) { testenv.MainPostgres(m) }
