package runner

import (
	"context"
	"os/exec"
	"time"
)

// stopGrace is how long a command's process group has, after the
// interrupt that a cancelled run sends it, before it is killed.
const stopGrace = 2 * time.Second

// command returns a command for go test or a test binary that runs in a
// process group of its own, so that stopping a run reaches every process
// of it: go test, the test binary go test starts, and the children a
// benchmark starts (process-pool workers, the fetch server). A terminal's
// Ctrl-C then reaches only benchrun, which passes it on.
//
// When ctx is done the group gets an interrupt, on which a test binary
// stops at once, and go test with it; whatever is left after stopGrace is
// killed by [runGroup]. On Linux the command is also killed by the kernel
// if benchrun dies without a chance to stop it (SIGKILL).
func command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.SysProcAttr = groupAttr()
	cmd.Cancel = func() error { return interruptGroup(cmd.Process) }
	cmd.WaitDelay = stopGrace
	return cmd
}

// runGroup runs a command made by [command]. When the run was stopped, it
// kills what is left of the command's process group once the command
// itself has ended: a child that ignored the interrupt, or one whose
// parent was killed before it could pass the interrupt on.
func runGroup(ctx context.Context, cmd *exec.Cmd) error {
	err := cmd.Run()
	if ctx.Err() != nil && cmd.Process != nil {
		killGroup(cmd.Process)
	}
	return err
}
