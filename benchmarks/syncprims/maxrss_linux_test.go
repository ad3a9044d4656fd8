package syncprims

import (
	"os"
	"syscall"
)

// maxRSS returns the peak resident size of an ended process, in bytes.
// Linux reports it in KiB.
func maxRSS(ps *os.ProcessState) (float64, bool) {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0, false
	}
	return float64(ru.Maxrss) * 1024, true
}
