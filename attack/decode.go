package attack

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"
)

// required are the columns without which a file is not an lmibench CSV.
var required = []string{"timestamp", "elapsed_s", "endpoint", "status", "latency_ms"}

// Decoder reads Records back from a CSV written by CSVWriter. Columns are
// found by their header names, so files with added columns still read.
type Decoder struct {
	r    *csv.Reader
	col  map[string]int
	line int
}

// NewDecoder reads the header and checks that it names an lmibench CSV.
func NewDecoder(r io.Reader) (*Decoder, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, errors.New("line 1: empty file, no CSV header")
	}
	if err != nil {
		return nil, fmt.Errorf("line 1: %w", err)
	}
	d := &Decoder{r: cr, col: make(map[string]int, len(header)), line: 1}
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

// Decode reads the next row into r. It returns io.EOF at the end; any other
// error names the line, and the rows read before it are good.
func (d *Decoder) Decode(r *Record) error {
	row, err := d.r.Read()
	if err == io.EOF {
		return io.EOF
	}
	d.line++
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			d.line = pe.Line
		}
		return fmt.Errorf("line %d: %w", d.line, err)
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
	r.Elapsed = time.Duration(math.Round(p.float("elapsed_s") * float64(time.Second)))
	r.Scenario = p.str("scenario")
	r.Endpoint = p.str("endpoint")
	r.Stage = int(p.int("stage"))
	r.Target = p.float("target")
	r.Status = int(p.int("status"))
	r.Latency = time.Duration(math.Round(p.float("latency_ms") * float64(time.Millisecond)))
	r.BytesIn = uint64(p.int("bytes_in"))
	r.BytesOut = uint64(p.int("bytes_out"))
	r.Error = p.str("error")
	if env := p.str("env_id"); env != "" {
		r.HasFn = true
		r.Fn.EnvID = env
		r.Fn.ColdStart = p.str("cold_start") == "true"
		r.Fn.Inflight = p.int("inflight")
		r.Fn.HandlerMS = p.float("handler_ms")
	}
	if p.err != nil {
		return fmt.Errorf("line %d: %w", d.line, p.err)
	}
	return nil
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
