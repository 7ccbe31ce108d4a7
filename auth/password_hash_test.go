package auth

import (
	"errors"
	"strings"
	"testing"
)

// TestCheckPasswordRefusesHostileHashes: a stored hash is read from the database, so a row
// written by hand or restored from elsewhere must not crash the check, make it take gigabytes,
// or let any password in. Each of these panicked, was read in part, or would have taken the
// memory it asked for.
func TestCheckPasswordRefusesHostileHashes(t *testing.T) {
	const salt, key = "c2FsdHNhbHRzYWx0c2FsdA", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	for _, c := range []struct{ name, hash string }{
		{"ErrEmptyKey", "$argon2id$v=19$m=8,t=1,p=1$" + salt + "$"},
		{"ErrZeroPasses", "$argon2id$v=19$m=8,t=0,p=1$" + salt + "$" + key},
		{"ErrZeroLanes", "$argon2id$v=19$m=8,t=1,p=0$" + salt + "$" + key},
		{"ErrFourTerabytes", "$argon2id$v=19$m=4294967295,t=1,p=1$" + salt + "$" + key},
		{"ErrTextAfterTheParameters", "$argon2id$v=19$m=8,t=1,p=1junk$" + salt + "$" + key},
		{"ErrOtherVersion", "$argon2id$v=16$m=8,t=1,p=1$" + salt + "$" + key},
		{"ErrNoSalt", "$argon2id$v=19$m=8,t=1,p=1$$" + key},
		{"ErrLeadingZero", "$argon2id$v=19$m=08,t=1,p=1$" + salt + "$" + key},
		{"ErrArgon2i", "$argon2i$v=19$m=8,t=1,p=1$" + salt + "$" + key},
	} {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("CheckPassword panicked: %v", r)
				}
			}()
			err := CheckPassword(c.hash, "any password at all")
			if err == nil || errors.Is(err, ErrPasswordMismatch) || !strings.HasPrefix(err.Error(), "auth: ") {
				t.Errorf("CheckPassword = %v; want a refusal of the hash", err)
			}
		})
	}
}

// TestParseHashReadsWhatHashPasswordWrites: the reader is the writer's inverse.
func TestParseHashReadsWhatHashPasswordWrites(t *testing.T) {
	s, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	h, err := parseHash(s)
	if err != nil {
		t.Fatal(err)
	}
	if h.memory != argonMemory || h.time != argonTime || h.threads != argonThreads || len(h.salt) != saltLen ||
		len(h.key) != argonKeyLen || h.String() != s {
		t.Errorf("parseHash(%q) = %+v; want the parameters HashPassword uses", s, h)
	}
}

// FuzzParseHash: whatever stored hash the reader accepts has parameters within bounds and is
// written exactly as the writer writes it; checking a password against it never panics and
// only ever matches or mismatches. What it refuses, CheckPassword refuses before hashing.
func FuzzParseHash(f *testing.F) {
	for _, seed := range []string{
		"$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$FbLXmDsOJV5aWXGJVUlVfVNx0ZuvMlyzSzIhcMtbAyo",
		"$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$AAAAAAAAAAAAAAAAAAAAAA",
		"$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$",
		"$argon2id$v=19$m=8,t=0,p=1$c2FsdHNhbHQ$AAAAAAAAAAAAAAAAAAAAAA",
		"$argon2id$v=19$m=16,t=1,p=2$c2FsdHNhbHQ$AAAAAAAAAAAAAAAAAAAAAA==",
		"$argon2id$v=19$m=4294967295,t=1,p=1$c2FsdHNhbHQ$AAAAAAAAAAAAAAAAAAAAAA",
		"$argon2id$v=19$m=+64,t=1,p=1$c2FsdHNhbHQ$AAAAAAAAAAAAAAAAAAAAAB",
		"$2a$10$whatever", "", "$", "$$$$$", "$argon2id$v=19$m=8,t=1,p=1$$",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := parseHash(s)
		if err != nil {
			if cerr := CheckPassword(s, "password"); cerr == nil || errors.Is(cerr, ErrPasswordMismatch) {
				t.Fatalf("parseHash refused %q (%v) but CheckPassword answered %v", s, err, cerr)
			}
			return
		}
		if err := h.check(); err != nil {
			t.Fatalf("accepted %q out of bounds: %v", s, err)
		}
		if h.String() != s {
			t.Fatalf("accepted %q, which is written %q", s, h.String())
		}
		if h.memory*h.time > 1024 {
			return // costly to hash in a fuzz loop; the bounds were checked
		}
		if err := CheckPassword(s, "password"); err != nil && !errors.Is(err, ErrPasswordMismatch) {
			t.Fatalf("CheckPassword(%q) = %v; want a match or a mismatch", s, err)
		}
	})
}
