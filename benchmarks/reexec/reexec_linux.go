package reexec

import (
	"os/exec"
	"syscall"
)

// setParentDeathSignal makes the kernel kill the child if the parent dies
// first.
func setParentDeathSignal(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
