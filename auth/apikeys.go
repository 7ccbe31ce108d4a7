package auth

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
)

// APICredentials are what a new API key shows its owner once: the SLB API's AccessKeyId and
// AccessKeySecret, and the REST API's token.
type APICredentials struct {
	AccessKeyID     string
	AccessKeySecret string
	Token           string
}

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// NewAPICredentials returns fresh random credentials in the clouds' shapes.
func NewAPICredentials() APICredentials {
	return APICredentials{
		AccessKeyID:     "LTAI" + randomString(20),
		AccessKeySecret: randomString(30),
		Token:           "lbc_" + RandomToken(32),
	}
}

// randomString returns n characters of alnum, drawn without bias.
func randomString(n int) string {
	out := make([]byte, 0, n)
	buf := make([]byte, n*2)
	for len(out) < n {
		if _, err := rand.Read(buf); err != nil {
			panic("auth: unable to read random bytes: " + err.Error())
		}
		for _, b := range buf {
			if int(b) < 256-256%len(alnum) && len(out) < n {
				out = append(out, alnum[int(b)%len(alnum)])
			}
		}
	}
	return string(out)
}

// Seal encrypts plaintext with AES-256-GCM under key (32 bytes); the nonce leads the result.
func Seal(key, plaintext []byte) ([]byte, error) {
	aead, err := newAEAD(key)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return aead.Seal(nonce, nonce, plaintext, nil), nil
}

// Open decrypts what Seal made.
func Open(key, sealed []byte) ([]byte, error) {
	aead, err := newAEAD(key)
	if err != nil {
		return nil, err
	}
	if len(sealed) < aead.NonceSize() {
		return nil, errors.New("auth: sealed value is too short")
	}
	n := aead.NonceSize()
	out, err := aead.Open(nil, sealed[:n], sealed[n:], nil)
	if err != nil {
		return nil, fmt.Errorf("auth: unable to open a sealed value (wrong key?): %w", err)
	}
	return out, nil
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("auth: bad sealing key: %w", err)
	}
	return cipher.NewGCM(block)
}
