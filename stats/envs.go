package stats

import (
	"hash/fnv"
	"math"
	"slices"
)

// Bounds on counting execution environments: each group of requests
// (an endpoint × stage, a time bucket) counts distinct env_ids exactly up
// to MaxExactEnvs, then estimates them from the envSketch smallest hashes
// seen (k minimum values: with k of them, n ≈ (k−1)·2⁶⁴ / the k-th
// smallest, within about 1/√k, 3 %). A server that answers every request
// with a new env_id then costs a bounded amount of memory, whatever the
// run's length.
const (
	MaxExactEnvs = 1024
	envSketch    = 1024
)

// Envs counts the distinct execution environments of a group of requests.
// Its zero value is empty and ready.
type Envs struct {
	exact map[string]struct{}
	mins  []uint64 // once estimating: the smallest hashes, ascending
	last  string   // the env id added last: most rows repeat it
}

// Add counts one env id.
func (s *Envs) Add(id string) {
	if id == s.last && (s.exact != nil || s.mins != nil) {
		return
	}
	s.last = id
	if s.mins == nil {
		if s.exact == nil {
			s.exact = map[string]struct{}{}
		}
		s.exact[id] = struct{}{}
		if len(s.exact) > MaxExactEnvs {
			s.sketch()
		}
		return
	}
	s.addHash(envHash(id))
}

// sketch turns the exact set into the estimate's smallest hashes.
func (s *Envs) sketch() {
	s.mins = make([]uint64, 0, envSketch+1)
	for id := range s.exact {
		s.addHash(envHash(id))
	}
	s.exact = nil
}

// addHash keeps h among the envSketch smallest distinct hashes.
func (s *Envs) addHash(h uint64) {
	i, found := slices.BinarySearch(s.mins, h)
	if found || (i == envSketch && len(s.mins) == envSketch) {
		return
	}
	s.mins = slices.Insert(s.mins, i, h)
	if len(s.mins) > envSketch {
		s.mins = s.mins[:envSketch]
	}
}

// Merge adds o's environments to s.
func (s *Envs) Merge(o *Envs) {
	for id := range o.exact {
		s.Add(id)
	}
	if o.mins != nil {
		if s.mins == nil {
			s.sketch()
		}
		for _, h := range o.mins {
			s.addHash(h)
		}
	}
}

// Len is the number of distinct environments: exact, or estimated once
// past MaxExactEnvs (Estimated).
func (s *Envs) Len() int {
	if s.mins == nil {
		return len(s.exact)
	}
	if len(s.mins) < envSketch { // every distinct hash is here
		return len(s.mins)
	}
	kth := float64(s.mins[envSketch-1]) / math.Exp2(64)
	return int(math.Round(float64(envSketch-1) / kth))
}

// Estimated says that Len is an estimate.
func (s *Envs) Estimated() bool { return s.mins != nil && len(s.mins) == envSketch }

// envHash spreads an env id over 64 bits: FNV-1a, then splitmix64's
// finaliser for its low-entropy ids (env-1, env-2, …). Deterministic, so a
// report from the same CSV says the same.
func envHash(id string) uint64 {
	f := fnv.New64a()
	_, _ = f.Write([]byte(id)) // never fails
	z := f.Sum64() + 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}
