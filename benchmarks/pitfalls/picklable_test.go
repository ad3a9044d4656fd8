package pitfalls_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"concbench/benchmarks/models"

	"github.com/google/go-cmp/cmp"
)

// A point has no exported field: gob has nothing to send.
type point struct{ x, y int }

// A Point is the remedy: exported fields gob can encode.
type Point struct{ X, Y int }

// Jobs whose inputs gob cannot encode. They are registered like any other
// job; the failure comes from the input, in the parent, before anything is
// sent.
var (
	callFunc = models.Register(registry, models.Job[func() int, int]{
		Name: "call-func",
		Run:  func(ctx context.Context, f func() int) (int, error) { return f(), nil },
	})
	receiveOne = models.Register(registry, models.Job[chan int, int]{
		Name: "receive-one",
		Run:  func(ctx context.Context, ch chan int) (int, error) { return <-ch, nil },
	})
	sumUnexported = models.Register(registry, models.Job[point, int]{
		Name: "sum-unexported",
		Run:  func(ctx context.Context, p point) (int, error) { return p.x + p.y, nil },
	})
	sumExported = models.Register(registry, models.Job[Point, int]{
		Name: "sum-exported",
		Run:  func(ctx context.Context, p Point) (int, error) { return p.X + p.Y, nil },
	})
)

func TestTasksMustBePicklable(t *testing.T) {
	offset := 10 // captured by the closures below, as by a Python lambda
	tests := []struct {
		name string
		// run calls Map on the process pool and returns the results and
		// the error.
		run     func(ctx context.Context) ([]int, error)
		want    []int
		wantErr []string // substrings of the error; none means no error
	}{
		{
			name: "function value as input",
			run: func(ctx context.Context) ([]int, error) {
				return models.Map(ctx, models.ProcPool, callFunc, []func() int{func() int { return offset }}, models.Options{})
			},
			want:    []int{0},
			wantErr: []string{"item 0:", `input of job "call-func" cannot be sent to a worker process`, "gob"},
		},
		{
			name: "channel as input",
			run: func(ctx context.Context) ([]int, error) {
				return models.Map(ctx, models.ProcPool, receiveOne, []chan int{make(chan int, 1)}, models.Options{})
			},
			want:    []int{0},
			wantErr: []string{"item 0:", `input of job "receive-one" cannot be sent to a worker process`, "gob"},
		},
		{
			name: "struct without exported fields as input",
			run: func(ctx context.Context) ([]int, error) {
				return models.Map(ctx, models.ProcPool, sumUnexported, []point{{1, 2}}, models.Options{})
			},
			want:    []int{0},
			wantErr: []string{"item 0:", `input of job "sum-unexported" cannot be sent to a worker process`, "no exported fields"},
		},
		{
			// Python's lambda: a function value with no name to send.
			name: "job without a name",
			run: func(ctx context.Context) ([]int, error) {
				job := models.Job[int, int]{Run: func(ctx context.Context, n int) (int, error) { return n + offset, nil }}
				return models.Map(ctx, models.ProcPool, job, []int{1}, models.Options{})
			},
			want:    []int{0},
			wantErr: []string{"procpool needs a named job", "a function value cannot be sent to another process"},
		},
		{
			// Python's nested function: it has a name, but the worker
			// process does not know it, because it was never registered.
			name: "closure not registered in the worker",
			run: func(ctx context.Context) ([]int, error) {
				job := models.Job[int, int]{Name: "add-offset", Run: func(ctx context.Context, n int) (int, error) { return n + offset, nil }}
				return models.Map(ctx, models.ProcPool, job, []int{1}, models.Options{})
			},
			want:    []int{0},
			wantErr: []string{"item 0:", `job "add-offset" is not registered in the worker process`},
		},
		{
			name: "remedy: registered job, exported fields",
			run: func(ctx context.Context) ([]int, error) {
				return models.Map(ctx, models.ProcPool, sumExported, []Point{{1, 2}, {3, offset}}, models.Options{})
			},
			want: []int{3, 13},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// A hang would end here, as a deadline error, not as a stuck test.
			ctx, cancel := context.WithTimeout(t.Context(), patience)
			defer cancel()
			got, err := tc.run(ctx)
			if errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("Map did not return within %v: %v", patience, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("results (-want +got):\n%s", diff)
			}
			switch {
			case len(tc.wantErr) == 0 && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case len(tc.wantErr) > 0 && err == nil:
				t.Fatalf("no error, want one mentioning %q", tc.wantErr)
			}
			for _, want := range tc.wantErr {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not mention %q", err, want)
				}
			}
			if err != nil {
				t.Logf("error: %v", err)
			}
		})
	}
}
