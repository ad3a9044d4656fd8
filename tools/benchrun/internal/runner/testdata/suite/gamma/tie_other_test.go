//go:build !linux

package gamma

import "os/exec"

// tie does nothing where the kernel has no parent-death signal.
func tie(*exec.Cmd) {}
