// Package docs holds the files that the README shows and the console serves, embedded once so
// that what the console serves is byte for byte what the repository holds.
package docs

import _ "embed"

// FleetExample is docs/fleet-example.yaml: a complete fleet file, every field of the schema,
// which applies cleanly to an empty database.
//
//go:embed fleet-example.yaml
var FleetExample []byte
