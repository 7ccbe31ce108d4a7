package haproxytest

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// RequestTimeout bounds each request Count and Traffic send.
const RequestTimeout = 10 * time.Second

// maxErrors is how many failure messages a Tally keeps; the count goes on.
const maxErrors = 10

// Tally counts the answers to a series of requests.
type Tally struct {
	ByBackend map[string]int // successful answers per backend Name
	Failed    int            // transport errors and non-200 answers
	Errors    []string       // the first few failures, for the test's message
}

// OK is the number of successful answers.
func (t Tally) OK() int {
	n := 0
	for _, c := range t.ByBackend {
		n += c
	}
	return n
}

// Sent is the number of requests counted, successful or not.
func (t Tally) Sent() int { return t.OK() + t.Failed }

func (t *Tally) add(body string, err error) {
	if err != nil {
		t.Failed++
		if len(t.Errors) < maxErrors {
			t.Errors = append(t.Errors, err.Error())
		}
		return
	}
	if t.ByBackend == nil {
		t.ByBackend = map[string]int{}
	}
	t.ByBackend[body]++
}

func (t Tally) clone() Tally {
	c := Tally{Failed: t.Failed, Errors: append([]string(nil), t.Errors...), ByBackend: map[string]int{}}
	for k, v := range t.ByBackend {
		c.ByBackend[k] = v
	}
	return c
}

// NewClient returns an HTTP client with keep-alive connections for up to conns requests at a
// time. HAProxy balances every request, not every connection, so keep-alive does not skew counts.
func NewClient(conns int) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = conns
	tr.MaxIdleConns = conns
	return &http.Client{Transport: tr, Timeout: RequestTimeout}
}

// Count sends n GET requests to url, concurrency at a time, and counts who answered.
func Count(ctx context.Context, url string, n, concurrency int) Tally {
	client := NewClient(concurrency)
	defer client.CloseIdleConnections()
	var (
		mu    sync.Mutex
		tally Tally
		wg    sync.WaitGroup
	)
	jobs := make(chan struct{})
	for range concurrency {
		wg.Go(func() {
			for range jobs {
				body, err := Get(ctx, client, url)
				mu.Lock()
				tally.add(body, err)
				mu.Unlock()
			}
		})
	}
	for range n {
		jobs <- struct{}{}
	}
	close(jobs)
	wg.Wait()
	return tally
}

// Traffic is a steady stream of GET requests at a fixed rate, each on its own goroutine so that
// a slow answer does not slow the stream, counting answers and failures until stopped.
type Traffic struct {
	stop   context.CancelFunc
	done   chan struct{}
	wg     sync.WaitGroup
	mu     sync.Mutex
	tally  Tally
	client *http.Client
}

// StartTraffic sends perSecond GET requests a second to url until Stop. The rate holds on
// average even on a busy machine: each tick sends what is due since the start.
func StartTraffic(url string, perSecond int) *Traffic {
	ctx, cancel := context.WithCancel(context.Background())
	tr := &Traffic{stop: cancel, done: make(chan struct{}), client: NewClient(perSecond)}
	go tr.run(ctx, url, max(perSecond, 1))
	return tr
}

func (tr *Traffic) run(ctx context.Context, url string, perSecond int) {
	defer close(tr.done)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	start, sent := time.Now(), 0
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-tick.C:
			for due := int(now.Sub(start).Seconds() * float64(perSecond)); sent < due; sent++ {
				tr.wg.Go(func() {
					// Requests in flight at Stop finish: cutting them would count as failures.
					body, err := Get(context.Background(), tr.client, url)
					tr.mu.Lock()
					tr.tally.add(body, err)
					tr.mu.Unlock()
				})
			}
		}
	}
}

// Tally is what has been counted so far.
func (tr *Traffic) Tally() Tally {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return tr.tally.clone()
}

// Stop ends the stream, waits for requests in flight and returns the final count.
func (tr *Traffic) Stop() Tally {
	tr.stop()
	<-tr.done
	tr.wg.Wait()
	tr.client.CloseIdleConnections()
	return tr.Tally()
}

func readAll(resp *http.Response) (string, error) {
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return strings.TrimSpace(string(b)), err
}
