//go:build !linux

package models

import "os/exec"

// setParentDeathSignal does nothing where the kernel offers no parent-death
// signal; the pool still reaps every worker it started before Map returns.
func setParentDeathSignal(cmd *exec.Cmd) {}
