package runfiles

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/lmibench/lmibench/rows"
)

// Skipped counts the bad rows of a file and keeps the first few.
type Skipped struct {
	N     int
	lines []int
	first string
}

func (s *Skipped) add(line int, why string) {
	if s.N == 0 {
		s.first = fmt.Sprintf("line %d: %s", line, why)
	}
	s.N++
	if len(s.lines) < 5 {
		s.lines = append(s.lines, line)
	}
}

// String is e.g. "line 7: …; 3 bad rows skipped (lines 7, 9, 12), the
// others are used".
func (s *Skipped) String() string {
	lines := make([]string, len(s.lines))
	for i, l := range s.lines {
		lines[i] = strconv.Itoa(l)
	}
	more := ""
	if s.N > len(s.lines) {
		more = ", …"
	}
	return fmt.Sprintf("%s; %d bad rows skipped (lines %s%s), the others are used", s.first, s.N, strings.Join(lines, ", "), more)
}

// FileError is a problem with one input file, naming it.
type FileError struct {
	Path string
	Err  error
}

func (e *FileError) Error() string { return e.Path + ": " + e.Err.Error() }
func (e *FileError) Unwrap() error { return e.Err }

// ScanRows decodes every row of csvPath and gives it to add, which says
// why it skips the row, or "". Bad rows are skipped and counted; a row that
// cannot be read at all ends the file (stopped). A missing or foreign file
// is a *FileError.
func ScanRows(csvPath string, add func(*rows.Record) string) (skip *Skipped, stopped, err error) {
	f, err := os.Open(csvPath)
	if err != nil {
		return nil, nil, &FileError{csvPath, errors.Unwrap(err)}
	}
	defer func() { _ = f.Close() }() // read only: nothing to lose
	d, err := rows.NewDecoder(f)
	if err != nil {
		return nil, nil, &FileError{csvPath, err}
	}
	skip = &Skipped{}
	for {
		var rec rows.Record
		err := d.Decode(&rec)
		if err == io.EOF {
			return skip, nil, nil
		}
		var bad *rows.RowError
		if errors.As(err, &bad) {
			skip.add(bad.Line, bad.Err.Error())
			continue
		}
		if err != nil {
			return skip, err, nil
		}
		if why := add(&rec); why != "" {
			skip.add(d.Line(), why)
		}
	}
}
