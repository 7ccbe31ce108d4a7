package slbapi

import (
	"context"
	"net/http"
	"strings"
	"time"

	"lbconsole/db"
)

// The values of the common parameters this API speaks.
const (
	apiVersion       = "2014-05-15"
	signatureMethod  = "HMAC-SHA1"
	signatureVersion = "1.0"
	timestampLayout  = "2006-01-02T15:04:05Z"
)

// checkCommon checks the common parameters that need no secret to check, so that a malformed
// request is told what is wrong before anything is looked up.
func checkCommon(p params) error {
	for _, name := range []string{"Version", "AccessKeyId", "SignatureMethod", "SignatureVersion", "SignatureNonce", "Timestamp", "Signature", "RegionId"} {
		if _, err := p.required(name); err != nil {
			return err
		}
	}
	switch {
	case p["Version"] != apiVersion:
		return invalidParameter("Version %q is not supported: this API speaks %s", p["Version"], apiVersion)
	case p["SignatureMethod"] != signatureMethod:
		return invalidParameter("SignatureMethod %q is not supported: sign with %s", p["SignatureMethod"], signatureMethod)
	case p["SignatureVersion"] != signatureVersion:
		return invalidParameter("SignatureVersion %q is not supported: sign with version %s", p["SignatureVersion"], signatureVersion)
	case p["SignatureType"] != "":
		return invalidParameter("SignatureType %q is not supported: sign with an AccessKey secret", p["SignatureType"])
	case p["SecurityToken"] != "" || p["BearerToken"] != "":
		return invalidParameter("STS and bearer tokens are not supported: sign with an AccessKey secret")
	case len(p["SignatureNonce"]) > maxNonceLen:
		return invalidParameter("SignatureNonce is longer than %d characters", maxNonceLen)
	}
	if f := strings.ToUpper(p["Format"]); f != "" && f != formatJSON && f != formatXML {
		return invalidParameter("Format %q is not supported: use JSON or XML", p["Format"])
	}
	return nil
}

// authenticate establishes who sent the request: a Timestamp within the window, a live key
// whose owner is enabled, a Signature made with its secret, the key's rate, and a nonce not
// seen before, in that order, so that only a request that proved its sender spends the key's
// allowance and its nonce.
//
// readOnly says the action changes nothing: when the database cannot store its nonce (a full
// disk, a read-only file), such a call is still answered, so that an operator can see the fleet
// during the incident; a replay of it could only read again what its sender already read. A
// call that changes something is never answered without its nonce stored.
func (a *api) authenticate(ctx context.Context, method string, p params, readOnly bool) (db.User, error) {
	ts, err := time.Parse(timestampLayout, p["Timestamp"])
	if err != nil {
		return db.User{}, invalidParameter("Timestamp %q is not in the form YYYY-MM-DDThh:mm:ssZ (UTC)", p["Timestamp"])
	}
	if skew := a.now().Sub(ts); skew > timestampWindow || skew < -timestampWindow {
		return db.User{}, newError(http.StatusBadRequest, codeTimestampExpired,
			"Timestamp %s is more than %v away from the server's time %s", p["Timestamp"], timestampWindow, a.now().UTC().Format(timestampLayout))
	}
	id := p["AccessKeyId"]
	key, owner, secret, err := a.db.APIKeyByAccessKeyID(ctx, id)
	if err != nil {
		return db.User{}, err
	}
	sts := stringToSign(method, p)
	if !signatureMatches(p["Signature"], signature(sts, secret)) {
		// The cloud answers with the string it signed, so that the SDK can tell a wrong secret
		// from a signing bug; it holds nothing secret.
		return db.User{}, newError(http.StatusBadRequest, codeSignatureMismatch,
			"Specified signature is not matched with our calculation. server string to sign is:%s", sts)
	}
	a.db.NoteAPIKeyUse(ctx, key)
	if wait, ok := a.rate.allow(id, a.now()); !ok {
		return db.User{}, newError(http.StatusServiceUnavailable, codeThrottling,
			"AccessKeyId %s is calling faster than %g calls a second: slow down, and try again in %v", id, a.limits.CallsPerSecond, wait.Round(time.Millisecond))
	}
	err = a.spendNonce(ctx, id, p["SignatureNonce"], ts)
	if readOnly && db.IsUnavailable(err) {
		a.log.WarnContext(ctx, "answering a read-only call whose nonce could not be stored", "access_key_id", id, "err", err)
		return owner, nil
	}
	// The signature has proved who sent the call: a refusal of its nonce is still theirs to audit.
	return owner, err
}
