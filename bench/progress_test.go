package bench

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/lmibench/lmibench/stats"
)

func TestProgressFitsTheTerminal(t *testing.T) {
	p := progress{
		Now: 3*time.Hour + 42*time.Second, Total: 12 * time.Hour, Stage: 2, Stages: 3, Label: "64→128 VUs", Target: 117,
		Lines: []stats.LiveLine{
			{Endpoint: "128", RPS: 12345.6, P99: 1234567 * time.Millisecond, Requests: 123456789012, Failed: 98765432, S5xx: 1234567, NoResponse: 7},
			{Endpoint: "a-very-long-endpoint-name-from-a-targets-file", RPS: 1, P99: time.Millisecond, Requests: 1},
			{Endpoint: "lmi"},
		},
	}
	block, n := p.render(4, true, 80)
	if !strings.HasPrefix(block, "\x1b[4A") || n != 4 {
		t.Fatalf("render() starts %q with %d lines; want a move up over the 4 drawn before, and 4 lines", block[:6], n)
	}
	lines := strings.Split(strings.TrimSuffix(block, "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("render() = %d lines; want 4:\n%s", len(lines), block)
	}
	for i, l := range lines {
		visible := strings.TrimPrefix(strings.TrimPrefix(l, "\x1b[4A"), "\x1b[2K")
		if w := utf8.RuneCountInString(visible); w >= 80 {
			t.Errorf("line %d is %d columns at width 80: %q", i+1, w, visible)
		}
	}
	if !strings.Contains(lines[0], "3:00:42/12:00:00  stage 3/3 (64→128 VUs)  target 117") {
		t.Errorf("header = %q", lines[0])
	}
	if !strings.HasSuffix(lines[1], "…") || !strings.Contains(lines[3], "lmi") {
		t.Errorf("a line too long is not cut with an ellipsis, or a short one is:\n%s", block)
	}

	// Without a terminal: no cursor moves, nothing cut.
	block, _ = p.render(0, false, 0)
	if strings.Contains(block, "\x1b") || !strings.Contains(block, "requests 123456789012  failed 98765432 (4xx 0, 5xx 1234567, no response 7)") {
		t.Errorf("render() for a log = %q; want whole lines, no escapes", block)
	}
}

// TestProgressInTheGracefulStop: past the profile's end the clock stays
// at its end and says the graceful stop, never 00:13/00:11.
func TestProgressInTheGracefulStop(t *testing.T) {
	p := progress{Now: 13 * time.Second, Total: 11 * time.Second, Stage: 1, Stages: 2, Label: "8 VUs", Target: 8}
	block, _ := p.render(0, false, 0)
	if !strings.HasPrefix(block, "00:11/00:11  stage 2/2 (8 VUs)  target 8  graceful stop +00:02") {
		t.Errorf("render() = %q; want the end and the graceful stop's time", block)
	}
}
