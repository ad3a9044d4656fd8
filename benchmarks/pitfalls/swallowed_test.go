package pitfalls_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
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
		// The task reports what it returns on a side channel, only so that
		// the test can see the error that the go statement discards.
		returned := make(chan error, 1)
		task := func() error {
			err := fmt.Errorf("task: %w", errBoom)
			returned <- err
			return err
		}
		go task() // the go statement has nowhere to put task's error
		if err := <-returned; !errors.Is(err, errBoom) {
			t.Errorf("task returned %v, want an error wrapping %v", err, errBoom)
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
