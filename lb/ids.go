package lb

import (
	"crypto/rand"
	"fmt"
	"io"
)

const idAlphabet = "0123456789abcdefghijklmnopqrstuvwxyz"

// NewUUID returns a random version 4 UUID, the shape of REST member and subnet ids.
func NewUUID() string { return UUIDFrom(rand.Reader) }

// UUIDFrom returns a version 4 UUID read from r, so that demo data can be deterministic.
func UUIDFrom(r io.Reader) string {
	var b [16]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		panic("lb: unable to read random bytes: " + err.Error())
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// NewID returns prefix followed by 20 random lowercase letters and digits, the shape of cloud
// ids such as lb-bp1qjwo61pqz3ahltv0mw, i-2zej4lxhjoq1icue6kup and rsp-cige6j5e7p.
func NewID(prefix string) string { return IDFrom(rand.Reader, prefix) }

// IDFrom is NewID reading its randomness from r.
func IDFrom(r io.Reader, prefix string) string {
	var b [20]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		panic("lb: unable to read random bytes: " + err.Error())
	}
	out := make([]byte, len(b))
	for i, c := range b {
		out[i] = idAlphabet[int(c)%len(idAlphabet)]
	}
	return prefix + string(out)
}
