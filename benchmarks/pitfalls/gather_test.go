package pitfalls_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

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
			// deadline and see context.DeadlineExceeded instead.
			ctx, cancel := context.WithTimeout(t.Context(), patience)
			defer cancel()
			var started sync.WaitGroup
			started.Add(n - 1)
			seen := make([]error, n) // what each task saw; each writes its own entry
			err := tc.run(ctx, func(ctx context.Context, i int) error {
				if i == 0 {
					started.Wait()
					return errBoom
				}
				started.Done()
				<-ctx.Done()
				seen[i] = ctx.Err()
				return seen[i]
			})
			if !errors.Is(err, errBoom) || err.Error() != tc.wantErr {
				t.Errorf("error %v, want %q wrapping errBoom", err, tc.wantErr)
			}
			want := []string{"", "context canceled", "context canceled", "context canceled"}
			if diff := cmp.Diff(want, errorTexts(seen)); diff != "" {
				t.Errorf("what the other tasks saw (-want +got):\n%s", diff)
			}
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
