package db_test

import (
	"lbconsole/db"
	"lbconsole/demo"
)

func init() { db.SeedDemoForTests = demo.Seed }
