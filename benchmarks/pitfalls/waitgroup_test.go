package pitfalls_test

import (
	"sync"
	"sync/atomic"
	"testing"
)

func TestWaitGroupAddInsideGoroutine(t *testing.T) {
	tests := []struct {
		name string
		// start starts one goroutine that waits for gate, does its work
		// (sets done) and is counted by wg, then calls Wait and reports
		// whether the work was done when Wait returned. It closes gate
		// only where a correct program could: before a Wait that would
		// otherwise block forever, or after one that has returned.
		start    func(wg *sync.WaitGroup, gate chan struct{}, done *atomic.Bool, exited chan<- struct{}) bool
		wantDone bool
	}{
		{
			// Wait runs before the goroutine's Add, as it may whenever
			// the goroutine is slow to start: the counter is 0, Wait
			// returns at once, and the work is not done.
			name: "add inside the goroutine",
			start: func(wg *sync.WaitGroup, gate chan struct{}, done *atomic.Bool, exited chan<- struct{}) bool {
				go addThenWork(wg, gate, done, exited)
				wg.Wait()
				doneAtWait := done.Load()
				close(gate)
				return doneAtWait
			},
			wantDone: false,
		},
		{
			// The remedy: Add before the go statement.
			name: "add before the go statement",
			start: func(wg *sync.WaitGroup, gate chan struct{}, done *atomic.Bool, exited chan<- struct{}) bool {
				wg.Add(1)
				go work(wg, gate, done, exited)
				close(gate)
				wg.Wait()
				return done.Load()
			},
			wantDone: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var (
				wg     sync.WaitGroup
				done   atomic.Bool
				gate   = make(chan struct{})
				exited = make(chan struct{})
			)
			got := tc.start(&wg, gate, &done, exited)
			<-exited
			if got != tc.wantDone {
				t.Errorf("work done when Wait returned: %v, want %v", got, tc.wantDone)
			}
		})
	}
	t.Run("WaitGroup.Go", testWaitGroupGo)
}

// addThenWork is the pitfall: the goroutine counts itself, too late for a
// Wait that already ran. It waits for gate first, which makes the late Add
// certain instead of likely.
func addThenWork(wg *sync.WaitGroup, gate <-chan struct{}, done *atomic.Bool, exited chan<- struct{}) {
	<-gate
	wg.Add(1)
	work(wg, gate, done, exited)
}

// work waits for gate, marks the work done, and leaves wg.
func work(wg *sync.WaitGroup, gate <-chan struct{}, done *atomic.Bool, exited chan<- struct{}) {
	defer close(exited)
	defer wg.Done()
	<-gate
	done.Store(true)
}
