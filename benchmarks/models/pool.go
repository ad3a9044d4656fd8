package models

import "sync"

// runPool runs k workers that take task indices from a channel, the
// counterpart of ThreadPoolExecutor(max_workers=k). The producer stops
// feeding the channel once the batch is cancelled.
func runPool[In, Out any](b *batch[In, Out], k int) {
	k = min(k, len(b.in))
	jobs := make(chan int)
	var wg sync.WaitGroup
	wg.Add(k)
	for range k {
		go func() {
			defer wg.Done()
			for i := range jobs {
				b.do(i)
			}
		}()
	}
	b.feed(jobs)
	wg.Wait()
}
