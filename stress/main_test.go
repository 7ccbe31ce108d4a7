package stress

import (
	"testing"

	"lbconsole/internal/testenv"
)

// TestMain removes the binary that the tests build once and share.
func TestMain(m *testing.M) { testenv.Main(m) }
