// Package auth holds the secrets of signing in: password hashing and random tokens. It knows
// neither SQL nor HTTP.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
)

// argon2id parameters: OWASP ASVS 5.0 minimums (t=2, m=19 MiB, p=1).
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
	saltLen      = 16
)

// MinPasswordLen is the shortest password accepted.
const MinPasswordLen = 12

// ErrPasswordMismatch is returned when a password does not match its hash.
var ErrPasswordMismatch = errors.New("auth: password does not match")

// HashPassword returns an argon2id hash in the PHC string format.
func HashPassword(password string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: unable to read random bytes: %w", err)
	}
	h := argonHash{memory: argonMemory, time: argonTime, threads: argonThreads, salt: salt}
	h.key = h.derive(password, argonKeyLen)
	return h.String(), nil
}

// CheckPassword compares password with a hash made by HashPassword, in constant time.
func CheckPassword(hash, password string) error {
	h, err := parseHash(hash)
	if err != nil {
		return err
	}
	if subtle.ConstantTimeCompare(h.derive(password, uint32(len(h.key))), h.key) != 1 {
		return ErrPasswordMismatch
	}
	return nil
}

// CheckNewPassword enforces the rules for a password someone chooses.
func CheckNewPassword(password string) error {
	if len([]rune(password)) < MinPasswordLen {
		return fmt.Errorf("the password must be at least %d characters long", MinPasswordLen)
	}
	if len(password) > 1024 {
		return errors.New("the password must be at most 1024 bytes long")
	}
	return nil
}

// RandomToken returns n random bytes, base64url-encoded without padding.
func RandomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("auth: unable to read random bytes: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashToken is how a bearer secret (a session id, an API token) is stored: a SHA-256, so that
// a copy of the database does not let anyone in. The tokens are random, so no salt is needed.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
