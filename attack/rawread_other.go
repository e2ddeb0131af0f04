//go:build !unix

package attack

// rawReads: elsewhere than on Unix, the answer's first byte is read while
// waiting, as over TLS.
const rawReads = false

func readFD(uintptr, []byte) (int, error) { panic("attack: readFD without rawReads") }
