//go:build !linux

package reexec

import "os/exec"

// setParentDeathSignal does nothing where the kernel offers no parent-death
// signal.
func setParentDeathSignal(cmd *exec.Cmd) {}
