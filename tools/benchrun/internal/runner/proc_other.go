//go:build !unix

package runner

import (
	"os"
	"syscall"
)

// groupAttr does nothing here: without Unix process groups a stopped run
// ends its direct child only.
func groupAttr() *syscall.SysProcAttr { return nil }

// interruptGroup kills p: there is no interrupt to send it.
func interruptGroup(p *os.Process) error { return p.Kill() }

// killGroup does nothing: interruptGroup already killed p.
func killGroup(*os.Process) {}
