// Package reexec starts the current binary again as a child process in
// another role: a process-pool worker, the fetch case's HTTP server, the
// partner of a ping-pong, a program that shows a pitfall. A Go binary
// cannot fork itself, so each of those is a re-execution with an
// environment variable that the child's main (or TestMain) looks at before
// doing anything else.
package reexec

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// Command returns a command that runs the current binary with env added to
// this process's environment. It does not start it.
//
// The child is tied to its parent: on Linux the kernel kills it if the
// parent dies first, so that even a crashed benchmark leaves no process
// behind (elsewhere the caller must see to it, for example by making the
// child exit when its standard input closes). A child built with -race
// does not pause at exit as the race runtime otherwise does for 1 s: a
// child's exit is often on the measured path.
func Command(env ...string) (*exec.Cmd, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("finding the current binary: %w", err)
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), env...)
	cmd.Env = append(cmd.Env, "GORACE="+strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
	setParentDeathSignal(cmd)
	return cmd, nil
}
