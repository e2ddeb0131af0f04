// Package proftest builds load profiles for tests: one builder for every
// package's tests but stages' own.
package proftest

import (
	"testing"

	"github.com/lmibench/lmibench/stages"
)

// New is the profile of ss (integer: whole VUs, as the closed model steps
// them); an invalid one fails the test.
func New(t testing.TB, integer bool, ss ...stages.Stage) *stages.Profile {
	t.Helper()
	p, err := stages.New(ss, integer)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
