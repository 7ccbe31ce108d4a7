package testenv

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// SessionCookie is the name of the console's session cookie.
const SessionCookie = "lbconsole_session"

// Browser is one browser on a console: it keeps its cookies, never follows redirects (so that
// tests see them), and remembers the last CSRF token a page gave it. Its methods fail the test
// on a transport error.
type Browser struct {
	T    testing.TB
	Base string // the console's URL
	HTTP *http.Client
	CSRF string
}

// NewBrowser returns a browser for the console at base; transport nil means the default.
func NewBrowser(tb testing.TB, base string, transport http.RoundTripper) *Browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		tb.Fatal(err)
	}
	return &Browser{T: tb, Base: base, HTTP: &http.Client{
		Jar:           jar,
		Transport:     transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// Option changes a request before it is sent.
type Option func(*http.Request)

// HTMX makes the request as htmx does.
func HTMX(r *http.Request) { r.Header.Set("HX-Request", "true") }

// Header sets a request header.
func Header(k, v string) Option { return func(r *http.Request) { r.Header.Set(k, v) } }

// WithCookie sends a cookie by hand, as a replaying attacker would.
func WithCookie(c *http.Cookie) Option { return func(r *http.Request) { r.AddCookie(c) } }

// Do sends a request and reads the whole answer; a body is sent as a form. An HTML answer's
// CSRF token becomes the browser's.
func (b *Browser) Do(method, path string, body io.Reader, opts ...Option) *Response {
	b.T.Helper()
	req, err := http.NewRequest(method, b.Base+path, body)
	if err != nil {
		b.T.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for _, o := range opts {
		o(req)
	}
	res, err := b.HTTP.Do(req)
	if err != nil {
		b.T.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		b.T.Fatalf("%s %s: read body: %v", method, path, err)
	}
	r := &Response{Response: res, Body: string(raw), T: b.T}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		if tok, ok := r.Doc().Find(`meta[name="csrf-token"]`).Attr("content"); ok && tok != "" {
			b.CSRF = tok
		}
	}
	return r
}

// Get sends a GET.
func (b *Browser) Get(path string, opts ...Option) *Response {
	b.T.Helper()
	return b.Do(http.MethodGet, path, nil, opts...)
}

// Post sends form exactly as given: add the token with WithCSRF.
func (b *Browser) Post(path string, form url.Values, opts ...Option) *Response {
	b.T.Helper()
	return b.Do(http.MethodPost, path, strings.NewReader(form.Encode()), opts...)
}

// WithCSRF returns a copy of form with the browser's CSRF token.
func (b *Browser) WithCSRF(form url.Values) url.Values {
	b.T.Helper()
	if b.CSRF == "" {
		b.T.Fatal("no CSRF token yet: load a page first")
	}
	out := url.Values{}
	for k, v := range form {
		out[k] = slices.Clone(v)
	}
	out.Set("_csrf", b.CSRF)
	return out
}

// SignIn loads the login page and signs in, failing the test unless the console answers with
// a redirect to /lbs.
func (b *Browser) SignIn(name, password string) {
	b.T.Helper()
	b.Get("/login")
	r := b.Post("/login", b.WithCSRF(url.Values{"username": {name}, "password": {password}}))
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/lbs" {
		b.T.Fatalf("sign in as %s: %d, Location %q; want 303 to /lbs\n%s", name, r.StatusCode, r.Header.Get("Location"), r.Snippet())
	}
}

// SessionCookie returns the session cookie the browser holds, or nil.
func (b *Browser) SessionCookie() *http.Cookie {
	u, err := url.Parse(b.Base)
	if err != nil {
		b.T.Fatal(err)
	}
	for _, ck := range b.HTTP.Jar.Cookies(u) {
		if ck.Name == SessionCookie {
			return ck
		}
	}
	return nil
}

// Response is an answer with its body read.
type Response struct {
	*http.Response
	Body string
	T    testing.TB
}

// Doc parses the body as HTML.
func (r *Response) Doc() *goquery.Document {
	r.T.Helper()
	d, err := goquery.NewDocumentFromReader(strings.NewReader(r.Body))
	if err != nil {
		r.T.Fatalf("parse HTML: %v", err)
	}
	return d
}

// Snippet is the start of the body, for messages.
func (r *Response) Snippet() string {
	if len(r.Body) > 600 {
		return r.Body[:600] + "…"
	}
	return r.Body
}

// Cookie returns the named cookie that the answer sets, or nil.
func (r *Response) Cookie(name string) *http.Cookie {
	for _, c := range r.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}
