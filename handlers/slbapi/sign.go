package slbapi

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net/url"
	"strings"
)

// stringToSign is what alibaba-cloud-sdk-go signs for an RPC request (sdk/auth
// rpc_signature_composer.go): every parameter but Signature, empty ones included, sorted by key
// and URL-encoded (url.QueryEscape, then + → %20, * → %2A, %7E → ~), joined with &, and that
// encoded once more after the method and the encoded path "/".
func stringToSign(method string, p params) string {
	v := url.Values{}
	for k, val := range p {
		if k != "Signature" {
			v.Set(k, val)
		}
	}
	s := v.Encode() // sorted by key
	s = strings.ReplaceAll(s, "+", "%20")
	s = strings.ReplaceAll(s, "*", "%2A")
	s = strings.ReplaceAll(s, "%7E", "~")
	return method + "&%2F&" + url.QueryEscape(s)
}

// signature is base64(HMAC-SHA1(secret + "&", stringToSign)), as the SDK computes it.
func signature(stringToSign, secret string) string {
	m := hmac.New(sha1.New, []byte(secret+"&"))
	m.Write([]byte(stringToSign))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// signatureMatches compares in constant time, so that timing does not tell a forger how much
// of a guess was right.
func signatureMatches(given, want string) bool {
	return hmac.Equal([]byte(given), []byte(want))
}
