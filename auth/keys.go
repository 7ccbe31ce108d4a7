package auth

import (
	"crypto/hmac"
	"crypto/sha256"
)

// DeriveKey gives each use of the master key its own key, so that one use never leaks another.
func DeriveKey(master []byte, purpose string) []byte {
	m := hmac.New(sha256.New, master)
	m.Write([]byte("lbconsole:" + purpose))
	return m.Sum(nil)
}
