package attack

import (
	"context"
	"io"
	"net/http"
	"sync"
)

// killableTransport ends every request in flight when kill is cancelled.
// vegeta v12 builds its requests without a context, so the hard stop is
// joined here: each request runs under a child of its own context (which
// carries the client's timeout) that is also cancelled by kill, until its
// body is read or closed.
type killableTransport struct {
	base http.RoundTripper
	kill context.Context
}

func (t *killableTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithCancelCause(req.Context())
	stop := context.AfterFunc(t.kill, func() { cancel(context.Cause(t.kill)) })
	end := func() { stop(); cancel(nil) }
	resp, err := t.base.RoundTrip(req.WithContext(ctx))
	if err != nil {
		end()
		if cause := context.Cause(ctx); cause != nil && t.kill.Err() != nil {
			return nil, cause
		}
		return nil, err
	}
	resp.Body = &endOnClose{ReadCloser: resp.Body, end: end, cause: func() error {
		if t.kill.Err() != nil {
			return context.Cause(t.kill)
		}
		return nil
	}}
	return resp, nil
}

// endOnClose releases a request's context once its body is done with, and
// reports the kill as the read error of a body it cut short.
type endOnClose struct {
	io.ReadCloser
	once  sync.Once
	end   func()
	cause func() error
}

func (b *endOnClose) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF {
		if c := b.cause(); c != nil {
			err = c
		}
	}
	return n, err
}

func (b *endOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(b.end)
	return err
}
