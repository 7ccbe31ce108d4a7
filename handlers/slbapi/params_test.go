package slbapi

import (
	"errors"
	"io"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzReadParams: whatever query and body a request carries, the parameter reader answers
// parameters or an InvalidParameter error, never panics, and never guesses: every parameter it
// accepts was given once, in the query or in a form body, as valid UTF-8, with the value given.
// Written back as a query, the parameters read the same, so that the signature is checked over
// exactly what the request asks. Whole-number parameters read within their bounds or not at all.
func FuzzReadParams(f *testing.F) {
	signed := "AccessKeyId=LTAI&Action=RemoveBackendServers&BackendServers=%5B%22i-1%22%5D&Format=JSON&LoadBalancerId=lb-1" +
		"&RegionId=cn-hangzhou&Signature=abc%3D&SignatureMethod=HMAC-SHA1&SignatureNonce=n1&SignatureType=" +
		"&SignatureVersion=1.0&Timestamp=2026-01-02T15%3A04%3A05Z&Version=2014-05-15"
	for _, seed := range []struct {
		query, body string
		post, form  bool
	}{
		{signed, "", true, false},
		{"Action=DescribeLoadBalancers", "PageSize=50&PageNumber=2", true, true},
		{"Action=DescribeLoadBalancers&PageSize=+7", "", false, false},
		{"Action=A&Action=B", "", false, false},
		{"Action=A", "Action=B", true, true},
		{"Action=A", "Action=B", true, false},
		{"a=%ff", "", false, false},
		{"a=%zz", "", false, false},
		{"a;b=c", "", false, false},
		{"", "x=%e4%b8%ad", true, true},
		{"PageSize=99999999999999999999", "", false, false},
	} {
		f.Add(seed.query, seed.body, seed.post, seed.form)
	}
	f.Fuzz(func(t *testing.T, query, body string, post, form bool) {
		p, err := readParams(request(query, body, post, form))
		if err != nil {
			var ae *apiError
			if !errors.As(err, &ae) || ae.code != codeInvalidParameter || ae.message == "" {
				t.Fatalf("refusal %v is not InvalidParameter with a message", err)
			}
			return
		}
		given := url.Values{}
		q, _ := url.ParseQuery(query)
		maps.Copy(given, q)
		if post && form {
			b, _ := url.ParseQuery(body)
			for k, vs := range b {
				given[k] = append(given[k], vs...)
			}
		}
		if len(p) != len(given) {
			t.Fatalf("read %d parameters from %d given", len(p), len(given))
		}
		for k, v := range p {
			if len(given[k]) != 1 || given[k][0] != v || !utf8.ValidString(k) || !utf8.ValidString(v) {
				t.Fatalf("read %q=%q; it was given as %q", k, v, given[k])
			}
		}
		encoded := url.Values{}
		for k, v := range p {
			encoded.Set(k, v)
		}
		again, err := readParams(request(encoded.Encode(), "", false, false))
		if err != nil || !maps.Equal(again, p) {
			t.Fatalf("written back as a query, the parameters read as %v, %v; want %v", again, err, p)
		}
		if n, err := p.integer("PageSize", 10, 1, 100); err == nil && (n < 1 || n > 100) {
			t.Fatalf("PageSize %q read as %d", p["PageSize"], n)
		}
	})
}

// request is a request to the API with the given query and body: a POST or a GET, with the
// form content type or without.
func request(query, body string, post, form bool) *http.Request {
	r := &http.Request{Method: http.MethodGet, URL: &url.URL{Path: "/", RawQuery: query}, Header: http.Header{}}
	if post {
		r.Method = http.MethodPost
		r.Body = io.NopCloser(strings.NewReader(body))
	}
	if form {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	}
	return r
}
