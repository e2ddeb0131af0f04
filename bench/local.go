package bench

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/lmibench/lmibench/function"
)

// Local is the built-in target: the function's three endpoints served on
// loopback, so a run needs no AWS account.
type Local struct {
	srv *http.Server
	ln  net.Listener
	err chan error
}

// StartLocal serves the local target on addr ("127.0.0.1:0" picks a free
// port) and returns once it accepts connections.
func StartLocal(addr string, h http.Handler) (*Local, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("local target: %w", err)
	}
	l := &Local{srv: &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}, ln: ln, err: make(chan error, 1)}
	go func() { l.err <- l.srv.Serve(ln) }()
	return l, nil
}

// URL is the base URL of the server, e.g. http://127.0.0.1:41234.
func (l *Local) URL() string { return "http://" + l.ln.Addr().String() }

// Targets are the function's endpoints on this server.
func (l *Local) Targets() []Target {
	out := make([]Target, len(function.Endpoints))
	for i, e := range function.Endpoints {
		out[i] = Target{Name: e.Name, URL: l.URL() + e.Path}
	}
	return out
}

// Wait blocks until the server fails or ctx ends.
func (l *Local) Wait(ctx context.Context) error {
	select {
	case err := <-l.err:
		return err
	case <-ctx.Done():
		return nil
	}
}

// Close stops the server, letting requests in flight finish for a moment.
func (l *Local) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err := l.srv.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		return l.srv.Close()
	}
	return err
}
