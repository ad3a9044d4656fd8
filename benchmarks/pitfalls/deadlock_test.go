package pitfalls_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestUnreadUnbufferedSend(t *testing.T) {
	t.Run("in main: deadlock", func(t *testing.T) {
		out, status := runProgram(t, buildDeadlock(t))
		if status != 2 {
			t.Errorf("exit status %d, want 2 (a fatal error); output:\n%s", status, out)
		}
		for _, want := range []string{"fatal error: all goroutines are asleep - deadlock!", "chan send", "main.main()"} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q; output:\n%s", want, out)
			}
		}
	})

	t.Run("in a goroutine: leak", func(t *testing.T) {
		others := goleak.IgnoreCurrent()
		ch := make(chan int)
		go sendUnread(ch, 1)
		waitForStates(t, map[string]string{"sendUnread": "chan send"})
		err := goleak.Find(others)
		if err == nil {
			t.Fatal("goleak.Find found no leak, want the goroutine blocked in sendUnread")
		}
		for _, want := range []string{"sendUnread", "chan send"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("goleak.Find's report lacks %q:\n%v", want, err)
			}
		}
		<-ch // release it, so that it does not leak past the test
		if err := goleak.Find(others); err != nil {
			t.Errorf("after the receive: %v", err)
		}
	})

	// The remedies: room for the value, or a way out on cancellation.
	remedies := []struct {
		name  string
		start func()
	}{
		{"buffered channel", func() {
			go sendUnread(make(chan int, 1), 1)
		}},
		{"select with cancellation", func() {
			ctx, stop := context.WithCancel(context.Background())
			go sendOrGiveUp(ctx, make(chan int), 1)
			stop()
		}},
	}
	for _, tc := range remedies {
		t.Run(tc.name, func(t *testing.T) {
			others := goleak.IgnoreCurrent()
			tc.start()
			if err := goleak.Find(others); err != nil {
				t.Errorf("the sender leaked: %v", err)
			}
		})
	}
}

// sendUnread sends v on ch, which blocks until someone receives it.
func sendUnread(ch chan<- int, v int) {
	ch <- v
}

// sendOrGiveUp sends v on ch unless ctx is cancelled first.
func sendOrGiveUp(ctx context.Context, ch chan<- int, v int) {
	select {
	case ch <- v:
	case <-ctx.Done():
	}
}

// buildDeadlock builds the program of testdata/deadlock without cgo and
// returns its path. The runtime's deadlock check cannot fire in this test
// binary: it links cgo (through package net) and may be built with -race.
func buildDeadlock(t *testing.T) string {
	t.Helper()
	gocmd, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("building testdata/deadlock needs the go command: %v", err)
	}
	exe := filepath.Join(t.TempDir(), "deadlock")
	ctx, cancel := context.WithTimeout(t.Context(), patience)
	defer cancel()
	cmd := exec.CommandContext(ctx, gocmd, "build", "-o", exe, "./testdata/deadlock")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building testdata/deadlock: %v\n%s", err, out)
	}
	return exe
}
