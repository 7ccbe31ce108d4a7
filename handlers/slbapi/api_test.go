package slbapi

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"testing"
	"time"

	"lbconsole/auth"
	"lbconsole/db"
)

// TestThrottlingWhenNonceMemoryIsFull serves the API alone (no router) with a nonce memory of
// one, so that the second signed request finds it full.
func TestThrottlingWhenNonceMemoryIsFull(t *testing.T) {
	ctx := context.Background()
	store, err := db.Open(ctx, filepath.Join(t.TempDir(), "api.db"), db.Options{Key: bytes.Repeat([]byte{'k'}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	u, err := store.CreateUser(ctx, "ops", db.RoleOperator, "not-a-real-hash")
	if err != nil {
		t.Fatal(err)
	}
	cred := auth.NewAPICredentials()
	if _, err := store.CreateAPIKey(ctx, u.ID, cred); err != nil {
		t.Fatal(err)
	}
	a := New(Config{DB: store}).(*api)
	a.nonces = newNonces(time.Minute, 1)

	call := func(nonce string) (int, map[string]string) {
		p := params{"Action": "DescribeLoadBalancers", "Version": apiVersion, "Format": "JSON", "AccessKeyId": cred.AccessKeyID,
			"SignatureMethod": signatureMethod, "SignatureVersion": signatureVersion, "SignatureNonce": nonce, "SignatureType": "",
			"Timestamp": time.Now().UTC().Format(timestampLayout), "RegionId": "cn-hangzhou"}
		p["Signature"] = signature(stringToSign(http.MethodPost, p), cred.AccessKeySecret)
		q := url.Values{}
		for k, v := range p {
			q.Set(k, v)
		}
		w := httptest.NewRecorder()
		a.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/?"+q.Encode(), nil))
		var body map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
			t.Fatalf("answer %s: %v", w.Body, err)
		}
		out := map[string]string{"X-Request-Id": w.Header().Get("X-Request-Id")}
		for k, v := range body {
			if s, ok := v.(string); ok {
				out[k] = s
			}
		}
		return w.Code, out
	}
	status, body := call("first")
	if status != http.StatusOK || body["RequestId"] == "" || body["RequestId"] != body["X-Request-Id"] {
		t.Fatalf("first call: %d %v; want 200 with a RequestId that is also the X-Request-Id", status, body)
	}
	status, body = call("second")
	if status != http.StatusServiceUnavailable || body["Code"] != codeThrottling {
		t.Fatalf("second call: %d %v; want 503 Throttling", status, body)
	}
}
