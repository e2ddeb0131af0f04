package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/lmibench/lmibench/bench"
	"github.com/lmibench/lmibench/stages"
)

// shardIndexVars are where a job runner puts a shard's index: Kubernetes
// Indexed Jobs and AWS Batch array jobs.
var shardIndexVars = []string{"JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX"}

// shardIndexFromEnv reads --shard auto/N's index.
func shardIndexFromEnv() (int, error) {
	for _, v := range shardIndexVars {
		if s, ok := os.LookupEnv(v); ok {
			i, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil {
				return 0, fmt.Errorf("%s=%q is not an index", v, s)
			}
			return i, nil
		}
	}
	return 0, fmt.Errorf("auto: neither %s is set", strings.Join(shardIndexVars, " nor "))
}

// maxStartAhead bounds how far ahead --start-at may be: a shard waiting
// for a typo's year would wait forever.
const maxStartAhead = 24 * time.Hour

// runIDPattern is what a run id may be: it names files and S3 keys, so no
// path separators, no line breaks.
var runIDPattern = regexp.MustCompile(`^([A-Za-z0-9._-]{1,64})?$`)

// planShard reads --shard, --start-at, --start-tolerance, --shard-label and
// --run-id into cfg, refusing a shard that would start late.
func planShard(c *cli.Context, cfg *bench.Config) error {
	var err error
	if s := c.String("shard"); s != "" {
		if cfg.Shard, err = stages.ParseShard(s, shardIndexFromEnv); err != nil {
			return badInput("--shard %q: %v", s, err)
		}
	}
	if s := c.String("start-at"); s != "" {
		if cfg.StartAt, err = time.Parse(time.RFC3339Nano, strings.TrimSpace(s)); err != nil {
			return badInput("--start-at %q: want an RFC 3339 instant such as 2026-11-23T23:00:00Z", trim(s))
		}
		if ahead := time.Until(cfg.StartAt); ahead > maxStartAhead || cfg.StartAt.Year() < 2000 {
			return badInput("--start-at %s: want an instant within the next %s (it is %s away)", s, maxStartAhead, ahead.Round(time.Second))
		}
	}
	cfg.StartTolerance = durationOf(c, "start-tolerance")
	switch {
	case cfg.StartTolerance < 0:
		return badInput("--start-tolerance: %s must be at least 0s", cfg.StartTolerance)
	case !cfg.Shard.Whole() && cfg.StartAt.IsZero():
		return badInput("--shard %s: give every shard the same --start-at, a little ahead", cfg.Shard)
	case !cfg.Shard.Whole() && len(cfg.Scenarios) != 1:
		return badInput("--shard %s: shards run one scenario each (give --scenario): the next one's start would differ between machines", cfg.Shard)
	case !cfg.StartAt.IsZero():
		if err := bench.CheckStart(cfg.StartAt, cfg.StartTolerance, time.Now()); err != nil {
			return refuse(err)
		}
	}
	cfg.ShardLabel = c.String("shard-label")
	if len(cfg.ShardLabel) > 128 || strings.ContainsAny(cfg.ShardLabel, "\r\n") {
		return badInput("--shard-label: at most 128 bytes on one line")
	}
	cfg.RunID = c.String("run-id")
	if !runIDPattern.MatchString(cfg.RunID) {
		return badInput("--run-id %q: want 1 to 64 of A-Z a-z 0-9 . _ - (it names files and keys)", trim(cfg.RunID))
	}
	switch {
	case cfg.RunID != "":
	case !cfg.StartAt.IsZero():
		cfg.RunID = cfg.StartAt.UTC().Format("20060102T150405.000Z")
	default:
		var b [6]byte
		_, _ = rand.Read(b[:]) // never fails (crypto/rand)
		cfg.RunID = time.Now().UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:])
	}
	return nil
}
