package stages

import (
	"math"
	"strings"
	"testing"
	"time"
)

func mustProfile(t *testing.T, ss []Stage, integer bool) *Profile {
	t.Helper()
	p, err := New(ss, integer)
	if err != nil {
		t.Fatalf("New(%v) = %v", ss, err)
	}
	return p
}

func TestTargetAndIndex(t *testing.T) {
	p := mustProfile(t, Default(), true)
	if got, want := p.Total(), 12*time.Minute; got != want {
		t.Fatalf("Total() = %v; want %v", got, want)
	}
	tests := []struct {
		at     time.Duration
		target float64
		vus    int
		stage  int
	}{
		{-time.Second, 0, 0, 0},
		{0, 0, 0, 0},
		{90 * time.Second, 32, 32, 0},
		{3 * time.Minute, 64, 64, 1},
		{5 * time.Minute, 64, 64, 1},
		{9 * time.Minute, 64, 64, 2},
		{10*time.Minute + 30*time.Second, 96, 96, 2},
		{12 * time.Minute, 128, 128, 2},
		{13 * time.Minute, 128, 128, 2},
		// 1 VU every 180s/64 = 2.8125s: just before the 2nd VU.
		{5625*time.Millisecond - 1, 1.9999999, 1, 0},
		{5625 * time.Millisecond, 2, 2, 0},
	}
	for _, tt := range tests {
		if got := p.Target(tt.at); math.Abs(got-tt.target) > 1e-6 {
			t.Errorf("Target(%v) = %v; want %v", tt.at, got, tt.target)
		}
		if got := p.VUs(tt.at); got != tt.vus {
			t.Errorf("VUs(%v) = %v; want %v", tt.at, got, tt.vus)
		}
		if got := p.Index(tt.at); got != tt.stage {
			t.Errorf("Index(%v) = %v; want %v", tt.at, got, tt.stage)
		}
	}
}

func TestVUsRampDownIsCeil(t *testing.T) {
	p := mustProfile(t, []Stage{{10 * time.Second, 10}, {10 * time.Second, 0}}, true)
	tests := []struct {
		at  time.Duration
		vus int
	}{
		{10 * time.Second, 10},
		{10*time.Second + 1, 10},        // 9.99999: user 10 has not left yet
		{11 * time.Second, 9},           // exactly 9
		{11*time.Second + 1, 9},         // 8.9999: ceil keeps 9
		{19*time.Second + 1, 1},         // 0.9999
		{20 * time.Second, 0},           // end
		{20*time.Second + time.Hour, 0}, // after the end
	}
	for _, tt := range tests {
		if got := p.VUs(tt.at); got != tt.vus {
			t.Errorf("VUs(%v) = %v; want %v", tt.at, got, tt.vus)
		}
	}
}

func TestNextVUIncrease(t *testing.T) {
	p := mustProfile(t, []Stage{{10 * time.Second, 10}, {10 * time.Second, 10}, {10 * time.Second, 0}, {10 * time.Second, 5}}, true)
	tests := []struct {
		name string
		at   time.Duration
		n    int
		want time.Duration
		ok   bool
	}{
		{"first user", 0, 0, time.Second, true},
		{"mid ramp", 2500 * time.Millisecond, 2, 3 * time.Second, true},
		{"already above", 15 * time.Second, 3, 15*time.Second + 1, true},
		{"flat at max", 15 * time.Second, 10, 0, false},
		{"during ramp down, above n", 25 * time.Second, 2, 25*time.Second + 1, true},
		{"during ramp down, never again", 25 * time.Second, 6, 0, false},
		{"rising after ramp down", 31 * time.Second, 2, 36 * time.Second, true},
		{"after the end", 50 * time.Second, 0, 0, false},
	}
	for _, tt := range tests {
		got, ok := p.NextVUIncrease(tt.at, tt.n)
		if ok != tt.ok || (ok && got != tt.want) {
			t.Errorf("%s: NextVUIncrease(%v, %d) = %v, %v; want %v, %v", tt.name, tt.at, tt.n, got, ok, tt.want, tt.ok)
		}
		if ok && p.VUs(got) <= tt.n {
			t.Errorf("%s: VUs(%v) = %d; want > %d", tt.name, got, p.VUs(got), tt.n)
		}
		if ok && got-1 > tt.at && p.VUs(got-1) > tt.n {
			t.Errorf("%s: VUs(%v) = %d already > %d; increase found too late", tt.name, got-1, p.VUs(got-1), tt.n)
		}
	}
}

func TestIntegralAndInverse(t *testing.T) {
	// 0→100 req/s over 10s (500 requests), 100 for 10s (1000), 100→0 over 10s (500).
	p := mustProfile(t, []Stage{{10 * time.Second, 100}, {10 * time.Second, 100}, {10 * time.Second, 0}}, false)
	tests := []struct {
		at   time.Duration
		want float64
	}{
		{0, 0},
		{5 * time.Second, 125},
		{10 * time.Second, 500},
		{15 * time.Second, 1000},
		{20 * time.Second, 1500},
		{30 * time.Second, 2000},
		{40 * time.Second, 2000},
	}
	for _, tt := range tests {
		if got := p.Integral(tt.at); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("Integral(%v) = %v; want %v", tt.at, got, tt.want)
		}
	}
	for _, n := range []float64{1, 2, 125, 499.5, 500, 777, 1500, 1999, 2000} {
		at, ok := p.TimeOfIntegral(n)
		if !ok {
			t.Fatalf("TimeOfIntegral(%v) = not found; want found", n)
		}
		if got := p.Integral(at); math.Abs(got-n) > 1e-6 {
			t.Errorf("Integral(TimeOfIntegral(%v)=%v) = %v; want %v", n, at, got, n)
		}
	}
	if _, ok := p.TimeOfIntegral(2000.5); ok {
		t.Errorf("TimeOfIntegral(2000.5) found; want not found (the profile schedules 2000)")
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name    string
		ss      []Stage
		integer bool
		wantErr []string
	}{
		{"ok", Default(), true, nil},
		{"fractional rate ok", []Stage{{time.Second, 2.5}}, false, nil},
		{"empty", nil, true, []string{"no stages"}},
		{"zero duration", []Stage{{0, 1}}, true, []string{"stage 1: duration 0s must be > 0"}},
		{"all at once", []Stage{{time.Second, 1}, {-time.Second, -1}, {time.Second, 1.5}}, true,
			[]string{"stage 2: duration -1s", "stage 2: target -1", "stage 3: target 1.5 must be a whole number"}},
		{"NaN", []Stage{{time.Second, math.NaN()}}, false, []string{"stage 1: target NaN"}},
		{"huge", []Stage{{time.Second, 1e12}}, false, []string{"must be <="}},
		{"too long", []Stage{{5000 * time.Hour, 1}}, false, []string{"more than the"}},
		{"too long in sum, no overflow", []Stage{{math.MaxInt64, 1}, {math.MaxInt64, 1}}, false, []string{"more than the"}},
	}
	for _, tt := range tests {
		err := Validate(tt.ss, tt.integer)
		if len(tt.wantErr) == 0 {
			if err != nil {
				t.Errorf("%s: Validate() = %v; want nil", tt.name, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s: Validate() = nil; want errors %q", tt.name, tt.wantErr)
			continue
		}
		for _, w := range tt.wantErr {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: Validate() = %q; want it to contain %q", tt.name, err, w)
			}
		}
	}
	// A negative duration says so, and only so: no total of -5s "too long".
	if err := Validate([]Stage{{-5 * time.Second, 8}}, true); err == nil || err.Error() != "stage 1: duration -5s must be > 0" {
		t.Errorf("Validate(-5s) = %v; want the one cause", err)
	}
}

func TestLabel(t *testing.T) {
	for _, tt := range []struct {
		from, to float64
		want     string
	}{{0, 64, "0→64"}, {64, 64, "64"}, {64, 128, "64→128"}, {2.5, 0, "2.5→0"}} {
		if got := Label(tt.from, tt.to); got != tt.want {
			t.Errorf("Label(%v, %v) = %q; want %q", tt.from, tt.to, got, tt.want)
		}
	}
}
