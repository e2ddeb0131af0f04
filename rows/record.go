// Package rows holds the record of one request and its CSV form: the
// Record, the CSV writer and decoder (csv_version 2, older versions read),
// the function's answer fields parsed from a body, and the error kinds that
// group failures. Whatever produces or reads rows imports this alone, never
// the engine.
//
// The CSV has one row per request, with these columns:
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
package rows

import (
	"bytes"
	"strconv"
	"time"
	"unicode/utf8"

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
	// FnRejected: the body claimed function fields out of range (Valid),
	// which were dropped. Not a CSV column: the row's fields are empty.
	FnRejected bool
}

// FnFields are the function's own view of a request.
type FnFields struct {
	EnvID     string  `json:"env_id"`
	ColdStart bool    `json:"cold_start"`
	Inflight  int64   `json:"inflight"`
	HandlerMS float64 `json:"handler_ms"`
}

// Limits of the function's own fields. A body that claims values beyond
// them is not the function's answer (no invocation outlives Lambda's 15
// minutes, none counts fewer than zero in flight): the engine and the
// decoder both keep the response and drop its fields, and count it
// (FnRejected), so a run and its report hold the same rows.
const (
	MaxHandlerMS = 15 * 60 * 1000
	MaxInflight  = 1 << 24
)

// Valid says whether f may be the function's answer.
func (f FnFields) Valid() bool {
	return f.EnvID != "" && f.HandlerMS >= 0 && f.HandlerMS <= MaxHandlerMS && f.Inflight >= 0 && f.Inflight <= MaxInflight
}

// SetFn sets r's function fields from a response body: the function's
// answer, or none. An env_id longer than MaxNameBytes is cut there (at a
// character's start), so no server can grow a run's memory or its CSV
// through it; fields out of range are dropped and FnRejected says so.
func (r *Record) SetFn(body []byte) {
	f, ok := ParseFn(body)
	if ok && len(f.EnvID) > MaxNameBytes {
		f.EnvID = CutUTF8(f.EnvID, MaxNameBytes)
	}
	r.FnRejected = ok && !f.Valid()
	if !ok || r.FnRejected {
		f = FnFields{}
	}
	r.Fn, r.HasFn = f, ok && !r.FnRejected
}

// CutUTF8 is s cut to at most n bytes, not inside a character.
func CutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// OK reports whether the request got a response in the 2xx or 3xx range.
func (r *Record) OK() bool { return r.Error == "" && r.Status >= 200 && r.Status < 400 }

// ParseFn reads the function's fields from a JSON body. It needs env_id to
// accept the body, so that an unrelated JSON answer is not mistaken for it.
// It runs once per request on the attack's hot path: the function's own
// flat answer is read by scanFn, anything else by easyjson's lexer (a
// dependency of vegeta's) rather than reflection, a third of the cost of
// encoding/json.
func ParseFn(body []byte) (FnFields, bool) {
	if len(body) == 0 || body[0] != '{' {
		return FnFields{}, false
	}
	if f, ok, sure := scanFn(body); sure {
		return f, ok
	}
	return lexFn(&jlexer.Lexer{Data: body})
}

// lexFn reads the function's fields with easyjson's lexer.
func lexFn(in *jlexer.Lexer) (FnFields, bool) {
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

// scanFn reads a flat JSON object, the function's answer: keys and
// strings without escapes, numbers, true, false and null, each known key's
// value of its type. Given anything else it is not sure, and ParseFn's
// lexer decides; where it is sure, it agrees with the lexer (FuzzScanFn).
// It costs a third of the lexer on every row.
func scanFn(b []byte) (f FnFields, ok, sure bool) {
	i := skipSpace(b, 1)
	if i < len(b) && b[i] == '}' {
		return f, false, skipSpace(b, i+1) == len(b)
	}
	for {
		k, j, isStr := scanString(b, i)
		if !isStr {
			return f, false, false
		}
		key := string(k)
		if i = skipSpace(b, j); i >= len(b) || b[i] != ':' {
			return f, false, false
		}
		i = skipSpace(b, i+1)
		if i >= len(b) {
			return f, false, false
		}
		start := i
		switch c := b[i]; {
		case c == '"':
			s, j, isStr := scanString(b, i)
			if !isStr {
				return f, false, false
			}
			if key == "env_id" {
				if !isPlain(s) {
					return f, false, false
				}
				f.EnvID, ok = string(s), true
			} else if isKnown(key) {
				return f, false, false
			}
			i = j
		case c == 't' || c == 'f' || c == 'n':
			for i < len(b) && b[i] >= 'a' && b[i] <= 'z' {
				i++
			}
			word := string(b[start:i])
			switch {
			case word == "null":
			case key == "cold_start" && (word == "true" || word == "false"):
				f.ColdStart = word == "true"
			case (word == "true" || word == "false") && !isKnown(key):
			default:
				return f, false, false
			}
		case c == '-' || (c >= '0' && c <= '9'):
			for i < len(b) && isNumberByte(b[i]) {
				i++
			}
			num := string(b[start:i])
			var err error
			switch key {
			case "inflight":
				f.Inflight, err = strconv.ParseInt(num, 10, 64)
			case "handler_ms":
				f.HandlerMS, err = strconv.ParseFloat(num, 64)
			case "env_id", "cold_start":
				return f, false, false
			default:
				_, err = strconv.ParseFloat(num, 64)
			}
			if err != nil {
				return f, false, false
			}
		default:
			return f, false, false
		}
		if i = skipSpace(b, i); i >= len(b) {
			return f, false, false
		}
		switch b[i] {
		case ',':
			if i = skipSpace(b, i+1); i >= len(b) || b[i] != '"' {
				return f, false, false
			}
		case '}':
			if skipSpace(b, i+1) != len(b) {
				return f, false, false
			}
			if !ok {
				return FnFields{}, false, true
			}
			return f, true, true
		default:
			return f, false, false
		}
	}
}

// isPlain: printable ASCII, which the lexer reads as is (it replaces
// invalid UTF-8, for one).
func isPlain(s []byte) bool {
	for _, c := range s {
		if c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

func isNumberByte(c byte) bool {
	return (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-'
}

func isKnown(key string) bool {
	return key == "env_id" || key == "cold_start" || key == "inflight" || key == "handler_ms"
}

// scanString reads the string at b[i] up to its closing quote, when it
// has no escape.
func scanString(b []byte, i int) (s []byte, next int, ok bool) {
	if i >= len(b) || b[i] != '"' {
		return nil, i, false
	}
	n := bytes.IndexByte(b[i+1:], '"')
	if n < 0 || bytes.IndexByte(b[i+1:i+1+n], '\\') >= 0 {
		return nil, i, false
	}
	return b[i+1 : i+1+n], i + n + 2, true
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}
