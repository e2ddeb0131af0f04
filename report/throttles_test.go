package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/lmibench/lmibench/platform"
	"github.com/lmibench/lmibench/rows"
	"github.com/lmibench/lmibench/stats"
	"github.com/lmibench/lmibench/summary"
)

func TestThrottlesStandBesideThe5xx(t *testing.T) {
	r := &stats.Run{}
	for range 9 {
		r.Add(&rows.Record{Endpoint: "lmi", Status: 500})
	}
	r.Add(&rows.Record{Endpoint: "128", Status: 200})
	r.Add(&rows.Record{Endpoint: "2048", Status: 200})
	r.Extra = []platform.Series{
		{Name: "lmi throttles (sum)", Endpoint: "lmi", Metric: "Throttles", Period: 60, Points: [][2]float64{{0, 3}, {60, 4}}, Partial: []bool{false, true}},
		{Name: "lmi CPUThrottles (sum)", Endpoint: "lmi", Metric: "CPUThrottles", Period: 60, Points: [][2]float64{{0, 2}, {60, 4}}},
		{Name: "lmi DiskThrottles (sum)", Endpoint: "lmi", Metric: "DiskThrottles", Period: 60, Points: [][2]float64{{0, 0}}},
		{Name: "128 throttles (sum)", Endpoint: "128", Metric: "Throttles", Period: 60, Points: [][2]float64{{0, 0}}},
		{Name: "lmi environment concurrency (average)", Endpoint: "lmi", Metric: "ExecutionEnvironmentConcurrency", Points: [][2]float64{{0, 12}}},
	}
	var buf bytes.Buffer
	if err := summary.WriteTable(&buf, r); err != nil {
		t.Fatal(err)
	}
	want := "throttles counted by CloudWatch: lmi: 7 (CPUThrottles 6) beside 9 5xx; 128: 0 beside 0 5xx"
	if !strings.Contains(buf.String(), want) || !strings.Contains(buf.String(), "API Gateway answers 500") {
		t.Errorf("summary lacks %q:\n%s", want, buf.String())
	}
	var page bytes.Buffer
	if err := WritePage(&page, r, "", summary.Of(r)); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Throttles: CloudWatch beside the run", "some reach outside the run", "lmi throttles (CloudWatch)", "Triangles mark partial periods"} {
		if !strings.Contains(page.String(), want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// A run without the platform's throttles says nothing of them.
	plain := &stats.Run{}
	plain.Add(&rows.Record{Endpoint: "x", Status: 500})
	buf.Reset()
	if err := summary.WriteTable(&buf, plain); err != nil || strings.Contains(buf.String(), "CloudWatch") {
		t.Errorf("a run without CloudWatch mentions it: %q, %v", buf.String(), err)
	}
}
