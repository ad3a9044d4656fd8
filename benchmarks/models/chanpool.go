package models

import "sync"

// runChanPool runs k workers that take task indices from an unbuffered
// channel, fed by the calling goroutine: the idiomatic first pool in Go,
// and the shape of ThreadPoolExecutor's work queue. The feeder stops once
// the batch is cancelled.
//
// Its cost on CPU-bound tasks is the hand-over, not the feeder's own work
// (under a microsecond per task). A worker that takes an index from the
// feeder parked in its send wakes the feeder, which the scheduler puts in
// the runnext slot of that worker's P, behind the task the worker goes on
// to run. When the other worker finishes first and finds no index waiting,
// its P is idle and must steal the feeder from the busy P's runnext slot.
// The scheduler steals a runnext goroutine from a running P only after a
// 3 µs back-off (runtime.runqgrab's usleep(3)), which Linux stretches to
// its timer slack: about 80-90 µs on a 2-core virtual machine with the
// default 50 µs slack. An execution trace of Factorize at GOMAXPROCS=2
// (64 tasks of about 0.2 ms) shows a quarter of the tasks starting after
// such a gap, averaging 80 µs, while the P sits idle: 1.2 ms of idle P per
// batch. Measured in interleaved rounds, ChanPool runs that batch 1.56 to
// 1.68 times as fast as the serial loop, where [Pool], whose workers claim
// the next index themselves, runs it 1.90 to 1.96 times as fast: the
// hand-over costs about a third of the second core.
// The gap is fixed and the task is not, so the share lost shrinks as tasks
// grow.
func runChanPool[In, Out any](b *batch[In, Out], k int) {
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
