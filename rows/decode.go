package rows

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// required are the columns without which a file is not an lmibench CSV.
var required = []string{"timestamp", "elapsed_s", "endpoint", "status", "latency_ms"}

// Limits on what one row may hold, so that a damaged or hostile file
// cannot blow up memory or the page: a row over them is a bad row.
const (
	MaxStage     = 10000 // stage index
	MaxNameBytes = 128   // endpoint, scenario, env_id
	MaxFieldByte = 4096  // any other field
)

// RowError is a bad row: the rows before and after it may still be read.
type RowError struct {
	Line int
	Err  error
}

func (e *RowError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }
func (e *RowError) Unwrap() error { return e.Err }

// Decoder reads Records back from a CSV written by CSVWriter. Columns are
// found by their header names, so files with added columns still read. A
// second header (CSVs joined with cat) is read past.
type Decoder struct {
	r      *csv.Reader
	col    map[string]int
	header []string
	line   int
}

// NewDecoder reads the header and checks that it names an lmibench CSV.
func NewDecoder(r io.Reader) (*Decoder, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1 // a row of another width is a bad row, not the end
	header, err := cr.Read()
	if err == io.EOF {
		return nil, errors.New("line 1: empty file, no CSV header")
	}
	if err != nil {
		return nil, fmt.Errorf("line 1: %w", err)
	}
	d := &Decoder{r: cr, col: make(map[string]int, len(header)), header: append([]string(nil), header...), line: 1}
	for i, h := range header {
		d.col[h] = i
	}
	for _, c := range required {
		if _, ok := d.col[c]; !ok {
			return nil, fmt.Errorf("line 1: not an lmibench CSV: no %q column", c)
		}
	}
	return d, nil
}

// Line is the line of the last row read (1 is the header).
func (d *Decoder) Line() int { return d.line }

// Decode reads the next row into r. It returns io.EOF at the end, a
// *RowError for a bad row (Decode again reads the next one), and any
// other error when the file cannot be read on.
func (d *Decoder) Decode(r *Record) error {
	row, err := d.r.Read()
	for err == nil && d.isHeader(row) {
		d.line++
		row, err = d.r.Read()
	}
	if err == io.EOF {
		return io.EOF
	}
	d.line++
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			d.line = pe.Line
			return &RowError{d.line, pe.Err}
		}
		return fmt.Errorf("line %d: %w", d.line, err)
	}
	if len(row) != len(d.header) {
		return &RowError{d.line, fmt.Errorf("%d fields, the header has %d", len(row), len(d.header))}
	}
	for i, f := range row {
		if len(f) > MaxFieldByte {
			return &RowError{d.line, fmt.Errorf("column %s: a field of %d bytes, more than %d", d.header[i], len(f), MaxFieldByte)}
		}
	}
	*r = Record{}
	p := rowParser{row: row, col: d.col}
	if ts := p.str("timestamp"); ts != "" {
		t, err := time.Parse(time.RFC3339Nano, ts)
		if err != nil {
			p.fail("timestamp", ts)
		}
		r.Timestamp = t
	}
	r.Elapsed = p.duration("elapsed_s", time.Second)
	r.Scenario = p.str("scenario")
	r.Endpoint = p.str("endpoint")
	r.Stage = int(p.int("stage"))
	r.Target = p.float("target")
	r.Status = int(p.int("status"))
	r.Latency = p.duration("latency_ms", time.Millisecond)
	if r.Latency < 0 {
		p.fail("latency_ms", p.str("latency_ms"))
	}
	if r.Elapsed < 0 {
		p.fail("elapsed_s", p.str("elapsed_s"))
	}
	if r.Stage > MaxStage {
		p.fail("stage", p.str("stage"))
	}
	for _, name := range []string{"endpoint", "scenario", "env_id"} {
		// A name reaches terminals and pages: no escapes, valid UTF-8.
		if v := p.str(name); len(v) > MaxNameBytes || !utf8.ValidString(v) || strings.IndexFunc(v, unicode.IsControl) >= 0 {
			p.fail(name, strings.ToValidUTF8(strings.Map(func(r rune) rune {
				if unicode.IsControl(r) {
					return '?'
				}
				return r
			}, v), "?"))
		}
	}
	r.BytesIn = uint64(p.int("bytes_in"))
	r.BytesOut = uint64(p.int("bytes_out"))
	r.Error = p.str("error")
	if s := p.str("scheduled_s"); s != "" { // csv_version 2
		r.Scheduled, r.HasScheduled = p.duration("scheduled_s", time.Second), true
		if r.Scheduled < 0 {
			p.fail("scheduled_s", s)
		}
	}
	if env := p.str("env_id"); env != "" {
		// Fields out of range are dropped, as the engine drops them.
		f := FnFields{EnvID: env, ColdStart: p.str("cold_start") == "true"}
		var errI, errH error
		f.Inflight, errI = strconv.ParseInt(p.str("inflight"), 10, 64)
		f.HandlerMS, errH = strconv.ParseFloat(p.str("handler_ms"), 64)
		if p.str("inflight") == "" {
			f.Inflight, errI = 0, nil
		}
		if p.str("handler_ms") == "" {
			f.HandlerMS, errH = 0, nil
		}
		switch {
		case errI != nil && !errors.Is(errI, strconv.ErrRange):
			p.fail("inflight", p.str("inflight"))
		case errH != nil && !errors.Is(errH, strconv.ErrRange):
			p.fail("handler_ms", p.str("handler_ms"))
		case errI != nil || errH != nil || !f.Valid():
			r.FnRejected = true
		default:
			r.Fn, r.HasFn = f, true
		}
	}
	if p.err != nil {
		return &RowError{d.line, p.err}
	}
	return nil
}

// isHeader tells a repeated header from a row.
func (d *Decoder) isHeader(row []string) bool {
	if len(row) != len(d.header) {
		return false
	}
	for i := range row {
		if row[i] != d.header[i] {
			return false
		}
	}
	return true
}

// rowParser reads typed fields of one row and keeps the first error.
type rowParser struct {
	row []string
	col map[string]int
	err error
}

func (p *rowParser) str(name string) string {
	i, ok := p.col[name]
	if !ok || i >= len(p.row) {
		return ""
	}
	return p.row[i]
}

func (p *rowParser) fail(name, v string) {
	if p.err == nil {
		if len(v) > 40 { // a message is read, not a dump
			v = v[:40] + "…"
		}
		p.err = fmt.Errorf("column %s: %q is not valid", name, v)
	}
}

func (p *rowParser) float(name string) float64 {
	s := p.str(name)
	if s == "" {
		return 0
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != f || f > 1e15 || f < -1e15 {
		p.fail(name, s)
		return 0
	}
	return f
}

// maxDuration bounds the times a row may hold, far inside time.Duration's
// 292 years, so no value overflows it.
const maxDuration = 100 * 365 * 24 * time.Hour

// duration reads a field of unit as a time.Duration within ±maxDuration.
func (p *rowParser) duration(name string, unit time.Duration) time.Duration {
	v := p.float(name) * float64(unit)
	if math.Abs(v) > float64(maxDuration) {
		p.fail(name, p.str(name))
		return 0
	}
	return time.Duration(math.Round(v))
}

func (p *rowParser) int(name string) int64 {
	s := p.str(name)
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		p.fail(name, s)
		return 0
	}
	return n
}
