//go:build !linux

package aggregate

import (
	"errors"
	"runtime"
	"syscall"
)

// ReusePortSupported reports whether [Listen] can set SO_REUSEPORT here,
// and so whether the [Workers] deployment runs.
const ReusePortSupported = false

// ErrNoReusePort is the error of [Listen] with reusePort where
// SO_REUSEPORT is not supported.
var ErrNoReusePort = errors.New("SO_REUSEPORT, which lets worker processes share a port, is supported on Linux only, not on " + runtime.GOOS)

// setReusePort is never called where ReusePortSupported is false.
func setReusePort(network, address string, c syscall.RawConn) error { return ErrNoReusePort }
