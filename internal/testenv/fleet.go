package testenv

import (
	"context"
	"errors"

	"lbconsole/db"
	"lbconsole/docs"
	"lbconsole/fleet"
)

// Templates without the demo: a console as a team adopting lbconsole starts it.
var (
	// EmptyUsers holds no fleet at all, only a user of each role (see DemoUsers).
	EmptyUsers = NewTemplate(nil, addUsers)
	// ExampleUsers is EmptyUsers with the README's example fleet (docs/fleet-example.yaml)
	// seeded, unaudited, as a fleet apply would have made it.
	ExampleUsers = NewTemplate(EmptyUsers, SeedExample)
)

// SeedExample fills a store that holds no fleet with the README's example fleet file.
func SeedExample(ctx context.Context, store *db.DB) error {
	doc, err := fleet.Parse(docs.FleetExample)
	if err != nil {
		return err
	}
	seeded, err := store.SeedFleet(ctx, doc)
	if err == nil && !seeded {
		err = errors.New("the store already held a fleet: the example was not seeded")
	}
	return err
}
