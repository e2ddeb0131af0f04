package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/lmibench/lmibench/attack"
	"github.com/lmibench/lmibench/platform"
)

// userTargets reads the endpoints the user named: --target NAME=URL and
// the --targets file, with --method, --header, --body and
// --workload-query applied. None means the local target or the stack.
func userTargets(c *cli.Context, stdin io.Reader) ([]platform.Target, error) {
	header := http.Header{}
	for _, h := range c.StringSlice("header") {
		name, value, ok := strings.Cut(h, ":")
		if name = strings.TrimSpace(name); !ok || name == "" || strings.ContainsAny(name, " \t") {
			return nil, badInput("--header: want \"Name: value\", got %q", trim(h))
		}
		header.Add(name, strings.TrimSpace(value))
	}
	var body []byte
	if b := c.String("body"); strings.HasPrefix(b, "@") {
		var err error
		if body, err = readInput(b[1:], maxBodyFile); err != nil {
			return nil, badInput("--body: %v", err)
		}
	} else if b != "" {
		body = []byte(b)
	}
	var out []platform.Target
	for _, raw := range c.StringSlice("target") {
		t, err := platform.ParseTarget(raw)
		if err != nil {
			return nil, refuse(err)
		}
		t.Method, t.Header, t.Body = strings.ToUpper(c.String("method")), header.Clone(), body
		out = append(out, t)
	}
	if path := c.String("targets"); path != "" {
		var b []byte
		var err error
		if path == "-" { // as vegeta: the targets from stdin
			if b, err = io.ReadAll(io.LimitReader(stdin, maxTargetsFile+1)); err == nil && len(b) > maxTargetsFile {
				err = fmt.Errorf("stdin holds more than the %d bytes read", maxTargetsFile)
			}
		} else {
			b, err = readInput(path, maxTargetsFile)
		}
		if err != nil {
			return nil, badInput("--targets: %v", err)
		}
		ts, err := attack.ReadTargets(bytes.NewReader(b), c.String("targets-format"), body, header)
		if err != nil {
			return nil, badInput("--targets %s: %v", path, err)
		}
		out = append(out, ts...)
	}
	if out == nil {
		return nil, onlyWith(c, "with --target or --targets", "method", "header", "body", "workload-query")
	}
	for i := range out {
		out[i].Workload = c.Bool("workload-query")
	}
	if err := platform.CheckTargets(out); err != nil {
		return nil, badInput("--target: %v", err)
	}
	return out, nil
}

// Bounds on the files a run reads whole before it starts.
const (
	maxBodyFile    = 64 << 20
	maxTargetsFile = 16 << 20
)

// readInput reads a regular file of at most max bytes: a FIFO or a device
// (/dev/zero) would hang or never end, and is refused instead.
func readInput(path string, max int64) ([]byte, error) {
	st, err := os.Stat(path) // before opening: opening a FIFO waits for a writer
	var pe *fs.PathError
	switch {
	case errors.As(err, &pe):
		pe.Op = "open" // what the user asked for
		return nil, pe
	case err != nil:
		return nil, err
	case !st.Mode().IsRegular():
		return nil, fmt.Errorf("%s is not a regular file (%s)", path, st.Mode().Type())
	case st.Size() > max:
		return nil, fmt.Errorf("%s is %d bytes, more than the %d read", path, st.Size(), max)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }() // read only
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err == nil && int64(len(b)) > max {
		err = fmt.Errorf("%s grew past the %d bytes read", path, max)
	}
	return b, err
}

// tlsConfig is the client's TLS configuration from --insecure and
// --cacert; nil for Go's defaults.
func tlsConfig(c *cli.Context) (*tls.Config, error) {
	insecure, cacert := c.Bool("insecure"), c.String("cacert")
	if !insecure && cacert == "" {
		return nil, nil
	}
	cfg := &tls.Config{InsecureSkipVerify: insecure} //nolint:gosec // the user asked, for self-signed test servers
	if cacert != "" {
		pem, err := readInput(cacert, maxTargetsFile)
		if err != nil {
			return nil, badInput("--cacert: %v", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, badInput("--cacert %s: no PEM certificate in it", cacert)
		}
		cfg.RootCAs = pool
	}
	return cfg, nil
}

// trim cuts what a message repeats of the input to a readable length.
func trim(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}
