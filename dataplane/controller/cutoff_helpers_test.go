package controller_test

import (
	"net"
	"net/url"
	"sync"
	"testing"
)

// cutter forwards TCP connections from a loopback port of its own to a database server until
// cut: then it stops passing bytes either way and leaves every connection open, new ones
// included. Writes still succeed (into the kernel's buffers) and nothing is ever answered, as
// when a network drops a console's packets: no error, no reset, only silence.
type cutter struct {
	ln     net.Listener
	target string
	cut    chan struct{}
	closed chan struct{}
	once   sync.Once
	mu     sync.Mutex
	conns  []net.Conn
}

// cutBetween starts a cutter in front of the server of the PostgreSQL URL dsn and returns it
// with the URL that goes through it. It closes every connection when the test ends.
func cutBetween(t testing.TB, dsn string) (*cutter, string) {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c := &cutter{ln: ln, target: u.Host, cut: make(chan struct{}), closed: make(chan struct{})}
	go c.accept()
	t.Cleanup(c.close)
	u.Host = ln.Addr().String()
	return c, u.String()
}

// Cut stops every byte from here on.
func (c *cutter) Cut() { close(c.cut) }

func (c *cutter) accept() {
	for {
		in, err := c.ln.Accept()
		if err != nil {
			return
		}
		c.track(in)
		go func() {
			out, err := net.Dial("tcp", c.target)
			if err != nil {
				in.Close()
				return
			}
			c.track(out)
			go c.pipe(out, in)
			c.pipe(in, out)
		}()
	}
}

// pipe copies from src to dst until either closes, or until the cut, after which what src
// sends is read and dropped.
func (c *cutter) pipe(dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if err != nil {
			dst.Close()
			return
		}
		select {
		case <-c.cut:
			continue
		default:
		}
		if _, err := dst.Write(buf[:n]); err != nil {
			src.Close()
			return
		}
	}
}

func (c *cutter) track(conn net.Conn) {
	c.mu.Lock()
	defer c.mu.Unlock()
	select {
	case <-c.closed:
		conn.Close()
	default:
		c.conns = append(c.conns, conn)
	}
}

func (c *cutter) close() {
	c.once.Do(func() {
		c.mu.Lock()
		close(c.closed)
		conns := c.conns
		c.mu.Unlock()
		c.ln.Close()
		for _, conn := range conns {
			conn.Close()
		}
	})
}
