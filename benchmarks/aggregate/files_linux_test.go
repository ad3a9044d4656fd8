package aggregate_test

import (
	"fmt"
	"os"
	"syscall"
)

// openFiles returns how many file descriptors process pid holds.
func openFiles(pid int) (int, error) {
	entries, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return 0, fmt.Errorf("counting the open files of process %d: %w", pid, err)
	}
	return len(entries), nil
}

// filesLimit returns the soft limit on open files (ulimit -n), which the
// Go runtime has already raised to the hard limit.
func filesLimit() (uint64, error) {
	var r syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &r); err != nil {
		return 0, fmt.Errorf("reading the open files limit: %w", err)
	}
	return r.Cur, nil
}
