package summary

import (
	"bytes"
	"strings"
	"testing"

	"github.com/lmibench/lmibench/rows"
	"github.com/lmibench/lmibench/runfiles"
	"github.com/lmibench/lmibench/stats"
)

func TestWriteTable(t *testing.T) {
	run := &stats.Run{Meta: &runfiles.Meta{StageLabels: []string{"0→64 VUs", "64 VUs", "64→128 VUs"}}}
	for _, r := range []rows.Record{
		{Endpoint: "lmi", Error: `dial tcp 127.0.0.1:1: connect: connection refused`},
		{Endpoint: "lmi", Error: `dial tcp 127.0.0.1:2: connect: connection refused`},
		{Endpoint: "lmi", Error: rows.ErrDropped},
		{Endpoint: "2048", Stage: 2, Status: 200},
	} {
		run.Add(&r)
	}
	var buf bytes.Buffer
	if err := WriteTable(&buf, run); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"endpoint", "64→128 VUs", "lmi: connection refused: 2", "lmi: dropped (max in-flight): 1", "100.00"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "127.0.0.1") {
		t.Errorf("table shows an address:\n%s", out)
	}
}
