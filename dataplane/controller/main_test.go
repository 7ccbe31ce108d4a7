package controller_test

import (
	"testing"

	"lbconsole/internal/testenv"
)

// TestMain stops the PostgreSQL cluster that the lease tests on PostgreSQL start.
func TestMain(m *testing.M) { testenv.MainPostgres(m) }
