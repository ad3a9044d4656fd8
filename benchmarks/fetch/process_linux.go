package fetch

import (
	"os/exec"
	"syscall"
)

// setParentDeathSignal makes the kernel kill the server if the parent dies
// first, so that even a crashed benchmark leaves no server behind.
func setParentDeathSignal(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
