package attack

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/lmibench/lmibench/rows"
)

// fastEndpoint is what the fasthttp users of one endpoint share, above
// all the request's bytes: every request to an endpoint is the same, so
// it is written out once and each send is one write of those bytes.
type fastEndpoint struct {
	request
	target    *url.URL
	wire      []byte
	head      bool // a HEAD's answer has no body
	replay    bool // safe to send again (net/http's rule)
	conns     *connSet
	tls       *tls.Config
	timeout   time.Duration
	redirects int
	maxHeader int // bytes of a response's header
}

func newFastEndpoint(r request, u *url.URL, conns *connSet, tlsCfg *tls.Config, timeout time.Duration, redirects int) (*fastEndpoint, error) {
	cfg := &tls.Config{}
	if tlsCfg != nil {
		cfg = tlsCfg.Clone()
	}
	cfg.NextProtos = []string{"http/1.1"}
	e := &fastEndpoint{request: r, target: u, conns: conns, tls: cfg, timeout: timeout, redirects: redirects}
	e.head = r.method == http.MethodHead
	switch r.method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		e.replay = true
	default:
		e.replay = r.header.Get("Idempotency-Key") != "" || r.header.Get("X-Idempotency-Key") != ""
	}
	var err error
	if e.wire, err = e.encode(r.url, r.method, r.body, r.header, true); err != nil {
		return nil, fmt.Errorf("endpoint request: %w", err)
	}
	return e, nil
}

// encode writes out the endpoint's request to rawURL with header; the
// target's Host header goes only to the target's host.
func (e *fastEndpoint) encode(rawURL, method string, body []byte, header http.Header, toTarget bool) ([]byte, error) {
	req := fasthttp.AcquireRequest()
	defer fasthttp.ReleaseRequest(req)
	req.Header.SetMethod(method)
	req.SetRequestURI(rawURL)
	req.URI().DisablePathNormalizing = true // sent as given, as net/http does
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if e.host != "" && toTarget {
		req.UseHostHeader = true
		req.Header.SetHost(e.host)
	}
	req.SetBody(body)
	var b bytes.Buffer
	_, err := req.WriteTo(&b)
	return b.Bytes(), err
}

// fastUser sends its requests over one connection of its own, dialled
// when first needed and again after the server closed it, and keeps one
// for each other host its redirects lead to. It holds no buffer while it
// waits for an answer: the reader and the response are taken from pools
// once the answer's first byte is in.
type fastUser struct {
	ep     *fastEndpoint
	conn   fastConn
	others map[string]*fastConn // by scheme and host:port
	body   bodyBuf
}

func (e *fastEndpoint) newUser() user {
	return &fastUser{ep: e, conn: fastConn{ep: e, addr: hostPort(e.target), isTLS: e.target.Scheme == "https"}}
}

func (u *fastUser) close() {
	u.conn.close()
	for _, c := range u.others {
		c.close()
	}
}

// connTo is the user's connection to u's host: its own for the target's,
// else one kept for that host.
func (u *fastUser) connTo(to *url.URL) *fastConn {
	addr, isTLS := hostPort(to), to.Scheme == "https"
	if addr == u.conn.addr && isTLS == u.conn.isTLS {
		return &u.conn
	}
	key := to.Scheme + "://" + addr
	c := u.others[key]
	if c == nil {
		if u.others == nil {
			u.others = map[string]*fastConn{}
		}
		c = &fastConn{ep: u.ep, addr: addr, isTLS: isTLS}
		u.others[key] = c
	}
	return c
}

func (u *fastUser) do(r *rows.Record) {
	r.Timestamp = time.Now()
	r.BytesOut = uint64(len(u.ep.body))
	deadline := r.Timestamp.Add(u.ep.timeout)
	at, a, err := u.exchange(deadline)
	r.Latency = time.Since(r.Timestamp)
	if err != nil {
		r.Error = u.ep.urlError(at.String(), err).Error()
		return
	}
	r.Status, r.BytesIn = a.status, a.n
	r.SetFn(a.body)
}

// answer is what a response left once read: its status, where it
// redirects, its body when kept and its length.
type answer struct {
	status   int
	location string
	body     []byte
	n        uint64
}

// exchange sends the request and reads the answer, following redirects.
// at is the URL of the request that failed.
func (u *fastUser) exchange(deadline time.Time) (at *url.URL, a answer, err error) {
	e := u.ep
	wire, method, body, header, replay, conn, cur := e.wire, e.method, e.body, e.header, e.replay, &u.conn, e.target
	for hop := 0; ; hop++ {
		if a, err = conn.roundTrip(wire, replay, method == http.MethodHead, &u.body, deadline); err != nil {
			return cur, a, err
		}
		if e.redirects < 0 || a.location == "" || !isRedirect(a.status) {
			return cur, a, nil
		}
		if hop == e.redirects {
			return cur, answer{}, fmt.Errorf("stopped after %d redirects", e.redirects)
		}
		next, err := cur.Parse(a.location)
		if err != nil {
			return cur, answer{}, errors.New("redirect to an unparseable Location")
		}
		if err := followable(next); err != nil {
			return next, answer{}, err
		}
		if a.status == http.StatusMovedPermanently || a.status == http.StatusFound || a.status == http.StatusSeeOther {
			if method != http.MethodGet && method != http.MethodHead {
				method, body = http.MethodGet, nil
			}
		}
		if !keepsCredentials(e.target, cur, next) {
			header = withoutCredentials(header)
		}
		if wire, err = e.encode(next.String(), method, body, header, next.Host == e.target.Host); err != nil {
			return next, answer{}, err
		}
		replay = replay || method == http.MethodGet
		cur = next
		conn = u.connTo(next)
	}
}

// fastConn is one keep-alive connection to a host: dialled when first
// needed, sent again on a new one when the server closed it idle, closed
// when an answer leaves nothing reusable. The waiting itself is waitConn's.
type fastConn struct {
	ep     *fastEndpoint
	addr   string
	isTLS  bool
	wc     waitConn
	reused bool // a request went over it already
}

var readers = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 4<<10) }}

// roundTrip sends a request and reads its answer, the body to its end.
func (c *fastConn) roundTrip(wire []byte, replay, head bool, body *bodyBuf, deadline time.Time) (answer, error) {
	if err := c.send(wire, replay, deadline); err != nil {
		return answer{}, err
	}
	br := readers.Get().(*bufio.Reader)
	br.Reset(&c.wc)
	resp := fasthttp.AcquireResponse()
	defer func() {
		fasthttp.ReleaseResponse(resp)
		br.Reset(nil)
		readers.Put(br)
	}()
	resp.Header.DisableNormalizing() // only the headers fasthttp reads itself matter
	br, err := readHeader(&resp.Header, br, c.ep.maxHeader)
	if err != nil {
		c.close()
		return answer{}, headerError(err, deadline)
	}
	a := answer{status: resp.StatusCode()}
	if isRedirect(a.status) {
		a.location = string(resp.Header.Peek("Location"))
	}
	switch n := resp.Header.ContentLength(); {
	case head || a.status == http.StatusNoContent || a.status == http.StatusNotModified || a.status < 200:
	case n >= 0 && n < MaxBodyKept:
		// Nearly every answer: its length known and small, read whole.
		a.body, err = body.exact(br, n)
		a.n = uint64(n)
	default:
		// Chunked, up to the connection's end, or long: streamed and
		// counted. The stream must be closed before the next answer.
		resp.StreamBody = true
		if err = resp.ReadBody(br, 0); err == nil {
			a.body, a.n, err = body.read(resp.BodyStream())
			if cerr := resp.CloseBodyStream(); err == nil {
				err = cerr
			}
		}
	}
	err = timedOut(err, deadline)
	// A body that failed or ran to the connection's end leaves nothing
	// reusable, and nor do bytes the server sent past its answer.
	if err != nil || resp.ConnectionClose() || resp.Header.ContentLength() == -2 || br.Buffered() > 0 || c.wc.pending() {
		c.close()
	}
	return a, err
}

// maxInterim is how many 1xx answers may come before the final one.
const maxInterim = 8

// readHeader reads the final answer's header, past any 1xx ones, and
// returns the reader to read its body from. A header longer than br's
// buffer is read again through a larger one (fasthttp peeks, consuming
// nothing, until it has the whole header), up to max bytes.
func readHeader(h *fasthttp.ResponseHeader, br *bufio.Reader, max int) (*bufio.Reader, error) {
	for range maxInterim {
		err := h.Read(br)
		var small *fasthttp.ErrSmallBuffer
		for errors.As(err, &small) && br.Size() < max {
			br = bufio.NewReaderSize(br, min(4*br.Size(), max))
			err = h.Read(br)
		}
		if errors.As(err, &small) {
			return br, fmt.Errorf("%w (over %d bytes)", errHeaderTooLarge, max)
		}
		if err != nil {
			return br, err
		}
		if c := h.StatusCode(); c >= 200 || c < 100 || c == http.StatusSwitchingProtocols {
			return br, nil
		}
	}
	return br, errors.New("too many 1xx answers")
}

// errHeaderTooLarge is an answer whose header passes the bound, on either
// client.
var errHeaderTooLarge = errors.New("response header too large")

// send writes the request and waits for the answer's first byte, whose
// error, if any, is the network's own (a reset, a timeout, EOF). Like
// net/http, a request safe to send again is sent once more on a new
// connection when a reused one fails before any byte of an answer: the
// server closed it while it was idle.
func (c *fastConn) send(wire []byte, replay bool, deadline time.Time) error {
	for {
		if c.wc.Conn == nil {
			if err := c.dial(deadline); err != nil {
				return err
			}
		}
		reused := c.reused
		c.reused = true
		err := c.wc.SetDeadline(deadline)
		if err == nil {
			err = c.wc.writeAndWait(wire)
		}
		if err == nil {
			return nil
		}
		c.close()
		if !reused || !replay {
			return err
		}
	}
}

func (c *fastConn) dial(deadline time.Time) error {
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	tcp, err := c.ep.conns.dial(ctx, "tcp", c.addr)
	if err != nil {
		return err
	}
	var conn net.Conn = tcp
	if c.isTLS {
		cfg := c.ep.tls
		if cfg.ServerName == "" {
			cfg = cfg.Clone()
			cfg.ServerName, _, _ = net.SplitHostPort(c.addr)
		}
		tc := tls.Client(conn, cfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			_ = conn.Close() // the handshake's error is the one to report
			return err
		}
		c.wc.reset(tc, nil)
		c.reused = false
		return nil
	}
	var raw syscall.RawConn
	if rawReads {
		if raw, err = tcp.Conn.(syscall.Conn).SyscallConn(); err != nil {
			_ = conn.Close() // the error to report is SyscallConn's
			return err
		}
	}
	c.wc.reset(conn, raw)
	c.reused = false
	return nil
}

func (c *fastConn) close() { c.wc.close() }

// timedOut gives every failure at or past the request's deadline the
// network's timeout error: fasthttp has its own, and wraps some in errors
// that cannot be unwrapped.
func timedOut(err error, deadline time.Time) error {
	if err != nil && (errors.Is(err, fasthttp.ErrTimeout) || !time.Now().Before(deadline)) {
		return os.ErrDeadlineExceeded
	}
	return err
}

// headerError names a response header fasthttp could not parse without
// quoting it, as its error does, with the server's bytes; the network's
// errors pass as they are.
func headerError(err error, deadline time.Time) error {
	err = timedOut(err, deadline)
	var ne net.Error
	if errors.As(err, &ne) || errors.Is(err, net.ErrClosed) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, errHeaderTooLarge) {
		return err
	}
	return errMalformed
}

// errMalformed is an answer that is not HTTP, on either client.
var errMalformed = errors.New("malformed HTTP response")

func isRedirect(code int) bool {
	switch code {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}

// hostPort is u's host with its port, the scheme's when none is given.
func hostPort(u *url.URL) string {
	if p := u.Port(); p != "" {
		return net.JoinHostPort(u.Hostname(), p)
	}
	if u.Scheme == "https" {
		return net.JoinHostPort(u.Hostname(), "443")
	}
	return net.JoinHostPort(u.Hostname(), "80")
}
