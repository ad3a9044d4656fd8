package syncprims

import (
	"bytes"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// raceExitCode is the exit status of a program in which the race detector
// found a race (GORACE's exitcode option, 66 by default).
const raceExitCode = 66

// TestRaceDetector builds testdata/racy with -race and runs it twice: the
// unsynchronised counter must be reported as a data race, and the same
// counter behind a sync.Mutex must not. It is the Go answer to the seed's
// "why the lock": a lost update is silent, the race detector is not.
func TestRaceDetector(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program with -race, a few seconds: skipped in -short mode")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("the go command is not on PATH: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "racy")
	build := exec.CommandContext(t.Context(), goTool, "build", "-race", "-o", bin, "./testdata/racy")
	if out, err := build.CombinedOutput(); err != nil {
		if msg := string(out); strings.Contains(msg, "-race is not supported") || strings.Contains(msg, "-race requires cgo") {
			t.Skipf("the race detector is not available here: %s", strings.TrimSpace(msg))
		}
		t.Fatalf("go build -race: %v\n%s", err, out)
	}
	for _, tc := range []struct {
		name     string
		args     []string
		wantRace bool
	}{
		{"unlocked", nil, true},
		{"locked", []string{"-locked"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.CommandContext(t.Context(), bin, tc.args...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			code := 0
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				code = exit.ExitCode()
			} else if err != nil {
				t.Fatalf("running %s: %v", bin, err)
			}
			reported := strings.Contains(stderr.String(), "WARNING: DATA RACE")
			if reported != tc.wantRace {
				t.Errorf("race reported: %t, want %t; stderr:\n%s", reported, tc.wantRace, stderr.String())
			}
			wantCode := 0
			if tc.wantRace {
				wantCode = raceExitCode
			}
			if code != wantCode {
				t.Errorf("exit status %d, want %d", code, wantCode)
			}
			if !tc.wantRace && strings.TrimSpace(stdout.String()) != "4000" {
				t.Errorf("locked total = %q, want 4000", stdout.String())
			}
		})
	}
}
