// Package setting names a setting whose value a library cannot use by the
// library's own key for it ("think", "time-scale", "price-requests"), so
// that a front end says it in its own words: the CLI as its flag
// (--think, --emu-time-scale). Libraries never name a flag themselves.
package setting

import "fmt"

// Error is a setting whose value cannot be used.
type Error struct {
	// Key is the library's name for the setting, lower-case with hyphens.
	Key string
	// Value is the value as the user would recognise it ("-1s", `"sparc"`);
	// empty when the message says it.
	Value string
	Err   error
}

// Errorf is an Error for key and value, its message formatted.
func Errorf(key, value, format string, a ...any) *Error {
	return &Error{Key: key, Value: value, Err: fmt.Errorf(format, a...)}
}

func (e *Error) Error() string {
	s := e.Key
	if e.Value != "" {
		s += " " + e.Value
	}
	return s + ": " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }
