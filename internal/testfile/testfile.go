// Package testfile writes the input files of tests.
package testfile

import (
	"os"
	"path/filepath"
	"testing"
)

// Write writes content to dir/name and returns its path.
func Write(t testing.TB, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
