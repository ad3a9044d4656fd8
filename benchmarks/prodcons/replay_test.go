//go:build go1.25

package prodcons

import (
	"context"
	"fmt"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
)

// sleep waits d or until ctx is done, like the seed's time.sleep and
// asyncio.sleep, but cancellable.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// schedule is what a replay observes, in time since its start.
type schedule struct {
	Put   []time.Duration // when each Put returned
	Start []time.Duration // when each item reached a consumer, by item
	Per   []int           // how many items each consumer took
	Total time.Duration   // when Run returned
}

// replay runs the seed's program shape under a fake clock: the producer
// puts items 0..n-1, sleeping produceDelay after each put; each consumer
// sleeps consumeDelay per item. Time inside the synctest bubble only moves
// when every goroutine is blocked, so the timings are exact.
func replay(t *testing.T, k Kind, capacity, n, consumers int, produceDelay, consumeDelay time.Duration) schedule {
	t.Helper()
	s := schedule{
		Put:   make([]time.Duration, n),
		Start: make([]time.Duration, n),
		Per:   make([]int, consumers),
	}
	start := time.Now()
	err := Run(t.Context(), newQueue(t, k, capacity), Config[int]{
		Consumers: consumers,
		Produce: func(ctx context.Context, put func(int) error) error {
			for i := range n {
				if err := put(i); err != nil {
					return err
				}
				s.Put[i] = time.Since(start)
				if err := sleep(ctx, produceDelay); err != nil {
					return err
				}
			}
			return nil
		},
		Consume: func(ctx context.Context, c, item int) error {
			// Consumers write disjoint entries; Run's return orders the
			// writes before the reads below.
			s.Start[item] = time.Since(start)
			s.Per[c]++
			return sleep(ctx, consumeDelay)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Total = time.Since(start)
	return s
}

// steps returns n durations 0, d, 2d, ...
func steps(n int, d time.Duration) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = time.Duration(i) * d
	}
	return out
}

// TestSeedReplay replays the seed's case 3 and two variations, and checks
// each against the schedule worked out by hand.
//
// The seed: 10 items, a queue of 10, the producer sleeps 0.1 s after each
// put, two consumers sleep 0.2 s per item. Two consumers at 0.2 s drain 10
// items a second, exactly the producer's rate, so the queue never holds
// more than one item and every item starts the moment it is put: item i at
// 0.1 s * i, each consumer taking every other item. The producer's last
// sleep ends, and it closes the queue (the sentinel), at 1.0 s; the
// consumer of item 8 is free then and stops, the consumer of item 9
// (started at 0.9 s) stops at 1.1 s: the program takes 1.1 s, where the
// serial loop would take 10 * (0.1 + 0.2) = 3 s.
func TestSeedReplay(t *testing.T) {
	const ms = time.Millisecond
	for _, tc := range []struct {
		name                       string
		capacity, n, consumers     int
		produceDelay, consumeDelay time.Duration
		want                       schedule
	}{
		{
			name:         "seed",
			capacity:     seedCapacity,
			n:            10,
			consumers:    2,
			produceDelay: 100 * ms,
			consumeDelay: 200 * ms,
			want: schedule{
				Put:   steps(10, 100*ms),
				Start: steps(10, 100*ms),
				Per:   []int{5, 5},
				Total: 1100 * ms,
			},
		},
		{
			// One consumer takes 0.2 s per item: the queue fills up to 5
			// items by 0.9 s and the consumer sets the pace, 10 * 0.2 s.
			name:         "one consumer",
			capacity:     seedCapacity,
			n:            10,
			consumers:    1,
			produceDelay: 100 * ms,
			consumeDelay: 200 * ms,
			want: schedule{
				Put:   steps(10, 100*ms),
				Start: steps(10, 200*ms),
				Per:   []int{10},
				Total: 2000 * ms,
			},
		},
		{
			// A queue of 1 and a producer that never sleeps: item 0 goes
			// to the consumer, item 1 fills the queue, and from then on
			// each put waits for the consumer to take an item, every
			// 0.2 s. This is the back-pressure a bounded queue exists for.
			name:         "full queue blocks the producer",
			capacity:     1,
			n:            4,
			consumers:    1,
			produceDelay: 0,
			consumeDelay: 200 * ms,
			want: schedule{
				Put:   []time.Duration{0, 0, 200 * ms, 400 * ms},
				Start: steps(4, 200*ms),
				Per:   []int{4},
				Total: 800 * ms,
			},
		},
	} {
		for _, k := range Kinds() {
			t.Run(fmt.Sprintf("%s/queue=%s", tc.name, k), func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					got := replay(t, k, tc.capacity, tc.n, tc.consumers, tc.produceDelay, tc.consumeDelay)
					if diff := cmp.Diff(tc.want, got); diff != "" {
						t.Errorf("schedule (-want +got):\n%s", diff)
					}
				})
			})
		}
	}
}

// TestPutBlocksWhenFull fills a queue to its capacity and checks that the
// next Put waits, durably, until a Get makes room.
func TestPutBlocksWhenFull(t *testing.T) {
	for _, k := range Kinds() {
		t.Run(string(k), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ctx := t.Context()
				q := newQueue(t, k, seedCapacity)
				for i := range seedCapacity {
					if err := q.Put(ctx, i); err != nil {
						t.Fatal(err)
					}
				}
				done := make(chan error, 1)
				go func() { done <- q.Put(ctx, seedCapacity) }()
				synctest.Wait() // the extra Put is blocked, or it has returned
				select {
				case err := <-done:
					t.Fatalf("Put on a full queue returned %v instead of waiting", err)
				default:
				}
				if n := q.Len(); n != seedCapacity {
					t.Errorf("Len() = %d, want %d", n, seedCapacity)
				}
				if v, ok, err := q.Get(ctx); v != 0 || !ok || err != nil {
					t.Fatalf("Get = %d, %t, %v; want 0, true, nil", v, ok, err)
				}
				if err := <-done; err != nil {
					t.Fatalf("waiting Put returned %v after a Get", err)
				}
				if n := q.Len(); n != seedCapacity {
					t.Errorf("Len() = %d, want %d", n, seedCapacity)
				}
			})
		})
	}
}
