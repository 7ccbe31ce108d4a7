package slbapi_test

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	sdkauth "github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/slb"

	"lbconsole/auth"
	"lbconsole/db"
)

// errorFields decodes a JSON error and checks that every value is a string, as the SDK needs.
func errorFields(t *testing.T, body string) map[string]string {
	t.Helper()
	var raw map[string]any
	if err := json.Unmarshal([]byte(body), &raw); err != nil {
		t.Fatalf("error body %s is not JSON: %v", body, err)
	}
	out := map[string]string{}
	for _, k := range []string{"RequestId", "HostId", "Code", "Message", "Recommend"} {
		s, ok := raw[k].(string)
		if !ok {
			t.Errorf("error field %s is %#v, want a string", k, raw[k])
		}
		out[k] = s
	}
	return out
}

// sdkSignedURL signs a DescribeLoadBalancers request with the SDK's own signer.
func (e *env) sdkSignedURL(user string) string {
	e.t.Helper()
	req := slb.CreateDescribeLoadBalancersRequest()
	req.Domain, req.Scheme = e.host, "http"
	if err := requests.InitParams(req); err != nil {
		e.t.Fatal(err)
	}
	cred := e.keys[user]
	if err := sdkauth.Sign(req, nil, region, credentials.NewStaticAKCredentialsProvider(cred.AccessKeyID, cred.AccessKeySecret)); err != nil {
		e.t.Fatal(err)
	}
	return req.BuildUrl()
}

func TestAuthentication(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	web := e.loadBalancer("web-frontend-hz")

	t.Run("TestSignerAgreesWithTheSDK", func(t *testing.T) {
		u, err := url.Parse(e.sdkSignedURL(viewerName))
		if err != nil {
			t.Fatal(err)
		}
		params := map[string]string{}
		for k, v := range u.Query() {
			params[k] = v[0]
		}
		if got, want := testSignature("POST", e.keys[viewerName].AccessKeySecret, params), params["Signature"]; got != want {
			t.Fatalf("the tests' signer gives %s, the SDK %s", got, want)
		}
	})

	t.Run("ReplayedNonceRefused", func(t *testing.T) {
		u := e.sdkSignedURL(viewerName)
		if status, body := send(t, http.MethodPost, u); status != http.StatusOK {
			t.Fatalf("first call: %d %s", status, body)
		}
		status, body := send(t, http.MethodPost, u)
		if f := errorFields(t, body); status != http.StatusBadRequest || f["Code"] != "SignatureNonceUsed" {
			t.Fatalf("replay: %d %s; want 400 SignatureNonceUsed", status, body)
		}
	})

	t.Run("SameNonceOfAnotherKeyAccepted", func(t *testing.T) {
		nonce := "4a3c9a2e-shared-nonce"
		for _, user := range []string{viewerName, operatorName} {
			u := e.signed(user, "GET", map[string]string{"Action": "DescribeLoadBalancers", "SignatureNonce": nonce})
			if status, body := send(t, http.MethodGet, u); status != http.StatusOK {
				t.Fatalf("%s: %d %s", user, status, body)
			}
		}
	})

	for _, tc := range []struct {
		name string
		skew time.Duration
		ok   bool
	}{
		{"TimestampTenMinutesOldAccepted", -10 * time.Minute, true},
		{"TimestampTwentyMinutesOldExpired", -20 * time.Minute, false},
		{"TimestampTwentyMinutesAheadExpired", 20 * time.Minute, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := e.signed(viewerName, "POST", map[string]string{"Action": "DescribeLoadBalancers",
				"Timestamp": time.Now().Add(tc.skew).UTC().Format("2006-01-02T15:04:05Z")})
			status, body := send(t, http.MethodPost, u)
			if tc.ok {
				if status != http.StatusOK {
					t.Fatalf("got %d %s, want 200", status, body)
				}
				return
			}
			if f := errorFields(t, body); status != http.StatusBadRequest || f["Code"] != "InvalidTimeStamp.Expired" {
				t.Fatalf("got %d %s; want 400 InvalidTimeStamp.Expired", status, body)
			}
		})
	}

	t.Run("TimestampInAnotherLayoutRefused", func(t *testing.T) {
		u := e.signed(viewerName, "POST", map[string]string{"Action": "DescribeLoadBalancers", "Timestamp": time.Now().UTC().Format(time.RFC1123)})
		status, body := send(t, http.MethodPost, u)
		if f := errorFields(t, body); status != http.StatusBadRequest || f["Code"] != "InvalidParameter" || !strings.Contains(f["Message"], "Timestamp") {
			t.Fatalf("got %d %s; want 400 InvalidParameter about Timestamp", status, body)
		}
	})

	t.Run("WrongSecret", func(t *testing.T) {
		_, err := e.clientWith(e.keys[operatorName].AccessKeyID, "not-the-secret").DescribeLoadBalancers(slb.CreateDescribeLoadBalancersRequest())
		se := wantCode(t, err, "SignatureDoesNotMatch", http.StatusBadRequest)
		if !strings.Contains(se.Recommend(), "AccessKeySecret") {
			t.Errorf("the SDK recommends %q: the server's string to sign should let it blame the secret", se.Recommend())
		}
	})

	t.Run("TamperedParameter", func(t *testing.T) {
		u := e.signed(operatorName, "POST", map[string]string{"Action": "RemoveBackendServers", "LoadBalancerId": "lb-other",
			"BackendServers": `["i-1"]`})
		u = strings.Replace(u, "lb-other", web.ID, 1)
		status, body := send(t, http.MethodPost, u)
		if f := errorFields(t, body); status != http.StatusBadRequest || f["Code"] != "SignatureDoesNotMatch" {
			t.Fatalf("got %d %s; want 400 SignatureDoesNotMatch", status, body)
		}
	})

	t.Run("SignedForAnotherMethod", func(t *testing.T) {
		u := e.signed(viewerName, "GET", map[string]string{"Action": "DescribeLoadBalancers"})
		status, body := send(t, http.MethodPost, u)
		if f := errorFields(t, body); status != http.StatusBadRequest || f["Code"] != "SignatureDoesNotMatch" {
			t.Fatalf("got %d %s; want 400 SignatureDoesNotMatch", status, body)
		}
	})

	t.Run("UnknownAccessKey", func(t *testing.T) {
		_, err := e.clientWith("LTAIdoesnotexist", "secret").DescribeLoadBalancers(slb.CreateDescribeLoadBalancersRequest())
		wantCode(t, err, "InvalidAccessKeyId.NotFound", http.StatusNotFound)
	})

	t.Run("RevokedKey", func(t *testing.T) {
		u := e.users[operatorName]
		cred := auth.NewAPICredentials()
		k, err := e.store.CreateAPIKey(e.ctx, db.Origin{Actor: "test", Source: db.SourceCLI}, u.ID, cred)
		if err != nil {
			t.Fatal(err)
		}
		c := e.clientWith(cred.AccessKeyID, cred.AccessKeySecret)
		if _, err := c.DescribeLoadBalancers(slb.CreateDescribeLoadBalancersRequest()); err != nil {
			t.Fatalf("the new key does not work: %v", err)
		}
		if _, err := e.store.RevokeAPIKey(e.ctx, db.Origin{Actor: "test", Source: db.SourceCLI}, k.ID); err != nil {
			t.Fatal(err)
		}
		_, err = c.DescribeLoadBalancers(slb.CreateDescribeLoadBalancersRequest())
		wantCode(t, err, "InvalidAccessKeyId.NotFound", http.StatusNotFound)
	})

	t.Run("UnknownAction", func(t *testing.T) {
		req := requests.NewCommonRequest()
		req.Method, req.Scheme, req.Domain = "POST", "http", e.host
		req.Product, req.Version, req.ApiName = "Slb", "2014-05-15", "DeleteLoadBalancer"
		req.QueryParams["LoadBalancerId"] = web.ID
		_, err := e.client(adminName).ProcessCommonRequest(req)
		wantCode(t, err, "InvalidAction.NotFound", http.StatusNotFound)
	})

	t.Run("ViewerMayDescribeButNotChange", func(t *testing.T) {
		c := e.client(viewerName)
		if _, err := c.DescribeVServerGroups(func() *slb.DescribeVServerGroupsRequest {
			r := slb.CreateDescribeVServerGroupsRequest()
			r.LoadBalancerId = web.ID
			return r
		}()); err != nil {
			t.Fatal(err)
		}
		req := slb.CreateSetBackendServersRequest()
		req.LoadBalancerId, req.BackendServers = web.ID, `[{"ServerId":"i-1","Weight":1}]`
		_, err := c.SetBackendServers(req)
		se := wantCode(t, err, "Forbidden", http.StatusForbidden)
		if !strings.Contains(se.Message(), "viewer") {
			t.Errorf("message %q does not say why", se.Message())
		}
	})

	t.Run("DuplicatedParameterRefused", func(t *testing.T) {
		u := e.signed(viewerName, "GET", map[string]string{"Action": "DescribeLoadBalancerAttribute", "LoadBalancerId": web.ID})
		status, body := send(t, http.MethodGet, u+"&LoadBalancerId=lb-other")
		if f := errorFields(t, body); status != http.StatusBadRequest || f["Code"] != "InvalidParameter" || !strings.Contains(f["Message"], "LoadBalancerId") {
			t.Fatalf("got %d %s; want 400 InvalidParameter naming LoadBalancerId", status, body)
		}
	})

	t.Run("MissingSignature", func(t *testing.T) {
		u := e.signed(viewerName, "GET", map[string]string{"Action": "DescribeLoadBalancers"})
		parsed, _ := url.Parse(u)
		q := parsed.Query()
		q.Del("Signature")
		status, body := send(t, http.MethodGet, e.srv.URL+"/?"+q.Encode())
		if f := errorFields(t, body); status != http.StatusBadRequest || f["Code"] != "MissingParameter" || !strings.Contains(f["Message"], "Signature") {
			t.Fatalf("got %d %s; want 400 MissingParameter naming Signature", status, body)
		}
	})

	t.Run("OtherVersionRefused", func(t *testing.T) {
		status, body := send(t, http.MethodGet, e.signed(viewerName, "GET", map[string]string{"Action": "DescribeLoadBalancers", "Version": "2024-01-01"}))
		if f := errorFields(t, body); status != http.StatusBadRequest || f["Code"] != "InvalidParameter" || !strings.Contains(f["Message"], "Version") {
			t.Fatalf("got %d %s; want 400 InvalidParameter naming Version", status, body)
		}
	})

	t.Run("FormatIsCaseInsensitive", func(t *testing.T) {
		status, body := send(t, http.MethodGet, e.signed(viewerName, "GET", map[string]string{"Action": "DescribeLoadBalancers", "Format": "json"}))
		var res slb.DescribeLoadBalancersResponse
		if err := json.Unmarshal([]byte(body), &res); status != http.StatusOK || err != nil || res.TotalCount != 5 {
			t.Fatalf("got %d %s (%v); want JSON with 5 load balancers", status, body, err)
		}
	})

	t.Run("ErrorInXML", func(t *testing.T) {
		status, body := send(t, http.MethodGet, e.signed(viewerName, "GET", map[string]string{"Action": "DescribeLoadBalancerAttribute",
			"LoadBalancerId": "lb-doesnotexist", "Format": "XML"}))
		var got struct {
			XMLName   xml.Name `xml:"Error"`
			RequestID string   `xml:"RequestId"`
			Code      string   `xml:"Code"`
			Message   string   `xml:"Message"`
		}
		if err := xml.Unmarshal([]byte(body), &got); err != nil || status != http.StatusNotFound || got.Code != "InvalidLoadBalancerId.NotFound" || got.RequestID == "" {
			t.Fatalf("got %d %s (%v); want 404 <Error> with InvalidLoadBalancerId.NotFound", status, body, err)
		}
	})

	t.Run("FormBodyParametersAreSignedToo", func(t *testing.T) {
		params := map[string]string{"Action": "DescribeLoadBalancerAttribute", "LoadBalancerId": web.ID}
		u, _ := url.Parse(e.signed(viewerName, "POST", params))
		q, form := u.Query(), url.Values{}
		for _, k := range []string{"LoadBalancerId", "SignatureNonce"} {
			form.Set(k, q.Get(k))
			q.Del(k)
		}
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/?"+q.Encode(), strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var got slb.DescribeLoadBalancerAttributeResponse
		if err := json.NewDecoder(res.Body).Decode(&got); err != nil || res.StatusCode != http.StatusOK || got.LoadBalancerId != web.ID {
			t.Fatalf("got %d %+v (%v); want the attributes of %s", res.StatusCode, got, err, web.ID)
		}
	})

	t.Run("ErrorsAreStringsEvenForEmptyValues", func(t *testing.T) {
		status, body := send(t, http.MethodGet, e.srv.URL+"/?Action=DescribeLoadBalancers&Format=JSON")
		f := errorFields(t, body)
		if status != http.StatusBadRequest || f["Code"] != "MissingParameter" || f["Recommend"] != "" || f["HostId"] == "" {
			t.Fatalf("got %d %s", status, body)
		}
	})

	t.Run("DisabledOwner", func(t *testing.T) {
		admin := e.users[adminName]
		if _, _, err := e.store.SetUserDisabled(e.ctx, db.Origin{ActorID: admin.ID, Actor: admin.Name}, e.users[viewerName].ID, true, false); err != nil {
			t.Fatal(err)
		}
		_, err := e.client(viewerName).DescribeLoadBalancers(slb.CreateDescribeLoadBalancersRequest())
		wantCode(t, err, "InvalidAccessKeyId.NotFound", http.StatusNotFound)
	})
}
