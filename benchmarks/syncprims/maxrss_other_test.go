//go:build !linux

package syncprims

import "os"

// maxRSS reports nothing where the unit of Rusage.Maxrss differs from
// Linux's or where there is no Rusage.
func maxRSS(*os.ProcessState) (float64, bool) { return 0, false }
