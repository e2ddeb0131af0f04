package bench

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/lmibench/lmibench/attack"
	"github.com/lmibench/lmibench/function"
	"github.com/lmibench/lmibench/stages"
)

func TestSelect(t *testing.T) {
	w := DefaultWorkloads
	all, err := w.Select("all")
	if err != nil || len(all) != 4 || all[0].Name != "fast-io" || all[3].Work != (function.Work{HashLoops: 200000}) {
		t.Fatalf("Select(all) = %v, %v; want the four scenarios in order", all, err)
	}
	one, err := w.Select("slow-io")
	if err != nil || len(one) != 1 || one[0].Work.DelayMS != 500 {
		t.Fatalf("Select(slow-io) = %v, %v", one, err)
	}
	if _, err := w.Select("High-CPU"); err == nil || !strings.Contains(err.Error(), "fast-io, slow-io, low-cpu, high-cpu or all") {
		t.Fatalf("Select(High-CPU) error = %v; want the list of scenarios", err)
	}
}

func TestWorkloadsValidate(t *testing.T) {
	tests := []struct {
		w    Workloads
		want string
	}{
		{DefaultWorkloads, ""},
		{Workloads{FastDelayMS: 15000, SlowDelayMS: 0, LowHashLoops: 1000000}, ""},
		{Workloads{SlowDelayMS: 15001}, "--io-slow-delay-ms: 15001"},
		{Workloads{LowHashLoops: -1}, "--cpu-low-hash-loops: -1"},
	}
	for _, tt := range tests {
		err := tt.w.Validate()
		if (tt.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("Validate(%+v) = %v; want %q", tt.w, err, tt.want)
		}
	}
}

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
		{"http://x", Target{}, "want NAME=URL"},
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
		if err != nil || got != tt.want {
			t.Errorf("ParseTarget(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	if err := CheckTargets([]Target{{Name: "a", URL: "http://x"}, {Name: "a", URL: "http://y"}}); err == nil {
		t.Errorf("CheckTargets(duplicate) = nil; want an error")
	}
	if err := CheckTargets(nil); err == nil {
		t.Errorf("CheckTargets(nil) = nil; want an error")
	}
}

func TestEndpointsCarryTheWorkload(t *testing.T) {
	got := Endpoints([]Target{{Name: "a", URL: "http://h/p"}, {Name: "b", URL: "http://h/p?key=v&delay_ms=9"}}, function.Work{DelayMS: 100, HashLoops: 5})
	want := []attack.Endpoint{
		{Name: "a", URL: "http://h/p?delay_ms=100&hash_loops=5"},
		{Name: "b", URL: "http://h/p?delay_ms=100&hash_loops=5&key=v"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Endpoints() = %v; want %v", got, want)
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

func TestStageLabels(t *testing.T) {
	if got, want := StageLabels(stages.Default(), attack.VUs), []string{"0→64 VUs", "64 VUs", "64→128 VUs"}; !reflect.DeepEqual(got, want) {
		t.Errorf("StageLabels(default, vus) = %v; want %v", got, want)
	}
	ss := []stages.Stage{{Duration: time.Second, Target: 50}, {Duration: time.Second, Target: 200}}
	if got, want := StageLabels(ss, attack.Rate), []string{"0→50 req/s", "50→200 req/s"}; !reflect.DeepEqual(got, want) {
		t.Errorf("StageLabels(rate) = %v; want %v", got, want)
	}
}
