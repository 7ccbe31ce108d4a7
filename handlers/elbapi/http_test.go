package elbapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/loadbalancer/v2/pools"
)

// raw sends one request with the operator's token and returns the answer and its body.
func (e *env) raw(method, path, contentType string, body io.Reader) (*http.Response, errorBody) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("X-Auth-Token", tokens[operatorName])
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out errorBody
	b, _ := io.ReadAll(resp.Body)
	if len(b) > 0 {
		if err := json.Unmarshal(b, &out); err != nil {
			e.t.Fatalf("%s %s answered %d with non-JSON %q", method, path, resp.StatusCode, b)
		}
	}
	return resp, out
}

func TestContentType(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	before := e.members(e.pool.ID)
	path := "/v2.0/lbaas/pools/" + e.pool.ID + "/members"
	addrs, _ := e.freeAddresses(1)
	body := fmt.Sprintf(`{"action":"add","members":[{"address":%q,"protocol_port":80}]}`, addrs[0])
	for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "application/json-patch", "not a media type"} {
		resp, out := e.raw(http.MethodPut, path, ct, strings.NewReader(body))
		if resp.StatusCode != http.StatusUnsupportedMediaType || out.Code != 415 || !strings.Contains(out.Message, "application/json") {
			t.Errorf("Content-Type %q: %d %+v; want 415", ct, resp.StatusCode, out)
		}
	}
	e.unchanged(e.pool.ID, before)
	if resp, _ := e.raw(http.MethodPut, path, "application/json; charset=utf-8", strings.NewReader(body)); resp.StatusCode != http.StatusAccepted {
		t.Errorf("application/json with a charset: %d; want 202", resp.StatusCode)
	}
	body = fmt.Sprintf(`{"action":"delete","members":[{"id":%q}]}`, before[0].ID)
	if resp, _ := e.raw(http.MethodPut, path, "", strings.NewReader(body)); resp.StatusCode != http.StatusAccepted {
		t.Errorf("no Content-Type: %d; want 202 (an unlabelled body is read as JSON)", resp.StatusCode)
	}
}

func TestBodyTooLarge(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	before := e.members(e.pool.ID)
	entries := e.auditCount()
	big := `{"members":[],"action":"add","pad":"` + strings.Repeat("x", 1<<20) + `"}`
	resp, out := e.raw(http.MethodPut, "/v2.0/lbaas/pools/"+e.pool.ID+"/members", "application/json", strings.NewReader(big))
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(out.Message, "larger than") {
		t.Errorf("a body over 1 MiB: %d %+v; want 413", resp.StatusCode, out)
	}
	e.unchanged(e.pool.ID, before)
	if n := e.auditCount(); n != entries {
		t.Errorf("%d audit entries for a body never read", n-entries)
	}
}

func TestV2Prefix(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.client(operatorName, "/v2")
	if !strings.HasPrefix(membersURL(c, e.pool.ID), e.srv.URL+"/v2/lbaas/pools/") {
		t.Fatalf("client URL %s", membersURL(c, e.pool.ID))
	}
	before := listAll(t, c, e.pool.ID, nil)
	if len(before) != len(e.members(e.pool.ID)) {
		t.Fatalf("listed %d members under /v2", len(before))
	}
	addrs, _ := e.freeAddresses(1)
	opts := []pools.BatchUpdateMemberOpts{{Address: before[0].Address, ProtocolPort: before[0].ProtocolPort}, {Address: addrs[0], ProtocolPort: 80}}
	if err := pools.BatchUpdateMembers(context.Background(), c, e.pool.ID, opts).ExtractErr(); err != nil {
		t.Fatalf("BatchUpdateMembers under /v2: %v", err)
	}
	after := listAll(t, c, e.pool.ID, nil)
	if len(after) != 2 {
		t.Errorf("%d members after a replace with 2", len(after))
	}
	m, err := pools.GetMember(context.Background(), c, e.pool.ID, before[0].ID).Extract()
	if err != nil || m.ID != before[0].ID {
		t.Errorf("GetMember under /v2 = %v, %v; want the kept member", m, err)
	}
}

func TestRequestID(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.operator()
	tests := []struct {
		name, sent string
		kept       bool
	}{
		{"Plain", "script-run_42.7", true},
		{"Missing", "", false},
		{"TooLong", strings.Repeat("a", 65), false},
		{"Unsafe", "id with spaces", false},
		{"Injection", "=cmd|' /C calc'!A0", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			headers := map[string]string{}
			if tt.sent != "" {
				headers["X-Request-Id"] = tt.sent
			}
			resp, err := put(c, membersURL(c, e.pool.ID), `{"members":[],"action":"add"}`, headers)
			if err != nil {
				t.Fatalf("PUT: %v", err)
			}
			answered := resp.Header.Get("X-Request-Id")
			if tt.kept && answered != tt.sent || !tt.kept && (answered == "" || answered == tt.sent) {
				t.Errorf("X-Request-Id = %q for %q sent", answered, tt.sent)
			}
			if a := e.lastAudit(); a.RequestID != answered {
				t.Errorf("audited request id %q; answered %q", a.RequestID, answered)
			}
		})
	}
	// Errors carry it too, so that a failed call can be found in the log.
	_, err := put(c, membersURL(c, e.pool.ID), `{`, map[string]string{"X-Request-Id": "bad-json-1"})
	var ue gophercloud.ErrUnexpectedResponseCode
	wantError(t, err, http.StatusBadRequest, "JSON")
	if errors.As(err, &ue); ue.ResponseHeader.Get("X-Request-Id") != "bad-json-1" {
		t.Errorf("error X-Request-Id = %q", ue.ResponseHeader.Get("X-Request-Id"))
	}
}

func TestUnknownPool(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.operator()
	entries := e.auditCount()
	for _, pool := range []string{"rsp-doesnotexist", e.dflt.ID} {
		_, err := pools.ListMembers(c, pool, nil).AllPages(context.Background())
		wantError(t, err, http.StatusNotFound, "pool "+pool+" does not exist")
		err = pools.BatchUpdateMembers(context.Background(), c, pool, []pools.BatchUpdateMemberOpts{}).ExtractErr()
		wantError(t, err, http.StatusNotFound, "pool "+pool+" does not exist")
		_, err = pools.GetMember(context.Background(), c, pool, "m").Extract()
		wantError(t, err, http.StatusNotFound, "does not exist")
		err = pools.DeleteMember(context.Background(), c, pool, "m").ExtractErr()
		wantError(t, err, http.StatusNotFound, "does not exist")
	}
	if e.dflt.ID == "" || len(e.members(e.dflt.ID)) == 0 {
		t.Fatal("the default server list should have members, untouched")
	}
	if n := e.auditCount(); n != entries {
		t.Errorf("%d audit entries for pools that do not exist", n-entries)
	}
}

func TestRoutes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	members := "/v2.0/lbaas/pools/" + e.pool.ID + "/members"
	tests := []struct {
		method, path string
		status       int
		allow        string
	}{
		{http.MethodPatch, members, 405, "GET, HEAD, POST, PUT"},
		{http.MethodDelete, members, 405, "GET, HEAD, POST, PUT"},
		{http.MethodPost, members + "/x", 405, "GET, HEAD, PUT, DELETE"},
		{http.MethodGet, "/v2.0/lbaas/listeners", 404, ""},
		{http.MethodGet, "/v2.0/lbaas/loadbalancers/x", 404, ""},
		{http.MethodGet, "/v2/lbaas/pools/" + e.pool.ID + "/members/x/y", 404, ""},
		{http.MethodPost, "/v2.0/lbaas/loadbalancers", 405, "GET, HEAD"},
		{http.MethodDelete, "/v2.0/lbaas/loadbalancers/x", 405, "GET, HEAD"},
	}
	for _, tt := range tests {
		resp, out := e.raw(tt.method, tt.path, "application/json", bytes.NewReader(nil))
		if resp.StatusCode != tt.status || out.Code != tt.status || out.Message == "" || resp.Header.Get("Allow") != tt.allow {
			t.Errorf("%s %s = %d %+v (Allow %q); want %d (Allow %q)", tt.method, tt.path, resp.StatusCode, out, resp.Header.Get("Allow"), tt.status, tt.allow)
		}
	}
	// Without a token, nothing says which paths exist.
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/v2.0/lbaas/anything", nil)
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("an unknown path without a token = %d; want 401", resp.StatusCode)
	}
}
