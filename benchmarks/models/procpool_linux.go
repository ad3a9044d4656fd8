package models

import (
	"os/exec"
	"syscall"
)

// setParentDeathSignal makes the kernel kill the worker if the parent dies
// first, so that even a crashed benchmark leaves no worker behind.
func setParentDeathSignal(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
