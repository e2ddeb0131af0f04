package stages

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
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
		return time.ParseDuration(s)
	}
	secs, err := strconv.ParseFloat(string(raw), 64)
	if err != nil {
		return 0, fmt.Errorf("%s is neither a duration string nor seconds", raw)
	}
	if secs > MaxTotal.Seconds() || secs < -MaxTotal.Seconds() {
		return 0, fmt.Errorf("%s seconds is out of range", raw)
	}
	return time.Duration(secs * float64(time.Second)), nil
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
