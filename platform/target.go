package platform

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/lmibench/lmibench/rows"
	"github.com/lmibench/lmibench/setting"
	"golang.org/x/net/http/httpguts"
)

// Target is one benchmarked endpoint: its name in the CSV, its URL, and
// the request sent to it (a bodiless GET unless said otherwise). Headers
// and body are never written to a file: they may hold credentials.
type Target struct {
	Name   string      `json:"name"`
	URL    string      `json:"url"`
	Method string      `json:"method,omitempty"` // "" is GET
	Header http.Header `json:"-"`
	Body   []byte      `json:"-"`
	// Workload says the endpoint is one of the benchmark's functions, which
	// reads the scenario's work from its query (delay_ms, hash_loops).
	Workload bool `json:"-"`
	// MemoryMB and LMI say how the endpoint is billed, when known: a
	// standard function of MemoryMB, or one on Lambda Managed Instances.
	MemoryMB int  `json:"memory_mb,omitempty"`
	LMI      bool `json:"lmi,omitempty"`
}

// Function is one of the benchmark's three Lambda functions: its endpoint
// name, its path behind the HTTP API, its memory, whether it runs on
// Lambda Managed Instances, and the outputs of infra/template.yaml that
// give its URL and its function name.
type Function struct {
	Name       string
	Path       string
	MemoryMB   int
	LMI        bool
	URLOutput  string
	NameOutput string
}

// Functions are the three functions of the benchmark, in report order.
var Functions = []Function{
	{Name: "128", Path: "/default/128/hello", MemoryMB: 128, URLOutput: "Endpoint128Url", NameOutput: "Function128Name"},
	{Name: "2048", Path: "/default/2048/hello", MemoryMB: 2048, URLOutput: "Endpoint2048Url", NameOutput: "Function2048Name"},
	{Name: "lmi", Path: "/lmi/2048/hello", MemoryMB: 2048, LMI: true, URLOutput: "EndpointLmiUrl", NameOutput: "FunctionLmiName"},
}

// FunctionTargets are the three functions served under base, e.g.
// http://127.0.0.1:41234.
func FunctionTargets(base string) []Target {
	out := make([]Target, len(Functions))
	for i, f := range Functions {
		out[i] = f.Target(strings.TrimSuffix(base, "/") + f.Path)
	}
	return out
}

// Target is the function's endpoint at url.
func (f Function) Target(url string) Target {
	return Target{Name: f.Name, URL: url, Workload: true, MemoryMB: f.MemoryMB, LMI: f.LMI}
}

// MetricInstances is the Metric of a series counting the instances that
// run an LMI endpoint, which its cost is computed from.
const MetricInstances = "instances"

// CheckURL parses an endpoint's URL: http or https, with a host.
func CheckURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%q is not an http(s) URL", Redact(strings.TrimSpace(raw))) // no secret in a message
	}
	return u, nil
}

// checkRequest refuses a request that could not be sent as given: a
// header name or value with line breaks or control bytes (one client would
// rewrite it, the other fail every request), a Content-Length other than
// the body's, a Transfer-Encoding (bodies are sent whole, with their
// length).
func checkRequest(t Target) error {
	for name, values := range t.Header {
		if !httpguts.ValidHeaderFieldName(name) {
			return fmt.Errorf("header %q: not a valid header name", Printable(name))
		}
		for _, v := range values {
			if !httpguts.ValidHeaderFieldValue(v) || strings.ContainsAny(v, "\x00\x7f") {
				return fmt.Errorf("header %s: its value holds a line break or a control byte", name)
			}
		}
		switch http.CanonicalHeaderKey(name) {
		case "Content-Length":
			if len(values) != 1 || values[0] != strconv.Itoa(len(t.Body)) {
				return fmt.Errorf("header Content-Length %s: the body is %d bytes (leave the header out: it is set from the body)", strings.Join(values, ","), len(t.Body))
			}
		case "Transfer-Encoding":
			return errors.New("header Transfer-Encoding: bodies are sent whole with their length; leave it out")
		}
	}
	return nil
}

// MaxTargets bounds the endpoints of a run, as its statistics and the
// CSV reader do.
const MaxTargets = 64

// CheckTargets refuses an empty list or more than MaxTargets, duplicate
// names, names that cannot be a CSV field or a terminal's text (commas,
// quotes, control characters, invalid UTF-8, more than rows.MaxNameBytes)
// and URLs that are not http(s): whatever a run writes, a report reads.
func CheckTargets(ts []Target) error {
	switch {
	case len(ts) == 0:
		return fmt.Errorf("no endpoints to benchmark")
	case len(ts) > MaxTargets:
		return fmt.Errorf("%d endpoints: at most %d", len(ts), MaxTargets)
	}
	seen := map[string]bool{}
	for _, t := range ts {
		if err := CheckName(t.Name); err != nil {
			return err
		}
		if seen[t.Name] {
			return fmt.Errorf("the name %q is used twice", t.Name)
		}
		seen[t.Name] = true
		if _, err := CheckURL(t.URL); err != nil {
			return fmt.Errorf("endpoint %s: %w", t.Name, err)
		}
		if err := checkRequest(t); err != nil {
			return fmt.Errorf("endpoint %s: %w", t.Name, err)
		}
	}
	return nil
}

// Names lists the targets' names in order.
func Names(ts []Target) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Name
	}
	return out
}

// redactTarget is a --target value with its URL's secrets redacted,
// whether it is NAME=URL or a URL alone.
func redactTarget(s string) string {
	if i := strings.Index(s, "://"); i >= 0 && !strings.Contains(s[:i], "=") {
		return Redact(s)
	}
	if name, raw, ok := strings.Cut(s, "="); ok {
		return name + "=" + Redact(raw)
	}
	return s
}

// Redact removes what must not be written anywhere from a URL: user
// information, and the values of query parameters other than the
// workload's.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable URL)"
	}
	u.User = nil
	q := u.Query()
	for k := range q {
		if k != "delay_ms" && k != "hash_loops" {
			q.Set(k, "REDACTED")
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// CheckName refuses an endpoint name that cannot be a CSV field or a
// terminal's text, or that a report would not read back.
func CheckName(name string) error {
	switch {
	case name == "" || strings.ContainsAny(name, ",\"\r\n"):
		return fmt.Errorf("endpoint name %q: want a non-empty name without commas, quotes or line breaks", Printable(name))
	case !utf8.ValidString(name) || strings.IndexFunc(name, unicode.IsControl) >= 0:
		return fmt.Errorf("endpoint name %q: control characters and invalid UTF-8 are not allowed", Printable(name))
	case len(name) > rows.MaxNameBytes:
		return fmt.Errorf("endpoint name %q…: %d bytes, at most %d", Printable(name[:32]), len(name), rows.MaxNameBytes)
	}
	return nil
}

// Printable is s with invalid UTF-8 replaced, for a message.
func Printable(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }

// ParseTarget reads a target, NAME=URL or an http(s) URL alone (named by
// its path, else its host).
func ParseTarget(s string) (Target, error) {
	name, raw, ok := strings.Cut(s, "=")
	name = strings.TrimSpace(name)
	echo := strconv.Quote(redactTarget(s)) // no secret of the URL in a message
	if i := strings.Index(s, "://"); i >= 0 && !strings.Contains(s[:i], "=") {
		// A URL alone, as vegeta and k6 users give one: named by its path.
		u, err := CheckURL(s)
		if err != nil {
			return Target{}, &setting.Error{Key: "target", Value: echo, Err: err}
		}
		name = strings.Trim(u.Path, "/")
		if name == "" {
			name = u.Host
		}
		return Target{Name: name, URL: u.String()}, nil
	}
	if !ok || name == "" {
		return Target{}, setting.Errorf("target", echo, "want NAME=URL, or a URL")
	}
	if strings.ContainsAny(name, ",\"\r\n") {
		return Target{}, setting.Errorf("target", echo, "the name may not hold commas, quotes or line breaks")
	}
	u, err := CheckURL(raw)
	if err != nil {
		return Target{}, &setting.Error{Key: "target", Value: echo, Err: err}
	}
	return Target{Name: name, URL: u.String()}, nil
}
