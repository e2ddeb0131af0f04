package platform

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

func TestParseTarget(t *testing.T) {
	tests := []struct {
		in      string
		want    Target
		wantErr string
	}{
		{"lmi=https://abc.execute-api.us-east-1.amazonaws.com/lmi/2048/hello", Target{Name: "lmi", URL: "https://abc.execute-api.us-east-1.amazonaws.com/lmi/2048/hello"}, ""},
		{" a = http://127.0.0.1:8080/x?k=v ", Target{Name: "a", URL: "http://127.0.0.1:8080/x?k=v"}, ""},
		{"a=b=http://x", Target{}, "not an http(s) URL"},
		{"=http://x", Target{}, "want NAME=URL"},
		{"http://x", Target{Name: "x", URL: "http://x"}, ""},                                         // a URL alone, named by its host
		{"http://h:1/api/hello?a=b", Target{Name: "api/hello", URL: "http://h:1/api/hello?a=b"}, ""}, // or its path
		{"ftp://x", Target{}, "not an http(s) URL"},
		{"a=127.0.0.1:80", Target{}, "not an http(s) URL"},
		{"a=http://", Target{}, "not an http(s) URL"},
		{"a,b=http://x", Target{}, "may not hold commas"},
	}
	for _, tt := range tests {
		got, err := ParseTarget(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseTarget(%q) error = %v; want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseTarget(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestCheckTargets(t *testing.T) {
	tests := []struct {
		name string
		in   []Target
		want string
	}{
		{"fine", []Target{{Name: "a", URL: "http://x"}, {Name: "b", URL: "https://y/p"}}, ""},
		{"none", nil, "no endpoints"},
		{"duplicate", []Target{{Name: "a", URL: "http://x"}, {Name: "a", URL: "http://y"}}, `the name "a" is used twice`},
		{"empty name", []Target{{Name: "", URL: "http://x"}}, "want a non-empty name"},
		{"quote in name", []Target{{Name: `a"b`, URL: "http://x"}}, "without commas, quotes"},
		{"not a URL", []Target{{Name: "lmi", URL: "ftp://x"}}, "endpoint lmi: \"ftp://x\" is not an http(s) URL"},
		{"a line break in a header", []Target{{Name: "x", URL: "http://x", Header: http.Header{"X": {"a\r\nInjected: 1"}}}}, "line break or a control byte"},
		{"a control byte in a header", []Target{{Name: "x", URL: "http://x", Header: http.Header{"X": {"a\x01b"}}}}, "line break or a control byte"},
		{"a header name with a space", []Target{{Name: "x", URL: "http://x", Header: http.Header{"X Y": {"1"}}}}, "not a valid header name"},
		{"a Content-Length the body is not", []Target{{Name: "x", URL: "http://x", Header: http.Header{"Content-Length": {"5"}}}}, "the body is 0 bytes"},
		{"its own Content-Length", []Target{{Name: "x", URL: "http://x", Header: http.Header{"Content-Length": {"2"}}, Body: []byte("hi")}}, ""},
		{"a Transfer-Encoding", []Target{{Name: "x", URL: "http://x", Header: http.Header{"Transfer-Encoding": {"chunked"}}}}, "Transfer-Encoding"},
		{"terminal escape in name", []Target{{Name: "a\x1b[2Jb", URL: "http://x"}}, "control characters"},
		{"invalid UTF-8 in name", []Target{{Name: "a\xffb", URL: "http://x"}}, "invalid UTF-8"},
		{"a name longer than a report reads", []Target{{Name: strings.Repeat("n", 129), URL: "http://x"}}, "129 bytes, at most 128"},
		{"more endpoints than a report reads", func() (ts []Target) {
			for i := range MaxTargets + 1 {
				ts = append(ts, Target{Name: fmt.Sprint("e", i), URL: "http://x"})
			}
			return ts
		}(), "65 endpoints: at most 64"},
	}
	for _, tt := range tests {
		err := CheckTargets(tt.in)
		if (tt.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%s: CheckTargets() = %v; want %q", tt.name, err, tt.want)
		}
	}
}

func TestFunctionTargets(t *testing.T) {
	ts := FunctionTargets("http://127.0.0.1:9/")
	if len(ts) != 3 || !reflect.DeepEqual(ts[0], Target{Name: "128", URL: "http://127.0.0.1:9/default/128/hello", Workload: true, MemoryMB: 128}) || ts[2].Name != "lmi" || !ts[2].LMI {
		t.Fatalf("FunctionTargets() = %v; want the three functions under the base", ts)
	}
	if got := Names(ts); strings.Join(got, ",") != "128,2048,lmi" {
		t.Fatalf("Names() = %v", got)
	}
}

func TestRedact(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://user:pass@h/p?delay_ms=1&hash_loops=2&token=s3cret", "https://h/p?delay_ms=1&hash_loops=2&token=REDACTED"},
		{"http://127.0.0.1:9/x", "http://127.0.0.1:9/x"},
		{"http://h/%zz", "(unparseable URL)"},
	}
	for _, tt := range tests {
		if got := Redact(tt.in); got != tt.want {
			t.Errorf("Redact(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

// TestParseTargetNeverEchoesASecret: a refused --target is quoted back
// without the URL's password or query values.
func TestParseTargetNeverEchoesASecret(t *testing.T) {
	for _, in := range []string{"ftp://bob:PASS@host/?token=PASS", "x=ftp://bob:PASS@host/", "x,y=http://bob:PASS@host/?token=PASS"} {
		_, err := ParseTarget(in)
		if err == nil || strings.Contains(err.Error(), "PASS") {
			t.Errorf("ParseTarget(%q) = %v; want a refusal without the secret", in, err)
		}
	}
}
