package setting

import (
	"errors"
	"testing"
)

func TestError(t *testing.T) {
	for _, tt := range []struct {
		err  *Error
		want string
	}{
		{Errorf("think", "", "%s must be at least %s", "-1s", "0s"), "think: -1s must be at least 0s"},
		{Errorf("architecture", `"sparc"`, "want arm64 or x86_64"), `architecture "sparc": want arm64 or x86_64`},
	} {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q; want %q", got, tt.want)
		}
	}
	inner := errors.New("disk full")
	if e := (&Error{Key: "csv", Err: inner}); !errors.Is(e, inner) {
		t.Errorf("%v does not unwrap to %v", e, inner)
	}
}
