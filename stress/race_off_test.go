//go:build !race

package stress

// raceEnabled says the tests run with -race; see race_on_test.go.
const raceEnabled = false
