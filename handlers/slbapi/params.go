package slbapi

import (
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxFormBody is the largest form-encoded body read for parameters. The SDK sends none; a
// body this size already holds far more than 20 servers' worth of parameters.
const maxFormBody = 1 << 20

// params are a request's parameters, each given once.
type params map[string]string

// formOf returns the form-encoded body's parameters, read here under the API's own cap (the
// console's router leaves API bodies alone).
func formOf(r *http.Request) (url.Values, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxFormBody+1))
	if err != nil {
		return nil, invalidParameter("the request body could not be read: %v", err)
	}
	if len(body) > maxFormBody {
		return nil, newError(http.StatusRequestEntityTooLarge, codeInvalidParameter, "the form body is larger than %d bytes", maxFormBody)
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, invalidParameter("the form body is not valid URL encoding: %v", err)
	}
	return form, nil
}

// readParams collects the parameters of the URL query and, for robustness, of a form-encoded
// body (the SDK signs both the same way). A parameter given twice is refused rather than
// guessed at: the signature and the change must be about the same value.
func readParams(r *http.Request) (params, error) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, invalidParameter("the query string is not valid URL encoding: %v", err)
	}
	p := params{}
	if err := p.add(q); err != nil {
		return nil, err
	}
	if r.Method != http.MethodPost || r.Body == nil {
		return p, nil
	}
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/x-www-form-urlencoded" {
		return p, nil
	}
	form, err := formOf(r)
	if err != nil {
		return nil, err
	}
	return p, p.add(form)
}

func (p params) add(vals url.Values) error {
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	sort.Strings(keys) // the same request always names the same duplicate
	for _, k := range keys {
		if _, seen := p[k]; seen || len(vals[k]) > 1 {
			return invalidParameter("the parameter %s is given more than once", k)
		}
		if !utf8.ValidString(k) || !utf8.ValidString(vals[k][0]) {
			return invalidParameter("the parameter %s is not valid UTF-8", strings.ToValidUTF8(k, "?"))
		}
		p[k] = vals[k][0]
	}
	return nil
}

// required returns a parameter that must be given and not be empty.
func (p params) required(name string) (string, error) {
	v := p[name]
	if v == "" {
		return "", missingParameter(name)
	}
	return v, nil
}

// integer returns an optional whole-number parameter between lo and hi, or def when absent.
func (p params) integer(name string, def, lo, hi int) (int, error) {
	v := strings.TrimSpace(p[name])
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, invalidParameter("%s must be a whole number from %d to %d, not %q", name, lo, hi, p[name])
	}
	return n, nil
}

// auditText is the request as the audit log keeps it: every parameter as given but the
// signature and the key id, which prove who sent it and are not part of what was asked.
func (p params) auditText() string {
	kept := make(map[string]string, len(p))
	for k, v := range p {
		if k != "Signature" && k != "AccessKeyId" {
			kept[k] = v
		}
	}
	b, _ := json.Marshal(kept) // map keys come out sorted
	return string(b)
}
