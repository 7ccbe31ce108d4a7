//go:build race

package stress

// raceEnabled says the tests run with -race, so that the binary they build is built the same
// way: it reuses the packages the test build compiled, and the server runs under the detector.
const raceEnabled = true
