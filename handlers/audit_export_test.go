package handlers_test

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestAuditDownloadCap checks the per-user cap on running audit downloads: the slots are rows
// in the database (the stress tests run stalled downloads against the real binary); here two
// are taken directly, as two downloads of another console process would hold them.
func TestAuditDownloadCap(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	viewer := e.signIn(viewerName)
	vera, err := e.store.UserByName(e.ctx, viewerName)
	if err != nil {
		t.Fatal(err)
	}
	first, err := e.store.AcquireExportLease(e.ctx, vera.ID, 2, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.AcquireExportLease(e.ctx, vera.ID, 2, time.Minute); err != nil {
		t.Fatal(err)
	}

	t.Run("ThirdDownloadIsRefusedWithRetryAfter", func(t *testing.T) {
		r := viewer.Get("/audit.csv")
		wantStatus(t, r, http.StatusTooManyRequests)
		if r.Header.Get("Retry-After") == "" {
			t.Error("a refused download carries no Retry-After")
		}
		if !strings.Contains(r.Body, "2 audit downloads running") {
			t.Errorf("a refused download says %s; want it to name the 2 downloads running", r.Snippet())
		}
	})

	t.Run("TheCapIsPerUser", func(t *testing.T) {
		r := e.signIn(operatorName).Get("/audit.csv")
		wantStatus(t, r, http.StatusOK)
	})

	t.Run("AFreedSlotTakesADownloadAndItsEndFreesItAgain", func(t *testing.T) {
		if err := e.store.ReleaseExportLease(e.ctx, first); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 3; i++ {
			r := viewer.Get("/audit.csv")
			wantStatus(t, r, http.StatusOK)
			if !strings.HasPrefix(r.Body, "seq,time,") {
				t.Errorf("download %d: %.60q; want the CSV", i+1, r.Body)
			}
		}
	})
}
