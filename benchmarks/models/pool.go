package models

import "sync"

// runPool runs k workers, the counterpart of
// ThreadPoolExecutor(max_workers=k). Each worker claims the next task index
// itself, with one atomic increment, and stops once none is left or the
// batch is cancelled.
//
// The workers do not wait on a goroutine that feeds them, as those of
// [ChanPool] do: handing each task over through an unbuffered channel
// costs that pool about a third of the second core on CPU-bound tasks at
// GOMAXPROCS=2 (runChanPool says why). A claim is a few nanoseconds of the
// worker's own time, on its own P: no goroutine is woken, so the scheduler
// has no one to move between Ps, and a worker that finishes a task starts
// the next one at once.
func runPool[In, Out any](b *batch[In, Out], k int) {
	k = min(k, len(b.in))
	var wg sync.WaitGroup
	wg.Add(k)
	for range k {
		go func() {
			defer wg.Done()
			for i, ok := b.claim(); ok; i, ok = b.claim() {
				b.do(i)
			}
		}()
	}
	wg.Wait()
}
