package models

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"sync/atomic"
)

// A batch is one Map call: the inputs, the results, the errors, and the
// context that fail-fast cancels. Every model only decides when to call do
// for which index; the bookkeeping lives here, once.
type batch[In, Out any] struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
	parent context.Context
	run    Task[In, Out]
	in     []In
	out    []Out
	mode   ErrorMode

	// claimed counts the task indices handed out by claim.
	claimed atomic.Int64

	mu    sync.Mutex
	first error   // the first task error, in time
	errs  []error // every task error, indexed like in
}

func newBatch[In, Out any](parent context.Context, run Task[In, Out], in []In, mode ErrorMode) *batch[In, Out] {
	ctx, cancel := context.WithCancelCause(parent)
	return &batch[In, Out]{
		ctx:    ctx,
		cancel: cancel,
		parent: parent,
		run:    run,
		in:     in,
		out:    make([]Out, len(in)),
		mode:   mode,
		errs:   make([]error, len(in)),
	}
}

// stopped reports whether no further task should start.
func (b *batch[In, Out]) stopped() bool { return b.ctx.Err() != nil }

// do runs task i in the calling goroutine, turning a panic into an error.
// It skips the task when the batch has stopped.
func (b *batch[In, Out]) do(i int) {
	if b.stopped() {
		return
	}
	var (
		v   Out
		err error
	)
	func() {
		defer func() {
			if p := recover(); p != nil {
				err = &PanicError{Value: p, Stack: debug.Stack()}
			}
		}()
		v, err = b.run(b.ctx, b.in[i])
	}()
	b.finish(i, v, err)
}

// feed sends every task index to jobs until the batch stops, then closes
// jobs: the producer side of the models whose workers take tasks from a
// channel.
func (b *batch[In, Out]) feed(jobs chan<- int) {
	defer close(jobs)
	for i := range b.in {
		select {
		case jobs <- i:
		case <-b.ctx.Done():
			return
		}
	}
}

// claim hands the calling worker the next task index, in input order, and
// reports false when every index has been handed out or the batch has
// stopped: the models whose workers take the next task themselves, with
// no goroutine in between.
func (b *batch[In, Out]) claim() (int, bool) {
	if b.stopped() {
		return 0, false
	}
	i := int(b.claimed.Add(1) - 1)
	return i, i < len(b.in)
}

// finish records the outcome of task i.
func (b *batch[In, Out]) finish(i int, v Out, err error) {
	if err == nil {
		b.out[i] = v
		return
	}
	b.fail(i, err)
}

// fail records that task i failed with err.
func (b *batch[In, Out]) fail(i int, err error) {
	err = &TaskError{Index: i, Err: err}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.mode == FailFast && b.ctx.Err() != nil {
		// The batch was already cancelled: later errors are most likely
		// the cancellation seen by other tasks, not news.
		return
	}
	b.errs[i] = err
	if b.first == nil {
		b.first = err
		if b.mode == FailFast {
			b.cancel(err)
		}
	}
}

// err returns what Map returns as its error.
func (b *batch[In, Out]) err() error {
	if err := b.parent.Err(); err != nil {
		return fmt.Errorf("models: %w", context.Cause(b.parent))
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.mode == FailFast {
		return b.first
	}
	return errors.Join(b.errs...)
}
