//go:build !unix

package sysinfo

import (
	"fmt"
	"runtime"
)

func hardNoFile() (uint64, error) {
	return 0, fmt.Errorf("no open-file limit on %s", runtime.GOOS)
}
