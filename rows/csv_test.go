package rows

import (
	"bytes"
	"encoding/csv"
	"errors"
	"flag"
	"io"
	"math/rand/v2"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

// sampleRecords are seeded random records with every kind of field.
func sampleRecords(n int) []Record {
	rng := rand.New(rand.NewPCG(1, 2))
	start := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	errs := []string{"", "", "", `Get "http://127.0.0.1:9/x": dial tcp 127.0.0.1:9: connect: connection refused`, ErrDropped, "with \"quotes\", commas\nand lines"}
	out := make([]Record, n)
	for i := range out {
		el := time.Duration(i)*time.Millisecond + time.Duration(rng.IntN(1000))
		r := Record{
			Timestamp: start.Add(el),
			Elapsed:   el.Round(time.Microsecond),
			Scenario:  "high-cpu",
			Endpoint:  []string{"128", "2048", "lmi", "<script>x</script>"}[i%4],
			Stage:     i % 3,
			Target:    float64(rng.IntN(128)),
			Latency:   time.Duration(rng.IntN(1e9)).Round(time.Microsecond),
			BytesOut:  0,
			Error:     errs[rng.IntN(len(errs))],
		}
		if r.Error == "" {
			r.Status = []int{200, 200, 429, 500}[rng.IntN(4)]
			r.BytesIn = uint64(rng.IntN(400))
			r.HasFn = r.Status == 200
			if r.HasFn {
				r.Fn = FnFields{EnvID: "e" + string(rune('a'+i%5)), ColdStart: i%7 == 0, Inflight: int64(rng.IntN(64)), HandlerMS: 12.5}
			}
		}
		if i%2 == 1 { // the open model's rows: due a little before they went
			r.Scheduled, r.HasScheduled = (el - time.Duration(i*37%5000)*time.Microsecond).Round(time.Microsecond), true
			r.Scheduled = max(r.Scheduled, 0)
		}
		out[i] = r
	}
	return out
}

func encode(t testing.TB, recs []Record) []byte {
	var buf bytes.Buffer
	w, err := NewCSVWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	for i := range recs {
		if err := w.Write(&recs[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func decodeAll(data []byte) ([]Record, error) {
	d, err := NewDecoder(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	var out []Record
	for {
		var r Record
		err := d.Decode(&r)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, r)
	}
}

func TestCSVRoundTrip(t *testing.T) {
	recs := sampleRecords(500)
	data := encode(t, recs)
	got, err := decodeAll(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(recs) {
		t.Fatalf("decoded %d rows; want %d", len(got), len(recs))
	}
	for i := range recs {
		want := recs[i]
		if !got[i].Timestamp.Equal(want.Timestamp) {
			t.Fatalf("row %d timestamp = %v; want %v", i, got[i].Timestamp, want.Timestamp)
		}
		got[i].Timestamp = want.Timestamp
		if !reflect.DeepEqual(got[i], want) {
			t.Fatalf("row %d = %+v; want %+v", i, got[i], want)
		}
	}
	// Any RFC 4180 reader sees the same fields.
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil || len(rows) != len(recs)+1 || !reflect.DeepEqual(rows[0], Columns) {
		t.Fatalf("encoding/csv read %d rows, err %v, header %v", len(rows), err, rows[0])
	}
}

func TestCSVGolden(t *testing.T) {
	got := encode(t, sampleRecords(12))
	const golden = "testdata/records.golden.csv"
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("CSV differs from %s (run go test -update to accept):\n%s", golden, got)
	}
}

// TestReadsVersion1: a CSV written before scheduled_s (csv_version 1) still
// reads, every row as it was, with no scheduled time.
func TestReadsVersion1(t *testing.T) {
	data, err := os.ReadFile("testdata/records.v1.csv")
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeAll(data)
	if err != nil {
		t.Fatal(err)
	}
	want := sampleRecords(12)
	for i := range want {
		want[i].Scheduled, want[i].HasScheduled = 0, false
		got[i].Timestamp = want[i].Timestamp
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Fatalf("version 1 row %d = %+v; want %+v", i, got[i], want[i])
		}
	}
}

func TestDecoderErrors(t *testing.T) {
	good := encode(t, sampleRecords(3))
	lines := strings.SplitAfter(string(good), "\n")
	tests := []struct {
		name     string
		in       string
		wantErr  string
		wantRows int
	}{
		{"empty", "", "line 1: empty file", 0},
		{"foreign", "a,b,c\n1,2,3\n", `line 1: not an lmibench CSV: no "timestamp" column`, 0},
		{"truncated last row", strings.Join(lines[:3], "") + lines[3][:20], "line 4:", 2},
		{"bad number", strings.Replace(string(good), ",high-cpu,lmi,2,", ",high-cpu,lmi,x,", 1), "line 4: column stage", 2},
		{"header only", lines[0], "", 0},
	}
	for _, tt := range tests {
		got, err := decodeAll([]byte(tt.in))
		if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("%s: error = %v; want %q", tt.name, err, tt.wantErr)
		}
		if len(got) != tt.wantRows {
			t.Errorf("%s: rows before the error = %d; want %d", tt.name, len(got), tt.wantRows)
		}
	}
}

// FuzzDecoder feeds arbitrary bytes: the decoder errs or returns records,
// never panics, and a record it returns encodes and decodes to itself.
func FuzzDecoder(f *testing.F) {
	f.Add(encode(f, sampleRecords(4)))
	f.Add([]byte(strings.Join(Columns, ",") + "\n\"unterminated"))
	f.Add([]byte("timestamp,elapsed_s,endpoint,status,latency_ms\n,1e308,x,-1,NaN\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, _ := decodeAll(data)
		if len(recs) == 0 {
			return
		}
		again, err := decodeAll(encode(t, recs))
		if err != nil || len(again) != len(recs) {
			t.Fatalf("re-decoding %d records: %d, %v", len(recs), len(again), err)
		}
	})
}

func BenchmarkCSVWriter(b *testing.B) {
	recs := sampleRecords(1024)
	w, err := NewCSVWriter(io.Discard)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := w.Write(&recs[i%len(recs)]); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func TestWriteErrorsSurface(t *testing.T) {
	w, err := NewCSVWriter(failWriter{})
	if err != nil {
		t.Fatal(err) // the header sits in the buffer until Flush
	}
	r := sampleRecords(1)[0]
	if err := w.Write(&r); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err == nil {
		t.Fatalf("Flush to a failing writer = nil; want its error")
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestAppendFixed(t *testing.T) {
	for _, tt := range []struct {
		d        time.Duration
		unit     time.Duration
		decimals int
		want     string
	}{
		{0, time.Microsecond, 6, "0.000000"},
		{1500 * time.Millisecond, time.Microsecond, 6, "1.500000"},
		{1499, time.Microsecond, 6, "0.000001"},
		{499, time.Microsecond, 6, "0.000000"},
		{500, time.Microsecond, 3, "0.001"},
		{12345678901, time.Microsecond, 6, "12.345679"},
		{-1500, time.Microsecond, 3, "-0.002"},
		{3 * time.Hour, time.Microsecond, 3, "10800000.000"},
	} {
		if got := string(appendFixed(nil, tt.d, tt.unit, tt.decimals)); got != tt.want {
			t.Errorf("appendFixed(%d, %v, %d) = %s; want %s", tt.d, tt.unit, tt.decimals, got, tt.want)
		}
	}
}

// TestRowFormatTimestamps: the remembered second never leaks into a row
// of another second, in or out of order, and every timestamp reads as
// TimeLayout formats it.
func TestRowFormatTimestamps(t *testing.T) {
	var f RowFormat
	base := time.Date(2026, 11, 23, 23, 59, 59, 0, time.UTC)
	for _, d := range []time.Duration{0, 1, 999_999_999, time.Second, 5 * time.Millisecond, -time.Second, 24 * time.Hour, 7} {
		ts := base.Add(d).In(time.FixedZone("x", 3600))
		row := string(f.Append(nil, &Record{Timestamp: ts}))
		if want := ts.UTC().Format(TimeLayout); !strings.HasPrefix(row, want+",") {
			t.Errorf("row for %v starts %q; want %q", ts, row[:len(want)+1], want)
		}
	}
}

// TestNamesFitForATerminal: a name with a terminal escape or invalid
// UTF-8 is a bad row, and its message repeats neither.
func TestNamesFitForATerminal(t *testing.T) {
	header := strings.Join(Columns, ",") + "\n"
	for _, name := range []string{"a\x1b[2Jb", "a\xffb"} {
		_, err := decodeAll([]byte(header + "2001-09-09T01:46:40Z,1.0,s," + name + ",0,1,200,5.0,0,0,,,,,,\n"))
		if err == nil || strings.Contains(err.Error(), "\x1b") || !utf8.ValidString(err.Error()) {
			t.Errorf("name %q: %v; want a bad row, said without the escape", name, err)
		}
	}
}
