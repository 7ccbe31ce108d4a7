package stress

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"lbconsole/internal/testenv"
)

// exportCap is how many audit downloads one user may run at once.
const exportCap = 2

// TestStalledExports runs the real binary on a database whose audit log is several megabytes
// and opens audit CSV downloads that stop reading, as an outside attack did: four such
// downloads, the read pool's size, once froze every page, sign-in, both APIs and /readyz.
// Other pages must keep answering while downloads stall, one user runs at most exportCap
// downloads at once (the rest are refused with 429 and Retry-After), a download that stops
// reading is cut and its slot freed, and the cap holds across two servers on one database,
// where the slots of a killed server expire by themselves. The log has LBCONSOLE_EXPORT_ROWS
// entries (default 6,000, about 12 MB of CSV); the other pages are asked LBCONSOLE_EXPORT_ROUNDS
// times (default 5) while downloads stall.
func TestStalledExports(t *testing.T) {
	t.Parallel()
	rounds := envInt(t, "LBCONSOLE_EXPORT_ROUNDS", 5)
	// Rows of about 2 KB: 6,000 make a download several times what the socket buffers hold.
	rows := envInt(t, "LBCONSOLE_EXPORT_ROWS", 6000)
	users := []string{"bob", "carol", "dave", "erin", "faye", "frank", "grace"}
	x := seedExportDB(t, t.TempDir(), "export.db", rows, users)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	h := testenv.NewHarness(t, x.path)
	srv := h.Start(ctx)
	ps := probes(t, srv.Addr, x) // signed in before anything stalls

	t.Run("one user's eight stalled downloads", func(t *testing.T) {
		c := signedIn(t, srv.Addr, users[0])
		var ok, refused []*download
		for i := 0; i < 8; i++ {
			d := startDownload(t, srv.Addr, c)
			defer d.close()
			switch d.status {
			case http.StatusOK:
				ok = append(ok, d)
			case http.StatusTooManyRequests:
				refused = append(refused, d)
			default:
				t.Errorf("download %d: %d %q; want 200 or 429", i+1, d.status, d.body)
			}
		}
		if len(ok) != exportCap || len(refused) != 8-exportCap {
			t.Errorf("%d downloads accepted, %d refused; want %d accepted and the other %d refused", len(ok), len(refused), exportCap, 8-exportCap)
		}
		for _, d := range refused {
			if d.res.Header.Get("Retry-After") == "" || !strings.Contains(d.body, "download") {
				t.Errorf("a refused download answered Retry-After %q and %q; want a Retry-After and a message about downloads",
					d.res.Header.Get("Retry-After"), d.body)
				break
			}
		}
		checkOthersAnswer(t, ctx, ps, rounds)
	})

	t.Run("four users' eight stalled downloads", func(t *testing.T) {
		var clients []*consoleClient
		for _, u := range users[1:5] {
			clients = append(clients, signedIn(t, srv.Addr, u))
		}
		accepted := 0
		for _, c := range clients {
			for i := 0; i < exportCap; i++ {
				d := startDownload(t, srv.Addr, c)
				defer d.close()
				if d.status == http.StatusOK {
					accepted++
				} else {
					t.Errorf("%s's download %d: %d %q; want 200", c.name, i+1, d.status, d.body)
				}
			}
		}
		logf(t, "%d downloads by 4 users stalled", accepted)
		checkOthersAnswer(t, ctx, ps, rounds)
	})
	if err := srv.Stop(); err != nil {
		t.Errorf("the server did not stop cleanly: %v", err)
	}

	// A short stall timeout, so that the next cases do not wait a minute.
	h.Env = append(testenv.ServerEnv(), "CONSOLE_EXPORT_STALL_TIMEOUT=2s")

	t.Run("a stalled download is cut and frees its slot", func(t *testing.T) {
		srv := h.Start(ctx)
		defer srv.Kill()
		c := signedIn(t, srv.Addr, "frank")
		var stalled []*download
		for i := 0; i < exportCap; i++ {
			d := startDownload(t, srv.Addr, c)
			defer d.close()
			if d.status != http.StatusOK {
				t.Fatalf("download %d: %d %q; want 200", i+1, d.status, d.body)
			}
			stalled = append(stalled, d)
		}
		if d := startDownload(t, srv.Addr, c); d.status != http.StatusTooManyRequests {
			d.close()
			t.Fatalf("a download beyond the cap: %d; want 429", d.status)
		}
		// The stalled downloads hold their slots until the server cuts them; then a new one
		// is accepted and, read by a client that keeps reading, is complete.
		d := waitForDownload(t, srv.Addr, c, 90*time.Second)
		lines, err := d.finish()
		if err != nil || lines != x.rows+1 {
			t.Errorf("the download after the stalled ones: %d lines, %v; want the header and %d rows", lines, err, x.rows)
		}
		for i, s := range stalled {
			lines, err := s.finish()
			if err == nil {
				t.Errorf("stalled download %d ended cleanly after %d lines; want it cut, so the client knows it is incomplete", i+1, lines)
			}
		}
	})

	t.Run("the cap holds across two servers on one database", func(t *testing.T) {
		a, b := h.Start(ctx), h.Start(ctx)
		defer a.Kill()
		defer b.Kill()
		onA, onB := signedIn(t, a.Addr, "grace"), signedIn(t, b.Addr, "grace")
		for i := 0; i < exportCap; i++ {
			d := startDownload(t, a.Addr, onA)
			defer d.close()
			if d.status != http.StatusOK {
				t.Fatalf("download %d on the first server: %d %q; want 200", i+1, d.status, d.body)
			}
		}
		if d := startDownload(t, b.Addr, onB); d.status != http.StatusTooManyRequests {
			d.close()
			t.Fatalf("a download beyond the cap on the second server: %d; want 429", d.status)
		}
		// A server killed mid-download never releases its slots: they expire by themselves.
		a.Kill()
		d := waitForDownload(t, b.Addr, onB, 90*time.Second)
		if lines, err := d.finish(); err != nil || lines != x.rows+1 {
			t.Errorf("the download after the first server died: %d lines, %v; want the header and %d rows", lines, err, x.rows)
		}
	})
	h.CheckLog()
}

// checkOthersAnswer times the other pages while downloads stall: every one must answer, and
// not with the 503 of a request that waited out the server's deadline.
func checkOthersAnswer(t *testing.T, ctx context.Context, ps []probe, rounds int) {
	t.Helper()
	time.Sleep(time.Second) // let the downloads fill the socket buffers and block
	l := measure(ctx, ps, rounds)
	logf(t, "latency of other pages meanwhile:%s", l.report())
	for _, f := range l.failures {
		t.Errorf("while downloads stalled: %s", f)
	}
}

// waitForDownload asks for the audit CSV as c until it is accepted, for up to bound.
func waitForDownload(t *testing.T, host string, c *consoleClient, bound time.Duration) *download {
	t.Helper()
	deadline := time.Now().Add(bound)
	for {
		d := startDownload(t, host, c)
		if d.status == http.StatusOK {
			return d
		}
		if d.status != http.StatusTooManyRequests || time.Now().After(deadline) {
			t.Fatalf("download: %d %q; want 200 once a slot is free", d.status, d.body)
		}
		time.Sleep(250 * time.Millisecond)
	}
}
