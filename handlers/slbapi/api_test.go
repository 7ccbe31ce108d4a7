package slbapi

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lbconsole/auth"
	"lbconsole/db"
	"lbconsole/lb"
)

// testAPI serves the API alone (no router) on a real SQLite file, with a clock the test moves
// and two operators' keys.
type testAPI struct {
	t     *testing.T
	api   *api
	path  string
	clock *fakeClock
	keys  []auth.APICredentials
}

func newTestAPI(t *testing.T, limits Limits) *testAPI {
	t.Helper()
	ctx := context.Background()
	clock := &fakeClock{t: time.Now().UTC().Truncate(time.Second)}
	path := filepath.Join(t.TempDir(), "api.db")
	store, err := db.Open(ctx, path, db.Options{Key: bytes.Repeat([]byte{'k'}, 32), Now: clock.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	u, err := store.CreateUser(ctx, db.Origin{Actor: "test", Source: db.SourceCLI}, "ops", lb.RoleOperator, "not-a-real-hash")
	if err != nil {
		t.Fatal(err)
	}
	ta := &testAPI{t: t, path: path, clock: clock, api: New(Config{DB: store, Limits: limits, Now: clock.now}).(*api)}
	for range 2 {
		cred := auth.NewAPICredentials()
		if _, err := store.CreateAPIKey(ctx, db.Origin{Actor: "test", Source: db.SourceCLI}, u.ID, cred); err != nil {
			t.Fatal(err)
		}
		ta.keys = append(ta.keys, cred)
	}
	return ta
}

// call sends a DescribeLoadBalancers signed with key k and nonce, stamped with the clock's
// time, and returns the status and the answer's string fields.
func (ta *testAPI) call(k int, nonce string) (int, map[string]string) {
	ta.t.Helper()
	cred := ta.keys[k]
	p := params{"Action": "DescribeLoadBalancers", "Version": apiVersion, "Format": "JSON", "AccessKeyId": cred.AccessKeyID,
		"SignatureMethod": signatureMethod, "SignatureVersion": signatureVersion, "SignatureNonce": nonce, "SignatureType": "",
		"Timestamp": ta.clock.now().Format(timestampLayout), "RegionId": "cn-hangzhou"}
	p["Signature"] = signature(stringToSign(http.MethodPost, p), cred.AccessKeySecret)
	q := url.Values{}
	for k, v := range p {
		q.Set(k, v)
	}
	w := httptest.NewRecorder()
	ta.api.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/?"+q.Encode(), nil))
	var body map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
		ta.t.Fatalf("answer %s: %v", w.Body, err)
	}
	out := map[string]string{"X-Request-Id": w.Header().Get("X-Request-Id")}
	for k, v := range body {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	return w.Code, out
}

// want fails unless a call got status and, for an error, code.
func (ta *testAPI) want(what string, status int, body map[string]string, wantStatus int, wantCode string) {
	ta.t.Helper()
	if status != wantStatus || body["Code"] != wantCode {
		ta.t.Fatalf("%s: %d %v; want %d %s", what, status, body, wantStatus, wantCode)
	}
}

// nonces counts the nonces remembered in the database file.
func (ta *testAPI) nonces() int {
	ta.t.Helper()
	conn, err := sql.Open("sqlite", "file:"+ta.path+"?mode=ro")
	if err != nil {
		ta.t.Fatal(err)
	}
	defer conn.Close()
	var n int
	if err := conn.QueryRow("SELECT count(*) FROM slb_nonces").Scan(&n); err != nil {
		ta.t.Fatal(err)
	}
	return n
}

// TestNonceMemoryIsPerKey fills one key's nonce memory: that key is throttled, the other is not.
func TestNonceMemoryIsPerKey(t *testing.T) {
	ta := newTestAPI(t, Limits{NoncesPerKey: 2})
	status, body := ta.call(0, "first")
	if status != http.StatusOK || body["RequestId"] == "" || body["RequestId"] != body["X-Request-Id"] {
		t.Fatalf("first call: %d %v; want 200 with a RequestId that is also the X-Request-Id", status, body)
	}
	status, body = ta.call(0, "second")
	ta.want("second call", status, body, http.StatusOK, "")
	status, body = ta.call(0, "third")
	ta.want("third call, past the key's nonces", status, body, http.StatusServiceUnavailable, codeThrottling)
	if !strings.Contains(body["Message"], ta.keys[0].AccessKeyID) {
		t.Errorf("message %q does not name the key", body["Message"])
	}
	status, body = ta.call(1, "third")
	ta.want("another key meanwhile", status, body, http.StatusOK, "")
	status, body = ta.call(0, "first")
	ta.want("a replay by the full key", status, body, http.StatusBadRequest, codeNonceUsed)

	ta.clock.advance(2*timestampWindow + time.Minute)
	status, body = ta.call(0, "fourth")
	ta.want("once its nonces expired", status, body, http.StatusOK, "")
}

// TestRateIsPerKey makes one key call faster than its rate: its calls are throttled, without
// spending their nonces, and the other key's are not.
func TestRateIsPerKey(t *testing.T) {
	ta := newTestAPI(t, Limits{CallsPerSecond: 1, Burst: 2})
	for _, n := range []string{"a", "b"} {
		status, body := ta.call(0, n)
		ta.want("a call of the burst", status, body, http.StatusOK, "")
	}
	status, body := ta.call(0, "c")
	ta.want("past the burst", status, body, http.StatusServiceUnavailable, codeThrottling)
	if !strings.Contains(body["Message"], "try again in 1s") {
		t.Errorf("message %q does not say when to try again", body["Message"])
	}
	status, body = ta.call(1, "c")
	ta.want("another key meanwhile", status, body, http.StatusOK, "")
	ta.clock.advance(time.Second)
	status, body = ta.call(0, "c")
	ta.want("the throttled call again a second later", status, body, http.StatusOK, "")
}

// TestExpiredNoncesArePruned checks that the calls themselves keep the nonce table small:
// once nonces expired (and the grace for clocks passed), a call forgets them.
func TestExpiredNoncesArePruned(t *testing.T) {
	ta := newTestAPI(t, Limits{})
	for _, n := range []string{"a", "b", "c"} {
		status, body := ta.call(0, n)
		ta.want("a call", status, body, http.StatusOK, "")
	}
	if got := ta.nonces(); got != 3 {
		t.Fatalf("%d nonces remembered; want 3", got)
	}
	ta.clock.advance(timestampWindow + pruneGrace + pruneEvery + time.Second)
	status, body := ta.call(1, "d")
	ta.want("a call once the others expired", status, body, http.StatusOK, "")
	if got := ta.nonces(); got != 1 {
		t.Fatalf("%d nonces remembered; want 1: the expired ones are pruned", got)
	}
}
