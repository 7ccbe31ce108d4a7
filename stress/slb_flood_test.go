package stress

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"lbconsole/auth"
	"lbconsole/internal/testenv"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/slb"
)

// floodNonceLen is the length of the flood's nonces: the attack used 110 characters, under
// the API's limit of 128.
const floodNonceLen = 110

// TestSLBNonceFloodOfOneKey floods the real binary with LBCONSOLE_FLOOD_CALLS (default 5,000,
// a few seconds; the attack was 100,000) signed calls of one viewer's key, each with a fresh
// 110-character nonce and an Action that does not exist, from several connections as fast as
// the machine allows, while the keys of two other users keep calling DescribeLoadBalancers
// with the real SDK. Every call of the other keys must succeed throughout, the flooding key
// must be told Throttling once past its limits, and the server's peak memory must not grow
// with the flood once its first fifth has warmed the server up. Under the race detector the
// flood is 1,000 calls and checks the other keys and the server's log only.
func TestSLBNonceFloodOfOneKey(t *testing.T) {
	t.Parallel()
	// The key is throttled within the first second (its rate is 200 calls a second, its burst
	// 400): the default floods for a few seconds past that. The race detector slows the server
	// tenfold.
	calls := envInt(t, "LBCONSOLE_FLOOD_CALLS", raceOr(5_000, 1_000))
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	h := newHarness(t, "flood")
	srv := h.Start(ctx)
	h.AddUser(ctx, "flooder", "viewer")
	h.AddUser(ctx, "bystander", "operator")
	flooder := h.KeyCreate(ctx, "flooder")
	others := map[string]auth.APICredentials{testenv.Admin: h.KeyCreate(ctx, testenv.Admin), "bystander": h.KeyCreate(ctx, "bystander")}

	pid := srv.Pid()
	var done atomic.Bool
	var wg sync.WaitGroup
	tallies := map[string]*bystanderTally{}
	for name, cred := range others {
		tally := &bystanderTally{}
		tallies[name] = tally
		sdk := sdkClient(t, srv.Addr, cred)
		tally.call(sdk) // warm up: the first call of a key is in the baseline
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !done.Load() {
				tally.call(sdk)
				time.Sleep(10 * time.Millisecond)
			}
		}()
	}
	// A fifth of the flood first, unmeasured: the baseline holds the flood's connections and
	// the garbage between collections, so that what grows after it grows with the calls.
	warmUp := calls / 5
	flood(signer{cred: flooder, host: srv.Addr}, warmUp, 8)
	time.Sleep(200 * time.Millisecond)
	before := peakRSS(t, pid)

	began := time.Now()
	got := flood(signer{cred: flooder, host: srv.Addr}, calls-warmUp, 8)
	elapsed := time.Since(began)
	after := peakRSS(t, pid)
	done.Store(true)
	wg.Wait()

	logf(t, "flood of one viewer key: %d calls with %d-character nonces after %d to warm up, in %s (%.0f calls/s); answers: %s",
		calls-warmUp, floodNonceLen, warmUp, elapsed.Round(time.Millisecond), float64(calls-warmUp)/elapsed.Seconds(), got)
	logf(t, "server peak RSS (VmHWM): %.1f MB after the warm-up, %.1f MB after the flood", float64(before)/1024, float64(after)/1024)
	for name, tally := range tallies {
		logf(t, "%s, another key, during the flood: %d calls succeeded, %d failed %v", name, tally.ok, tally.failed, tally.samples)
		if tally.failed > 0 || tally.ok < 2 {
			t.Errorf("%s's key: %d calls succeeded and %d failed during another key's flood (%v); want all of them to succeed",
				name, tally.ok, tally.failed, tally.samples)
		}
	}
	// The race detector's server answers fewer calls a second than a key may make: there the
	// flood checks the other keys and the server's log, not the flooding key's limits.
	if got["503 Throttling"] == 0 && !testenv.Race() {
		t.Errorf("the flooding key was never told Throttling: %s; want it limited", got)
	}
	if grown := after - before; grown > floodRSSBound && !testenv.Race() {
		t.Errorf("the server's peak RSS grew by %.1f MB during the flood; want at most %.0f MB: memory must not grow with one key's calls",
			float64(grown)/1024, float64(floodRSSBound)/1024)
	}
	if err := srv.Stop(); err != nil {
		t.Errorf("the server did not stop cleanly on SIGTERM: %v", err)
	}
	h.CheckLog()
}

// floodRSSBound is how much the server's peak RSS may grow during the flood, in kB: the
// connections and the garbage between collections, not the calls' nonces. (The race
// detector's own memory grows with the calls, so its binary is not held to it.)
const floodRSSBound = 16 * 1024

// bystanderTally counts the calls of a key that is not flooding.
type bystanderTally struct {
	ok, failed int
	samples    []string
}

func (b *bystanderTally) call(sdk *slb.Client) {
	_, err := sdk.DescribeLoadBalancers(slb.CreateDescribeLoadBalancersRequest())
	if err == nil {
		b.ok++
		return
	}
	b.failed++
	if len(b.samples) < 3 {
		var se *sdkerrors.ServerError
		if errors.As(err, &se) {
			b.samples = append(b.samples, fmt.Sprintf("%d %s", se.HttpStatus(), se.ErrorCode()))
		} else {
			b.samples = append(b.samples, err.Error())
		}
	}
}

// floodAnswers counts a flood's answers by status and code.
type floodAnswers map[string]int

func (f floodAnswers) String() string {
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "[%s]=%d ", k, f[k])
	}
	return strings.TrimSpace(b.String())
}

// flood sends calls signed calls of s's key from workers connections, each with a fresh
// random nonce and an Action that does not exist, and counts the answers.
func flood(s signer, calls, workers int) floodAnswers {
	client := &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: workers, MaxConnsPerHost: workers}}
	defer client.CloseIdleConnections()
	var next atomic.Int64
	var mu sync.Mutex
	total := floodAnswers{}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), uint64(w)))
			mine := floodAnswers{}
			for next.Add(1) <= int64(calls) {
				u := s.url(map[string]string{"Action": "DescribeNothingAtAll", "SignatureNonce": randomNonce(rng)})
				a, err := postSLB(client, u)
				switch {
				case err != nil:
					mine["transport error"]++
				default:
					mine[fmt.Sprintf("%d %s", a.status, a.code)]++
				}
			}
			mu.Lock()
			defer mu.Unlock()
			for k, n := range mine {
				total[k] += n
			}
		}()
	}
	wg.Wait()
	return total
}

func randomNonce(rng *rand.Rand) string {
	const digits = "0123456789abcdefghijklmnopqrstuvwxyz"
	b := make([]byte, floodNonceLen)
	for i := range b {
		b[i] = digits[rng.IntN(len(digits))]
	}
	return string(b)
}
