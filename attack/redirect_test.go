package attack

import (
	"crypto/tls"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lmibench/lmibench/internal/proftest"
	"github.com/lmibench/lmibench/platform"
	"github.com/lmibench/lmibench/rows"
	"github.com/lmibench/lmibench/stages"
)

// TestRedirectsKeepCredentialsHome: the credential headers follow a
// redirect only on the target's host; a redirect to another host, or from
// https to http, gets none; one to gopher:// gets no request at all and is
// a row of its own kind. Redirects to another host go over a connection
// kept for it, not a new one each time. On both clients.
func TestRedirectsKeepCredentialsHome(t *testing.T) {
	forEachClient(t, func(t *testing.T, client Client) {
		// b is the other side of every redirect: it records what it got.
		var mu sync.Mutex
		var leaked []string
		var got, conns atomic.Int64
		b := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			got.Add(1)
			for _, k := range credentialHeaders {
				if r.Header.Get(k) != "" {
					mu.Lock()
					leaked = append(leaked, k+" to "+r.Host)
					mu.Unlock()
				}
			}
		}))
		b.Config.ConnState = func(_ net.Conn, s http.ConnState) {
			if s == http.StateNew {
				conns.Add(1)
			}
		}
		b.Start()
		defer b.Close()
		bPort := b.Listener.Addr().(*net.TCPAddr).Port
		to := func(loc string) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, loc, http.StatusFound) }
		}
		plain := httptest.NewServer(to("http://localhost:" + strconv.Itoa(bPort) + "/other-host"))
		defer plain.Close()
		secure := httptest.NewTLSServer(to("http://127.0.0.1:" + strconv.Itoa(bPort) + "/downgrade"))
		defer secure.Close()
		gopher := httptest.NewServer(to("gopher://127.0.0.1:" + strconv.Itoa(bPort) + "/"))
		defer gopher.Close()

		header := http.Header{}
		for _, k := range credentialHeaders {
			header.Set(k, "s3cret")
		}
		for _, tt := range []struct {
			name, url string
			reached   bool
		}{
			{"another host", plain.URL, true},
			{"https to http", secure.URL, true},
			{"gopher", gopher.URL, false},
		} {
			got.Store(0)
			conns.Store(0)
			prof := proftest.New(t, true, stages.Stage{Duration: time.Nanosecond, Target: 2}, stages.Stage{Duration: 150 * time.Millisecond, Target: 2})
			recs := collect(t, newAttack(t, Config{Profile: prof, Endpoints: []platform.Target{{Name: "x", URL: tt.url, Header: header}},
				Options: Options{Client: client, Think: 5 * time.Millisecond, GracefulStop: time.Second, TLS: &tls.Config{InsecureSkipVerify: true}}}))
			if len(recs) < 4 {
				t.Fatalf("%s: %d rows; want a few", tt.name, len(recs))
			}
			for _, r := range recs {
				if tt.reached && r.Status != 200 {
					t.Fatalf("%s: row %+v; want the redirect followed", tt.name, r)
				}
				if !tt.reached && (rows.ErrorKind(r.Error) != "redirect to another scheme" || strings.Contains(r.Error, "s3cret")) {
					t.Fatalf("%s: row %+v (%s); want the redirect refused", tt.name, r, rows.ErrorKind(r.Error))
				}
			}
			if tt.reached && (got.Load() != int64(len(recs)) || conns.Load() > 2) {
				t.Errorf("%s: the other host got %d requests over %d connections; want %d over at most 2 (one per user)", tt.name, got.Load(), conns.Load(), len(recs))
			}
			if !tt.reached && got.Load() != 0 {
				t.Errorf("%s: the other port got %d requests; want none", tt.name, got.Load())
			}
		}
		if len(leaked) > 0 {
			t.Errorf("credentials left their host: %v", leaked)
		}
	})
}
