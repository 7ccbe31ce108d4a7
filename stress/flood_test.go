package stress

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"lbconsole/internal/testenv"
)

// maxSignInFloodRSS is the most memory the server may take at its peak under a flood of
// concurrent sign-ins: argon2id takes 19 MiB per password checked, so this holds only while
// the checks run a few at a time.
const maxSignInFloodRSS = 256 << 20

// TestFloodsOnTheBinary runs the real binary and floods it as an outside attacker did:
// concurrent sign-ins from as many addresses (LBCONSOLE_SIGNIN_FLOOD, default 100: peak memory
// must stay bounded, and /healthz is timed meanwhile), 40 concurrent wrong passwords for one
// account (no more than the throttle allows may be checked), requests with made-up method
// names (LBCONSOLE_METHOD_FLOOD, default 5,000: no new metric series), and a flood of throttled
// sign-ins for LBCONSOLE_THROTTLED_FLOOD_SECONDS (default 2: a row per address and minute, not
// per attempt). The attack was 200 sign-ins, 20,000 methods and minutes of throttled sign-ins;
// the defaults are smaller so that the suite stays quick, and the variables run the attack's
// size. The server believes X-Forwarded-For from loopback here, so that one test client can be
// many addresses.
func TestFloodsOnTheBinary(t *testing.T) {
	t.Parallel()
	// An empty database: the server makes its first admin, "admin", with testenv's password.
	dbPath := filepath.Join(t.TempDir(), "flood.db")
	h := testenv.NewHarness(t, dbPath)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	srv := h.Start(ctx, "--trusted-proxies", "127.0.0.0/8")
	base := "http://" + srv.Addr
	pid := srv.Pid()

	t.Run("ConcurrentSignInsFromManyAddresses", func(t *testing.T) {
		// Far more than the few passwords the server hashes at once.
		n := envInt(t, "LBCONSOLE_SIGNIN_FLOOD", raceOr(100, 50))
		before := vmHWM(t, pid)
		stopHealth := timeHealthz(base)
		codes := signInFlood(t, base, n, func(i int) (string, string, string) {
			return fmt.Sprintf("10.1.%d.%d", i/250, i%250+1), fmt.Sprintf("nobody-%d", i), "wrong-password"
		})
		slowest, probes := stopHealth()
		peak := vmHWM(t, pid)
		logf(t, "%d concurrent sign-ins (unknown names, %d addresses): answers %v; peak RSS (VmHWM) %d MiB, %d MiB before; slowest /healthz %s of %d",
			n, n, codes, peak>>20, before>>20, slowest.Round(time.Millisecond), probes)
		if codes[http.StatusUnauthorized] == 0 {
			t.Errorf("no sign-in was checked (no 401 among %v): the test exercised nothing", codes)
		}
		if testenv.Race() {
			logf(t, "the race detector multiplies memory: the %d MiB bound is not checked", maxSignInFloodRSS>>20)
		} else if peak > maxSignInFloodRSS {
			t.Errorf("peak RSS %d MiB under %d concurrent sign-ins; want under %d MiB", peak>>20, n, maxSignInFloodRSS>>20)
		}
	})

	t.Run("FortyWrongPasswordsForOneAccount", func(t *testing.T) {
		codes := signInFlood(t, base, 40, func(i int) (string, string, string) {
			return "10.2.0.1", "admin", "wrong-password-" + strconv.Itoa(i)
		})
		failed := countRows(t, dbPath, "SELECT count(*) FROM sign_ins WHERE user_name = 'admin' AND outcome = 'failed'")
		logf(t, "40 concurrent wrong passwords for one account: answers %v; failures recorded %d", codes, failed)
		if checked := codes[http.StatusUnauthorized] + codes[http.StatusSeeOther]; checked > 5 {
			t.Errorf("%d of 40 passwords were checked; want at most 5 (the per-account limit)", checked)
		}
		if failed > 5 {
			t.Errorf("%d failures recorded for admin; want at most 5", failed)
		}
	})

	t.Run("MadeUpMethods", func(t *testing.T) {
		// The race detector slows each request tenfold; the point holds for any number.
		n := int64(envInt(t, "LBCONSOLE_METHOD_FLOOD", raceOr(5_000, 1_000)))
		var sent atomic.Int64
		var wg sync.WaitGroup
		client := &http.Client{Timeout: 30 * time.Second}
		for w := 0; w < 8; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := sent.Add(1); i <= n; i = sent.Add(1) {
					req, _ := http.NewRequest(fmt.Sprintf("M%06d", i), base+"/lbs", nil)
					res, err := client.Do(req)
					if err != nil {
						t.Errorf("request %d: %v", i, err)
						return
					}
					_, _ = io.Copy(io.Discard, res.Body)
					res.Body.Close()
				}
			}()
		}
		wg.Wait()
		res, err := http.Get(base + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		methods := map[string]bool{}
		series := 0
		for _, line := range strings.Split(string(body), "\n") {
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			series++
			if m := methodLabel.FindStringSubmatch(line); m != nil {
				methods[m[1]] = true
			}
		}
		logf(t, "after %d requests with made-up methods: /metrics %d bytes, %d series, method labels %d", n, len(body), series, len(methods))
		for m := range methods {
			switch m {
			case "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE", "other":
			default:
				t.Errorf("a series has method %q; want the standard methods and other only", m)
				return
			}
		}
	})

	t.Run("ThrottledFlood", func(t *testing.T) {
		const addr = "10.3.0.1"
		seconds := envInt(t, "LBCONSOLE_THROTTLED_FLOOD_SECONDS", 2)
		// Twenty failures throttle the address; then everything it sends is refused unchecked.
		first := newBrowser(t, base)
		for i := 0; i < 20; i++ {
			if code, err := first.signIn(addr, fmt.Sprintf("ghost-%d", i), "wrong"); err != nil || code != http.StatusUnauthorized {
				t.Fatalf("failure %d from %s = %d, %v; want 401", i+1, addr, code, err)
			}
		}
		began := time.Now()
		deadline := began.Add(time.Duration(seconds) * time.Second)
		var attempts atomic.Int64
		codes := make(chan map[int]int, 8)
		for w := 0; w < 8; w++ {
			b := newBrowser(t, base)
			go func() {
				seen := map[int]int{}
				for time.Now().Before(deadline) {
					code, err := b.signIn(addr, fmt.Sprintf("flood-%d", attempts.Add(1)%50), "wrong")
					if err != nil {
						t.Errorf("flood: %v", err)
						break
					}
					seen[code]++
				}
				codes <- seen
			}()
		}
		all := map[int]int{}
		for w := 0; w < 8; w++ {
			for k, v := range <-codes {
				all[k] += v
			}
		}
		minutes := int(time.Since(began)/time.Minute) + 2 // the minutes the flood touched, at most
		rows := countRows(t, dbPath, "SELECT count(*) FROM sign_ins WHERE client_ip = '"+addr+"'")
		logf(t, "throttled flood for %ds from one address: %d attempts, answers %v; sign_ins rows for the address %d", seconds, attempts.Load(), all, rows)
		if all[http.StatusTooManyRequests] == 0 {
			t.Errorf("no sign-in was throttled (%v): the test exercised nothing", all)
		}
		if rows > 20+minutes {
			t.Errorf("%d sign_ins rows for the flooding address; want its 20 failures and a row per minute (at most %d)", rows, 20+minutes)
		}
	})

	if err := srv.Stop(); err != nil {
		t.Errorf("the server did not stop cleanly on SIGTERM: %v", err)
	}
	h.CheckLog()
}

var (
	methodLabel = regexp.MustCompile(`method="([^"]*)"`)
	csrfMeta    = regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)"`)
)

// vmHWM is the process's peak resident memory, in bytes, as Linux reports it.
func vmHWM(t *testing.T, pid int) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatalf("read the server's memory: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				t.Fatalf("VmHWM line %q: %v", line, err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmHWM in /proc/PID/status")
	return 0
}

// timeHealthz asks /healthz every 20 ms until the returned function is called, which says
// how long the slowest answer took and how many were asked.
func timeHealthz(base string) func() (time.Duration, int) {
	stop := make(chan struct{})
	done := make(chan struct{})
	var slowest time.Duration
	probes := 0
	go func() {
		defer close(done)
		client := &http.Client{Timeout: 60 * time.Second}
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			start := time.Now()
			if res, err := client.Get(base + "/healthz"); err == nil {
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
			}
			slowest = max(slowest, time.Since(start))
			probes++
		}
	}()
	return func() (time.Duration, int) {
		close(stop)
		<-done
		return slowest, probes
	}
}

// browser is one anonymous browser on the console's login page.
type browser struct {
	base  string
	http  *http.Client
	token string
}

func newBrowser(t *testing.T, base string) *browser {
	t.Helper()
	jar, _ := cookiejar.New(nil) // never fails without options
	b := &browser{base: base, http: &http.Client{Jar: jar, Timeout: 60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	res, err := b.http.Get(base + "/login")
	if err != nil {
		t.Fatalf("GET /login: %v", err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrfMeta.FindSubmatch(body)
	if m == nil {
		t.Fatalf("GET /login = %d without a CSRF token", res.StatusCode)
	}
	b.token = string(m[1])
	return b
}

// signIn posts the login form as if from clientIP (through the trusted proxy) and returns the
// answer's status.
func (b *browser) signIn(clientIP, name, password string) (int, error) {
	form := url.Values{"username": {name}, "password": {password}, "_csrf": {b.token}}
	req, err := http.NewRequest(http.MethodPost, b.base+"/login", strings.NewReader(form.Encode()))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", clientIP)
	res, err := b.http.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, nil
}

// signInFlood sends n sign-ins at once, each from a browser of its own that loaded the login
// page first; who(i) gives the i-th one's address, user name and password. It counts the
// answers by status and fails on a 5xx or a transport error.
func signInFlood(t *testing.T, base string, n int, who func(i int) (addr, name, password string)) map[int]int {
	t.Helper()
	browsers := make([]*browser, n)
	for i := range browsers {
		browsers[i] = newBrowser(t, base)
	}
	var mu sync.Mutex
	codes := map[int]int{}
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, b := range browsers {
		addr, name, password := who(i)
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			code, err := b.signIn(addr, name, password)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				t.Errorf("sign-in %d: %v", i, err)
				return
			}
			codes[code]++
			if code >= 500 {
				t.Errorf("sign-in %d = %d", i, code)
			}
		}()
	}
	close(start)
	wg.Wait()
	return codes
}

// countRows runs a count query on the database file, read-only, while the server runs.
func countRows(t *testing.T, path, query string) int {
	t.Helper()
	conn, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var n int
	if err := conn.QueryRow(query).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}
