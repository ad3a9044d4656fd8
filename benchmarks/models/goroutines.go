package models

import "sync"

// runGoroutines starts one goroutine per task, the counterpart of
// asyncio.gather over one coroutine per input.
func runGoroutines[In, Out any](b *batch[In, Out]) {
	var wg sync.WaitGroup
	wg.Add(len(b.in))
	for i := range b.in {
		go func() {
			defer wg.Done()
			b.do(i)
		}()
	}
	wg.Wait()
}
