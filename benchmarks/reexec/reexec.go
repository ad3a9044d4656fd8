// Package reexec starts the current binary again as a child process in
// another role: a process-pool worker, the fetch case's HTTP server, the
// aggregation service and its load generator, the partner of a ping-pong,
// a program that shows a pitfall. A Go binary cannot fork itself, so each
// of those is a re-execution with an environment variable that the
// child's main (or TestMain) looks at before doing anything else.
//
// [Command] builds such a command; [Start] starts one with the pipes that
// most children use: orders in on standard input, answers out on standard
// output, and an exit when standard input closes.
package reexec

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
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

// A Child is a running re-execution of the current binary, started by
// [Start], with a pipe to its standard input and one from its standard
// output. Closing Stdin is how a parent asks such a child to exit: it
// sees the end of its input, and it sees the same when the parent dies
// on a system without a parent-death signal.
type Child struct {
	// Stdin is the write end of the child's standard input.
	Stdin io.WriteCloser
	// Stdout is the read end of the child's standard output. Read it to
	// its end before calling Wait, as for exec.Cmd.StdoutPipe.
	Stdout io.Reader

	cmd  *exec.Cmd
	once sync.Once
	err  error // what cmd.Wait returned
}

// Start starts the current binary as a child with env added, as
// [Command] does, its standard error written to stderr (nil discards it)
// and pipes for its standard input and output.
func Start(stderr io.Writer, env ...string) (*Child, error) {
	cmd, err := Command(env...)
	if err != nil {
		return nil, err
	}
	cmd.Stderr = stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("making the pipe to the child's stdin: %w", err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("making the pipe from the child's stdout: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", cmd.Path, err)
	}
	return &Child{Stdin: stdin, Stdout: stdout, cmd: cmd}, nil
}

// Pid returns the child's process id.
func (c *Child) Pid() int { return c.cmd.Process.Pid }

// Signal sends sig to the child. After the child has been reaped it
// returns os.ErrProcessDone.
func (c *Child) Signal(sig os.Signal) error { return c.cmd.Process.Signal(sig) }

// Kill kills the child. Killing a child that has already exited does
// nothing.
func (c *Child) Kill() { c.cmd.Process.Kill() }

// Wait waits for the child to exit and reaps it. It may be called any
// number of times, from any goroutine: every call returns what the first
// one got from exec.Cmd.Wait.
func (c *Child) Wait() error {
	c.once.Do(func() { c.err = c.cmd.Wait() })
	return c.err
}

// Stop closes the child's standard input, which asks it to exit, and
// reaps it; it kills the child if it has not exited within grace. The
// error is Wait's, or says that the child was killed.
func (c *Child) Stop(grace time.Duration) error {
	c.Stdin.Close()
	done := make(chan error, 1)
	go func() { done <- c.Wait() }()
	timer := time.NewTimer(grace)
	defer timer.Stop()
	select {
	case err := <-done:
		return err
	case <-timer.C:
		c.Kill()
		<-done
		return errors.New("did not exit within " + grace.String() + " of its stdin closing; killed")
	}
}
