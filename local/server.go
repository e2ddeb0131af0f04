// Package local is the built-in target on loopback, so a run needs no AWS
// account: the benchmark's three functions served by the Lambda emulator
// (standard and LMI execution models) or by the real handler.
package local

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/lmibench/lmibench/emulator"
	"github.com/lmibench/lmibench/function"
	"github.com/lmibench/lmibench/platform"
)

// Server is a started local target.
type Server struct {
	srv *http.Server
	ln  net.Listener
	err chan error
	emu *emulator.Emulator // nil for the real function
}

// Start serves the local target on addr ("127.0.0.1:0" picks a free port)
// and returns once it accepts connections. emulate selects the emulator
// with cfg; otherwise the real function handler answers.
func Start(addr string, emulate bool, cfg emulator.Config) (*Server, error) {
	var h http.Handler = function.NewLocalMux()
	s := &Server{err: make(chan error, 1)}
	if emulate {
		var err error
		if s.emu, err = emulator.New(cfg); err != nil {
			return nil, err
		}
		h = s.emu.Handler()
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		if s.emu != nil {
			s.emu.Close()
		}
		return nil, fmt.Errorf("local target: %w", err)
	}
	s.ln = ln
	s.srv = &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { s.err <- s.srv.Serve(ln) }()
	return s, nil
}

// URL is the base URL of the server, e.g. http://127.0.0.1:41234.
func (s *Server) URL() string { return "http://" + s.ln.Addr().String() }

// Targets are the functions' endpoints on this server.
func (s *Server) Targets() []platform.Target { return platform.FunctionTargets(s.URL()) }

// Wait blocks until the server fails or ctx ends.
func (s *Server) Wait(ctx context.Context) error {
	select {
	case err := <-s.err:
		return err
	case <-ctx.Done():
		return nil
	}
}

// Close stops the server, letting requests in flight finish for a moment,
// and the emulator's platform.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		err = s.srv.Close()
	}
	if s.emu != nil {
		s.emu.Close()
	}
	return err
}
