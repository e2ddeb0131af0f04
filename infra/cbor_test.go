package infra

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/smithy-go/encoding/cbor"

	"github.com/lmibench/lmibench/internal/mototest"
)

// cloudWatchCBOR is a loopback CloudWatch that speaks RPCv2 CBOR, the
// protocol of the production client (moto speaks only AWS JSON): it
// decodes each GetMetricData request and answers every query with one
// point per period from the window's start, valued by answer.
func cloudWatchCBOR(t *testing.T, answer func(metric, stat string) float64) (*httptest.Server, *[]cbor.Map) {
	t.Helper()
	var requests []cbor.Map
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		v, err := cbor.Decode(body)
		req, ok := v.(cbor.Map)
		if err != nil || !ok || r.URL.Path != "/service/GraniteServiceVersion20100801/operation/GetMetricData" ||
			r.Header.Get("Smithy-Protocol") != "rpc-v2-cbor" {
			t.Errorf("request %s %s (%s): %v; want RPCv2 CBOR GetMetricData", r.Method, r.URL.Path, r.Header.Get("Smithy-Protocol"), err)
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		requests = append(requests, req)
		start, _ := cbor.AsTime(req["StartTime"])
		end, _ := cbor.AsTime(req["EndTime"])
		var results cbor.List
		for _, q := range req["MetricDataQueries"].(cbor.List) {
			q := q.(cbor.Map)
			stat := q["MetricStat"].(cbor.Map)
			metric := string(stat["Metric"].(cbor.Map)["MetricName"].(cbor.String))
			period, _ := cbor.AsInt64(stat["Period"])
			var ts, values cbor.List
			for at := start; at.Before(end); at = at.Add(time.Duration(period) * time.Second) {
				ts = append(ts, &cbor.Tag{ID: 1, Value: cbor.Float64(float64(at.Unix()))})
				values = append(values, cbor.Float64(answer(metric, string(stat["Stat"].(cbor.String)))))
			}
			results = append(results, cbor.Map{"Id": q["Id"], "Label": q["Label"], "Timestamps": ts, "Values": values,
				"StatusCode": cbor.String("Complete")})
		}
		w.Header().Set("Smithy-Protocol", "rpc-v2-cbor")
		w.Header().Set("Content-Type", "application/cbor")
		w.Write(cbor.Encode(cbor.Map{"MetricDataResults": results, "Messages": cbor.List{}}))
	}))
	t.Cleanup(srv.Close)
	return srv, &requests
}

// TestFetchMetricsOverCBOR runs the CloudWatch client as users get it
// (its default protocol, RPCv2 CBOR) against the loopback fake.
func TestFetchMetricsOverCBOR(t *testing.T) {
	srv, requests := cloudWatchCBOR(t, func(metric, stat string) float64 {
		switch {
		case metric == "CPUThrottles":
			return 2
		case metric == "ExecutionEnvironmentConcurrency" && stat == "Average":
			return 12.5
		}
		return 0
	})
	mototest.PointSDKAt(t, srv.URL)
	c, err := NewClients(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	m := Metrics{LMIEndpoint: "lmi", LmiFunction: "demo-lmi", LmiResource: DefaultLmiResource("demo-lmi"), CapacityProvider: "demo-cp",
		Standard: map[string]string{"128": "demo-128"}, Period: 5 * time.Minute}
	series, err := FetchMetrics(context.Background(), c.GetMetricData, m, start, start.Add(12*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][][2]float64{}
	for _, s := range series {
		got[s.Name] = s.Points
	}
	// 12 minutes of 5-minute periods: 0, 300, 600 s, the last one partial.
	if p := got["lmi CPUThrottles (sum)"]; len(p) != 3 || p[2] != [2]float64{600, 2} || !series[4].Partial[2] {
		t.Errorf("CPUThrottles = %v (partial %v); want 2 in each of three periods, the last partial", p, series[4].Partial)
	}
	if p := got["lmi environment concurrency (average)"]; len(p) != 3 || p[0][1] != 12.5 {
		t.Errorf("concurrency = %v; want 12.5", p)
	}
	if len(*requests) != 1 {
		t.Fatalf("requests = %d; want one GetMetricData", len(*requests))
	}
	var names []string
	for _, q := range (*requests)[0]["MetricDataQueries"].(cbor.List) {
		names = append(names, string(q.(cbor.Map)["MetricStat"].(cbor.Map)["Metric"].(cbor.Map)["MetricName"].(cbor.String)))
	}
	for _, want := range []string{"ExecutionEnvironmentConcurrency", "Throttles", "ConcurrencyThrottles", "CPUThrottles", "MemoryThrottles", "DiskThrottles", "ConcurrentExecutions"} {
		if !strings.Contains(strings.Join(names, " "), want) {
			t.Errorf("the request asks for %v; want %s among them", names, want)
		}
	}
}
