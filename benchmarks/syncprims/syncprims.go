// Package syncprims is seed section 7: the synchronisation primitives of
// threading and asyncio, in Go, each next to its alternatives so that one
// benchmark can compare them under contention across GOMAXPROCS.
//
//	seed            threading / asyncio          Go, compared here
//	mutual excl.    Lock / asyncio.Lock          [MutexCounter], [RWMutexCounter],
//	                                             [AtomicCounter], [ChanCounter]
//	semaphore       Semaphore / asyncio.Sem.     [ChanSemaphore], [WeightedSemaphore]
//	event           Event / asyncio.Event        [ChanEvent] (close), [CondEvent] (Broadcast)
//	queue           queue.Queue / asyncio.Queue  package prodcons: chan and sync.Cond queues
//	waiting         Thread.join() / gather       [JoinWaitGroup], [JoinErrgroup]
//
// In Python each primitive comes twice, once for threads and once for
// coroutines, because the two cannot block on each other's primitives. Go
// has one kind of thread of execution, the goroutine, so one set serves
// both. The tests of this package also measure the seed's section 2 table
// (switching cost: process high, thread medium, coroutine low) with
// ping-pong and spawn benchmarks, and show the race detector catching the
// unsynchronised counter that the locks exist to prevent.
package syncprims
