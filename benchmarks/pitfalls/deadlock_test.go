package pitfalls_test

import (
	"context"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestUnreadUnbufferedSend(t *testing.T) {
	t.Run("in main: deadlock", func(t *testing.T) {
		if raceEnabled {
			// The runtime's deadlock check does not fire in a binary built
			// with -race (https://github.com/golang/go/issues/20588): the
			// child would hang. The goroutine case below still runs.
			t.Skip("deadlock detection does not work under the race detector (golang/go#20588)")
		}
		out, status := startChild(t, childUnreadSend)
		if status != 2 {
			t.Errorf("child exit status %d, want 2 (a fatal error); output:\n%s", status, out)
		}
		for _, want := range []string{"fatal error: all goroutines are asleep - deadlock!", "chan send"} {
			if !strings.Contains(out, want) {
				t.Errorf("child output lacks %q; output:\n%s", want, out)
			}
		}
	})

	t.Run("in a goroutine: leak", func(t *testing.T) {
		others := goleak.IgnoreCurrent()
		ch := make(chan int)
		go sendUnread(ch, 1)
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

// sendNobodyReceives is a child program: main sends on an unbuffered
// channel that no goroutine receives from.
func sendNobodyReceives() {
	ch := make(chan int)
	ch <- 1
}
