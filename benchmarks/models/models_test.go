package models_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"concbench/benchmarks/models"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"
)

// block is how long a task waits for cancellation before giving up. A test
// that sees a task give up has found a model that did not cancel it.
const block = time.Minute

var (
	registry = models.NewRegistry()

	square = models.Register(registry, models.Job[int, int]{
		Name: "square",
		Run: func(ctx context.Context, n int) (int, error) {
			runtime.Gosched() // let other tasks overtake, to shuffle completion order
			return n * n, nil
		},
	})

	// failZeroBlockRest fails on input 0 and waits for cancellation on
	// every other input.
	failZeroBlockRest = models.Register(registry, models.Job[int, int]{
		Name: "fail-zero-block-rest",
		Run: func(ctx context.Context, n int) (int, error) {
			if n == 0 {
				return 0, errBad
			}
			return waitForCancel(ctx)
		},
	})

	blockAll = models.Register(registry, models.Job[int, int]{
		Name: "block-all",
		Run: func(ctx context.Context, n int) (int, error) {
			return waitForCancel(ctx)
		},
	})

	failOdd = models.Register(registry, models.Job[int, int]{
		Name: "fail-odd",
		Run: func(ctx context.Context, n int) (int, error) {
			if n%2 == 1 {
				return 0, fmt.Errorf("odd input %d", n)
			}
			return n, nil
		},
	})

	panicTwo = models.Register(registry, models.Job[int, int]{
		Name: "panic-two",
		Run: func(ctx context.Context, n int) (int, error) {
			if n == 2 {
				panic(fmt.Sprintf("boom %d", n))
			}
			return n, nil
		},
	})

	exitOne = models.Register(registry, models.Job[int, int]{
		Name: "exit-one",
		Run: func(ctx context.Context, n int) (int, error) {
			if n == 1 && os.Getenv(models.WorkerEnv) != "" {
				os.Exit(3) // a worker dying mid-task
			}
			return n, nil
		},
	})

	workerInfo = models.Register(registry, models.Job[int, [2]int]{
		Name: "worker-info",
		Run: func(ctx context.Context, n int) ([2]int, error) {
			time.Sleep(time.Millisecond) // keep each worker busy long enough for others to take tasks
			return [2]int{os.Getpid(), runtime.GOMAXPROCS(0)}, nil
		},
	})
)

var errBad = errors.New("bad input")

// waitForCancel returns when ctx is cancelled, or fails after block. In a
// ProcPool worker ctx is never cancelled: the pool kills the process.
func waitForCancel(ctx context.Context) (int, error) {
	select {
	case <-ctx.Done():
		return 0, ctx.Err()
	case <-time.After(block):
		return 0, errors.New("task was never cancelled")
	}
}

func TestMain(m *testing.M) {
	models.Serve(registry)
	goleak.VerifyTestMain(m)
}

func inputs(n int) []int {
	in := make([]int, n)
	for i := range in {
		in[i] = i
	}
	return in
}

func TestOrder(t *testing.T) {
	in := inputs(100)
	want, err := models.Map(t.Context(), models.Serial, square, in, models.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range models.All() {
		for _, k := range []int{0, 1, 3, 200} {
			t.Run(fmt.Sprintf("%s/workers=%d", m, k), func(t *testing.T) {
				got, err := models.Map(t.Context(), m, square, in, models.Options{Workers: k})
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("results differ from serial (-want +got):\n%s", diff)
				}
			})
		}
	}
	t.Run("empty", func(t *testing.T) {
		for _, m := range models.All() {
			got, err := models.Map(t.Context(), m, square, nil, models.Options{})
			if err != nil || len(got) != 0 {
				t.Errorf("%s on no input = %v, %v; want [], nil", m, got, err)
			}
		}
	})
}

func TestFailFast(t *testing.T) {
	for _, m := range models.All() {
		t.Run(string(m), func(t *testing.T) {
			job, failed := failFirstBlockRest(m)
			out, err := models.Map(t.Context(), m, job, inputs(8), models.Options{Workers: 4})
			// An error from a worker process comes back as its text.
			if !errors.Is(err, errBad) && (m != models.ProcPool || !strings.HasSuffix(err.Error(), errBad.Error())) {
				t.Fatalf("error = %v, want %v", err, errBad)
			}
			var te *models.TaskError
			if !errors.As(err, &te) || te.Index != failed() {
				t.Errorf("error = %#v, want a *TaskError for item %d", err, failed())
			}
			// A second error would be a blocked task that gave up: the
			// model did not cancel it.
			if strings.Contains(err.Error(), "never cancelled") {
				t.Errorf("error %q: a task was not cancelled", err)
			}
			if len(out) != 8 {
				t.Errorf("len(out) = %d, want 8", len(out))
			}
		})
	}
}

// failFirstBlockRest returns a job whose first task to start fails while
// every other task waits for cancellation, and a function that returns the
// index of the task that failed. Failing a fixed input instead would
// deadlock the semaphore model at random: it starts one goroutine per task
// and the runtime does not start goroutines in order, so the k tasks that
// take the semaphore first may all be blocked ones, waiting for a failure
// that cannot start. The process pool hands tasks out in input order, and
// a flag in this process does not reach its workers, so there the failing
// task is input 0.
func failFirstBlockRest(m models.Model) (models.Job[int, int], func() int) {
	if m == models.ProcPool {
		return failZeroBlockRest, func() int { return 0 }
	}
	var mu sync.Mutex
	first := -1
	job := models.Job[int, int]{Run: func(ctx context.Context, n int) (int, error) {
		mu.Lock()
		isFirst := first < 0
		if isFirst {
			first = n
		}
		mu.Unlock()
		if isFirst {
			return 0, errBad
		}
		return waitForCancel(ctx)
	}}
	return job, func() int {
		mu.Lock()
		defer mu.Unlock()
		return first
	}
}

func TestCollectAll(t *testing.T) {
	in := inputs(20)
	for _, m := range models.All() {
		t.Run(string(m), func(t *testing.T) {
			out, err := models.Map(t.Context(), m, failOdd, in, models.Options{Workers: 3, Errors: models.CollectAll})
			joined, ok := err.(interface{ Unwrap() []error })
			if !ok {
				t.Fatalf("error = %v, want errors joined", err)
			}
			var gotIdx []int
			for _, e := range joined.Unwrap() {
				var te *models.TaskError
				if !errors.As(e, &te) {
					t.Fatalf("joined error %v is not a *TaskError", e)
				}
				if want := fmt.Sprintf("odd input %d", te.Index); !strings.Contains(e.Error(), want) {
					t.Errorf("error %q does not say %q", e, want)
				}
				gotIdx = append(gotIdx, te.Index)
			}
			wantIdx := []int{1, 3, 5, 7, 9, 11, 13, 15, 17, 19}
			if diff := cmp.Diff(wantIdx, gotIdx); diff != "" {
				t.Errorf("failed items (-want +got):\n%s", diff)
			}
			wantOut := make([]int, 20)
			for i := 0; i < 20; i += 2 {
				wantOut[i] = i
			}
			if diff := cmp.Diff(wantOut, out); diff != "" {
				t.Errorf("results of the tasks that succeeded (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPanic(t *testing.T) {
	for _, m := range models.All() {
		for _, mode := range []models.ErrorMode{models.FailFast, models.CollectAll} {
			t.Run(fmt.Sprintf("%s/%s", m, mode), func(t *testing.T) {
				_, err := models.Map(t.Context(), m, panicTwo, inputs(5), models.Options{Errors: mode})
				var pe *models.PanicError
				if !errors.As(err, &pe) {
					t.Fatalf("error = %v, want a *PanicError", err)
				}
				if got := fmt.Sprint(pe.Value); got != "boom 2" {
					t.Errorf("panic value = %q, want %q", got, "boom 2")
				}
				if len(pe.Stack) == 0 {
					t.Error("panic error carries no stack")
				}
			})
		}
	}
}

func TestCancel(t *testing.T) {
	for _, m := range models.All() {
		t.Run(string(m), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
			defer cancel()
			_, err := models.Map(ctx, m, blockAll, inputs(6), models.Options{Workers: 2, Errors: models.CollectAll})
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("error = %v, want %v", err, context.DeadlineExceeded)
			}
		})
		t.Run(string(m)+"/before-start", func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			cancel()
			_, err := models.Map(ctx, m, blockAll, inputs(6), models.Options{})
			if !errors.Is(err, context.Canceled) {
				t.Errorf("error = %v, want %v", err, context.Canceled)
			}
		})
	}
	if t.Failed() {
		return
	}
	checkNoChildren(t)
}

// TestBound checks that a bounded in-process model never runs more than k
// tasks at once, and that with k = 1 it runs them in input order.
func TestBound(t *testing.T) {
	for _, m := range []models.Model{models.Pool, models.ChanPool, models.Errgroup, models.Semaphore} {
		for _, k := range []int{1, 3} {
			t.Run(fmt.Sprintf("%s/workers=%d", m, k), func(t *testing.T) {
				var (
					mu            sync.Mutex
					running, most int
					order         []int
				)
				job := models.Job[int, int]{Run: func(ctx context.Context, n int) (int, error) {
					mu.Lock()
					running++
					most = max(most, running)
					order = append(order, n)
					mu.Unlock()
					runtime.Gosched() // let other tasks start, if the model allows it
					mu.Lock()
					running--
					mu.Unlock()
					return n, nil
				}}
				if _, err := models.Map(t.Context(), m, job, inputs(50), models.Options{Workers: k}); err != nil {
					t.Fatal(err)
				}
				if most > k {
					t.Errorf("%d tasks ran at once; the bound is %d", most, k)
				}
				if k == 1 && m != models.Semaphore {
					// Semaphore starts a goroutine per task, and which
					// acquires the semaphore next is the scheduler's choice.
					if diff := cmp.Diff(inputs(50), order); diff != "" {
						t.Errorf("order of the tasks (-want +got):\n%s", diff)
					}
				}
			})
		}
	}
}

func TestProcPoolWorkers(t *testing.T) {
	for _, k := range []int{1, 2, 3} {
		t.Run(fmt.Sprintf("workers=%d", k), func(t *testing.T) {
			out, err := models.Map(t.Context(), models.ProcPool, workerInfo, inputs(12), models.Options{Workers: k})
			if err != nil {
				t.Fatal(err)
			}
			pids := map[int]bool{}
			for _, o := range out {
				if o[0] == os.Getpid() {
					t.Fatalf("task ran in the parent process")
				}
				if o[1] != 1 {
					t.Errorf("worker %d runs with GOMAXPROCS=%d, want 1", o[0], o[1])
				}
				pids[o[0]] = true
			}
			if len(pids) > k {
				t.Errorf("tasks ran in %d processes, want at most %d", len(pids), k)
			}
		})
	}
	checkNoChildren(t)
}

func TestProcPoolWorkerDies(t *testing.T) {
	out, err := models.Map(t.Context(), models.ProcPool, exitOne, inputs(6), models.Options{Workers: 2, Errors: models.CollectAll})
	var te *models.TaskError
	if !errors.As(err, &te) || te.Index != 1 {
		t.Fatalf("error = %v, want a *TaskError for item 1", err)
	}
	if !strings.Contains(err.Error(), "died") || !strings.Contains(err.Error(), "exit status 3") {
		t.Errorf("error %q does not say the worker died with exit status 3", err)
	}
	if diff := cmp.Diff([]int{0, 0, 2, 3, 4, 5}, out); diff != "" {
		t.Errorf("the other tasks (-want +got):\n%s", diff)
	}
	checkNoChildren(t)
}

func TestBadInput(t *testing.T) {
	unregistered := models.Job[int, int]{Name: "not-registered", Run: square.Run}
	unnamed := models.Job[int, int]{Run: square.Run}
	funcInput := models.Job[func() int, int]{
		Name: "func-input",
		Run:  func(ctx context.Context, f func() int) (int, error) { return f(), nil },
	}
	for _, tc := range []struct {
		name string
		run  func() error
		want string
	}{
		{"unknown model", func() error {
			_, err := models.Map(t.Context(), "threads", square, inputs(2), models.Options{})
			return err
		}, `unknown model "threads"`},
		{"negative workers", func() error {
			_, err := models.Map(t.Context(), models.Pool, square, inputs(2), models.Options{Workers: -1})
			return err
		}, "workers must be positive"},
		{"unknown error mode", func() error {
			_, err := models.Map(t.Context(), models.Pool, square, inputs(2), models.Options{Errors: 7})
			return err
		}, "unknown error mode"},
		{"no run function", func() error {
			_, err := models.Map(t.Context(), models.Serial, models.Job[int, int]{Name: "x"}, inputs(2), models.Options{})
			return err
		}, "no Run function"},
		{"job not registered in the worker", func() error {
			_, err := models.Map(t.Context(), models.ProcPool, unregistered, inputs(2), models.Options{})
			return err
		}, `job "not-registered" is not registered in the worker process`},
		{"unnamed job to a process", func() error {
			_, err := models.Map(t.Context(), models.ProcPool, unnamed, inputs(2), models.Options{})
			return err
		}, "a function value cannot be sent to another process"},
		{"function value as input to a process", func() error {
			_, err := models.Map(t.Context(), models.ProcPool, funcInput, []func() int{func() int { return 1 }}, models.Options{})
			return err
		}, `input of job "func-input" cannot be sent to a worker process`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.run()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want one containing %q", err, tc.want)
			}
		})
	}
	if _, err := models.Parse("threads"); err == nil {
		t.Error(`Parse("threads") succeeded`)
	}
	for _, m := range models.All() {
		if got, err := models.Parse(string(m)); err != nil || got != m {
			t.Errorf("Parse(%q) = %q, %v", m, got, err)
		}
	}
}

// checkNoChildren fails if this process still has child processes: the
// pool must reap every worker before Map returns.
func checkNoChildren(t *testing.T) {
	t.Helper()
	if runtime.GOOS != "linux" {
		return
	}
	files, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", os.Getpid()))
	if err != nil || len(files) == 0 {
		t.Fatalf("cannot list child processes: %v", err)
	}
	var kids []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue // the thread exited meanwhile
		}
		kids = append(kids, strings.Fields(string(b))...)
	}
	if len(kids) > 0 {
		t.Errorf("child processes left behind: %v", kids)
	}
}
