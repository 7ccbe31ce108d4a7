package handlers_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/slb"
	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/loadbalancer/v2/pools"

	"lbconsole/auth"
	"lbconsole/db"
	"lbconsole/internal/testenv"
)

// A key with an expiry works until then and is refused by both APIs after it, as a revoked key
// is; each accepted call notes the key's last use, which the keys page shows.
func TestKeysExpireAndSayWhenTheyWereLastUsed(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, g := e.bigGroup()
	u, err := e.store.UserByName(e.ctx, operatorName)
	if err != nil {
		t.Fatal(err)
	}
	cred := auth.NewAPICredentials()
	k, err := e.store.CreateAPIKeyWith(e.ctx, db.Origin{Actor: "test", Source: db.SourceCLI}, u.ID, cred,
		db.KeySpec{Label: "nightly drain", Expires: e.clock.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	slbCall := func() error {
		c, err := testenv.SLBClient(e.console.Host, cred.AccessKeyID, cred.AccessKeySecret)
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.DescribeLoadBalancers(slb.CreateDescribeLoadBalancersRequest())
		return err
	}
	poolCall := func() error {
		_, err := pools.ListMembers(testenv.PoolClient(e.srv.URL+"/v2.0/", cred.Token, http.Client{}), g.ID, pools.ListMembersOpts{}).AllPages(context.Background())
		return err
	}

	t.Run("before its expiry both APIs take it and its use is noted", func(t *testing.T) {
		if err := slbCall(); err != nil {
			t.Fatalf("SLB API: %v", err)
		}
		if err := poolCall(); err != nil {
			t.Fatalf("pool API: %v", err)
		}
		keys, err := e.store.ListAPIKeys(e.ctx, u.ID)
		if err != nil || len(keys) == 0 || keys[0].ID != k.ID || !keys[0].LastUsed.Equal(e.clock.Now().Truncate(time.Microsecond)) {
			t.Fatalf("the key's last use = %+v, %v; want now", keys, err)
		}
		d := e.signInAt(operatorName).Get("/keys").Doc()
		row := d.Find(`tr[data-testid="key-row"][data-id="` + cred.AccessKeyID + `"]`)
		if got := text(row.Find(`[data-testid="key-row-label"]`)); got != "nightly drain" {
			t.Errorf("the keys page labels the key %q", got)
		}
		if got := row.Find(`[data-testid="key-last-used"] time`).Length(); got != 1 {
			t.Errorf("the keys page shows no last use")
		}
	})
	e.clock.Advance(time.Hour + time.Second)
	t.Run("after it the SLB API refuses it", func(t *testing.T) {
		var se *sdkerrors.ServerError
		if err := slbCall(); !errors.As(err, &se) || se.ErrorCode() != "InvalidAccessKeyId.NotFound" || !strings.Contains(se.Message(), "expired") {
			t.Errorf("SLB API with an expired key: %v; want InvalidAccessKeyId.NotFound saying it expired", err)
		}
	})
	t.Run("after it the pool API refuses it", func(t *testing.T) {
		if err := poolCall(); !gophercloud.ResponseCodeIs(err, http.StatusUnauthorized) {
			t.Errorf("pool API with an expired key: %v; want 401", err)
		}
	})
	t.Run("the keys page says it expired, and still offers Revoke", func(t *testing.T) {
		row := e.signInAt(operatorName).Get("/keys").Doc().Find(`tr[data-testid="key-row"][data-id="` + cred.AccessKeyID + `"]`)
		if got := text(row.Find(`[data-testid="key-state"]`)); got != "expired" {
			t.Errorf("the key's state reads %q; want expired", got)
		}
	})
	t.Run("a key made on the page takes a label and a lifetime", func(t *testing.T) {
		c := e.signInAt(operatorName)
		r := c.Post("/keys", c.WithCSRF(url.Values{"label": {"ci"}, "expires_in": {"30d"}}), htmx)
		wantStatus(t, r, http.StatusOK)
		keys, err := e.store.ListAPIKeys(e.ctx, u.ID)
		if err != nil || keys[0].Label != "ci" || !keys[0].Expires.Equal(e.clock.Now().Add(30*24*time.Hour).Truncate(time.Microsecond)) {
			t.Errorf("the new key = %+v, %v; want label ci, expiring in 30 days", keys[0], err)
		}
		r = c.Post("/keys", c.WithCSRF(url.Values{"expires_in": {"forever"}}), htmx)
		wantStatus(t, r, http.StatusBadRequest)
	})
}
