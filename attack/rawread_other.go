//go:build !unix

package attack

// rawReads: elsewhere than on Unix, requests are written and the answer's
// first byte read through the connection, as over TLS.
const rawReads = false

func readFD(uintptr, []byte) (int, error) { panic("attack: readFD without rawReads") }

func writeFD(uintptr, []byte) (int, error) { panic("attack: writeFD without rawReads") }
