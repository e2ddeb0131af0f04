package main

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/lmibench/lmibench/bench"
	"github.com/lmibench/lmibench/setting"
)

// Exit codes, every one the program has. README lists them.
const (
	exitOK          = 0
	exitFailure     = 1 // a run could not write its results, or the server failed
	exitBadInput    = 2
	exitNoSuccess   = 3  // the run ended but not one request succeeded
	exitRegression  = 4  // compare found B regressed against A
	exitThresholds  = 99 // thresholds failed, as k6's
	exitInterrupted = 130
)

// exitError carries an exit code to main's single exit point.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// badInput is input refused before anything is sent: exit 2, one line.
func badInput(format string, a ...any) error {
	return &exitError{code: exitBadInput, err: fmt.Errorf(format, a...)}
}

// refuse is err as bad input, its settings named as flags when printed.
func refuse(err error) error { return &exitError{code: exitBadInput, err: err} }

// flagText is err for the terminal: each setting a library refused
// (setting.Error) named as the flag that sets it (--think), several
// refusals on one line; a shard late for its start as the flags say it.
func flagText(err error) string {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var parts []string
		for _, e := range j.Unwrap() {
			parts = append(parts, flagText(e))
		}
		return strings.Join(parts, "; ")
	}
	var late *bench.LateStart
	if errors.As(err, &late) {
		return fmt.Sprintf("late for --start-at %s: %s past it, more than --start-tolerance %s; this shard sends nothing (give every shard a --start-at a little ahead)",
			late.At.UTC().Format(time.RFC3339), late.Late.Round(time.Millisecond), late.Tolerance)
	}
	var se *setting.Error
	if errors.As(err, &se) {
		flag := "--" + se.Key
		if se.Value != "" {
			flag += " " + se.Value
		}
		return strings.Replace(err.Error(), se.Error(), flag+": "+strings.ReplaceAll(se.Err.Error(), "\n", "; "), 1)
	}
	return strings.ReplaceAll(err.Error(), "\n", "; ")
}

// withKeyPrefix puts prefix before the key of every setting in err: the
// emulator's settings are its flags less "emu-".
func withKeyPrefix(err error, prefix string) error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			withKeyPrefix(e, prefix)
		}
		return err
	}
	var se *setting.Error
	if errors.As(err, &se) {
		se.Key = prefix + se.Key
	}
	return err
}
