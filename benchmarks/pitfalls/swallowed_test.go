package pitfalls_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"concbench/benchmarks/models"

	"github.com/google/go-cmp/cmp"
)

var errBoom = errors.New("boom")

// failOnePanicTwo fails on input 1, panics on input 2, and returns the
// other inputs.
var failOnePanicTwo = models.Register(registry, models.Job[int, int]{
	Name: "fail-one-panic-two",
	Run: func(ctx context.Context, n int) (int, error) {
		switch n {
		case 1:
			return 0, errBoom
		case 2:
			panic("boom in task 2")
		}
		return n, nil
	},
})

func TestExceptionsSwallowedByPool(t *testing.T) {
	t.Run("error from a bare go statement is lost", func(t *testing.T) {
		errs := goStatement([]int{0}, func(int) error { return fmt.Errorf("task: %w", errBoom) })
		if !errors.Is(errs[0], errBoom) {
			t.Errorf("task returned %v, want an error wrapping %v", errs[0], errBoom)
		}
	})

	t.Run("panic in a bare goroutine kills the process", func(t *testing.T) {
		out, status := startChild(t, childPanicInGoroutine)
		if status != 2 {
			t.Errorf("child exit status %d, want 2 (an unrecovered panic); output:\n%s", status, out)
		}
		for _, want := range []string{"panic: boom in a bare goroutine", "goroutine "} {
			if !strings.Contains(out, want) {
				t.Errorf("child output lacks %q; output:\n%s", want, out)
			}
		}
		if strings.Contains(out, "recovered") {
			t.Errorf("main's recover caught another goroutine's panic; output:\n%s", out)
		}
	})

	// The remedy: every model returns a task's error as a *TaskError and
	// its panic as a *PanicError, the worker processes' included.
	for _, m := range models.All() {
		t.Run("model="+string(m), func(t *testing.T) {
			out, err := models.Map(t.Context(), m, failOnePanicTwo, []int{0, 1, 2, 3}, models.Options{Errors: models.CollectAll})
			if diff := cmp.Diff([]int{0, 0, 0, 3}, out); diff != "" {
				t.Errorf("results (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{"item 1: error: boom", "item 2: panic: boom in task 2"}, describeTaskErrors(err)); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
			if m != models.ProcPool && !errors.Is(err, errBoom) {
				// An error from another process comes back as its text.
				t.Errorf("errors.Is(%v, errBoom) = false, want true", err)
			}
		})
	}
}

// goStatement runs task on each input in a goroutine of its own, started
// with a bare go statement, which discards what task returns, and waits for
// every task to end. It returns the errors the tasks returned, in the order
// they ended: each task also sends its error on a side channel, only so
// that the caller can count what the go statement lost.
func goStatement(inputs []int, task func(int) error) []error {
	returned := make(chan error, len(inputs))
	for _, in := range inputs {
		f := func() error {
			err := task(in)
			returned <- err
			return err
		}
		go f() // the go statement has nowhere to put f's error
	}
	errs := make([]error, 0, len(inputs))
	for range inputs {
		errs = append(errs, <-returned)
	}
	return errs
}

// swallowedInputs are four tasks of failOnePanicTwo, two of which (input
// 1) fail. None panics: a panic in a bare goroutine ends the process, which
// TestExceptionsSwallowedByPool shows in a child process.
var swallowedInputs = []int{0, 1, 1, 3}

// benchSwallowed runs the four tasks of swallowedInputs once per operation,
// each started by a bare go statement (kind=go-statement), or through
// models.Pool with collect-all errors, the counterpart of calling
// future.result() on every future. Each task counts its own failure; the
// benchmark reports returned-errors/op, the failures the caller gets back
// (for a go statement, none: it has no result), and lost-errors/op, the
// failures it does not.
func benchSwallowed(b *testing.B) {
	b.Run("kind=go-statement", func(b *testing.B) {
		var failed int
		for b.Loop() {
			errs := goStatement(swallowedInputs, func(n int) error {
				_, err := failOnePanicTwo.Run(b.Context(), n)
				return err
			})
			for _, err := range errs {
				if err != nil {
					failed++
				}
			}
		}
		reportSwallowed(b, failed, 0)
	})
	b.Run("model=pool/errors="+models.CollectAll.String(), func(b *testing.B) {
		var failed atomic.Int64
		job := models.Job[int, int]{Run: func(ctx context.Context, n int) (int, error) {
			v, err := failOnePanicTwo.Run(ctx, n)
			if err != nil {
				failed.Add(1)
			}
			return v, err
		}}
		returned := 0
		for b.Loop() {
			_, err := models.Map(b.Context(), models.Pool, job, swallowedInputs, models.Options{Errors: models.CollectAll})
			returned += len(joined(err))
		}
		reportSwallowed(b, int(failed.Load()), returned)
	})
}

func reportSwallowed(b *testing.B, failed, returned int) {
	b.ReportMetric(float64(returned)/float64(b.N), "returned-errors/op")
	b.ReportMetric(float64(failed-returned)/float64(b.N), "lost-errors/op")
}

// describeTaskErrors describes each error joined in err as "item I: error:
// TEXT" or "item I: panic: VALUE".
func describeTaskErrors(err error) []string {
	var got []string
	for _, e := range joined(err) {
		var te *models.TaskError
		if !errors.As(e, &te) {
			got = append(got, "not a TaskError: "+e.Error())
			continue
		}
		if pe := (*models.PanicError)(nil); errors.As(te.Err, &pe) {
			got = append(got, fmt.Sprintf("item %d: panic: %v", te.Index, pe.Value))
			continue
		}
		got = append(got, fmt.Sprintf("item %d: error: %v", te.Index, te.Err))
	}
	return got
}

// panicInBareGoroutine is a child program: a goroutine panics while main
// waits, with a deferred recover that cannot help, since recover stops
// only a panic of its own goroutine.
func panicInBareGoroutine() {
	defer func() {
		if p := recover(); p != nil {
			fmt.Println("recovered:", p)
			os.Exit(0)
		}
	}()
	never := make(chan struct{})
	go func() { panic("boom in a bare goroutine") }()
	<-never
}
