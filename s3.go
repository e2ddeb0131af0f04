package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/lmibench/lmibench/bench"
	"github.com/lmibench/lmibench/runfiles"
	"github.com/lmibench/lmibench/s3dir"
)

// s3Timeout bounds one S3 call: checking the bucket, one upload, one
// download.
const s3Timeout = 2 * time.Minute

// planUpload turns an s3:// --output-dir into a local directory (under
// TMPDIR, named by the run id) whose files are uploaded there as each
// scenario ends; the bucket is checked before any load.
func planUpload(cfg *bench.Config) error {
	loc, err := s3dir.Parse(cfg.OutputDir, false)
	if err != nil {
		return badInput("--output-dir %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), s3Timeout)
	defer cancel()
	dir, err := s3dir.Open(ctx, loc)
	if err != nil {
		return badInput("--output-dir %v", err)
	}
	cfg.OutputDir = filepath.Join(os.TempDir(), "lmibench-"+cfg.RunID)
	if err := os.MkdirAll(cfg.OutputDir, 0o755); err != nil {
		return badInput("--output-dir %s: a local copy in %s: %v", loc, cfg.OutputDir, err)
	}
	cfg.UploadTo = loc.String()
	var mu sync.Mutex
	mine := map[string]bool{} // what this run uploaded: its own to replace
	cfg.Upload = func(path string) error {
		ctx, cancel := context.WithTimeout(context.Background(), s3Timeout)
		defer cancel()
		mu.Lock()
		replace := mine[filepath.Base(path)]
		mu.Unlock()
		if err := dir.Upload(ctx, path, replace); err != nil {
			return err
		}
		mu.Lock()
		mine[filepath.Base(path)] = true
		mu.Unlock()
		return nil
	}
	// A name another run took in the prefix (two runs in one second) is
	// not reused: the run's files take the next one.
	cfg.Taken = func(name string) bool {
		ctx, cancel := context.WithTimeout(context.Background(), s3Timeout)
		defer cancel()
		taken, err := dir.Exists(ctx, name)
		return taken || err != nil
	}
	fmt.Fprintf(cfg.Log, "lmibench: results go to %s, local copies to %s\n", loc, cfg.OutputDir)
	return nil
}

// fetchS3 downloads the CSVs an s3:// argument of report names, with
// their sidecars and series, into ./s3/<bucket>/<prefix> (kept, like a
// sync), and returns their local paths.
func fetchS3(uri string, stderr io.Writer) ([]string, error) {
	loc, err := s3dir.Parse(uri, true)
	if err != nil {
		return nil, badInput("report: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), s3Timeout)
	defer cancel()
	dir, err := s3dir.Open(ctx, loc)
	if err != nil {
		return nil, badInput("report: %v", err)
	}
	local := filepath.Join("s3", loc.Bucket, filepath.FromSlash(loc.Prefix))
	if err := os.MkdirAll(local, 0o755); err != nil {
		return nil, badInput("report: %v", err)
	}
	csvs, err := dir.Fetch(ctx, local, ".csv", func(csv string) []string {
		f := runfiles.Of(csv) // what report reads beside a CSV
		meta, series := f.Meta, f.Series
		return []string{meta, series}
	})
	if err != nil {
		return nil, badInput("report: %v", err)
	}
	fmt.Fprintf(stderr, "lmibench: report: %d CSVs from %s in %s\n", len(csvs), uri, local)
	return csvs, nil
}
