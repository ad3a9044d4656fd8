package gamma

import (
	"os/exec"
	"syscall"
)

// tie makes the kernel kill cmd when this process dies.
func tie(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
