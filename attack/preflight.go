package attack

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/url"

	"github.com/lmibench/lmibench/platform"
	"github.com/lmibench/lmibench/rows"
)

// Preflight checks that every target can be reached, as far as a
// connection goes: DNS, TCP, and the TLS handshake for https. It sends no
// HTTP request, so no function is invoked and no cold start is spent. The
// error names the first endpoint that cannot be reached and why, with the
// URL's secrets removed.
func Preflight(ctx context.Context, ts []platform.Target, tlsCfg *tls.Config) error {
	var d net.Dialer
	for _, t := range ts {
		u, err := url.Parse(t.URL)
		if err != nil {
			return fmt.Errorf("endpoint %s: %q is not a URL", t.Name, platform.Redact(t.URL))
		}
		addr := hostPort(u)
		conn, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			return fmt.Errorf("endpoint %s: cannot connect to %s: %s", t.Name, addr, rows.ErrorKind(err.Error()))
		}
		if u.Scheme == "https" {
			cfg := &tls.Config{}
			if tlsCfg != nil {
				cfg = tlsCfg.Clone()
			}
			cfg.ServerName = u.Hostname()
			tc := tls.Client(conn, cfg)
			err = tc.HandshakeContext(ctx)
			conn = tc
		}
		_ = conn.Close() // the check is done; a close error says nothing of the target
		if err != nil {
			return fmt.Errorf("endpoint %s: TLS handshake with %s: %w", t.Name, addr, err)
		}
	}
	return nil
}
