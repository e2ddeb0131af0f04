package attack

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"time"

	"github.com/valyala/fasthttp"
)

// fastEndpoint is what the fasthttp users of one endpoint share.
type fastEndpoint struct {
	request
	target    *url.URL
	conns     *connSet // every user's connection, closed at the hard stop
	tls       *tls.Config
	timeout   time.Duration
	redirects int
}

func newFastEndpoint(r request, u *url.URL, conns *connSet, tlsCfg *tls.Config, timeout time.Duration, redirects int) *fastEndpoint {
	cfg := &tls.Config{}
	if tlsCfg != nil {
		cfg = tlsCfg.Clone()
	}
	cfg.NextProtos = []string{"http/1.1"}
	return &fastEndpoint{request: r, target: u, conns: conns, tls: cfg, timeout: timeout, redirects: redirects}
}

// fastUser sends its requests over one connection of its own, dialled
// when first needed and again after the server closed it. Requests and
// responses are written and parsed by fasthttp, with no goroutine but the
// user's and no buffer but the connection's and the response's.
type fastUser struct {
	ep   *fastEndpoint
	conn fastConn
	req  fasthttp.Request
	resp fasthttp.Response
	body bodyBuf
}

func (e *fastEndpoint) newUser() user {
	u := &fastUser{ep: e, conn: fastConn{ep: e, addr: hostPort(e.target), isTLS: e.target.Scheme == "https"}}
	e.fill(&u.req, e.url, e.method, e.body)
	u.resp.StreamBody = true
	return u
}

// fill makes req the endpoint's request, sent to rawURL.
func (e *fastEndpoint) fill(req *fasthttp.Request, rawURL, method string, body []byte) {
	req.Reset()
	req.Header.SetMethod(method)
	req.SetRequestURI(rawURL)
	req.URI().DisablePathNormalizing = true // sent as given, as net/http does
	for k, vs := range e.header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if e.host != "" {
		req.UseHostHeader = true
		req.Header.SetHost(e.host)
	}
	req.SetBody(body)
}

func (u *fastUser) close() { u.conn.close() }

func (u *fastUser) do(r *Record) {
	r.Timestamp = time.Now()
	r.BytesOut = uint64(len(u.ep.body))
	deadline := r.Timestamp.Add(u.ep.timeout)
	at, body, n, err := u.exchange(deadline)
	r.Latency = time.Since(r.Timestamp)
	if err != nil {
		r.Error = u.ep.urlError(at, err).Error()
		return
	}
	r.Status, r.BytesIn = u.resp.StatusCode(), n
	r.Fn, r.HasFn = parseFn(body)
}

// exchange sends the request and reads the answer, following redirects;
// the final response's status is in u.resp, its body (when kept) and
// length returned. at is the URL of the request that failed.
func (u *fastUser) exchange(deadline time.Time) (at string, body []byte, n uint64, err error) {
	req, conn, cur := &u.req, &u.conn, u.ep.target
	for hop := 0; ; hop++ {
		if err := conn.roundTrip(req, &u.resp, deadline); err != nil {
			return cur.String(), nil, 0, err
		}
		loc := u.resp.Header.Peek("Location")
		follow := u.ep.redirects >= 0 && len(loc) > 0 && isRedirect(u.resp.StatusCode())
		body, n, err = u.readBody(conn, deadline)
		if !follow || err != nil {
			return cur.String(), body, n, err
		}
		if hop == u.ep.redirects {
			return cur.String(), nil, 0, fmt.Errorf("stopped after %d redirects", u.ep.redirects)
		}
		next, err := cur.Parse(string(loc))
		if err != nil {
			return cur.String(), nil, 0, errors.New("redirect to an unparseable Location")
		}
		method, body := req.Header.Method(), req.Body()
		if code := u.resp.StatusCode(); code == http.StatusMovedPermanently || code == http.StatusFound || code == http.StatusSeeOther {
			if m := string(method); m != http.MethodGet && m != http.MethodHead {
				method, body = []byte(http.MethodGet), nil
			}
		}
		// A hop's request is made anew; the user's own stays as it is.
		hopReq := fasthttp.AcquireRequest()
		defer fasthttp.ReleaseRequest(hopReq)
		u.ep.fill(hopReq, next.String(), string(method), body)
		if next.Host != cur.Host { // the target's Host header is for the target
			hopReq.UseHostHeader = false
		}
		req, cur = hopReq, next
		if hostPort(next) != u.conn.addr || (next.Scheme == "https") != u.conn.isTLS {
			other := &fastConn{ep: u.ep, addr: hostPort(next), isTLS: next.Scheme == "https"}
			defer other.close()
			conn = other
		} else {
			conn = &u.conn
		}
	}
}

// readBody reads the response's body to its end through the user's
// buffer, then keeps the connection for the next request or closes it.
func (u *fastUser) readBody(c *fastConn, deadline time.Time) ([]byte, uint64, error) {
	var body []byte
	var n uint64
	var err error
	if s := u.resp.BodyStream(); s != nil {
		body, n, err = u.body.read(s)
		err = timedOut(err, deadline)
	}
	// The stream must be closed to read the next response; a body that
	// failed or ran to the connection's end leaves nothing reusable.
	if cerr := u.resp.CloseBodyStream(); err == nil {
		err = cerr
	}
	if err != nil || u.resp.ConnectionClose() || u.resp.Header.ContentLength() == -2 {
		c.close()
	}
	return body, n, err
}

// fastConn is one keep-alive connection to a host.
type fastConn struct {
	ep     *fastEndpoint
	addr   string
	isTLS  bool
	conn   net.Conn
	br     *bufio.Reader
	bw     *bufio.Writer
	reused bool // a request went over it already
}

// roundTrip writes req and reads resp's header; the body is left to
// stream. Like net/http, a request that is safe to send again is sent once
// more on a new connection when a reused one fails before any byte of an
// answer: the server closed it while it was idle.
func (c *fastConn) roundTrip(req *fasthttp.Request, resp *fasthttp.Response, deadline time.Time) error {
	for {
		if c.conn == nil {
			if err := c.dial(deadline); err != nil {
				return err
			}
		}
		reused := c.reused
		c.reused = true
		if err := c.conn.SetDeadline(deadline); err != nil {
			c.close()
			return err
		}
		err := req.Write(c.bw)
		if err == nil {
			err = c.bw.Flush()
		}
		if err == nil {
			// The first byte is waited for here, so that its error (a
			// reset, a timeout, EOF) is the network's own; fasthttp would
			// call every one of them EOF.
			_, err = c.br.Peek(1)
			if err == nil {
				resp.SkipBody = req.Header.IsHead()
				if err = resp.Read(c.br); err != nil {
					c.close()
					return headerError(err, deadline)
				}
				return nil
			}
		}
		c.close()
		if !reused || !replayable(req) {
			return err
		}
	}
}

func (c *fastConn) dial(deadline time.Time) error {
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	conn, err := c.ep.conns.dial(ctx, "tcp", c.addr)
	if err != nil {
		return err
	}
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
		conn = tc
	}
	c.conn, c.reused = conn, false
	if c.br == nil {
		c.br = bufio.NewReaderSize(conn, 4<<10)
		// Requests are a few hundred bytes: a longer one is flushed in parts.
		c.bw = bufio.NewWriterSize(conn, 1<<10)
	} else {
		c.br.Reset(conn)
		c.bw.Reset(conn)
	}
	return nil
}

func (c *fastConn) close() {
	if c.conn != nil {
		_ = c.conn.Close() // the connection is done with, whatever Close says
		c.conn = nil
	}
}

// replayable: net/http's rule for sending a request again.
func replayable(req *fasthttp.Request) bool {
	switch string(req.Header.Method()) {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return true
	}
	return len(req.Header.Peek("Idempotency-Key")) > 0 || len(req.Header.Peek("X-Idempotency-Key")) > 0
}

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
	if errors.As(err, &ne) || errors.Is(err, net.ErrClosed) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return err
	}
	return errors.New("malformed HTTP response")
}

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
