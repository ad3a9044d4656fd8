package syncprims

import (
	"context"
	"fmt"

	"golang.org/x/sync/semaphore"
)

// A Semaphore lets at most k goroutines hold it at once:
// threading.Semaphore(k) and asyncio.Semaphore(k). Implementations are
// safe for concurrent use.
type Semaphore interface {
	// Acquire takes one of the k places, waiting for one to be free, or
	// returns ctx's error if ctx is done first, holding nothing.
	Acquire(ctx context.Context) error
	// Release gives back a place taken by Acquire.
	Release()
}

// A ChanSemaphore is a buffered channel of capacity k: a send acquires, a
// receive releases. Waiters are not served in order.
type ChanSemaphore struct {
	places chan struct{}
}

// NewChanSemaphore returns a ChanSemaphore with k places. It panics when k
// is below 1.
func NewChanSemaphore(k int) *ChanSemaphore {
	if k < 1 {
		panic(fmt.Sprintf("syncprims: semaphore needs at least 1 place, got %d", k))
	}
	return &ChanSemaphore{places: make(chan struct{}, k)}
}

// Acquire implements [Semaphore].
func (s *ChanSemaphore) Acquire(ctx context.Context) error {
	select {
	case s.places <- struct{}{}:
		return nil
	default:
	}
	select {
	case s.places <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Release implements [Semaphore]. It panics when nothing is held.
func (s *ChanSemaphore) Release() {
	select {
	case <-s.places:
	default:
		panic("syncprims: semaphore released more than acquired")
	}
}

// A WeightedSemaphore is golang.org/x/sync/semaphore.Weighted with every
// holder weighing one: waiters are served first come, first served.
type WeightedSemaphore struct {
	w *semaphore.Weighted
}

// NewWeightedSemaphore returns a WeightedSemaphore with k places. It
// panics when k is below 1.
func NewWeightedSemaphore(k int) *WeightedSemaphore {
	if k < 1 {
		panic(fmt.Sprintf("syncprims: semaphore needs at least 1 place, got %d", k))
	}
	return &WeightedSemaphore{w: semaphore.NewWeighted(int64(k))}
}

// Acquire implements [Semaphore].
func (s *WeightedSemaphore) Acquire(ctx context.Context) error { return s.w.Acquire(ctx, 1) }

// Release implements [Semaphore]. It panics when nothing is held.
func (s *WeightedSemaphore) Release() { s.w.Release(1) }
