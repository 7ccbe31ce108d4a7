package pgtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

var (
	mainRan atomic.Bool // Run is running the tests, and will stop the cluster

	once      sync.Once
	shared    *server
	sharedErr error
)

// Main runs the package's tests, stops the cluster and exits with the tests' status. Call it
// from TestMain.
func Main(m *testing.M) { os.Exit(Run(m)) }

// Run runs the package's tests, stops the cluster and returns the tests' status, for a TestMain
// that has more to do than Main does. Stopping is part of the result: a cluster that would not
// stop fails the run.
func Run(m *testing.M) int {
	mainRan.Store(true)
	code := m.Run()
	if err := shutdown(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

func shutdown() error {
	if shared == nil {
		return nil
	}
	if shared.cluster != nil {
		return shared.cluster.stop()
	}
	// A server of one's own outlives the tests: their templates are dropped from it.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var err error
	for _, name := range shared.templates {
		err = errors.Join(err, shared.drop(ctx, name))
	}
	return errors.Join(err, shared.admin.Close())
}
