package attack

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/lmibench/lmibench/platform"
	"github.com/lmibench/lmibench/rows"
)

// MaxTargets bounds a targets file: each endpoint runs its own users.
const MaxTargets = 1000

// ReadTargets reads a targets file in vegeta's http format, so existing
// vegeta files work unchanged:
//
//	POST https://api.example.com/orders
//	Authorization: Bearer …
//	@body.json
//
// hdr and body are the defaults of every target (--header, --body). Each
// target is named by its method and path ("POST /orders"), made unique,
// and cut to a name's length. format is "http", or "json" for vegeta's JSON
// targets, one object a line:
//
//	{"method": "POST", "url": "https://api.example.com/orders", "header": {"Authorization": ["Bearer …"]}, "body": "<base64>"}
func ReadTargets(src io.Reader, format string, body []byte, hdr http.Header) ([]platform.Target, error) {
	var next vegeta.Targeter
	switch format {
	case "", "http":
		next = vegeta.NewHTTPTargeter(src, body, hdr)
	case "json":
		next = vegeta.NewJSONTargeter(src, body, hdr)
	default:
		return nil, fmt.Errorf("format %q: want http or json", format)
	}
	var out []platform.Target
	seen := map[string]int{}
	for {
		var t vegeta.Target
		err := next(&t)
		if errors.Is(err, vegeta.ErrNoTargets) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("target %d: %s", len(out)+1, redactURLs(err.Error()))
		}
		if len(out) == MaxTargets {
			return nil, fmt.Errorf("more than %d targets", MaxTargets)
		}
		u, err := platform.CheckURL(t.URL)
		if err != nil {
			return nil, fmt.Errorf("target %d: %s", len(out)+1, redactURLs(err.Error()))
		}
		name := strings.Map(func(r rune) rune {
			if strings.ContainsRune(",\"\r\n", r) {
				return '_'
			}
			return r
		}, t.Method+" "+pathOf(u))
		name = rows.CutUTF8(name, rows.MaxNameBytes-8) // room for " #1000"
		if seen[name]++; seen[name] > 1 {
			name = fmt.Sprintf("%s #%d", name, seen[name])
		}
		out = append(out, platform.Target{Name: name, URL: t.URL, Method: t.Method, Header: t.Header, Body: t.Body})
	}
	if len(out) == 0 {
		return nil, errors.New("no targets in the file")
	}
	return out, nil
}

func pathOf(u *url.URL) string {
	if u.Path == "" {
		return "/"
	}
	return u.Path
}
