package aggregate

import (
	"errors"
	"syscall"

	"golang.org/x/sys/unix"
)

// ReusePortSupported reports whether [Listen] can set SO_REUSEPORT here,
// and so whether the [Workers] deployment runs.
const ReusePortSupported = true

// ErrNoReusePort is the error of [Listen] with reusePort where
// SO_REUSEPORT is not supported.
var ErrNoReusePort = errors.New("SO_REUSEPORT, which lets worker processes share a port, is supported on Linux only")

// setReusePort sets SO_REUSEPORT on a socket before it binds. The Linux
// kernel then hashes each new connection to one of the sockets bound to
// the port.
func setReusePort(network, address string, c syscall.RawConn) error {
	var sockErr error
	if err := c.Control(func(fd uintptr) {
		sockErr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_REUSEPORT, 1)
	}); err != nil {
		return err
	}
	return sockErr
}
