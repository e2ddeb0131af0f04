package stages

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseJSON(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []Stage
		wantErr string
	}{
		{"k6 form", `[{"duration":"3m","target":64},{"duration":"6m","target":64},{"duration":"3m","target":128}]`, Default(), ""},
		{"seconds as number", `[{"duration":1.5,"target":2}]`, []Stage{{1500 * time.Millisecond, 2}}, ""},
		{"empty array parses", `[]`, []Stage{}, ""},
		{"not json", `3m:64`, nil, "not a JSON array"},
		{"object", `{"duration":"3m","target":64}`, nil, "not a JSON array"},
		{"unknown key", `[{"duration":"3m","target":64,"tagret":1}]`, nil, "unknown field"},
		{"missing target", `[{"duration":"3m"}]`, nil, `stage 1: needs both`},
		{"bad duration", `[{"duration":"3x","target":1},{"duration":"1s","target":1}]`, nil, "stage 1: duration"},
		{"trailing", `[] []`, nil, "trailing data"},
		{"string target", `[{"duration":"1s","target":"5"}]`, nil, "not a JSON array"},
	}
	for _, tt := range tests {
		got, err := ParseJSON(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: ParseJSON(%q) error = %v; want it to contain %q", tt.name, tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: ParseJSON(%q) = %v, %v; want %v", tt.name, tt.in, got, err, tt.want)
		}
	}
}

func TestParseTargets(t *testing.T) {
	got, err := ParseTargets("20, 20,40", 30*time.Second)
	want := []Stage{{30 * time.Second, 20}, {30 * time.Second, 20}, {30 * time.Second, 40}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("ParseTargets() = %v, %v; want %v", got, err, want)
	}
	for _, bad := range []string{"", " ", "20,,40", "a", "1;2"} {
		if _, err := ParseTargets(bad, time.Second); err == nil {
			t.Errorf("ParseTargets(%q) = nil error; want an error", bad)
		}
	}
}

func TestStageMarshalRoundTrip(t *testing.T) {
	in := Default()
	b, err := jsonMarshal(in)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseJSON(string(b))
	if err != nil || !reflect.DeepEqual(got, in) {
		t.Fatalf("ParseJSON(%s) = %v, %v; want %v", b, got, err, in)
	}
}

// FuzzParseJSON checks that no input panics and that whatever parses and
// validates compiles into a profile whose queries stay in range.
func FuzzParseJSON(f *testing.F) {
	f.Add(`[{"duration":"3m","target":64}]`)
	f.Add(`[{"duration":1e300,"target":1e300}]`)
	f.Add(`[{"duration":"-1s","target":-1}]`)
	f.Add(`[{"duration":"1ns","target":0},{"duration":"1h","target":7}]`)
	f.Fuzz(func(t *testing.T, s string) {
		ss, err := ParseJSON(s)
		if err != nil {
			return
		}
		checkProfile(t, ss)
	})
}

// FuzzParseTargets does the same for the comma-separated form.
func FuzzParseTargets(f *testing.F) {
	f.Add("20,20,40", int64(time.Second))
	f.Add("0", int64(1))
	f.Add("1e9,NaN,-0", int64(-5))
	f.Fuzz(func(t *testing.T, s string, d int64) {
		ss, err := ParseTargets(s, time.Duration(d))
		if err != nil {
			return
		}
		checkProfile(t, ss)
	})
}

func checkProfile(t *testing.T, ss []Stage) {
	for _, integer := range []bool{true, false} {
		p, err := New(ss, integer)
		if err != nil {
			continue
		}
		max := p.MaxTarget()
		for _, at := range []time.Duration{0, 1, p.Total() / 3, p.Total() / 2, p.Total() - 1, p.Total(), p.Total() + 1} {
			if v := p.Target(at); v < 0 || v > max {
				t.Fatalf("Target(%v) = %v; want within [0, %v]", at, v, max)
			}
			if i := p.Index(at); i < 0 || i >= p.Len() {
				t.Fatalf("Index(%v) = %d; want within [0, %d)", at, i, p.Len())
			}
			if integer {
				if v := p.VUs(at); v < 0 || float64(v) > max {
					t.Fatalf("VUs(%v) = %d; want within [0, %v]", at, v, max)
				}
			}
		}
		if n := p.Integral(p.Total()); n > 0 {
			if at, ok := p.TimeOfIntegral(n / 2); !ok || at < 0 || at > p.Total() {
				t.Fatalf("TimeOfIntegral(%v) = %v, %v; want within the profile", n/2, at, ok)
			}
		}
	}
}

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		err  string
	}{
		{"30s", 30 * time.Second, ""},
		{"1m30s", 90 * time.Second, ""},
		{" 2h ", 2 * time.Hour, ""},
		{"10", 10 * time.Second, ""}, // a bare number is seconds, as in --stages-json
		{"0.5", 500 * time.Millisecond, ""},
		{"-5s", -5 * time.Second, ""}, // parsed; the flag or stage says it must be > 0
		{"soon", 0, `"soon" is not a duration: want e.g. 30s, 1m30s, 2h or a number of seconds`},
		{"10 s", 0, "is not a duration"},
		{"", 0, "is not a duration"},
		{"1e300", 0, "out of range"},
		{"NaN", 0, "out of range"},
	}
	for _, tt := range tests {
		got, err := ParseDuration(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseDuration(%q) = %v, %v; want error %q", tt.in, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestParseShorthand(t *testing.T) {
	got, err := ParseShorthand([]string{"30s:20", "1m:20", "10:0"})
	want := []Stage{{30 * time.Second, 20}, {time.Minute, 20}, {10 * time.Second, 0}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("ParseShorthand() = %v, %v; want %v", got, err, want)
	}
	_, err = ParseShorthand([]string{"30s", "x:1", "5s:many"})
	for _, w := range []string{`stage 1: "30s": want DURATION:TARGET`, `stage 2: "x" is not a duration`, `stage 3: target "many" is not a number`} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("ParseShorthand(bad) = %v; want %q", err, w)
		}
	}
}

func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"30s", "10", "-1.5", "1e9", "h", "9223372036854775807ns"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if d, err := ParseDuration(s); err == nil {
			checkProfile(t, []Stage{{Duration: d, Target: 1}})
		}
	})
}

func FuzzParseShorthand(f *testing.F) {
	f.Add("30s:20", "1m:0")
	f.Add("10:1e9", ":")
	f.Fuzz(func(t *testing.T, a, b string) {
		ss, err := ParseShorthand([]string{a, b})
		if err != nil {
			return
		}
		checkProfile(t, ss)
	})
}
