package main

import "fmt"

// Exit codes, every one the program has. README lists them.
const (
	exitOK          = 0
	exitFailure     = 1 // a run could not write its results, or the server failed
	exitBadInput    = 2
	exitNoSuccess   = 3  // the run ended but not one request succeeded
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
