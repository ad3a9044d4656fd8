package syncprims

import (
	"sync"
	"sync/atomic"
)

// A Counter is a shared integer that many goroutines increment and read:
// the smallest piece of shared state that needs mutual exclusion.
// Implementations are safe for concurrent use; the zero value is not
// usable, call the New function of each.
type Counter interface {
	// Inc adds one.
	Inc()
	// Load returns the current count.
	Load() int64
}

// A MutexCounter guards its count with a sync.Mutex: threading.Lock.
type MutexCounter struct {
	mu sync.Mutex
	n  int64
}

// NewMutexCounter returns a MutexCounter at zero.
func NewMutexCounter() *MutexCounter { return &MutexCounter{} }

// Inc implements [Counter].
func (c *MutexCounter) Inc() {
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
}

// Load implements [Counter].
func (c *MutexCounter) Load() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// An RWMutexCounter guards its count with a sync.RWMutex: readers share
// the lock, a writer holds it alone. Python's standard library has no
// reader/writer lock.
type RWMutexCounter struct {
	mu sync.RWMutex
	n  int64
}

// NewRWMutexCounter returns an RWMutexCounter at zero.
func NewRWMutexCounter() *RWMutexCounter { return &RWMutexCounter{} }

// Inc implements [Counter].
func (c *RWMutexCounter) Inc() {
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
}

// Load implements [Counter].
func (c *RWMutexCounter) Load() int64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.n
}

// An AtomicCounter uses sync/atomic: no lock at all, only the processor's
// atomic add. It works for one word; anything larger needs a lock.
type AtomicCounter struct {
	n atomic.Int64
}

// NewAtomicCounter returns an AtomicCounter at zero.
func NewAtomicCounter() *AtomicCounter { return &AtomicCounter{} }

// Inc implements [Counter].
func (c *AtomicCounter) Inc() { c.n.Add(1) }

// Load implements [Counter].
func (c *AtomicCounter) Load() int64 { return c.n.Load() }

// A ChanCounter uses a channel of capacity one as its lock: a send takes
// the lock, a receive gives it back. It shows that a channel can do a
// mutex's job, and what that costs.
type ChanCounter struct {
	lock chan struct{}
	n    int64
}

// NewChanCounter returns a ChanCounter at zero.
func NewChanCounter() *ChanCounter { return &ChanCounter{lock: make(chan struct{}, 1)} }

// Inc implements [Counter].
func (c *ChanCounter) Inc() {
	c.lock <- struct{}{}
	c.n++
	<-c.lock
}

// Load implements [Counter].
func (c *ChanCounter) Load() int64 {
	c.lock <- struct{}{}
	defer func() { <-c.lock }()
	return c.n
}
