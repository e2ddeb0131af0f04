package attack

import (
	"io"
	"net"
	"os"
	"sync"
	"syscall"
)

// waitConn is a connection that waits for an answer holding no buffer,
// so that thousands of users idle on slow answers cost their sockets and
// little else. Over TCP it waits on Go's poller through the socket itself
// (rawReads) and writes the request from inside that wait; over TLS, whose
// records are read whole anyway, it reads the answer's first byte. Reads
// then take what was read while waiting first.
type waitConn struct {
	net.Conn                 // nil when closed
	raw      syscall.RawConn // the socket, to wait on; nil over TLS
	ready    func(fd uintptr) bool
	err      error   // what ready saw
	first    [1]byte // over TLS, the answer's first byte, read while waiting
	unread   bool    // first is yet to be read
	// pend holds what ready read, pend.b[pend.off:pend.n] yet to be read.
	pend *chunk
	out  []byte // what ready is to write first
}

// reset makes c the connection conn, waiting on raw when it is not nil.
func (c *waitConn) reset(conn net.Conn, raw syscall.RawConn) {
	c.Conn, c.raw, c.unread = conn, raw, false
	if raw != nil && c.ready == nil {
		c.ready = c.writeThenRead // made once: a method value allocates
	}
}

// pending says that bytes read while waiting are yet to be read.
func (c *waitConn) pending() bool { return c.pend != nil }

func (c *waitConn) close() {
	c.dropPending()
	if c.Conn != nil {
		_ = c.Conn.Close() // the connection is done with, whatever Close says
		c.Conn = nil
	}
}

// chunk is a buffer of the answer's first bytes, read as they came.
type chunk struct {
	b      [4 << 10]byte
	off, n int
}

var chunks = sync.Pool{New: func() any { return new(chunk) }}

// Read reads the connection, what was read while waiting first.
func (c *waitConn) Read(p []byte) (int, error) {
	if c.unread && len(p) > 0 {
		c.unread, p[0] = false, c.first[0]
		return 1, nil
	}
	if c.pend != nil {
		n := copy(p, c.pend.b[c.pend.off:c.pend.n])
		if c.pend.off += n; c.pend.off == c.pend.n {
			c.dropPending()
		}
		return n, nil
	}
	return c.Conn.Read(p)
}

func (c *waitConn) dropPending() {
	if c.pend != nil {
		chunks.Put(c.pend)
		c.pend = nil
	}
}

// wait blocks until the answer starts, holding no buffer. Over TCP it
// waits on Go's poller and reads into a pooled chunk once bytes are
// there, as many reads as a plain Read; over TLS, whose records are read
// whole anyway, it reads the first byte.
func (c *waitConn) wait() error {
	if c.raw == nil {
		_, err := io.ReadFull(c.Conn, c.first[:])
		c.unread = err == nil
		return err
	}
	c.err = nil
	if err := c.raw.Read(c.ready); err != nil {
		return err
	}
	return c.err
}

// writeAndWait writes the request and waits for the answer to start.
// Over TCP the write is made from inside the wait, once Go's poller is
// armed for the answer: no read is then tried before the answer can have
// come, one system call a request fewer than write-then-read (which tries
// a read at once, nearly always too early). What the socket did not take
// at once is written the usual way.
func (c *waitConn) writeAndWait(wire []byte) error {
	if c.raw != nil {
		c.err, c.out = nil, wire
		err := c.raw.Read(c.ready)
		if err == nil {
			err = c.err
		}
		if err != nil || len(c.out) == 0 {
			return err
		}
		wire, c.out = c.out, nil
	}
	if _, err := c.Conn.Write(wire); err != nil {
		return err
	}
	return c.wait()
}

// writeThenRead is ready's body: first the request's bytes, then as
// readNow. It returns true, ending the wait early, when the socket did not
// take them all.
func (c *waitConn) writeThenRead(fd uintptr) bool {
	if c.out == nil {
		return c.readNow(fd)
	}
	n, err := writeFD(fd, c.out)
	switch {
	case err == syscall.EAGAIN || err == syscall.EINTR:
		return true // c.out is left for a Write
	case err != nil:
		c.err, c.out = os.NewSyscallError("write", err), nil
		return true
	case n < len(c.out):
		c.out = c.out[n:]
		return true
	}
	c.out = nil
	return false
}

// readNow reads the answer's first bytes: false while nothing has come
// (Go's poller then waits), true once bytes, the end or an error were
// read.
func (c *waitConn) readNow(fd uintptr) bool {
	ch := chunks.Get().(*chunk)
	n, err := readFD(fd, ch.b[:])
	switch {
	case err == syscall.EAGAIN || err == syscall.EINTR:
		chunks.Put(ch)
		return false
	case err != nil:
		c.err = os.NewSyscallError("read", err)
	case n == 0:
		c.err = io.EOF
	default:
		ch.off, ch.n, c.pend = 0, n, ch
		return true
	}
	chunks.Put(ch)
	return true
}
