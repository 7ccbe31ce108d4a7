package auth

import (
	"bytes"
	"errors"
	"regexp"
	"testing"
)

func TestPassword(t *testing.T) {
	hash, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("OK", func(t *testing.T) {
		if err := CheckPassword(hash, "correct horse battery"); err != nil {
			t.Errorf("CheckPassword(right) = %v; want nil", err)
		}
	})
	t.Run("ErrPasswordMismatch", func(t *testing.T) {
		if err := CheckPassword(hash, "correct horse batterY"); !errors.Is(err, ErrPasswordMismatch) {
			t.Errorf("CheckPassword(wrong) = %v; want ErrPasswordMismatch", err)
		}
	})
	t.Run("HashIsArgon2idWithASaltOfItsOwn", func(t *testing.T) {
		if !regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=1\$`).MatchString(hash) {
			t.Errorf("hash %q is not argon2id with m=19 MiB, t=2, p=1", hash)
		}
		again, _ := HashPassword("correct horse battery")
		if again == hash {
			t.Error("two hashes of one password are equal: the salt is not random")
		}
	})
	t.Run("ErrUnknownFormat", func(t *testing.T) {
		if err := CheckPassword("$2a$10$whatever", "x"); err == nil {
			t.Error("a bcrypt hash was accepted")
		}
	})
}

func TestCheckNewPassword(t *testing.T) {
	for _, tc := range []struct {
		name, password string
		ok             bool
	}{
		{"ElevenCharactersRefused", "abcdefghijk", false},
		{"TwelveCharactersOK", "abcdefghijkl", true},
		{"TwelveRunesOK", "ééééééééééé1", true},
		{"Over1024BytesRefused", string(bytes.Repeat([]byte("a"), 1025)), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := CheckNewPassword(tc.password); (err == nil) != tc.ok {
				t.Errorf("CheckNewPassword = %v; want ok %v", err, tc.ok)
			}
		})
	}
}

func TestSeal(t *testing.T) {
	key := bytes.Repeat([]byte{7}, 32)
	sealed, err := Seal(key, []byte("the secret"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, []byte("the secret")) {
		t.Fatal("the sealed value holds the plaintext")
	}
	t.Run("OK", func(t *testing.T) {
		got, err := Open(key, sealed)
		if err != nil || string(got) != "the secret" {
			t.Errorf("Open = %q, %v; want the secret", got, err)
		}
	})
	t.Run("ErrWrongKey", func(t *testing.T) {
		if _, err := Open(bytes.Repeat([]byte{8}, 32), sealed); err == nil {
			t.Error("another key opened the secret")
		}
	})
	t.Run("ErrTampered", func(t *testing.T) {
		bad := append([]byte{}, sealed...)
		bad[len(bad)-1] ^= 1
		if _, err := Open(key, bad); err == nil {
			t.Error("a tampered value opened")
		}
	})
}

func TestNewAPICredentials(t *testing.T) {
	a, b := NewAPICredentials(), NewAPICredentials()
	if !regexp.MustCompile(`^LTAI[A-Za-z0-9]{20}$`).MatchString(a.AccessKeyID) {
		t.Errorf("AccessKeyId %q is not LTAI and 20 letters or digits", a.AccessKeyID)
	}
	if !regexp.MustCompile(`^[A-Za-z0-9]{30}$`).MatchString(a.AccessKeySecret) {
		t.Errorf("AccessKeySecret %q is not 30 letters or digits", a.AccessKeySecret)
	}
	if !regexp.MustCompile(`^lbc_[A-Za-z0-9_-]{43}$`).MatchString(a.Token) {
		t.Errorf("Token %q is not lbc_ and 32 random bytes", a.Token)
	}
	if a == b {
		t.Error("two keys are equal")
	}
	if HashToken(a.Token) == HashToken(b.Token) || len(HashToken(a.Token)) != 64 {
		t.Error("token hashes are not distinct SHA-256 hex digests")
	}
}
