package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
)

// browser is a signed-in console user: cookies, the CSRF token, and gzip asked for as browsers
// do. It counts the bytes of each answer as they came over the wire.
type browser struct {
	base string
	hc   *http.Client
	csrf string
}

var csrfMeta = regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)"`)

func newBrowser(base string) *browser {
	jar, _ := cookiejar.New(nil)
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	return &browser{base: base, hc: &http.Client{Jar: jar, Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// answer is a response read to its end: its status, headers and the body as it came.
type answer struct {
	status int
	header http.Header
	body   []byte // as sent: compressed when the server compressed it
}

// do sends a request asking for gzip (so that Go's transport leaves the body as it came) and
// fails on any status but want.
func (b *browser) do(method, path string, body io.Reader, want int, headers ...string) (answer, error) {
	req, err := http.NewRequest(method, b.base+path, body)
	if err != nil {
		return answer{}, err
	}
	req.Header.Set("Accept-Encoding", "gzip")
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := b.hc.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return answer{}, err
	}
	if resp.StatusCode != want {
		return answer{}, fmt.Errorf("%s %s: %d, want %d: %.300s", method, path, resp.StatusCode, want, data)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: data}, nil
}

// text is the answer's body as the browser reads it: unzipped when it came compressed.
func (a answer) text() (string, error) {
	if a.header.Get("Content-Encoding") != "gzip" {
		return string(a.body), nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(a.body))
	if err != nil {
		return "", err
	}
	data, err := io.ReadAll(zr)
	return string(data), err
}

func (b *browser) get(path string, headers ...string) (answer, error) {
	return b.do(http.MethodGet, path, nil, http.StatusOK, headers...)
}

// post posts a form with the CSRF token.
func (b *browser) post(path string, form url.Values, want int, headers ...string) (answer, error) {
	form.Set("_csrf", b.csrf)
	return b.do(http.MethodPost, path, strings.NewReader(form.Encode()), want, headers...)
}

// signIn signs in; the login page answers uncompressed HTML whose token the post needs.
func (b *browser) signIn(user, password string) error {
	// The login page is read plainly here, so that its token can be found.
	req, _ := http.NewRequest(http.MethodGet, b.base+"/login", nil)
	resp, err := b.hc.Do(req)
	if err != nil {
		return err
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if m := csrfMeta.FindSubmatch(data); m != nil {
		b.csrf = string(m[1])
	}
	if _, err := b.post("/login", url.Values{"username": {user}, "password": {password}}, http.StatusSeeOther); err != nil {
		return fmt.Errorf("sign in: %w", err)
	}
	// The token is bound to the session now: take the one a page of the session gives.
	req, _ = http.NewRequest(http.MethodGet, b.base+"/account", nil)
	if resp, err = b.hc.Do(req); err != nil {
		return err
	}
	data, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfMeta.FindSubmatch(data)
	if m == nil {
		return fmt.Errorf("no CSRF token on /account after sign-in (%d)", resp.StatusCode)
	}
	b.csrf = string(m[1])
	return nil
}
