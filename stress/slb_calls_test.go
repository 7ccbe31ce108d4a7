package stress

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"lbconsole/auth"
	"lbconsole/internal/testenv"

	sdkauth "github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth"
	sdkcreds "github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/slb"
)

// Helpers for the tests that call the SLB API of the real binary outside the SDK's client:
// signed URLs kept to be sent again, and floods faster than the SDK's client can make them.

// sdkClient is the real SDK's client for a key, pointed at addr, without retries.
func sdkClient(t testing.TB, addr string, c auth.APICredentials) *slb.Client {
	t.Helper()
	sdk, err := testenv.SLBClient(addr, c.AccessKeyID, c.AccessKeySecret)
	if err != nil {
		t.Fatalf("NewClientWithAccessKey: %v", err)
	}
	sdk.GetConfig().WithAutoRetry(false)
	sdk.SetConnectTimeout(5 * time.Second)
	sdk.SetReadTimeout(30 * time.Second)
	return sdk
}

// sdkSignedURL signs req with the SDK's own signer, as its client would before sending it,
// and returns the URL it would POST: what anyone on the path could capture and send again.
func sdkSignedURL(t testing.TB, addr string, c auth.APICredentials, req requests.AcsRequest) string {
	t.Helper()
	req.SetDomain(addr)
	req.SetScheme("http")
	if err := requests.InitParams(req); err != nil {
		t.Fatal(err)
	}
	if err := sdkauth.Sign(req, nil, region, sdkcreds.NewStaticAKCredentialsProvider(c.AccessKeyID, c.AccessKeySecret)); err != nil {
		t.Fatal(err)
	}
	return req.BuildUrl()
}

// onHost is u sent to another server: the signature does not cover the host.
func onHost(t testing.TB, u, addr string) string {
	t.Helper()
	p, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	p.Host = addr
	return p.String()
}

// slbAnswer is what a raw call got: its status and, for an error, its code.
type slbAnswer struct {
	status int
	code   string
	body   string
}

// postSLB POSTs a signed URL, as the SDK does, with client.
func postSLB(client *http.Client, u string) (slbAnswer, error) {
	res, err := client.Post(u, "application/x-www-form-urlencoded", nil)
	if err != nil {
		return slbAnswer{}, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return slbAnswer{}, err
	}
	a := slbAnswer{status: res.StatusCode, body: string(b)}
	if res.StatusCode != http.StatusOK {
		var e struct{ Code string }
		_ = json.Unmarshal(b, &e)
		a.code = e.Code
	}
	return a, nil
}

// signer signs calls of one key the way the SDK's rpc_signature_composer.go does, without the
// SDK's client around it, so that a flood is not limited by the client's speed.
type signer struct {
	cred auth.APICredentials
	host string
}

// url returns the POST URL of a call with params plus the common parameters.
func (s signer) url(params map[string]string) string {
	p := map[string]string{"Version": "2014-05-15", "Format": "JSON", "SignatureMethod": "HMAC-SHA1",
		"SignatureVersion": "1.0", "SignatureType": "", "RegionId": region, "AccessKeyId": s.cred.AccessKeyID,
		"Timestamp": time.Now().UTC().Format("2006-01-02T15:04:05Z")}
	for k, v := range params {
		p[k] = v
	}
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	pairs := make([]string, 0, len(keys))
	for _, k := range keys {
		pairs = append(pairs, rfc3986(k)+"="+rfc3986(p[k]))
	}
	query := strings.Join(pairs, "&")
	m := hmac.New(sha1.New, []byte(s.cred.AccessKeySecret+"&"))
	m.Write([]byte("POST&%2F&" + rfc3986(query)))
	return "http://" + s.host + "/?" + query + "&Signature=" + rfc3986(base64.StdEncoding.EncodeToString(m.Sum(nil)))
}

func rfc3986(s string) string {
	return strings.NewReplacer("+", "%20", "*", "%2A", "%7E", "~").Replace(url.QueryEscape(s))
}

// peakRSS is the process's peak resident set (VmHWM), in kB.
func peakRSS(t testing.TB, pid int) int {
	t.Helper()
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		t.Fatalf("read the server's status: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			if err != nil {
				t.Fatalf("VmHWM line %q: %v", line, err)
			}
			return kb
		}
	}
	t.Fatalf("no VmHWM in /proc/%d/status", pid)
	return 0
}
