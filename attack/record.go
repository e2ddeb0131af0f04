// Package attack runs a load profile against HTTP endpoints with vegeta and
// turns every request into one Record, whatever happened to it.
//
// Each endpoint gets its own vegeta Attacker, driven by a Pacer of the chosen
// load model (closed: virtual users; open: arrival rate), so a slow endpoint
// never throttles the others. All endpoints share one clock, the run's start.
//
// Records are written as CSV, one row per request, with these columns:
//
//	timestamp    when the request was sent, RFC 3339, nanoseconds, UTC
//	elapsed_s    seconds since the run started
//	scenario     e.g. high-cpu
//	endpoint     endpoint name, e.g. 128, 2048, lmi
//	stage        0-based stage index at send time
//	target       the profile's target (VUs or req/s) at send time
//	status       HTTP status; 0 when no response arrived
//	latency_ms   milliseconds from send to the end of the response body
//	bytes_in     response body bytes
//	bytes_out    request body bytes
//	error        transport, timeout or stop error; empty when none
//	env_id, cold_start, inflight, handler_ms
//	             from the function's JSON body when present, else empty
//	scheduled_s  open model: seconds since the start at which the request
//	             was due (elapsed_s − scheduled_s is the generator's
//	             lateness); empty in the closed model (csv_version 2)
package attack

import (
	"time"

	"github.com/mailru/easyjson/jlexer"
)

// Record is one request of a run.
type Record struct {
	Timestamp time.Time
	Elapsed   time.Duration
	Scenario  string
	Endpoint  string
	Stage     int
	Target    float64
	Status    int
	Latency   time.Duration
	BytesIn   uint64
	BytesOut  uint64
	Error     string
	// Scheduled is when the open model meant to send the request, since
	// the run's start; HasScheduled is false in the closed model. Elapsed −
	// Scheduled is the generator's lateness.
	Scheduled    time.Duration
	HasScheduled bool

	// Fn holds what the function said about itself; HasFn is false when the
	// body was not the function's JSON (another server, an error page).
	HasFn bool
	Fn    FnFields
}

// FnFields are the function's own view of a request.
type FnFields struct {
	EnvID     string  `json:"env_id"`
	ColdStart bool    `json:"cold_start"`
	Inflight  int64   `json:"inflight"`
	HandlerMS float64 `json:"handler_ms"`
}

// OK reports whether the request got a response in the 2xx or 3xx range.
func (r *Record) OK() bool { return r.Error == "" && r.Status >= 200 && r.Status < 400 }

// parseFn reads the function's fields from a JSON body. It needs env_id to
// accept the body, so that an unrelated JSON answer is not mistaken for it.
// It runs once per request on the attack's hot path, so it uses easyjson's
// lexer (a dependency of vegeta's) rather than reflection: a third of the
// cost of encoding/json here.
func parseFn(body []byte) (FnFields, bool) {
	if len(body) == 0 || body[0] != '{' {
		return FnFields{}, false
	}
	in := jlexer.Lexer{Data: body}
	var f FnFields
	hasEnv := false
	in.Delim('{')
	for !in.IsDelim('}') && in.Ok() {
		key := in.UnsafeFieldName(false)
		in.WantColon()
		if in.IsNull() {
			in.Skip()
			in.WantComma()
			continue
		}
		switch key {
		case "env_id":
			f.EnvID, hasEnv = in.String(), true
		case "cold_start":
			f.ColdStart = in.Bool()
		case "inflight":
			f.Inflight = in.Int64()
		case "handler_ms":
			f.HandlerMS = in.Float64()
		default:
			in.SkipRecursive()
		}
		in.WantComma()
	}
	in.Delim('}')
	in.Consumed()
	if in.Error() != nil || !hasEnv {
		return FnFields{}, false
	}
	return f, true
}
