package prodcons

import "context"

// A ChanQueue is a [Queue] on a buffered channel. Close closes the channel,
// which wakes every waiting consumer at once.
type ChanQueue[T any] struct {
	ch chan T
}

// NewChan returns an empty ChanQueue that holds up to capacity items. It
// panics when capacity is below 1: an unbuffered channel is a hand-off,
// not a bounded queue.
func NewChan[T any](capacity int) *ChanQueue[T] {
	if capacity < 1 {
		panic("prodcons: NewChan needs a capacity of at least 1")
	}
	return &ChanQueue[T]{ch: make(chan T, capacity)}
}

// Put implements [Queue].
func (q *ChanQueue[T]) Put(ctx context.Context, v T) error {
	// The first select is the common case, a queue with room, without the
	// cost of a two-way select.
	select {
	case q.ch <- v:
		return nil
	default:
	}
	select {
	case q.ch <- v:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Get implements [Queue].
func (q *ChanQueue[T]) Get(ctx context.Context) (v T, ok bool, err error) {
	select {
	case v, ok = <-q.ch:
		return v, ok, nil
	default:
	}
	select {
	case v, ok = <-q.ch:
		return v, ok, nil
	case <-ctx.Done():
		return v, false, ctx.Err()
	}
}

// Close implements [Queue].
func (q *ChanQueue[T]) Close() { close(q.ch) }

// Len implements [Queue].
func (q *ChanQueue[T]) Len() int { return len(q.ch) }

// Cap implements [Queue].
func (q *ChanQueue[T]) Cap() int { return cap(q.ch) }
