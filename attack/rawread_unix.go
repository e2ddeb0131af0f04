//go:build unix

package attack

import "syscall"

// rawReads: the answer's start can be read on the socket itself, inside
// Go's poller, without a goroutine parked on a buffer.
const rawReads = true

func readFD(fd uintptr, p []byte) (int, error) { return syscall.Read(int(fd), p) }
