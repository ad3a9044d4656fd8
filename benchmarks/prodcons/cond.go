package prodcons

import (
	"context"
	"sync"
)

// A CondQueue is a [Queue] on a ring buffer guarded by a mutex, with one
// condition variable for "not empty" and one for "not full": the design of
// Python's queue.Queue. A sync.Cond knows nothing of contexts, so a waiter
// registers a context.AfterFunc that wakes it when its context is done.
type CondQueue[T any] struct {
	mu       sync.Mutex
	notEmpty sync.Cond
	notFull  sync.Cond
	buf      []T
	head     int // index of the oldest item
	n        int // how many items buf holds
	closed   bool
}

// NewCond returns an empty CondQueue that holds up to capacity items. It
// panics when capacity is below 1.
func NewCond[T any](capacity int) *CondQueue[T] {
	if capacity < 1 {
		panic("prodcons: NewCond needs a capacity of at least 1")
	}
	q := &CondQueue[T]{buf: make([]T, capacity)}
	q.notEmpty.L = &q.mu
	q.notFull.L = &q.mu
	return q
}

// Put implements [Queue].
func (q *CondQueue[T]) Put(ctx context.Context, v T) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		panic("prodcons: put on closed queue")
	}
	if q.n == len(q.buf) {
		if err := q.wait(ctx, &q.notFull, q.hasRoom); err != nil {
			return err
		}
		if q.closed {
			panic("prodcons: queue closed while a put was waiting")
		}
	}
	q.buf[(q.head+q.n)%len(q.buf)] = v
	q.n++
	q.notEmpty.Signal()
	return nil
}

// Get implements [Queue].
func (q *CondQueue[T]) Get(ctx context.Context) (v T, ok bool, err error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.n == 0 && !q.closed {
		if err := q.wait(ctx, &q.notEmpty, q.hasItemOrEnd); err != nil {
			return v, false, err
		}
	}
	if q.n == 0 {
		return v, false, nil // closed and drained
	}
	v = q.buf[q.head]
	var zero T
	q.buf[q.head] = zero // let the garbage collector have it
	q.head = (q.head + 1) % len(q.buf)
	q.n--
	q.notFull.Signal()
	return v, true, nil
}

// Close implements [Queue].
func (q *CondQueue[T]) Close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		panic("prodcons: close of closed queue")
	}
	q.closed = true
	q.notEmpty.Broadcast()
	q.notFull.Broadcast()
}

// Len implements [Queue].
func (q *CondQueue[T]) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.n
}

// Cap implements [Queue].
func (q *CondQueue[T]) Cap() int { return len(q.buf) }

// hasRoom and hasItemOrEnd are the conditions of notFull and notEmpty.
// Both are called with mu held.
func (q *CondQueue[T]) hasRoom() bool      { return q.n < len(q.buf) || q.closed }
func (q *CondQueue[T]) hasItemOrEnd() bool { return q.n > 0 || q.closed }

// wait waits on c, with mu held, until ready reports true or ctx is done.
func (q *CondQueue[T]) wait(ctx context.Context, c *sync.Cond, ready func() bool) error {
	// The wake-up takes mu, so it cannot slip in between the check of
	// ctx.Err below and c.Wait: this is the pattern of context.AfterFunc's
	// own sync.Cond example.
	// A context that is never done needs no such wake-up, and spares the
	// allocation of one.
	if ctx.Done() != nil {
		stop := context.AfterFunc(ctx, func() {
			q.mu.Lock()
			defer q.mu.Unlock()
			c.Broadcast()
		})
		defer stop()
	}
	for !ready() {
		// ready is checked first: a waiter that was signalled takes its
		// item even if ctx is done too, so no signal is lost with it.
		if err := ctx.Err(); err != nil {
			return err
		}
		c.Wait()
	}
	return nil
}
