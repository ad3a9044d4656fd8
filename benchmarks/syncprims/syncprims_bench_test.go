package syncprims

import (
	"context"
	"runtime"
	"sync"
	"testing"
)

// The lock mixes: mix=read90 is nine reads per write, the case an RWMutex
// is made for; mix=write90 is nine writes per read.
var lockMixes = []struct {
	mix   string
	write func(i int) bool
}{
	{"read90", func(i int) bool { return i%10 == 0 }},
	{"write90", func(i int) bool { return i%10 != 0 }},
}

// BenchmarkLock has every goroutine of b.RunParallel (one per GOMAXPROCS)
// read and increment one shared counter: the contention a lock exists
// for. ns/op is per read or increment, across all goroutines.
func BenchmarkLock(b *testing.B) {
	for _, tc := range counters {
		for _, m := range lockMixes {
			b.Run("prim="+tc.prim+"/mix="+m.mix, func(b *testing.B) {
				c := tc.new()
				b.ReportAllocs()
				b.RunParallel(func(pb *testing.PB) {
					var sum int64
					for i := 0; pb.Next(); i++ {
						if m.write(i) {
							c.Inc()
						} else {
							sum += c.Load()
						}
					}
					if sum < 0 {
						b.Error("counter went negative") // also keeps sum alive
					}
				})
			})
		}
	}
}

// semPlaces and semParallelism make the semaphore benchmark contended at
// every GOMAXPROCS: four goroutines per P compete for two places.
const (
	semPlaces      = 2
	semParallelism = 4
)

// BenchmarkSemaphore acquires and releases one semaphore of semPlaces
// places from semParallelism goroutines per GOMAXPROCS. A holder yields
// once before it releases, as a holder waiting for I/O would, so that the
// others find the places taken at every GOMAXPROCS, 1 included, and every
// operation pays for a hand-off. ns/op is one acquire and release.
func BenchmarkSemaphore(b *testing.B) {
	for _, tc := range semaphores {
		b.Run("prim="+tc.prim, func(b *testing.B) {
			s := tc.new(semPlaces)
			ctx := context.Background()
			b.ReportAllocs()
			b.SetParallelism(semParallelism)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := s.Acquire(ctx); err != nil {
						b.Error(err)
						return
					}
					runtime.Gosched()
					s.Release()
				}
			})
		})
	}
}

// eventWaiters is how many goroutines wait for each event.
const eventWaiters = 8

// A round is one event of BenchmarkEvent. The waiters follow next from
// round to round; next and stop are written before the event is set, so
// a waiter that sees the event set sees them too.
type round struct {
	ev   Event
	next *round
	stop bool
}

// BenchmarkEvent sets one event that eventWaiters goroutines wait for, and
// waits until every one has woken: ns/op is one broadcast, delivered. The
// waiters live across rounds, so no goroutine is started in the loop. A
// waiter that is not yet waiting when the event is set returns at once,
// as it would in a program.
func BenchmarkEvent(b *testing.B) {
	for _, tc := range events {
		b.Run("prim="+tc.prim, func(b *testing.B) {
			ctx := context.Background()
			first := &round{ev: tc.new()}
			var woken, exited sync.WaitGroup
			exited.Add(eventWaiters)
			for range eventWaiters {
				go func() {
					defer exited.Done()
					for r := first; ; r = r.next {
						if err := r.ev.Wait(ctx); err != nil {
							b.Error(err)
							return
						}
						if r.stop {
							return
						}
						woken.Done()
					}
				}()
			}
			cur := first
			b.ReportAllocs()
			for b.Loop() {
				cur.next = &round{ev: tc.new()}
				woken.Add(eventWaiters)
				cur.ev.Set()
				woken.Wait()
				cur = cur.next
			}
			cur.stop = true
			cur.ev.Set()
			exited.Wait()
		})
	}
}

// joinTasks is how many goroutines one join starts.
const joinTasks = 8

// BenchmarkJoin starts joinTasks goroutines that do nothing and waits for
// them, from every goroutine of b.RunParallel: ns/op is one whole join,
// the start of its goroutines included.
func BenchmarkJoin(b *testing.B) {
	noop := func(int) error { return nil }
	for _, tc := range joins {
		b.Run("prim="+tc.prim, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := tc.join(joinTasks, noop); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
