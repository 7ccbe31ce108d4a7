//go:build race

package testenv

// raceEnabled says the tests run with -race, so that the binary is built the same way: the
// build reuses the packages the test build compiled, and the server runs under the detector.
const raceEnabled = true
