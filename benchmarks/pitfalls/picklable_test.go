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

// A picklableCase is one Map call on the process pool, with a job or an
// input that can or cannot cross to a worker process.
type picklableCase struct {
	name string
	// input names the case's benchmark (input=NAME); "" for none.
	input string
	// run calls Map on the process pool and returns the results and the
	// error.
	run     func(ctx context.Context) ([]int, error)
	want    []int
	wantErr []string // substrings of the error; none means no error
}

// picklableCases returns the cases of TestTasksMustBePicklable.
func picklableCases() []picklableCase {
	offset := 10 // captured by the closures below, as by a Python lambda
	return []picklableCase{
		{
			name:  "function value as input",
			input: "func",
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
			name:  "remedy: registered job, exported fields",
			input: "exported-struct",
			run: func(ctx context.Context) ([]int, error) {
				return models.Map(ctx, models.ProcPool, sumExported, []Point{{1, 2}, {3, offset}}, models.Options{})
			},
			want: []int{3, 13},
		},
	}
}

func TestTasksMustBePicklable(t *testing.T) {
	for _, tc := range picklableCases() {
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

// benchPicklable runs the cases of TestTasksMustBePicklable that have an
// input name once per operation: input=func, a function value as the
// input (the seed's lambda), which cannot cross to a worker process, and
// input=exported-struct, the remedy. ns/op is the time Map takes to return
// the error, or the results; errors/op is 1 when every call failed, 0 when
// none did.
func benchPicklable(b *testing.B) {
	for _, tc := range picklableCases() {
		if tc.input == "" {
			continue
		}
		b.Run("model=procpool/input="+tc.input, func(b *testing.B) {
			ctx, cancel := context.WithTimeout(b.Context(), patience)
			defer cancel()
			errs := 0
			for b.Loop() {
				_, err := tc.run(ctx)
				if (err != nil) != (len(tc.wantErr) > 0) {
					b.Fatalf("error %v, want one mentioning %q", err, tc.wantErr)
				}
				if err != nil {
					errs++
				}
			}
			b.ReportMetric(float64(errs)/float64(b.N), "errors/op")
		})
	}
}
