// Package function is the benchmarked Lambda function's logic, importable so
// that the Lambda main, the local target and the tests all run the same code.
//
// A request names its work in the query string:
//
//	GET /any/path?delay_ms=100&hash_loops=50000
//
// The function iterates SHA-256 hash_loops times over a fixed seed (CPU work),
// then sleeps delay_ms (I/O wait), and answers JSON:
//
//	{"message":"hello","delay_ms":100,"hash_loops":50000,"hash":"…",
//	 "env_id":"…","cold_start":false,"inflight":3,"handler_ms":100.4}
//
// env_id is random per Function (one per process on Lambda), cold_start is
// true only for a Function's first request, and inflight counts the requests
// running in this Function when this one started, itself included.
package function

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"
)

// Limits of the query parameters, as in the original benchmark.
const (
	MaxDelayMS   = 15000
	MaxHashLoops = 1000000
)

// Work is what one request asks for.
type Work struct {
	DelayMS   int `json:"delay_ms"`
	HashLoops int `json:"hash_loops"`
}

// String names the work as its query does: "delay_ms=100",
// "hash_loops=200000", or both when both are set.
func (w Work) String() string {
	switch {
	case w.DelayMS > 0 && w.HashLoops > 0:
		return fmt.Sprintf("delay_ms=%d hash_loops=%d", w.DelayMS, w.HashLoops)
	case w.HashLoops > 0:
		return fmt.Sprintf("hash_loops=%d", w.HashLoops)
	default:
		return fmt.Sprintf("delay_ms=%d", w.DelayMS)
	}
}

// Response is the JSON body of a successful request.
type Response struct {
	Message   string  `json:"message"`
	DelayMS   int     `json:"delay_ms"`
	HashLoops int     `json:"hash_loops"`
	Hash      string  `json:"hash"`
	EnvID     string  `json:"env_id"`
	ColdStart bool    `json:"cold_start"`
	Inflight  int64   `json:"inflight"`
	HandlerMS float64 `json:"handler_ms"`
}

// ParamError is a query parameter that is missing its form or range. It is
// the client's fault (HTTP 400).
type ParamError struct {
	Param  string
	Reason string
}

func (e *ParamError) Error() string { return fmt.Sprintf("%s: %s", e.Param, e.Reason) }

// ParseWork reads delay_ms and hash_loops from query parameters; get returns
// "" for an absent parameter, which means 0.
func ParseWork(get func(string) string) (Work, error) {
	var w Work
	var err error
	if w.DelayMS, err = parseParam(get, "delay_ms", MaxDelayMS); err != nil {
		return Work{}, err
	}
	if w.HashLoops, err = parseParam(get, "hash_loops", MaxHashLoops); err != nil {
		return Work{}, err
	}
	return w, nil
}

func parseParam(get func(string) string, name string, maxValue int) (int, error) {
	s := get(name)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, &ParamError{Param: name, Reason: fmt.Sprintf("%q is not an integer", s)}
	}
	if n < 0 || n > maxValue {
		return 0, &ParamError{Param: name, Reason: fmt.Sprintf("%d is out of range 0..%d", n, maxValue)}
	}
	return n, nil
}

// seed is the fixed input of the hash chain, so every run does the same work.
var seed = sha256.Sum256([]byte("lmibench"))

// Hash iterates SHA-256 loops times starting from a fixed seed.
func Hash(loops int) [sha256.Size]byte {
	h := seed
	for range loops {
		h = sha256.Sum256(h[:])
	}
	return h
}

// Function is one execution environment's instance of the handler.
type Function struct {
	envID    string
	served   atomic.Bool
	inflight atomic.Int64
}

// New returns a Function with a fresh random env_id.
func New() *Function {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return &Function{envID: hex.EncodeToString(b[:])}
}

// EnvID is this Function's execution environment id.
func (f *Function) EnvID() string { return f.envID }

// Inflight is the number of requests running now.
func (f *Function) Inflight() int64 { return f.inflight.Load() }

// Invoke does the work and describes it. It returns ctx's error when ctx ends
// during the sleep; the hashing is not interruptible, as on Lambda.
func (f *Function) Invoke(ctx context.Context, w Work) (Response, error) {
	start := time.Now()
	n := f.inflight.Add(1)
	defer f.inflight.Add(-1)
	cold := !f.served.Swap(true)

	h := Hash(w.HashLoops)
	if w.DelayMS > 0 {
		t := time.NewTimer(time.Duration(w.DelayMS) * time.Millisecond)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return Response{}, ctx.Err()
		}
	}
	return Response{
		Message:   "hello",
		DelayMS:   w.DelayMS,
		HashLoops: w.HashLoops,
		Hash:      hex.EncodeToString(h[:]),
		EnvID:     f.envID,
		ColdStart: cold,
		Inflight:  n,
		HandlerMS: float64(time.Since(start).Microseconds()) / 1000,
	}, nil
}
