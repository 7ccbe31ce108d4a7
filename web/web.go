// Package web holds what the browser loads: the templ components (web/templates) and the
// static files, embedded in the binary so that the console is one file to deploy.
package web

import "embed"

// Static holds web/static: the stylesheet, the pinned htmx and the console's small script.
//
//go:embed static
var Static embed.FS

// HTMXPath is where the pinned htmx is served; the version is in the name so that a browser
// never keeps a stale copy after an upgrade.
const HTMXPath = "/static/htmx-2.0.11.min.js"
