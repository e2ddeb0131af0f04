package stages

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Default is the profile of the original k6 benchmark: ramp to 64 over 3
// minutes, hold 64 for 6 minutes, ramp to 128 over 3 minutes.
func Default() []Stage {
	return []Stage{
		{Duration: 3 * time.Minute, Target: 64},
		{Duration: 6 * time.Minute, Target: 64},
		{Duration: 3 * time.Minute, Target: 128},
	}
}

// ParseJSON reads k6's stages array, e.g.
//
//	[{"duration":"3m","target":64},{"duration":"6m","target":64}]
//
// Durations are Go duration strings ("90s", "1m30s"); a bare number is
// taken as seconds. Unknown keys are refused so that a typo is not ignored.
func ParseJSON(s string) ([]Stage, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	var raw []struct {
		Duration json.RawMessage `json:"duration"`
		Target   *float64        `json:"target"`
	}
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("not a JSON array of {\"duration\",\"target\"}: %w", err)
	}
	if dec.More() {
		return nil, errors.New("trailing data after the JSON array")
	}
	out := make([]Stage, 0, len(raw))
	var errs []error
	for i, r := range raw {
		n := i + 1
		if r.Duration == nil || r.Target == nil {
			errs = append(errs, fmt.Errorf("stage %d: needs both \"duration\" and \"target\"", n))
			continue
		}
		d, err := parseJSONDuration(r.Duration)
		if err != nil {
			errs = append(errs, fmt.Errorf("stage %d: duration: %w", n, err))
		}
		out = append(out, Stage{Duration: d, Target: *r.Target})
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

func parseJSONDuration(raw json.RawMessage) (time.Duration, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return 0, err
		}
		return ParseDuration(s)
	}
	return ParseDuration(string(raw))
}

// ParseDuration reads a duration as every flag and stage takes it: a Go
// duration ("90s", "1m30s", "2h") or a bare number of seconds ("90",
// "0.5"), as k6 and --stages-json take it. Its error says what would do.
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if secs, err := strconv.ParseFloat(s, 64); err == nil {
		if math.IsNaN(secs) || math.Abs(secs) > MaxTotal.Seconds() {
			return 0, fmt.Errorf("%s seconds is out of range (at most %s)", s, MaxTotal)
		}
		return time.Duration(secs * float64(time.Second)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration: want e.g. 30s, 1m30s, 2h or a number of seconds", s)
	}
	return d, nil
}

// ParseShorthand reads k6's stage shorthand, one "DURATION:TARGET" per
// stage ("30s:20" ramps to 20 over 30 s), as k6's -s/--stage takes it.
func ParseShorthand(specs []string) ([]Stage, error) {
	out := make([]Stage, 0, len(specs))
	var errs []error
	for i, spec := range specs {
		n := i + 1
		ds, ts, ok := strings.Cut(spec, ":")
		if !ok {
			errs = append(errs, fmt.Errorf("stage %d: %q: want DURATION:TARGET, e.g. 30s:20", n, spec))
			continue
		}
		d, err := ParseDuration(ds)
		if err != nil {
			errs = append(errs, fmt.Errorf("stage %d: %w", n, err))
		}
		t, err := strconv.ParseFloat(strings.TrimSpace(ts), 64)
		if err != nil {
			errs = append(errs, fmt.Errorf("stage %d: target %q is not a number", n, ts))
		}
		out = append(out, Stage{Duration: d, Target: t})
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

// ParseTargets reads a comma-separated list of targets ("20,20,40") and
// gives each its own stage lasting d, as the original --stage-targets did.
func ParseTargets(list string, d time.Duration) ([]Stage, error) {
	if strings.TrimSpace(list) == "" {
		return nil, errors.New("empty list of targets")
	}
	parts := strings.Split(list, ",")
	out := make([]Stage, 0, len(parts))
	var errs []error
	for i, p := range parts {
		p = strings.TrimSpace(p)
		t, err := strconv.ParseFloat(p, 64)
		if err != nil {
			errs = append(errs, fmt.Errorf("stage %d: target %q is not a number", i+1, p))
			continue
		}
		out = append(out, Stage{Duration: d, Target: t})
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

// Label names a stage for charts and tables: "0→64", "64", "64→128".
func Label(from, to float64) string {
	f, t := strconv.FormatFloat(from, 'f', -1, 64), strconv.FormatFloat(to, 'f', -1, 64)
	if f == t {
		return t
	}
	return f + "→" + t
}
