package bench

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/lmibench/lmibench/function"
	"github.com/lmibench/lmibench/platform"
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
		{Workloads{SlowDelayMS: 15001}, "io-slow-delay-ms: 15001"},
		{Workloads{LowHashLoops: -1}, "cpu-low-hash-loops: -1"},
	}
	for _, tt := range tests {
		err := tt.w.Validate()
		if (tt.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("Validate(%+v) = %v; want %q", tt.w, err, tt.want)
		}
	}
}

func TestWithWorkload(t *testing.T) {
	got, err := WithWorkload([]platform.Target{{Name: "a", URL: "http://h/p", Workload: true},
		{Name: "b", URL: "http://h/p?key=v&delay_ms=9", Workload: true}, {Name: "api", URL: "http://h/orders?page=2", Method: "POST"}},
		function.Work{DelayMS: 100, HashLoops: 5})
	want := []platform.Target{
		{Name: "a", URL: "http://h/p?delay_ms=100&hash_loops=5", Workload: true},
		{Name: "b", URL: "http://h/p?delay_ms=100&hash_loops=5&key=v", Workload: true},
		{Name: "api", URL: "http://h/orders?page=2", Method: "POST"}, // not a function: its query is its own
	}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("WithWorkload() = %v, %v; want %v", got, err, want)
	}
	// A platform that gives a broken URL is an error, not a silent row.
	if _, err := WithWorkload([]platform.Target{{Name: "lmi", URL: "not a url"}}, function.Work{}); err == nil || !strings.Contains(err.Error(), "endpoint lmi") {
		t.Fatalf("WithWorkload(broken URL) = %v; want an error naming the endpoint", err)
	}
}

func TestStageLabels(t *testing.T) {
	if got, want := StageLabels(stages.Default(), stages.VUs), []string{"0→64 VUs", "64 VUs", "64→128 VUs"}; !reflect.DeepEqual(got, want) {
		t.Errorf("StageLabels(default, vus) = %v; want %v", got, want)
	}
	ss := []stages.Stage{{Duration: time.Second, Target: 50}, {Duration: time.Second, Target: 200}}
	if got, want := StageLabels(ss, stages.Rate), []string{"0→50 req/s", "50→200 req/s"}; !reflect.DeepEqual(got, want) {
		t.Errorf("StageLabels(rate) = %v; want %v", got, want)
	}
}
