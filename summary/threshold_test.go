package summary

import (
	"strings"
	"testing"
	"time"

	"github.com/lmibench/lmibench/rows"
	"github.com/lmibench/lmibench/stats"
)

func TestParseThreshold(t *testing.T) {
	tests := []struct {
		in   string
		want Threshold
		err  string
	}{
		{"p99<500ms", Threshold{Text: "p99<500ms", Stage: -1, Metric: "p99", Op: "<", Value: 500}, ""},
		{"lmi:p99<0.3s", Threshold{Text: "lmi:p99<0.3s", Endpoint: "lmi", Stage: -1, Metric: "p99", Op: "<", Value: 300}, ""},
		{"lmi@2:errors<1%", Threshold{Text: "lmi@2:errors<1%", Endpoint: "lmi", Stage: 2, Metric: "errors", Op: "<", Value: 1, Percent: true}, ""},
		{"@1:p95 <= 250", Threshold{Text: "@1:p95 <= 250", Stage: 1, Metric: "p95", Op: "<=", Value: 250}, ""},
		{"5xx<0.5%", Threshold{Text: "5xx<0.5%", Stage: -1, Metric: "5xx", Op: "<", Value: 0.5, Percent: true}, ""},
		{"5xx<3", Threshold{Text: "5xx<3", Stage: -1, Metric: "5xx", Op: "<", Value: 3}, ""},
		{"rps>100", Threshold{Text: "rps>100", Stage: -1, Metric: "rps", Op: ">", Value: 100}, ""},
		{"p99.9>=1us", Threshold{Text: "p99.9>=1us", Stage: -1, Metric: "p99.9", Op: ">=", Value: 0.001}, ""},
		{"p99 500ms", Threshold{}, "want [ENDPOINT][@STAGE]:METRIC OP VALUE"},
		{"p98<500ms", Threshold{}, `unknown metric "p98"`},
		{"p99<5%", Threshold{}, "p99 is a latency"},
		{"errors<1ms", Threshold{}, "errors is a count, or a rate with %"},
		{"rps>10%", Threshold{}, "rps takes a plain number"},
		{"p99<1e999ms", Threshold{}, "is not a number"},
		{"failed<150%", Threshold{}, "within 0..100%"},
		{"p(95)<500", Threshold{Text: "p(95)<500", Stage: -1, Metric: "p95", Op: "<", Value: 500}, ""},
		{"lmi:p(99.9)<=1s", Threshold{Text: "lmi:p(99.9)<=1s", Endpoint: "lmi", Stage: -1, Metric: "p99.9", Op: "<=", Value: 1000}, ""},
		{"http_req_failed<0.01", Threshold{Text: "http_req_failed<0.01", Stage: -1, Metric: "failed", Op: "<", Value: 1, Percent: true}, ""},
		{"@1:rate<0.5", Threshold{Text: "@1:rate<0.5", Stage: 1, Metric: "failed", Op: "<", Value: 50, Percent: true}, ""},
		{"http_req_failed<2", Threshold{}, "within 0..100%"},
		{"med<100", Threshold{Text: "med<100", Stage: -1, Metric: "p50", Op: "<", Value: 100}, ""},
		{"medium:p99<100", Threshold{Text: "medium:p99<100", Endpoint: "medium", Stage: -1, Metric: "p99", Op: "<", Value: 100}, ""},
		{"p99<-1", Threshold{}, "p99 cannot be negative"},
		{"5xx<=-1", Threshold{}, "5xx cannot be negative"},
		{"rps>-3", Threshold{}, "rps cannot be negative"},
		{"failed<=100%", Threshold{Text: "failed<=100%", Stage: -1, Metric: "failed", Op: "<=", Value: 100, Percent: true}, ""},
		{"lmi@x:p99<1", Threshold{}, "want [ENDPOINT]"},
		{strings.Repeat("x", 500), Threshold{}, "…"},
	}
	for _, tt := range tests {
		got, err := ParseThreshold(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) || len(err.Error()) > 300 {
				t.Errorf("ParseThreshold(%.20q) error = %v; want one short line with %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseThreshold(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
	th, _ := ParseThreshold("nope@3:p99<1")
	if err := th.Check([]string{"128", "lmi"}, 3); err == nil || !strings.Contains(err.Error(), "no stage 3") {
		t.Errorf("Check(stage 3 of 3) = %v", err)
	}
	th, _ = ParseThreshold("nope:p99<1")
	if err := th.Check([]string{"128", "lmi"}, 3); err == nil || !strings.Contains(err.Error(), `no endpoint "nope" (endpoints: 128, lmi)`) {
		t.Errorf("Check(unknown endpoint) = %v", err)
	}
}

func TestEvaluate(t *testing.T) {
	r := &stats.Run{}
	for i := 1; i <= 100; i++ {
		r.Add(&rows.Record{Endpoint: "fast", Stage: i % 2, Status: 200, Latency: time.Duration(i) * time.Millisecond})
		status := 200
		if i <= 3 {
			status = 500
		}
		r.Add(&rows.Record{Endpoint: "slow", Stage: i % 2, Status: status, Latency: time.Duration(i) * 10 * time.Millisecond})
	}
	r.Add(&rows.Record{Endpoint: "down", Error: "connection refused"})
	parse := func(s string) Threshold {
		th, err := ParseThreshold(s)
		if err != nil {
			t.Fatal(err)
		}
		return th
	}
	got := Evaluate([]Threshold{parse("p99<500ms"), parse("slow:5xx<5%"), parse("slow@1:5xx<1%"), parse("fast:p50<=50.1ms"), parse("ghost:rps>1")}, Of(r))
	want := []string{
		// Histogram quantiles are within 0.1 %: 99 ms reads 99.007 ms.
		"p99<500ms fast run 99.007ms pass", "p99<500ms slow run 990.207ms FAIL", "p99<500ms down run no successful request FAIL",
		"slow:5xx<5% slow run 3% pass", "slow@1:5xx<1% slow 1 4% FAIL", "fast:p50<=50.1ms fast run 50.015ms pass",
		"ghost:rps>1 ghost - no such endpoint FAIL",
	}
	if len(got) != len(want) {
		t.Fatalf("verdicts = %+v; want %d", got, len(want))
	}
	for i, v := range got {
		result := "pass"
		if !v.Pass {
			result = "FAIL"
		}
		if line := strings.Join([]string{v.Threshold, v.Endpoint, v.Stage, v.Value, result}, " "); line != want[i] {
			t.Errorf("verdict %d = %q; want %q", i, line, want[i])
		}
	}
	if Failed(got) != 4 {
		t.Errorf("Failed = %d; want 4", Failed(got))
	}
	var b strings.Builder
	if err := WriteVerdicts(&b, got); err != nil || !strings.Contains(b.String(), "FAIL") {
		t.Errorf("WriteVerdicts = %q, %v", b.String(), err)
	}
}

func FuzzParseThreshold(f *testing.F) {
	for _, s := range []string{"p99<500ms", "lmi@2:errors<1%", "rps>100", "@1:p95<=250", "a:b:c<1", "5xx<0.5%"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		th, err := ParseThreshold(s)
		if err != nil {
			if strings.Count(err.Error(), "\n") != 0 {
				t.Fatalf("error on several lines: %q", err)
			}
			return
		}
		if th.Stage < -1 || th.Op == "" || th.Metric == "" {
			t.Fatalf("ParseThreshold(%q) = %+v", s, th)
		}
		Evaluate([]Threshold{th}, Of(&stats.Run{}))
	})
}

func TestLost(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want bool
	}{
		{"5xx<3", true}, {"errors<=10", true}, {"max<1s", true}, {"lmi@1:transport<1", true},
		{"5xx<1%", false}, {"p99<500ms", false}, {"rps>100", false}, {"successes<10", false}, {"requests>5", false}, {"max>1ms", false},
	} {
		th, err := ParseThreshold(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if got := th.Lost(); got != tt.want {
			t.Errorf("Lost(%s) = %v; want %v", tt.in, got, tt.want)
		}
	}
}
