// Package e2e holds the browser tests of the console: they drive Debian's chromium with
// chromedp against the real router, served by httptest on a real SQLite file seeded with the
// demo data, and check both what a user sees and what the database holds.
//
// The tests skip when chromium is missing, except in CI (CI=true), where they fail: CI installs
// it (apt-get install -y chromium). LBCONSOLE_CHROMIUM names another browser binary.
// TestScreenshots writes the README's screenshots into the directory that
// LBCONSOLE_SCREENSHOTS names, and skips when it is not set:
//
//	LBCONSOLE_SCREENSHOTS=$PWD/docs go test ./e2e -run TestScreenshots
package e2e
