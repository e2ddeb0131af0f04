//go:build unix

package attack

import "syscall"

// rawReads: a request can be written and its answer's start read on the
// socket itself, inside Go's poller, without a goroutine parked on a
// buffer.
const rawReads = true

func readFD(fd uintptr, p []byte) (int, error) { return syscall.Read(int(fd), p) }

func writeFD(fd uintptr, p []byte) (int, error) { return syscall.Write(int(fd), p) }
