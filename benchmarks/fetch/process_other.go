//go:build !linux

package fetch

import "os/exec"

// setParentDeathSignal does nothing where the kernel offers no parent-death
// signal; the server still exits when its stdin closes with the parent.
func setParentDeathSignal(cmd *exec.Cmd) {}
