package summary

import (
	"fmt"
	"math"
	"time"
)

// MS is a duration in milliseconds, to the microsecond, as the summary
// holds latencies.
func MS(d time.Duration) float64 { return math.Round(float64(d)/float64(time.Millisecond)*1000) / 1000 }

// Round3 rounds to 3 decimals, as the summary holds rates and seconds.
func Round3(v float64) float64 { return math.Round(v*1000) / 1000 }

// TrimFloat prints v to 3 decimals without trailing zeros.
func TrimFloat(v float64) string { return fmt.Sprintf("%g", Round3(v)) }

// MSText prints milliseconds as FormatMS does a duration.
func MSText(ms float64) string { return FormatMS(time.Duration(ms * float64(time.Millisecond))) }

// Percent is n of of as a percentage for people: "12.5 %", "<0.1 %".
func Percent(n, of int64) string {
	p := 100 * float64(n) / float64(of)
	if p < 0.1 {
		return "<0.1 %"
	}
	return fmt.Sprintf("%.1f %%", p)
}
