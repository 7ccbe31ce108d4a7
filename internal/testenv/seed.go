package testenv

import (
	"context"
	"errors"

	"lbconsole/db"
	"lbconsole/demo"
)

// SeedDemo fills an empty store with the demo data. It is the tests' only way to the demo:
// the templates call it once per test binary.
func SeedDemo(ctx context.Context, store *db.DB) error {
	seeded, err := demo.Seed(ctx, store)
	if err == nil && !seeded {
		err = errors.New("the store already held data: the demo was not seeded")
	}
	return err
}
