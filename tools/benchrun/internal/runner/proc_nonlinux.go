//go:build unix && !linux

package runner

import "syscall"

// groupAttr puts a command in a process group of its own. These systems
// have no parent-death signal: a benchrun killed with SIGKILL leaves its
// command running until the command next writes to its closed output.
func groupAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
