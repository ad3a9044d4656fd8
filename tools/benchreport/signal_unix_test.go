//go:build unix

package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSignalLeavesNoTemps runs the command (this test binary under the
// name benchreport, see TestMain) on a large file and signals it once its
// temporary files exist: it must exit with 128 plus the signal's number
// and leave no temporary file, whenever the signal lands.
func TestSignalLeavesNoTemps(t *testing.T) {
	if testing.Short() {
		t.Skip("renders a report of 40,000 benchmarks")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cmdPath := filepath.Join(dir, "benchreport")
	if err := os.Symlink(exe, cmdPath); err != nil {
		t.Fatal(err)
	}
	input := filepath.Join(dir, "large.txt")
	if err := os.WriteFile(input, []byte(largeResults(40_000)), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "r.html")
			cmd := exec.Command(cmdPath, "-o", out, input)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			tempsSeen := false
			for !tempsSeen {
				select {
				case err := <-exited:
					t.Skipf("the command finished (%v) before its temporary files were seen", err)
				case <-time.After(5 * time.Millisecond):
				}
				names, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".r.*.tmp"))
				tempsSeen = len(names) > 0
			}
			if err := cmd.Process.Signal(sig); errors.Is(err, os.ErrProcessDone) {
				t.Skip("the command finished before the signal")
			} else if err != nil {
				t.Fatal(err)
			}
			err := <-exited
			if err == nil {
				t.Skip("the command finished before the signal landed")
			}
			var exit *exec.ExitError
			if !errors.As(err, &exit) {
				t.Fatalf("the command exited with %v after %v, want status %d", err, sig, 128+int(sig))
			}
			if code := exit.ExitCode(); code != 128+int(sig) {
				t.Errorf("exit status %d after %v, want %d", code, sig, 128+int(sig))
			}
			entries, err := os.ReadDir(filepath.Dir(out))
			if err != nil {
				t.Fatal(err)
			}
			var left []string
			for _, e := range entries {
				if strings.HasPrefix(e.Name(), ".") {
					left = append(left, e.Name())
				}
			}
			if len(left) > 0 {
				t.Errorf("temporary files left after %v: %v", sig, left)
			}
		})
	}
}
