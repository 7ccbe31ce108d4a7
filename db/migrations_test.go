package db

import (
	"io/fs"
	"reflect"
	"testing"
)

// TestMigrationsInBothDialects holds the two directories to the same numbered steps: a step
// written for one database only would leave the other's schema behind, and the same store
// methods would then fail on it.
func TestMigrationsInBothDialects(t *testing.T) {
	numbers := func(dir string) []int {
		steps, err := loadMigrations(dir)
		if err != nil {
			t.Fatal(err)
		}
		var out []int
		for _, m := range steps {
			out = append(out, m.number)
		}
		return out
	}
	sqlite, postgres := numbers("sqlite"), numbers("postgres")
	if len(sqlite) == 0 {
		t.Fatal("no SQLite migrations embedded")
	}
	if !reflect.DeepEqual(sqlite, postgres) {
		t.Errorf("migrations/sqlite has steps %v, migrations/postgres %v: write each step for both", sqlite, postgres)
	}
	// A step left directly in migrations/ (where they were before the dialects split) would
	// be applied by neither.
	top, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	if len(top) > 0 {
		t.Errorf("%v: migrations go in migrations/sqlite and migrations/postgres, one file in each", top)
	}
}
