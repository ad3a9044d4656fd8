package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A hangingRun is benchrun (this test binary, re-executed) running the
// fake suite's gamma benchmark, which hangs holding a child that ignores
// interrupts.
type hangingRun struct {
	cmd    *exec.Cmd
	stderr bytes.Buffer
	exited chan error // receives Wait's result
	pids   []int      // the benchmark's process and its child
}

// startHanging starts a hangingRun with benchrun's args added and returns
// once the benchmark's process and its child both run.
func startHanging(t *testing.T, dir string, args ...string) *hangingRun {
	t.Helper()
	fifo := filepath.Join(dir, "pids")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	args = append([]string{"-bench", "Gamma", "-cpu", "1", "-count", "1", "-benchtime", "100x", "-machine", "m1", "-outdir", dir}, args...)
	h := &hangingRun{cmd: exec.Command(exe, args...), exited: make(chan error, 1)}
	h.cmd.Env = append(os.Environ(), mainEnv+"=1", "FAKESUITE_HANG="+fifo)
	h.cmd.Stderr = &h.stderr
	if err := h.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { h.exited <- h.cmd.Wait() }()
	t.Cleanup(func() { h.cmd.Process.Kill() })
	read := make(chan string, 1)
	go func() {
		// Opened for reading and writing, a FIFO does not wait for a
		// writer, so a benchrun that fails early cannot hang this.
		f, err := os.OpenFile(fifo, os.O_RDWR, 0)
		if err != nil {
			read <- err.Error()
			return
		}
		line, _ := bufio.NewReader(f).ReadString('\n')
		read <- line
	}()
	var line string
	select {
	case line = <-read:
	case err := <-h.exited:
		t.Fatalf("benchrun ended before the benchmark started: %v\n%s", err, &h.stderr)
	case <-time.After(2 * time.Minute): // a hang guard only
		t.Fatalf("the benchmark did not start in 2 minutes:\n%s", &h.stderr)
	}
	var parent, child int
	if _, err := fmt.Sscan(line, &parent, &child); err != nil {
		t.Fatalf("benchmark wrote %q: %v", line, err)
	}
	h.pids = []int{parent, child}
	t.Cleanup(func() {
		for _, pid := range h.pids {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	})
	return h
}

// running reports whether process pid exists and is not a zombie.
func running(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// The state follows the command name, which is in parentheses.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || !strings.HasPrefix(s[i+1:], " Z")
}

// checkGone fails unless every process in pids ends; the wait is a hang
// guard, not a measure of promptness.
func checkGone(t *testing.T, pids []int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for _, pid := range pids {
		for running(pid) {
			if time.Now().After(deadline) {
				t.Errorf("process %d still runs", pid)
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

// checkStopped checks what a stopped run leaves: only a .partial file.
func checkStopped(t *testing.T, dir string) {
	t.Helper()
	partials, _ := filepath.Glob(filepath.Join(dir, "*.partial"))
	if len(partials) != 1 {
		t.Errorf("kept %v, want one .partial file", partials)
	}
	if complete, _ := filepath.Glob(filepath.Join(dir, "*.txt")); len(complete) > 0 {
		t.Errorf("a stopped run left %v, which reads as complete", complete)
	}
}

// buildBundle builds the fake suite into a bundle with benchrun -build.
func buildBundle(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "bundle")
	var stdout, stderr bytes.Buffer
	if err := run([]string{"-build", dir, "-suite", suite}, &stdout, &stderr); err != nil {
		t.Fatalf("benchrun -build: %v\n%s", err, &stderr)
	}
	if got := stdout.String(); got != dir+"\n" {
		t.Errorf("benchrun -build printed %q, want the folder", got)
	}
	return dir
}

// TestSignalEndsEveryProcess sends a signal to benchrun alone, as kill
// does, and checks that the test binary and its child (which ignores
// interrupts) end too and that the .partial file is kept.
func TestSignalEndsEveryProcess(t *testing.T) {
	bundle := buildBundle(t)
	for _, tc := range []struct {
		sig  syscall.Signal
		args []string
	}{
		{syscall.SIGINT, []string{"-suite", suite}},
		{syscall.SIGTERM, []string{"-suite", suite}},
		{syscall.SIGHUP, []string{"-suite", suite}},
		{syscall.SIGINT, []string{"-bin", bundle}},
		{syscall.SIGTERM, []string{"-bin", bundle}},
	} {
		sig := tc.sig
		t.Run(sig.String()+strings.Join(tc.args, " "), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			h := startHanging(t, dir, tc.args...)
			if err := h.cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			err := <-h.exited
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 1 {
				t.Errorf("benchrun ended with %v, want exit status 1", err)
			}
			checkGone(t, h.pids)
			if want := "stopped: " + sig.String() + " signal received"; !strings.Contains(h.stderr.String(), want) {
				t.Errorf("benchrun's message lacks %q:\n%s", want, &h.stderr)
			}
			checkStopped(t, dir)
		})
	}
}

// TestKillEndsBundleProcesses kills benchrun -bin with SIGKILL, which it
// cannot catch: on Linux the kernel kills its test binary (a parent-death
// signal), whose own children are tied to it in turn, and nothing is left
// but the .partial file.
func TestKillEndsBundleProcesses(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("FAKESUITE_TIED", "1")
	h := startHanging(t, dir, "-bin", buildBundle(t))
	if err := h.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-h.exited
	checkGone(t, h.pids)
	checkStopped(t, dir)
}
