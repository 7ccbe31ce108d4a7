// Package testenv is what lbconsole's tests run against: a real SQLite file with the demo data
// and a user of each role, the real router on httptest, a browser that keeps its cookies and
// CSRF token, the real cloud SDKs as clients, and the real binary as a process of its own.
//
// Seeding the demo data takes a while (seconds under the race detector), so it is done once
// per test binary into a template, and every test gets a copy of the template's file:
//
//	store, path := testenv.DemoUsers.Open(t, db.Options{}) // a copy, with its key file beside it
//	c := testenv.NewConsole(t, testenv.Options{})         // a copy served by the real router
//	b := c.Browser()                                       // a browser of its own
//	b.SignIn(testenv.Operator)
//
// A package that needs more in every database (API keys, more users) makes a template of its
// own on top of one of these with NewTemplate: it too is filled once, then copied.
//
// The demo data is written by SeedDemo, and by nothing else in the tests: what the demo holds
// and how it gets there is decided in that one function.
//
// Tests that run the binary (Binary, Harness) need the package's TestMain to call MainPostgres
// or RunPostgres, so that the binary, built once for the whole test binary, is removed at the
// end (and a PostgreSQL cluster, if a test started one, stopped):
//
//	func TestMain(m *testing.M) { testenv.MainPostgres(m) }
package testenv
