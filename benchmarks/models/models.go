// Package models runs one batch of tasks under one of seven concurrency
// models, the Go counterparts of the seed tutorial's serial loop,
// asyncio.gather, ThreadPoolExecutor (twice: [Pool] and [ChanPool]),
// TaskGroup, asyncio.Semaphore and ProcessPoolExecutor.
//
// Every case of the benchmark suite calls [Map], so the models are written
// once and compared on equal terms:
//
//	out, err := models.Map(ctx, models.Pool, job, inputs, models.Options{Workers: 5})
//
// The contract, the same for every model:
//
//  1. Results come back in input order: out[i] is the result of inputs[i].
//     out always has len(inputs) entries; the entry of a task that failed or
//     did not run holds the zero value.
//  2. Errors follow [Options.Errors]. [FailFast] (the zero value) cancels the
//     context of the remaining tasks at the first error and returns that
//     error; [CollectAll] runs every task and returns all errors joined with
//     errors.Join, in input order (Python's return_exceptions=True).
//     Every task error is a [*TaskError] that names the input's index.
//  3. A panic in a task becomes a [*PanicError] carrying the panic value;
//     it never crashes the process.
//  4. When ctx is cancelled, no new task starts, running tasks see their
//     context cancelled, and Map returns the context's error.
//  5. No goroutine and no child process outlives Map.
//
// GOMAXPROCS=1 is the counterpart of Python's GIL: the in-process models are
// then concurrent but not parallel. [ProcPool] is the exception: it runs
// tasks in worker processes, each with GOMAXPROCS=1, as many as the caller's
// GOMAXPROCS unless [Options.Workers] says otherwise, so that "cores" means
// cores actually usable, as for the other models.
//
// # Two pools
//
// [ChanPool] is the pool most Go code writes first: k workers ranging over
// an unbuffered channel that the caller feeds. [Pool] does the same work
// with workers that claim the next task index themselves. On CPU-bound
// tasks at GOMAXPROCS=2, ChanPool loses about a third of the second core
// to the hand-over through the channel: a worker that finds the channel
// empty leaves its P idle until the scheduler steals the feeder from the
// other P, after a back-off that Linux's timer slack stretches to about
// 80 µs (runChanPool's documentation has the trace). Pool has no feeder to
// wait for. Both keep the contract; they differ only in speed.
package models

import (
	"context"
	"errors"
	"fmt"
	"runtime"
)

// A Model names a concurrency model.
type Model string

// The models. Their files in this package carry their names.
const (
	// Serial runs the tasks one after another in the calling goroutine:
	// the seed's plain loop.
	Serial Model = "serial"
	// Goroutines starts one goroutine per task: asyncio.gather.
	Goroutines Model = "goroutines"
	// Pool runs k worker goroutines, each claiming the next task itself:
	// ThreadPoolExecutor(max_workers=k).
	Pool Model = "pool"
	// ChanPool runs k worker goroutines reading tasks from an unbuffered
	// channel that the caller feeds: the same executor written the
	// idiomatic first way, and slower than Pool on CPU-bound tasks (see
	// the package documentation).
	ChanPool Model = "chanpool"
	// Errgroup uses golang.org/x/sync/errgroup with SetLimit(k): TaskGroup.
	Errgroup Model = "errgroup"
	// Semaphore starts one goroutine per task, at most k of which hold a
	// golang.org/x/sync/semaphore at once: asyncio.Semaphore(k).
	Semaphore Model = "semaphore"
	// ProcPool runs the tasks in k worker processes, re-executions of the
	// current binary, with inputs and results gob-encoded over pipes:
	// ProcessPoolExecutor(max_workers=k). See [Serve].
	ProcPool Model = "procpool"
)

// All lists every model, the baseline first.
func All() []Model {
	return []Model{Serial, Goroutines, Pool, ChanPool, Errgroup, Semaphore, ProcPool}
}

// InProcess lists the models that run tasks in the calling process.
func InProcess() []Model {
	return []Model{Serial, Goroutines, Pool, ChanPool, Errgroup, Semaphore}
}

// Parse returns the model called name.
func Parse(name string) (Model, error) {
	for _, m := range All() {
		if string(m) == name {
			return m, nil
		}
	}
	return "", fmt.Errorf("unknown model %q (want one of %v)", name, All())
}

// An ErrorMode says what Map does when a task fails.
type ErrorMode int

const (
	// FailFast cancels the remaining tasks at the first error and returns
	// it. It is the zero value.
	FailFast ErrorMode = iota
	// CollectAll runs every task and returns all errors, joined.
	CollectAll
)

// String returns "fail-fast" or "collect-all".
func (m ErrorMode) String() string {
	switch m {
	case FailFast:
		return "fail-fast"
	case CollectAll:
		return "collect-all"
	}
	return fmt.Sprintf("ErrorMode(%d)", int(m))
}

// Options tunes Map. The zero value is ready to use: fail-fast errors and
// runtime.GOMAXPROCS(0) workers.
type Options struct {
	// Workers is k, the number of tasks a bounded model (Pool, ChanPool,
	// Errgroup, Semaphore, ProcPool) runs at once. Zero means runtime.GOMAXPROCS(0);
	// a negative value is an error. Serial and Goroutines ignore it.
	Workers int
	// Errors selects fail-fast (the default) or collect-all.
	Errors ErrorMode
}

// A Task computes one result from one input. It should return promptly once
// ctx is cancelled.
type Task[In, Out any] func(ctx context.Context, in In) (Out, error)

// A Job is a task with a name. The name is what crosses a process boundary:
// a function value cannot be sent to another process (the seed's pickle
// pitfall), so ProcPool sends the name and the worker looks it up in the
// [Registry] it serves. In-process models only call Run.
type Job[In, Out any] struct {
	Name string
	Run  Task[In, Out]
}

// A TaskError is the error of the task at Index.
type TaskError struct {
	Index int
	Err   error
}

func (e *TaskError) Error() string { return fmt.Sprintf("item %d: %v", e.Index, e.Err) }

// Unwrap returns the task's own error.
func (e *TaskError) Unwrap() error { return e.Err }

// A PanicError is a panic in a task, turned into an error.
type PanicError struct {
	// Value is the value passed to panic. For a panic in a worker process
	// it is the value's text.
	Value any
	// Stack is the stack of the panicking goroutine.
	Stack []byte
}

func (e *PanicError) Error() string { return fmt.Sprintf("panic: %v", e.Value) }

// Map runs job on every input under model m and returns the results in input
// order. The package documentation gives the contract.
func Map[In, Out any](ctx context.Context, m Model, job Job[In, Out], inputs []In, opts Options) ([]Out, error) {
	if job.Run == nil && m != ProcPool {
		return nil, errors.New("models: job has no Run function")
	}
	if opts.Workers < 0 {
		return nil, fmt.Errorf("models: workers must be positive (or 0 for GOMAXPROCS), got %d", opts.Workers)
	}
	if opts.Errors != FailFast && opts.Errors != CollectAll {
		return nil, fmt.Errorf("models: unknown error mode %v", opts.Errors)
	}
	k := opts.Workers
	if k == 0 {
		k = runtime.GOMAXPROCS(0)
	}
	if err := ctx.Err(); err != nil {
		return make([]Out, len(inputs)), err
	}
	b := newBatch(ctx, job.Run, inputs, opts.Errors)
	defer b.cancel(nil)
	switch m {
	case Serial:
		runSerial(b)
	case Goroutines:
		runGoroutines(b)
	case Pool:
		runPool(b, k)
	case ChanPool:
		runChanPool(b, k)
	case Errgroup:
		runErrgroup(b, k)
	case Semaphore:
		runSemaphore(b, k)
	case ProcPool:
		if err := runProcPool(b, job.Name, k); err != nil {
			return b.out, err
		}
	default:
		return nil, fmt.Errorf("models: unknown model %q (want one of %v)", m, All())
	}
	return b.out, b.err()
}
