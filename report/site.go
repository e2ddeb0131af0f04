package report

import (
	"io"
	"path/filepath"

	"github.com/lmibench/lmibench/runfiles"
	"github.com/lmibench/lmibench/stats"
	"github.com/lmibench/lmibench/summary"
)

// Site writes the pages of several runs (the scenarios of `lmibench run`,
// or the CSVs given to `lmibench report`) and the index that links them.
// Links are relative, so the pages can be moved together.
type Site struct {
	// Index is the path of the page linking the others; empty for a
	// single page, which then links to nothing.
	Index   string
	entries []IndexEntry
}

// WritePage writes r's page to path, linking back to the index; sum is
// r's summary. Writing the same path again (with series that came later,
// say) replaces it.
func (s *Site) WritePage(path string, r *stats.Run, sum *summary.Summary) error {
	back := ""
	if s.Index != "" {
		back = relPath(filepath.Dir(path), s.Index)
	}
	if err := runfiles.WriteFile(path, func(w io.Writer) error { return WritePage(w, r, back, sum) }); err != nil {
		return err
	}
	if s.Index == "" {
		return nil
	}
	entry := IndexEntry{Run: r, Summary: sum, Page: relPath(filepath.Dir(s.Index), path)}
	for i := range s.entries {
		if s.entries[i].Page == entry.Page { // written again: its place stays
			s.entries[i] = entry
			return nil
		}
	}
	s.entries = append(s.entries, entry)
	return nil
}

// WriteIndex writes the index of the pages written so far; without an
// Index, nothing.
func (s *Site) WriteIndex() error {
	if s.Index == "" {
		return nil
	}
	return runfiles.WriteFile(s.Index, func(w io.Writer) error { return WriteIndex(w, s.entries) })
}

// relPath is target as seen from dir, or target itself when no relative
// path leads there.
func relPath(dir, target string) string {
	if rel, err := filepath.Rel(dir, target); err == nil {
		return filepath.ToSlash(rel)
	}
	return target
}
