package attack

import (
	"io"
	"net/http"
	"strconv"
	"sync"
)

// MaxBodyKept is how much of a response body is kept in memory: enough
// for the function's JSON (a few hundred bytes). The rest is read, counted
// and discarded, so memory does not grow with the body's size and
// bytes_in stays exact.
const MaxBodyKept = 64 << 10

// bodyCounter is a RoundTripper that counts each response body's bytes as
// they are read, by vegeta's per-request sequence number: vegeta's own
// count stops at what it keeps (MaxBodyKept).
type bodyCounter struct {
	next   http.RoundTripper
	counts sync.Map // seq (string) → *countingBody
}

func (c *bodyCounter) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(req)
	if err != nil || resp.Body == nil {
		return resp, err
	}
	b := &countingBody{ReadCloser: resp.Body}
	resp.Body = b
	if seq := req.Header.Get("X-Vegeta-Seq"); seq != "" {
		c.counts.Store(seq, b)
	}
	return resp, nil
}

// take is the number of body bytes read for request seq, once, and
// whether one was counted.
func (c *bodyCounter) take(seq uint64) (uint64, bool) {
	v, ok := c.counts.LoadAndDelete(strconv.FormatUint(seq, 10))
	if !ok {
		return 0, false
	}
	return v.(*countingBody).n, true
}

// countingBody counts what is read through it. vegeta reads it on one
// goroutine, then hands over the result, which orders the count before
// take.
type countingBody struct {
	io.ReadCloser
	n uint64
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n += uint64(n)
	return n, err
}
