// Package web holds what the browser loads: the templ components (web/templates) and the
// static files, embedded in the binary so that the console is one file to deploy.
package web

import "embed"

// Static holds web/static: the stylesheet, the pinned htmx and the console's small script.
//
//go:embed static
var Static embed.FS

// HTMXFile is the pinned htmx among the static files; pages load it through Asset.
const HTMXFile = "htmx-2.0.11.min.js"

// HTMXPath is htmx's plain URL, which keeps working (with a short cache) beside the
// content-hashed one that Asset gives.
const HTMXPath = StaticPrefix + HTMXFile
