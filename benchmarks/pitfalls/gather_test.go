package pitfalls_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"concbench/benchmarks/models"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sync/errgroup"
)

func TestGatherOneFailure(t *testing.T) {
	t.Run("fail-fast cancels the others", testFailFastCancels)
	t.Run("collect-all lets every task finish", testCollectAllFinishes)
}

// testFailFastCancels runs four tasks at once: task 0 fails once the other
// three have started, and they wait for their context. Fail-fast returns
// task 0's error, and the other three see context.Canceled: the
// asyncio.TaskGroup behaviour, not plain gather's.
func testFailFastCancels(t *testing.T) {
	const n = 4
	// run calls fn on every task index, all at once, and returns the
	// error the caller gets.
	type runner func(ctx context.Context, fn func(ctx context.Context, i int) error) error
	viaModel := func(m models.Model) runner {
		return func(ctx context.Context, fn func(ctx context.Context, i int) error) error {
			job := models.Job[int, struct{}]{Run: func(ctx context.Context, i int) (struct{}, error) {
				return struct{}{}, fn(ctx, i)
			}}
			_, err := models.Map(ctx, m, job, []int{0, 1, 2, 3}, models.Options{Workers: n})
			return err
		}
	}
	tests := []struct {
		name    string
		run     runner
		wantErr string
	}{
		{"model=goroutines", viaModel(models.Goroutines), "item 0: boom"},
		{"model=pool", viaModel(models.Pool), "item 0: boom"},
		{"model=errgroup", viaModel(models.Errgroup), "item 0: boom"},
		{"model=semaphore", viaModel(models.Semaphore), "item 0: boom"},
		{"errgroup.WithContext", func(ctx context.Context, fn func(ctx context.Context, i int) error) error {
			g, ctx := errgroup.WithContext(ctx)
			for i := range n {
				g.Go(func() error { return fn(ctx, i) })
			}
			return g.Wait()
		}, "boom"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// If the others were not cancelled, they would wait for this
			// deadline and see context.DeadlineExceeded, or nothing.
			ctx, cancel := context.WithTimeout(t.Context(), patience)
			defer cancel()
			batch := newOneFails(n, patience)
			err := tc.run(ctx, batch.task)
			if !errors.Is(err, errBoom) || err.Error() != tc.wantErr {
				t.Errorf("error %v, want %q wrapping errBoom", err, tc.wantErr)
			}
			want := []string{"", "context canceled", "context canceled", "context canceled"}
			if diff := cmp.Diff(want, errorTexts(batch.seen)); diff != "" {
				t.Errorf("what the other tasks saw (-want +got):\n%s", diff)
			}
		})
	}
}

// A oneFails is a batch of n tasks in which task 0 fails once the other
// tasks have started. Each other task then waits, for at most wait, for its
// context to be cancelled, and records what its context says: the seed's
// "one failure cancels the others", or not.
type oneFails struct {
	wait    time.Duration
	started sync.WaitGroup
	failed  chan struct{} // closed when task 0 fails
	seen    []error       // ctx.Err() of each task at its end; each writes its own entry
}

func newOneFails(n int, wait time.Duration) *oneFails {
	o := &oneFails{wait: wait, failed: make(chan struct{}), seen: make([]error, n)}
	o.started.Add(n - 1)
	return o
}

// task runs task i of the batch.
func (o *oneFails) task(ctx context.Context, i int) error {
	if i == 0 {
		o.started.Wait()
		close(o.failed)
		return errBoom
	}
	o.started.Done()
	<-o.failed
	timer := time.NewTimer(o.wait)
	defer timer.Stop()
	select {
	case <-ctx.Done():
	case <-timer.C:
	}
	o.seen[i] = ctx.Err()
	return o.seen[i]
}

// gatherTasks is the size of the gather pitfall's batch, and gatherWait how
// long each of the others waits for its cancellation after the failure. A
// fail-fast cancellation takes microseconds; the wait is what a collect-all
// operation costs.
const (
	gatherTasks = 4
	gatherWait  = 10 * time.Millisecond
)

// benchGather runs a oneFails batch of four tasks once per operation under
// models.Goroutines (the counterpart of asyncio.gather), with fail-fast
// errors (errors=fail-fast, what asyncio.TaskGroup does) and collect-all
// errors (errors=collect-all, gather(return_exceptions=True)). It reports
// cancelled/op, how many of the three other tasks saw their context
// cancelled within gatherWait of the failure, and finished/op, how many
// ran to their end uncancelled.
func benchGather(b *testing.B) {
	for _, mode := range []models.ErrorMode{models.FailFast, models.CollectAll} {
		b.Run("model="+string(models.Goroutines)+"/errors="+mode.String(), func(b *testing.B) {
			in := make([]int, gatherTasks)
			for i := range in {
				in[i] = i
			}
			var cancelled, finished int
			for b.Loop() {
				batch := newOneFails(gatherTasks, gatherWait)
				job := models.Job[int, struct{}]{Run: func(ctx context.Context, i int) (struct{}, error) {
					return struct{}{}, batch.task(ctx, i)
				}}
				_, err := models.Map(b.Context(), models.Goroutines, job, in, models.Options{Errors: mode})
				if !errors.Is(err, errBoom) {
					b.Fatalf("error %v, want one wrapping errBoom", err)
				}
				// An if, not a switch: go1.26.8's compiler crashes on a
				// tagless switch with a "case seen == nil" in a b.Loop body.
				for _, seen := range batch.seen[1:] {
					if errors.Is(seen, context.Canceled) {
						cancelled++
					} else if seen == nil {
						finished++
					}
				}
			}
			b.ReportMetric(float64(cancelled)/float64(b.N), "cancelled/op")
			b.ReportMetric(float64(finished)/float64(b.N), "finished/op")
		})
	}
}

// testCollectAllFinishes runs six tasks, two of which fail. Collect-all
// runs all six, none sees its context cancelled, the results of the four
// that succeeded come back, and the error joins both failures in input
// order: gather with return_exceptions=True.
func testCollectAllFinishes(t *testing.T) {
	for _, m := range models.InProcess() {
		t.Run("model="+string(m), func(t *testing.T) {
			var calls atomic.Int32
			seen := make([]error, 6) // what each task saw; each writes its own entry
			job := models.Job[int, int]{Run: func(ctx context.Context, i int) (int, error) {
				calls.Add(1)
				seen[i] = ctx.Err()
				if i%3 == 0 {
					return 0, fmt.Errorf("boom %d", i)
				}
				return 10 * i, nil
			}}
			// One worker for the bounded models: the tasks after the first
			// failure start only once it has been recorded.
			out, err := models.Map(t.Context(), m, job, []int{0, 1, 2, 3, 4, 5}, models.Options{Workers: 1, Errors: models.CollectAll})
			if got := calls.Load(); got != 6 {
				t.Errorf("%d tasks ran, want 6", got)
			}
			if diff := cmp.Diff([]int{0, 10, 20, 0, 40, 50}, out); diff != "" {
				t.Errorf("results (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{"item 0: boom 0", "item 3: boom 3"}, errorTexts(joined(err))); diff != "" {
				t.Errorf("joined errors (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(make([]string, 6), errorTexts(seen)); diff != "" {
				t.Errorf("context errors the tasks saw (-want +got):\n%s", diff)
			}
		})
	}
}
