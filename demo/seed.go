package demo

import (
	"context"

	"lbconsole/db"
)

// Seed fills an empty database with the demo fleet and reports whether it did: a database that
// already holds regions or load balancers is left as it is. It applies Started and then Fleet
// in one transaction, through the same validation and planning as any fleet file, and writes
// no audit entries (see db.SeedFleet).
func Seed(ctx context.Context, store *db.DB) (bool, error) {
	return store.SeedFleet(ctx, Started(), Fleet())
}
