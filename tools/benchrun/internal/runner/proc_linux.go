package runner

import "syscall"

// groupAttr puts a command in a process group of its own, and asks the
// kernel to kill it when benchrun dies first.
func groupAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
