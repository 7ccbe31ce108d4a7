package testenv

// Race says the tests run with the race detector, which slows everything several times: tests
// that make load make less of it then.
func Race() bool { return raceEnabled }
