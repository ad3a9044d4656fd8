//go:build !linux

package fetch_test

import (
	"errors"
	"runtime"
)

// On other systems the limits are not read; BenchmarkInflight then cannot
// name the one that blocks it, and reports fewer figures.
var errNoLimits = errors.New("not known on " + runtime.GOOS)

func openFilesLimit() (uint64, error) { return 0, errNoLimits }
func ephemeralPorts() (int, error)    { return 0, errNoLimits }
func somaxconn() (int, error)         { return 0, errNoLimits }
func listenOverflows() (int64, error) { return 0, errNoLimits }
func rssBytes() (int64, error)        { return 0, errNoLimits }
