package syncprims

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	// A re-executed test binary plays the other process of the process
	// benchmarks (see switch_test.go) instead of running the tests.
	if role := os.Getenv(childEnv); role != "" {
		os.Exit(runChild(role, os.Stdin, os.Stdout, os.Stderr))
	}
	goleak.VerifyTestMain(m)
}

// The implementations under test, by the prim value of their benchmark
// names.
var (
	counters = []struct {
		prim string
		new  func() Counter
	}{
		{"mutex", func() Counter { return NewMutexCounter() }},
		{"rwmutex", func() Counter { return NewRWMutexCounter() }},
		{"atomic", func() Counter { return NewAtomicCounter() }},
		{"chan", func() Counter { return NewChanCounter() }},
	}
	semaphores = []struct {
		prim string
		new  func(k int) Semaphore
	}{
		{"chan", func(k int) Semaphore { return NewChanSemaphore(k) }},
		{"weighted", func(k int) Semaphore { return NewWeightedSemaphore(k) }},
	}
	events = []struct {
		prim string
		new  func() Event
	}{
		{"chan", func() Event { return NewChanEvent() }},
		{"cond", func() Event { return NewCondEvent() }},
	}
	joins = []struct {
		prim string
		join Join
	}{
		{"waitgroup", JoinWaitGroup},
		{"errgroup", JoinErrgroup},
	}
)

// TestCounterExact increments every counter from many goroutines, with
// readers running alongside, and checks the exact total: a lost update
// would show as a smaller one.
func TestCounterExact(t *testing.T) {
	const goroutines, increments = 8, 5000
	for _, tc := range counters {
		t.Run("prim="+tc.prim, func(t *testing.T) {
			c := tc.new()
			var wg sync.WaitGroup
			wg.Add(2 * goroutines)
			for range goroutines {
				go func() {
					defer wg.Done()
					for range increments {
						c.Inc()
					}
				}()
				go func() {
					defer wg.Done()
					last := int64(0)
					for range increments / 10 {
						n := c.Load()
						if n < last || n > goroutines*increments {
							t.Errorf("Load() = %d after %d, out of range", n, last)
							return
						}
						last = n
					}
				}()
			}
			wg.Wait()
			if got, want := c.Load(), int64(goroutines*increments); got != want {
				t.Errorf("total = %d, want %d", got, want)
			}
		})
	}
}

// holders counts the goroutines inside a semaphore and remembers the
// most there ever were.
type holders struct {
	now, max atomic.Int64
}

func (h *holders) enter() {
	n := h.now.Add(1)
	for {
		m := h.max.Load()
		if n <= m || h.max.CompareAndSwap(m, n) {
			return
		}
	}
}

func (h *holders) leave() { h.now.Add(-1) }

// TestSemaphoreBound hammers every semaphore and checks that no more than
// k goroutines ever held it together.
func TestSemaphoreBound(t *testing.T) {
	const k, goroutines, rounds = 3, 16, 300
	for _, tc := range semaphores {
		t.Run("prim="+tc.prim, func(t *testing.T) {
			s := tc.new(k)
			var h holders
			var wg sync.WaitGroup
			wg.Add(goroutines)
			for range goroutines {
				go func() {
					defer wg.Done()
					for range rounds {
						if err := s.Acquire(t.Context()); err != nil {
							t.Error(err)
							return
						}
						h.enter()
						runtime.Gosched() // invite others in while holding
						h.leave()
						s.Release()
					}
				}()
			}
			wg.Wait()
			if m := h.max.Load(); m > k || m < 1 {
				t.Errorf("at most %d holders at once, want between 1 and %d", m, k)
			}
		})
	}
}

// TestSemaphoreCancel checks that Acquire on a full semaphore gives up
// when its context is done, and that Release of nothing panics.
func TestSemaphoreCancel(t *testing.T) {
	for _, tc := range semaphores {
		t.Run("prim="+tc.prim, func(t *testing.T) {
			s := tc.new(1)
			if err := s.Acquire(t.Context()); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(t.Context())
			cancel()
			if err := s.Acquire(ctx); !errors.Is(err, context.Canceled) {
				t.Errorf("Acquire on a full semaphore with a cancelled context = %v, want context.Canceled", err)
			}
			s.Release()
			defer func() {
				if recover() == nil {
					t.Error("Release with nothing held did not panic")
				}
			}()
			s.Release()
		})
	}
}

// TestEventWakesEveryWaiterOnce starts waiters before and after Set and
// checks that each returns from Wait exactly once.
func TestEventWakesEveryWaiterOnce(t *testing.T) {
	const before, after = 8, 4
	for _, tc := range events {
		t.Run("prim="+tc.prim, func(t *testing.T) {
			e := tc.new()
			wakes := make([]int, before+after)
			var wg sync.WaitGroup
			wait := func(i int) {
				defer wg.Done()
				if err := e.Wait(t.Context()); err != nil {
					t.Error(err)
					return
				}
				wakes[i]++
			}
			wg.Add(before + after)
			for i := range before {
				go wait(i)
			}
			e.Set()
			e.Set() // a second Set changes nothing
			for i := range after {
				go wait(before + i)
			}
			wg.Wait()
			want := slices.Repeat([]int{1}, before+after)
			if diff := cmp.Diff(want, wakes); diff != "" {
				t.Errorf("wake-ups per waiter (-want +got):\n%s", diff)
			}
		})
	}
}

// TestEventCancel checks that Wait on an unset event returns once its
// context is cancelled.
func TestEventCancel(t *testing.T) {
	for _, tc := range events {
		t.Run("prim="+tc.prim, func(t *testing.T) {
			e := tc.new()
			ctx, cancel := context.WithCancel(t.Context())
			errs := make(chan error)
			for range 3 {
				go func() { errs <- e.Wait(ctx) }()
			}
			cancel()
			for range 3 {
				if err := <-errs; !errors.Is(err, context.Canceled) {
					t.Errorf("Wait = %v, want context.Canceled", err)
				}
			}
		})
	}
}

// TestJoin checks that both joins run every task once and wait for all of
// them, and what each does with errors: the WaitGroup join keeps them all,
// errgroup keeps the first.
func TestJoin(t *testing.T) {
	const n = 50
	errOdd := errors.New("odd")
	for _, tc := range joins {
		t.Run("prim="+tc.prim, func(t *testing.T) {
			ran := make([]int, n)
			err := tc.join(n, func(i int) error {
				ran[i]++
				if i%2 == 1 {
					return fmt.Errorf("task %d: %w", i, errOdd)
				}
				return nil
			})
			if diff := cmp.Diff(slices.Repeat([]int{1}, n), ran); diff != "" {
				t.Errorf("runs per task (-want +got):\n%s", diff)
			}
			if !errors.Is(err, errOdd) {
				t.Fatalf("join returned %v, want an error wrapping %v", err, errOdd)
			}
			wantErrs := 1 // errgroup: the first error only
			if tc.prim == "waitgroup" {
				wantErrs = n / 2
			}
			var joined interface{ Unwrap() []error }
			got := 1
			if errors.As(err, &joined) {
				got = len(joined.Unwrap())
			}
			if got != wantErrs {
				t.Errorf("join returned %d errors, want %d: %v", got, wantErrs, err)
			}
			if err := tc.join(n, func(int) error { return nil }); err != nil {
				t.Errorf("join of tasks that succeed = %v", err)
			}
		})
	}
}
