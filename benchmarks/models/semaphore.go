package models

import (
	"sync"

	"golang.org/x/sync/semaphore"
)

// runSemaphore starts one goroutine per task, each of which must acquire a
// weighted semaphore of size k before it runs: asyncio.Semaphore(k) around
// every coroutine of a gather. Unlike Pool, every task has its goroutine
// from the start; only k of them work at once.
func runSemaphore[In, Out any](b *batch[In, Out], k int) {
	sem := semaphore.NewWeighted(int64(k))
	var wg sync.WaitGroup
	wg.Add(len(b.in))
	for i := range b.in {
		go func() {
			defer wg.Done()
			if err := sem.Acquire(b.ctx, 1); err != nil {
				return // cancelled while waiting: the task never starts
			}
			defer sem.Release(1)
			b.do(i)
		}()
	}
	wg.Wait()
}
