package main

import (
	"crypto/tls"
	"crypto/x509"
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
func userTargets(c *cli.Context) ([]platform.Target, error) {
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
		if body, err = os.ReadFile(b[1:]); err != nil {
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
		f, err := os.Open(path)
		if err != nil {
			return nil, badInput("--targets: %v", err)
		}
		ts, err := attack.ReadTargets(f, body, header)
		_ = f.Close() // read only
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

// tlsConfig is the client's TLS configuration from --insecure and
// --cacert; nil for Go's defaults.
func tlsConfig(c *cli.Context) (*tls.Config, error) {
	insecure, cacert := c.Bool("insecure"), c.String("cacert")
	if !insecure && cacert == "" {
		return nil, nil
	}
	cfg := &tls.Config{InsecureSkipVerify: insecure} //nolint:gosec // the user asked, for self-signed test servers
	if cacert != "" {
		pem, err := os.ReadFile(cacert)
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
