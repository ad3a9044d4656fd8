package fetch_test

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// openFilesLimit returns the soft limit on open files (ulimit -n), which
// the Go runtime has already raised to the hard limit.
func openFilesLimit() (uint64, error) {
	var r syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &r); err != nil {
		return 0, fmt.Errorf("reading the open files limit: %w", err)
	}
	return r.Cur, nil
}

// ephemeralPorts returns how many local ports outgoing connections may use
// (net.ipv4.ip_local_port_range).
func ephemeralPorts() (int, error) {
	const path = "/proc/sys/net/ipv4/ip_local_port_range"
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("reading the ephemeral port range: %w", err)
	}
	var lo, hi int
	if _, err := fmt.Sscan(string(b), &lo, &hi); err != nil {
		return 0, fmt.Errorf("parsing %s %q: %w", path, bytes.TrimSpace(b), err)
	}
	return hi - lo + 1, nil
}

// somaxconn returns the cap on a listen backlog (net.core.somaxconn): the
// connections a server has not accepted yet beyond it are dropped, and
// their clients retry the SYN after a second.
func somaxconn() (int, error) {
	b, err := os.ReadFile("/proc/sys/net/core/somaxconn")
	if err != nil {
		return 0, fmt.Errorf("reading net.core.somaxconn: %w", err)
	}
	return strconv.Atoi(strings.TrimSpace(string(b)))
}

// listenOverflows returns the kernel's count of connections dropped
// because a listen backlog was full (TcpExt ListenOverflows), for the
// whole network namespace.
func listenOverflows() (int64, error) {
	f, err := os.Open("/proc/net/netstat")
	if err != nil {
		return 0, fmt.Errorf("reading the listen overflows: %w", err)
	}
	defer f.Close()
	// The file pairs a header line with a value line per protocol.
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		names := strings.Fields(sc.Text())
		if !sc.Scan() {
			break
		}
		values := strings.Fields(sc.Text())
		if len(names) == 0 || names[0] != "TcpExt:" || len(values) != len(names) {
			continue
		}
		for i, name := range names {
			if name == "ListenOverflows" {
				return strconv.ParseInt(values[i], 10, 64)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return 0, fmt.Errorf("reading the listen overflows: %w", err)
	}
	return 0, fmt.Errorf("no TcpExt ListenOverflows in /proc/net/netstat")
}
