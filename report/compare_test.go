package report

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/lmibench/lmibench/internal/runtest"
	"github.com/lmibench/lmibench/summary"
)

func TestComparisonPage(t *testing.T) {
	a := summary.Of(runtest.Lognormal(1, nil, "slow", "same"))
	b := summary.Of(runtest.Lognormal(2, map[string]time.Duration{"slow": 60 * time.Millisecond}, "slow", "same"))
	var page bytes.Buffer
	if err := WriteComparison(&page, summary.Compare(a, b, summary.CompareOptions{})); err != nil || !strings.Contains(page.String(), "p99 per stage, A and B") || !strings.Contains(page.String(), "slow B") {
		t.Errorf("page lacks its charts: %v", err)
	}
}
