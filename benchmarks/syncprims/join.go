package syncprims

import (
	"errors"
	"sync"

	"golang.org/x/sync/errgroup"
)

// A Join runs task(0), ..., task(n-1), each in a goroutine of its own, and
// returns once every one has returned: Thread.join() over n threads, or
// asyncio.gather over n coroutines.
type Join func(n int, task func(i int) error) error

// JoinWaitGroup waits with a sync.WaitGroup. A WaitGroup only counts; the
// errors are kept in a slice, one entry per task, and returned joined, as
// gather(return_exceptions=True) returns every exception.
func JoinWaitGroup(n int, task func(i int) error) error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	wg.Add(n)
	for i := range n {
		go func() {
			defer wg.Done()
			errs[i] = task(i)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// JoinErrgroup waits with an errgroup.Group, which keeps the first error
// and drops the others. Every task still runs to its end: only
// errgroup.WithContext would tell the others to stop.
func JoinErrgroup(n int, task func(i int) error) error {
	var g errgroup.Group
	for i := range n {
		g.Go(func() error { return task(i) })
	}
	return g.Wait()
}
