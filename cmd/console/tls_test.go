package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// selfSigned writes a self-signed ECDSA certificate for 127.0.0.1 and its key as PEM files in
// dir, and returns their paths and the certificate.
func selfSigned(t *testing.T, dir string) (certPath, keyPath string, cert *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "lbconsole test"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	if cert, err = x509.ParseCertificate(der); err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certPath, keyPath = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certPath, keyPath, cert
}

// trustingClient is a browser that trusts only cert, keeps cookies and does not follow redirects.
func trustingClient(t *testing.T, cert *x509.Certificate) *http.Client {
	t.Helper()
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{
		Transport:     &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}},
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       30 * time.Second,
	}
}

func fetch(t *testing.T, c *http.Client, req *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

func cookieNamed(resp *http.Response, name string) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

var csrfMeta = regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)"`)

func TestServeTLS(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	certPath, keyPath, cert := selfSigned(t, dir)
	const password = "tls test admin password"
	e, stdout, stderr := testEnv(map[string]string{"CONSOLE_ADMIN_PASSWORD": password}, "")
	addr, stop := serving(t, e, "serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(dir, "lbconsole.db"),
		"--tls-cert", certPath, "--tls-key", keyPath)
	stopped := false
	defer func() {
		if !stopped {
			stop()
		}
	}()
	base := "https://" + addr
	c := trustingClient(t, cert)

	t.Run("StdoutNamesTheHTTPSAddress", func(t *testing.T) {
		if out := stdout.String(); !strings.Contains(out, base) {
			t.Errorf("stdout = %q; want it to name %s", out, base)
		}
	})

	t.Run("HealthzAnswersOverTLS", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, base+"/healthz", nil)
		resp, body := fetch(t, c, req)
		if resp.StatusCode != http.StatusOK || strings.TrimSpace(body) != "ok" {
			t.Errorf("GET /healthz = %d %q; want 200 ok", resp.StatusCode, body)
		}
		if resp.TLS == nil || resp.TLS.Version < tls.VersionTLS12 {
			t.Errorf("connection state %+v; want TLS 1.2 or later", resp.TLS)
		}
	})

	t.Run("TLS11IsRefused", func(t *testing.T) {
		pool := x509.NewCertPool()
		pool.AddCert(cert)
		old := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{
			RootCAs: pool, MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11}}}
		resp, err := old.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			t.Fatalf("a TLS 1.1 client got %d; want the handshake refused", resp.StatusCode)
		}
		// "remote error": the server refused it, not the client.
		if !strings.Contains(err.Error(), "remote error") {
			t.Errorf("TLS 1.1 handshake failed with %v; want the server to refuse the version", err)
		}
	})

	var token string
	t.Run("LoginPageHasHSTSAndSecureCookies", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, base+"/login", nil)
		resp, body := fetch(t, c, req)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET /login = %d; want 200", resp.StatusCode)
		}
		if hsts := resp.Header.Get("Strict-Transport-Security"); !strings.Contains(hsts, "max-age=") {
			t.Errorf("Strict-Transport-Security = %q; want a max-age", hsts)
		}
		if len(resp.Cookies()) == 0 {
			t.Error("the login page set no cookie (it should set the CSRF cookie)")
		}
		for _, ck := range resp.Cookies() {
			if !ck.Secure || !ck.HttpOnly {
				t.Errorf("cookie %s: Secure %v, HttpOnly %v; want both", ck.Name, ck.Secure, ck.HttpOnly)
			}
		}
		m := csrfMeta.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no CSRF token in the login page:\n%.600s", body)
		}
		token = m[1]
	})

	t.Run("SignInSetsASecureSessionCookie", func(t *testing.T) {
		if token == "" {
			t.Skip("no CSRF token from the login page")
		}
		form := url.Values{"username": {"admin"}, "password": {password}, "_csrf": {token}}
		req, _ := http.NewRequest(http.MethodPost, base+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, body := fetch(t, c, req)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/lbs" {
			t.Fatalf("POST /login = %d to %q; want 303 to /lbs\n%.600s", resp.StatusCode, resp.Header.Get("Location"), body)
		}
		ck := cookieNamed(resp, "lbconsole_session")
		if ck == nil {
			t.Fatalf("no session cookie; Set-Cookie %q", resp.Header.Values("Set-Cookie"))
		}
		if !ck.Secure || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode {
			t.Errorf("session cookie Secure %v, HttpOnly %v, SameSite %v; want Secure, HttpOnly, Lax", ck.Secure, ck.HttpOnly, ck.SameSite)
		}
		req, _ = http.NewRequest(http.MethodGet, base+"/lbs", nil)
		if resp, _ := fetch(t, c, req); resp.StatusCode != http.StatusOK {
			t.Errorf("GET /lbs after signing in = %d; want 200", resp.StatusCode)
		}
	})

	t.Run("PlainHTTPToTheTLSPortFails", func(t *testing.T) {
		resp, err := (&http.Client{Timeout: 10 * time.Second}).Get("http://" + addr + "/healthz")
		if err != nil {
			return // refused outright: fine
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode < 400 || strings.TrimSpace(string(body)) == "ok" {
			t.Errorf("plain HTTP to the TLS port = %d %q; want an error", resp.StatusCode, body)
		}
	})

	stopped = true
	if err := stop(); err != nil {
		t.Errorf("run after cancel = %v; want nil\nstderr: %s", err, stderr.String())
	}
}

func TestServeTLSAndProxyFlags(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	certPath, keyPath, _ := selfSigned(t, dir)
	dbPath := filepath.Join(dir, "lbconsole.db")
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"ACertWithoutAKeyIsAUsageError", []string{"--tls-cert", certPath}, 2, "--tls-key"},
		{"AKeyWithoutACertIsAUsageError", []string{"--tls-key", keyPath}, 2, "--tls-cert"},
		{"TrustedProxiesThatAreNotCIDRsAreAUsageError", []string{"--trusted-proxies", "nonsense"}, 2, "nonsense"},
		{"OneBadCIDRAmongGoodOnesIsAUsageError", []string{"--trusted-proxies", "10.0.0.0/8, 300.1.2.3/8"}, 2, "300.1.2.3/8"},
		{"ACertThatIsNotPEMFails", []string{"--tls-cert", keyPath, "--tls-key", keyPath}, 2, "certificate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, _, _ := testEnv(map[string]string{"CONSOLE_ADMIN_PASSWORD": "tls test admin password"}, "")
			ready := make(chan string, 1)
			e.Ready = ready
			runCtx, cancel := context.WithTimeout(ctx, 60*time.Second)
			defer cancel()
			err := run(runCtx, append([]string{"serve", "--addr", "127.0.0.1:0", "--db", dbPath}, tc.args...), e)
			select {
			case addr := <-ready:
				t.Errorf("the server started on %s; want it refused before serving", addr)
			default:
			}
			if got := exitCode(err); got != tc.code {
				t.Errorf("run = %v (status %d); want status %d", err, got, tc.code)
			}
			if err != nil && !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("message = %q; want it to mention %q", err.Error(), tc.msg)
			}
		})
	}

	t.Run("GoodTrustedProxiesServe", func(t *testing.T) {
		e, _, stderr := testEnv(map[string]string{"CONSOLE_ADMIN_PASSWORD": "tls test admin password"}, "")
		addr, stop := serving(t, e, "serve", "--addr", "127.0.0.1:0", "--db", dbPath, "--trusted-proxies", "127.0.0.0/8, ::1/128")
		resp, _ := get(t, "http://"+addr+"/healthz")
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET /healthz = %d; want 200", resp.StatusCode)
		}
		if hsts := resp.Header.Get("Strict-Transport-Security"); hsts != "" {
			t.Errorf("plain HTTP answer has Strict-Transport-Security %q; want none", hsts)
		}
		if err := stop(); err != nil {
			t.Errorf("run after cancel = %v; want nil\nstderr: %s", err, stderr.String())
		}
	})
}
