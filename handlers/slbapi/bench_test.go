package slbapi

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"lbconsole/auth"
	"lbconsole/db"
	"lbconsole/lb"
)

// BenchmarkAuthenticatedCall measures what every call pays before its action runs: the
// parameters, the key's lookup, the signature and the nonce. The action does not exist, so
// nothing else is measured. Each key makes a bounded share of the calls, as scripts do.
func BenchmarkAuthenticatedCall(b *testing.B) {
	ctx := context.Background()
	store, err := db.Open(ctx, filepath.Join(b.TempDir(), "bench.db"), db.Options{Key: bytes.Repeat([]byte{'k'}, 32)})
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	u, err := store.CreateUser(ctx, db.Origin{Actor: "test", Source: db.SourceCLI}, "bench", lb.RoleViewer, "not-a-real-hash")
	if err != nil {
		b.Fatal(err)
	}
	var creds []auth.APICredentials
	for range 64 {
		cred := auth.NewAPICredentials()
		if _, err := store.CreateAPIKey(ctx, db.Origin{Actor: "test", Source: db.SourceCLI}, u.ID, cred); err != nil {
			b.Fatal(err)
		}
		creds = append(creds, cred)
	}
	h := New(Config{DB: store, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	var n atomic.Int64
	call := func() *httptest.ResponseRecorder {
		i := n.Add(1)
		cred := creds[i%int64(len(creds))]
		p := params{"Action": "DescribeNothing", "Version": apiVersion, "Format": "JSON", "AccessKeyId": cred.AccessKeyID,
			"SignatureMethod": signatureMethod, "SignatureVersion": signatureVersion, "SignatureNonce": fmt.Sprintf("%032x", i),
			"SignatureType": "", "Timestamp": time.Now().UTC().Format(timestampLayout), "RegionId": "cn-hangzhou"}
		p["Signature"] = signature(stringToSign(http.MethodPost, p), cred.AccessKeySecret)
		q := url.Values{}
		for k, v := range p {
			q.Set(k, v)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/?"+q.Encode(), nil))
		return w
	}
	if w := call(); w.Code != http.StatusNotFound {
		b.Fatalf("a call of an unknown action: %d %s; want 404", w.Code, w.Body)
	}
	b.Run("Serial", func(b *testing.B) {
		for b.Loop() {
			call()
		}
	})
	b.Run("Parallel", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				call()
			}
		})
	})
}
