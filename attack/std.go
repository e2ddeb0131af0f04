package attack

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/lmibench/lmibench/rows"
)

// stdEndpoint is what the net/http users of one endpoint share: its
// client, whose pool holds at most one connection per user.
type stdEndpoint struct {
	request
	client  *http.Client
	timeout time.Duration
	kill    context.Context
}

func newStdEndpoint(r request, users int, tlsCfg *tls.Config, proxy func(*url.URL) (*url.URL, error),
	timeout time.Duration, redirects int, kill context.Context) *stdEndpoint {
	d := &net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}
	tr := &http.Transport{
		Proxy:               func(r *http.Request) (*url.URL, error) { return proxy(r.URL) },
		DialContext:         d.DialContext,
		MaxIdleConnsPerHost: users,
		MaxConnsPerHost:     users,
		IdleConnTimeout:     90 * time.Second,
		WriteBufferSize:     1 << 10, // as fasthttp's: requests are small
		TLSHandshakeTimeout: 10 * time.Second,
		TLSClientConfig:     tlsCfg,
		ForceAttemptHTTP2:   true,
		// Both clients send the same request and count the same bytes:
		// no Accept-Encoding added, no body decompressed.
		DisableCompression: true,
	}
	return &stdEndpoint{request: r, timeout: timeout, kill: kill, client: &http.Client{
		Transport:     tr,
		CheckRedirect: checkRedirect(redirects),
	}}
}

type stdUser struct {
	ep   *stdEndpoint
	body bodyBuf
}

func (e *stdEndpoint) newUser() user { return &stdUser{ep: e} }

func (u *stdUser) close() {}

// do runs one request under a context that ends at the timeout or the
// hard stop, whichever comes first; the timeout covers the whole body.
func (u *stdUser) do(r *rows.Record) {
	e := u.ep
	r.Timestamp = time.Now()
	r.BytesOut = uint64(len(e.body))
	ctx, cancel := context.WithTimeout(e.kill, e.timeout)
	defer cancel()
	var body io.Reader
	if len(e.body) > 0 {
		body = bytes.NewReader(e.body)
	}
	req, err := http.NewRequestWithContext(ctx, e.method, e.url, body)
	if err != nil {
		r.Error = err.Error()
		return
	}
	req.Header, req.Host = e.header, e.host // read, never written, by the client
	resp, err := e.client.Do(req)
	if err != nil {
		r.Latency = time.Since(r.Timestamp)
		r.Error = err.Error()
		if strings.Contains(r.Error, "malformed HTTP") { // quoting the server's bytes, unlike fasthttp's
			r.Error = e.urlError(e.url, errMalformed).Error()
		}
		return
	}
	kept, n, err := u.body.read(resp.Body)
	_ = resp.Body.Close() // read to its end or failed; either way done with
	r.Latency = time.Since(r.Timestamp)
	if err != nil {
		r.Error = e.urlError(resp.Request.URL.String(), err).Error()
		return
	}
	r.Status, r.BytesIn = resp.StatusCode, n
	r.SetFn(kept)
}

// checkRedirect follows up to n redirects, then fails the request; with
// KeepRedirects it follows none and the 3xx is the response. Only http and
// https are followed, and the credential headers go no further than
// keepsCredentials allows (net/http drops them on another host itself, not
// on a hop from https to http).
func checkRedirect(n int) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if n < 0 {
			return http.ErrUseLastResponse
		}
		if err := followable(req.URL); err != nil {
			return err
		}
		if len(via) > n {
			return fmt.Errorf("stopped after %d redirects", n)
		}
		if !keepsCredentials(via[0].URL, via[len(via)-1].URL, req.URL) {
			req.Header = withoutCredentials(req.Header)
		}
		return nil
	}
}
