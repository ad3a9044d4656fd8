package pitfalls_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"concbench/benchmarks/models"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"
)

func TestPoolNeverClosesJobs(t *testing.T) {
	inputs := []int{1, 2, 3, 4, 5, 6, 7, 8}
	const workers = 3
	tests := []struct {
		name string
		// run squares the inputs and returns the squares in input order,
		// and a function that stops whatever it left running.
		run      func(t *testing.T) (squares []int, stop func())
		wantLeak bool
	}{
		{
			name: "jobs never closed",
			run: func(t *testing.T) ([]int, func()) {
				return squarePool(inputs, workers, false)
			},
			wantLeak: true,
		},
		{
			name: "remedy: close jobs after the last one",
			run: func(t *testing.T) ([]int, func()) {
				return squarePool(inputs, workers, true)
			},
		},
		{
			name: "remedy: models.Pool",
			run: func(t *testing.T) ([]int, func()) {
				job := models.Job[int, int]{Run: func(ctx context.Context, n int) (int, error) { return n * n, nil }}
				out, err := models.Map(t.Context(), models.Pool, job, inputs, models.Options{Workers: workers})
				if err != nil {
					t.Fatal(err)
				}
				return out, func() {}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			others := goleak.IgnoreCurrent()
			got, stop := tc.run(t)
			t.Cleanup(stop)
			if diff := cmp.Diff([]int{1, 4, 9, 16, 25, 36, 49, 64}, got); diff != "" {
				t.Errorf("squares (-want +got):\n%s", diff)
			}
			if tc.wantLeak {
				waitForStates(t, map[string]string{"squareWorker": "chan receive"})
			}
			err := goleak.Find(others)
			switch {
			case tc.wantLeak && err == nil:
				t.Error("goleak.Find found no leak, want the workers blocked in squareWorker")
			case tc.wantLeak:
				for _, want := range []string{"squareWorker", "chan receive"} {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("goleak.Find's report lacks %q:\n%v", want, err)
					}
				}
			case err != nil:
				t.Errorf("leaked goroutines: %v", err)
			}
		})
	}
}

// squarePool squares inputs with a pool of workers fed through a jobs
// channel, which it closes after the last job only if closeJobs is set. It
// returns the squares in input order and a function that closes the jobs
// channel if it is still open and waits for the workers to return.
func squarePool(inputs []int, workers int, closeJobs bool) ([]int, func()) {
	jobs := make(chan int)
	results := make(chan [2]int) // index, square
	var wg sync.WaitGroup
	wg.Add(workers)
	for range workers {
		go squareWorker(jobs, results, inputs, &wg)
	}
	go func() {
		for i := range inputs {
			jobs <- i
		}
		if closeJobs {
			close(jobs)
		}
	}()
	squares := make([]int, len(inputs))
	for range inputs {
		r := <-results
		squares[r[0]] = r[1]
	}
	stop := func() {
		if !closeJobs {
			close(jobs)
		}
		wg.Wait()
	}
	return squares, stop
}

// squareWorker squares the inputs whose indices come from jobs until jobs
// is closed.
func squareWorker(jobs <-chan int, results chan<- [2]int, inputs []int, wg *sync.WaitGroup) {
	defer wg.Done()
	for i := range jobs {
		results <- [2]int{i, inputs[i] * inputs[i]}
	}
}
