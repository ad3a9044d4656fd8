//go:build unix

package runner

import (
	"errors"
	"os"
	"syscall"
)

// interruptGroup sends an interrupt to p's process group.
func interruptGroup(p *os.Process) error {
	return signalGroup(p, syscall.SIGINT)
}

// killGroup kills what is left of p's process group.
func killGroup(p *os.Process) {
	signalGroup(p, syscall.SIGKILL)
}

func signalGroup(p *os.Process, sig syscall.Signal) error {
	// The group's id is its leader's process id.
	err := syscall.Kill(-p.Pid, sig)
	if errors.Is(err, syscall.ESRCH) {
		return os.ErrProcessDone
	}
	return err
}
