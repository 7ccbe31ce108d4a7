package haproxyrun

import (
	"bytes"
	"sync"
)

// maxLog bounds what a lockedBuffer keeps: a demo left running for days logs every server
// going up and down.
const maxLog = 1 << 20

// lockedBuffer collects haproxy's output, written by exec's copying goroutines and read by
// others. It keeps the last maxLog bytes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.b.Len()+len(p) > maxLog {
		keep := max(0, maxLog-len(p))
		rest := l.b.Bytes()
		l.b = *bytes.NewBuffer(append([]byte(nil), rest[max(0, len(rest)-keep):]...))
	}
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
