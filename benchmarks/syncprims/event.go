package syncprims

import (
	"context"
	"sync"
)

// An Event is a flag that starts unset and is set once, waking every
// goroutine that waits for it: threading.Event and asyncio.Event, without
// clear (a Go channel cannot be reopened; make a new Event instead).
// Implementations are safe for concurrent use.
type Event interface {
	// Set sets the flag and wakes every waiter. Setting a set Event does
	// nothing.
	Set()
	// Wait returns once the flag is set, at once if it already is, or
	// returns ctx's error if ctx is done first.
	Wait(ctx context.Context) error
}

// A ChanEvent is a channel that Set closes: a closed channel is ready for
// every receiver, now and later, which is exactly an event.
type ChanEvent struct {
	once sync.Once
	done chan struct{}
}

// NewChanEvent returns an unset ChanEvent.
func NewChanEvent() *ChanEvent { return &ChanEvent{done: make(chan struct{})} }

// Set implements [Event].
func (e *ChanEvent) Set() { e.once.Do(func() { close(e.done) }) }

// Wait implements [Event].
func (e *ChanEvent) Wait(ctx context.Context) error {
	select {
	case <-e.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// A CondEvent is a flag guarded by a mutex, with a sync.Cond that Set
// broadcasts on: the way threading.Event is built in CPython.
type CondEvent struct {
	mu   sync.Mutex
	cond sync.Cond
	set  bool
}

// NewCondEvent returns an unset CondEvent.
func NewCondEvent() *CondEvent {
	e := &CondEvent{}
	e.cond.L = &e.mu
	return e
}

// Set implements [Event].
func (e *CondEvent) Set() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.set = true
	e.cond.Broadcast()
}

// Wait implements [Event].
func (e *CondEvent) Wait(ctx context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.set {
		return nil
	}
	// sync.Cond cannot select on ctx.Done: a context.AfterFunc wakes the
	// waiters instead. It takes the mutex, so it cannot slip in between
	// the check of ctx.Err and cond.Wait below. A context that is never
	// done needs no such wake-up.
	if ctx.Done() != nil {
		stop := context.AfterFunc(ctx, func() {
			e.mu.Lock()
			defer e.mu.Unlock()
			e.cond.Broadcast()
		})
		defer stop()
	}
	for !e.set {
		if err := ctx.Err(); err != nil {
			return err
		}
		e.cond.Wait()
	}
	return nil
}
