package rows

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// CSVVersion is the version of the column layout below. It is written in
// each run's sidecar; a change of columns bumps it, and the decoder keeps
// reading older versions.
const CSVVersion = 2

// Columns is the CSV header, in order.
var Columns = []string{
	"timestamp", "elapsed_s", "scenario", "endpoint", "stage", "target", "status",
	"latency_ms", "bytes_in", "bytes_out", "error", "env_id", "cold_start", "inflight", "handler_ms",
	"scheduled_s", // version 2
}

// TimeLayout is the timestamp column's layout: RFC 3339 with a fixed nine
// digits of nanoseconds, so that rows sort as text.
const TimeLayout = "2006-01-02T15:04:05.000000000Z07:00"

// CSVWriter streams Records as RFC 4180 rows through a buffer. It formats
// each row by hand into one reused byte slice: encoding/csv would allocate
// a string per number.
type CSVWriter struct {
	w   *bufio.Writer
	f   RowFormat
	buf []byte
}

// NewCSVWriter writes the header line and returns a writer for the rows.
// Call Flush to push buffered rows to w.
func NewCSVWriter(w io.Writer) (*CSVWriter, error) {
	c := &CSVWriter{w: bufio.NewWriterSize(w, 64<<10)}
	if _, err := c.w.WriteString(strings.Join(Columns, ",") + "\n"); err != nil {
		return nil, fmt.Errorf("write CSV header: %w", err)
	}
	return c, nil
}

// Write appends one row.
func (c *CSVWriter) Write(r *Record) error {
	c.buf = c.f.Append(c.buf[:0], r)
	return c.WriteRow(c.buf)
}

// WriteRow appends a row a RowFormat formatted, so that a row going to
// several files (a run's CSV and the --csv stream) is formatted once.
func (c *CSVWriter) WriteRow(row []byte) error {
	_, err := c.w.Write(row)
	return err
}

// Flush writes every buffered row to the underlying writer.
func (c *CSVWriter) Flush() error { return c.w.Flush() }

// RowFormat formats Records as CSV lines. It remembers the last row's
// second: rows come nearly in time order, so the date and time are
// formatted once a second and only the nanoseconds on every row.
type RowFormat struct {
	sec    int64
	prefix []byte // "2006-01-02T15:04:05." of second sec
}

// Append appends r as one CSV line, newline included, to b.
func (f *RowFormat) Append(b []byte, r *Record) []byte {
	t := r.Timestamp.UTC()
	if s := t.Unix(); s != f.sec || f.prefix == nil {
		f.sec, f.prefix = s, t.AppendFormat(f.prefix[:0], TimeLayout[:len("2006-01-02T15:04:05.")])
	}
	b = append(b, f.prefix...)
	var ns [9]byte
	for i, n := 8, t.Nanosecond(); i >= 0; i, n = i-1, n/10 {
		ns[i] = byte('0' + n%10)
	}
	b = append(b, ns[:]...)
	b = append(b, 'Z')
	b = append(b, ',')
	b = appendFixed(b, r.Elapsed, time.Microsecond, 6)
	b = append(b, ',')
	b = appendField(b, r.Scenario)
	b = append(b, ',')
	b = appendField(b, r.Endpoint)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(r.Stage), 10)
	b = append(b, ',')
	b = strconv.AppendFloat(b, r.Target, 'f', -1, 64)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(r.Status), 10)
	b = append(b, ',')
	b = appendFixed(b, r.Latency, time.Microsecond, 3)
	b = append(b, ',')
	b = strconv.AppendUint(b, r.BytesIn, 10)
	b = append(b, ',')
	b = strconv.AppendUint(b, r.BytesOut, 10)
	b = append(b, ',')
	b = appendField(b, r.Error)
	b = append(b, ',')
	if r.HasFn {
		b = appendField(b, r.Fn.EnvID)
		b = append(b, ',')
		b = strconv.AppendBool(b, r.Fn.ColdStart)
		b = append(b, ',')
		b = strconv.AppendInt(b, r.Fn.Inflight, 10)
		b = append(b, ',')
		b = strconv.AppendFloat(b, r.Fn.HandlerMS, 'f', -1, 64)
	} else {
		b = append(b, ",,,"...)
	}
	b = append(b, ',')
	if r.HasScheduled {
		b = appendFixed(b, r.Scheduled, time.Microsecond, 6)
	}
	return append(b, '\n')
}

// appendFixed appends d in units of unit·10^decimals with that many
// decimals, rounded half away from zero: integer arithmetic, a third of
// strconv.AppendFloat's cost on every row.
func appendFixed(b []byte, d, unit time.Duration, decimals int) []byte {
	n := int64(d / unit)
	if rem := d % unit; rem >= unit/2 {
		n++
	} else if rem <= -unit/2 {
		n--
	}
	if n < 0 {
		b, n = append(b, '-'), -n
	}
	scale := int64(1)
	for range decimals {
		scale *= 10
	}
	b = strconv.AppendInt(b, n/scale, 10)
	b = append(b, '.')
	frac := strconv.AppendInt(make([]byte, 0, 20), n%scale+scale, 10) // leading 1 keeps the zeros
	return append(b, frac[1:]...)
}

// needsQuotes: a loop, not strings.ContainsAny, which builds its set of
// bytes on every call; fields are short.
func needsQuotes(s string) bool {
	if s == "" {
		return false
	}
	if s[0] == ' ' || s[0] == '\t' {
		return true
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == ',' || c == '"' || c == '\r' || c == '\n' {
			return true
		}
	}
	return false
}

// appendField appends s, quoted as RFC 4180 requires when it holds a comma,
// a quote, a line break or leading space (which some readers trim).
func appendField(b []byte, s string) []byte {
	if !needsQuotes(s) {
		return append(b, s...)
	}
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			b = append(b, '"')
		}
		b = append(b, s[i])
	}
	return append(b, '"')
}
