package auth

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// What a stored hash may ask for. A hash is read from the database, and its parameters decide
// what checking a password costs: a row written by hand or restored from elsewhere must not
// make one sign-in take gigabytes of memory (the hashing gate budgets about 19 MiB each), make
// argon2 panic (zero rounds or lanes, a key of no bytes), or let any password match (a key of
// no bytes compares equal to any other).
const (
	maxHashMemory  = 64 * 1024 // KiB: RFC 9106's second recommended option
	maxHashTime    = 10
	maxHashThreads = 8
	minHashSalt    = 8 // bytes, RFC 9106's minimum
	maxHashSalt    = 64
	minHashKey     = 16 // bytes
	maxHashKey     = 64
)

// argonHash is an argon2id hash with its parameters, as the PHC string format writes it.
type argonHash struct {
	memory    uint32 // KiB
	time      uint32
	threads   uint8
	salt, key []byte
}

// String writes h in the PHC string format.
func (h argonHash) String() string {
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, h.memory, h.time, h.threads,
		enc.EncodeToString(h.salt), enc.EncodeToString(h.key))
}

// derive hashes password with h's salt and parameters into a key of keyLen bytes.
func (h argonHash) derive(password string, keyLen uint32) []byte {
	return argon2.IDKey([]byte(password), h.salt, h.time, h.memory, h.threads, keyLen)
}

// parseHash reads a stored hash. It takes only the PHC string of an argon2id hash of this
// version, written exactly as String writes it, with parameters within the bounds above.
func parseHash(s string) (argonHash, error) {
	var h argonHash
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return h, errors.New("auth: unknown password hash format")
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &h.memory, &h.time, &h.threads); err != nil {
		return h, fmt.Errorf("auth: unable to read hash parameters: %w", err)
	}
	enc := base64.RawStdEncoding
	var err error
	if h.salt, err = enc.DecodeString(parts[4]); err != nil {
		return h, fmt.Errorf("auth: unable to read the salt: %w", err)
	}
	if h.key, err = enc.DecodeString(parts[5]); err != nil {
		return h, fmt.Errorf("auth: unable to read the hash: %w", err)
	}
	if err := h.check(); err != nil {
		return h, err
	}
	// Whatever else Sscanf and the decoder would let through (text after the parameters,
	// leading zeros, stray bits in the last base64 character) is refused here.
	if h.String() != s {
		return h, errors.New("auth: the password hash is not written as this console writes it")
	}
	return h, nil
}

// check keeps h's parameters within the bounds above.
func (h argonHash) check() error {
	switch {
	case h.time < 1 || h.time > maxHashTime:
		return fmt.Errorf("auth: the password hash asks for %d passes: from 1 to %d are allowed", h.time, maxHashTime)
	case h.threads < 1 || h.threads > maxHashThreads:
		return fmt.Errorf("auth: the password hash asks for %d lanes: from 1 to %d are allowed", h.threads, maxHashThreads)
	case h.memory < 8*uint32(h.threads) || h.memory > maxHashMemory:
		return fmt.Errorf("auth: the password hash asks for %d KiB of memory: from %d to %d are allowed", h.memory, 8*uint32(h.threads), maxHashMemory)
	case len(h.salt) < minHashSalt || len(h.salt) > maxHashSalt:
		return fmt.Errorf("auth: the password hash has a salt of %d bytes: from %d to %d are allowed", len(h.salt), minHashSalt, maxHashSalt)
	case len(h.key) < minHashKey || len(h.key) > maxHashKey:
		return fmt.Errorf("auth: the password hash is %d bytes long: from %d to %d are allowed", len(h.key), minHashKey, maxHashKey)
	}
	return nil
}
