//go:build !race

package testenv

// raceEnabled says the tests run with -race; see race_on.go.
const raceEnabled = false
