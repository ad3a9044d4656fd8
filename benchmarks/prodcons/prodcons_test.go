package prodcons

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"

	"concbench/benchmarks/models"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// seedCapacity is the seed's queue.Queue(maxsize=10).
const seedCapacity = 10

func newQueue(t testing.TB, k Kind, capacity int) Queue[int] {
	t.Helper()
	q, err := New[int](k, capacity)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// putAll is a producer that puts items in order.
func putAll(items []int) func(context.Context, func(int) error) error {
	return func(ctx context.Context, put func(int) error) error {
		for _, v := range items {
			if err := put(v); err != nil {
				return err
			}
		}
		return nil
	}
}

func TestNew(t *testing.T) {
	for _, tc := range []struct {
		kind     Kind
		capacity int
		wantErr  bool
	}{
		{Chan, 10, false},
		{Cond, 1, false},
		{Chan, 0, true},
		{Cond, -1, true},
		{"ring", 10, true},
	} {
		t.Run(fmt.Sprintf("%s/%d", tc.kind, tc.capacity), func(t *testing.T) {
			q, err := New[int](tc.kind, tc.capacity)
			if (err != nil) != tc.wantErr {
				t.Fatalf("New(%q, %d) error = %v, want error: %v", tc.kind, tc.capacity, err, tc.wantErr)
			}
			if err == nil && q.Cap() != tc.capacity {
				t.Errorf("Cap() = %d, want %d", q.Cap(), tc.capacity)
			}
		})
	}
}

// TestFIFO checks the order of a single producer and consumer, and that
// after Close the remaining items come out before the end.
func TestFIFO(t *testing.T) {
	for _, k := range Kinds() {
		t.Run(string(k), func(t *testing.T) {
			ctx := t.Context()
			q := newQueue(t, k, 3)
			for round := range 3 { // wrap the ring around
				for i := range 3 {
					if err := q.Put(ctx, 10*round+i); err != nil {
						t.Fatal(err)
					}
				}
				var got []int
				for range 3 {
					v, ok, err := q.Get(ctx)
					if err != nil || !ok {
						t.Fatalf("Get = %d, %t, %v; want an item", v, ok, err)
					}
					got = append(got, v)
				}
				want := []int{10 * round, 10*round + 1, 10*round + 2}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("round %d (-want +got):\n%s", round, diff)
				}
			}
			if err := q.Put(ctx, 7); err != nil {
				t.Fatal(err)
			}
			q.Close()
			type get struct {
				V  int
				OK bool
			}
			var got []get
			for range 3 {
				v, ok, err := q.Get(ctx)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, get{v, ok})
			}
			if diff := cmp.Diff([]get{{7, true}, {0, false}, {0, false}}, got); diff != "" {
				t.Errorf("after Close (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCloseWakesEveryConsumer parks consumers on an empty queue; one Close
// must end every one of them.
func TestCloseWakesEveryConsumer(t *testing.T) {
	const consumers = 8
	for _, k := range Kinds() {
		t.Run(string(k), func(t *testing.T) {
			q := newQueue(t, k, seedCapacity)
			type result struct {
				ok  bool
				err error
			}
			results := make(chan result, consumers)
			for range consumers {
				go func() {
					_, ok, err := q.Get(t.Context())
					results <- result{ok, err}
				}()
			}
			q.Close()
			for range consumers {
				if r := <-results; r.ok || r.err != nil {
					t.Errorf("Get after Close = ok %t, err %v; want the end", r.ok, r.err)
				}
			}
		})
	}
}

// TestCancelWhileWaiting checks that Put on a full queue and Get on an
// empty one return once their context is cancelled.
func TestCancelWhileWaiting(t *testing.T) {
	for _, k := range Kinds() {
		t.Run(string(k), func(t *testing.T) {
			full := newQueue(t, k, 1)
			if err := full.Put(t.Context(), 1); err != nil {
				t.Fatal(err)
			}
			empty := newQueue(t, k, 1)
			ctx, cancel := context.WithCancel(t.Context())
			errs := make(chan error, 2)
			go func() { errs <- full.Put(ctx, 2) }()
			go func() {
				_, _, err := empty.Get(ctx)
				errs <- err
			}()
			cancel()
			for range 2 {
				if err := <-errs; !errors.Is(err, context.Canceled) {
					t.Errorf("blocked call returned %v, want context.Canceled", err)
				}
			}
			if n := full.Len(); n != 1 {
				t.Errorf("full.Len() = %d after a cancelled Put, want 1", n)
			}
		})
	}
}

// TestMisuse checks that the mistakes a channel turns into panics are
// panics for CondQueue too.
func TestMisuse(t *testing.T) {
	for _, k := range Kinds() {
		for _, tc := range []struct {
			name string
			f    func(Queue[int])
		}{
			{"put after close", func(q Queue[int]) { q.Close(); _ = q.Put(context.Background(), 1) }},
			{"close twice", func(q Queue[int]) { q.Close(); q.Close() }},
		} {
			t.Run(string(k)+"/"+tc.name, func(t *testing.T) {
				defer func() {
					if recover() == nil {
						t.Errorf("%s did not panic", tc.name)
					}
				}()
				tc.f(newQueue(t, k, 1))
			})
		}
	}
}

// A checkedQueue checks after every operation that q holds no more than
// its capacity, and records the most it ever held.
type checkedQueue struct {
	Queue[int]
	t   *testing.T
	max atomic.Int64
}

func (c *checkedQueue) check() {
	n := c.Len()
	if n > c.Cap() {
		c.t.Errorf("queue holds %d items, more than its capacity %d", n, c.Cap())
	}
	for {
		m := c.max.Load()
		if int64(n) <= m || c.max.CompareAndSwap(m, int64(n)) {
			return
		}
	}
}

func (c *checkedQueue) Put(ctx context.Context, v int) error {
	err := c.Queue.Put(ctx, v)
	c.check()
	return err
}

func (c *checkedQueue) Get(ctx context.Context) (int, bool, error) {
	v, ok, err := c.Queue.Get(ctx)
	c.check()
	return v, ok, err
}

// TestRunConsumesEachItemOnce runs many items, with repeats, through every
// queue and consumer count, and compares the multiset consumed with the
// multiset produced.
func TestRunConsumesEachItemOnce(t *testing.T) {
	items := make([]int, 2000)
	for i := range items {
		items[i] = i % 500 // every value four times
	}
	want := slices.Sorted(slices.Values(items))
	for _, k := range Kinds() {
		for _, consumers := range []int{1, 2, 8} {
			t.Run(fmt.Sprintf("queue=%s/consumers=%d", k, consumers), func(t *testing.T) {
				q := &checkedQueue{Queue: newQueue(t, k, seedCapacity), t: t}
				got := make([][]int, consumers) // each consumer appends to its own
				err := Run(t.Context(), q, Config[int]{
					Consumers: consumers,
					Produce:   putAll(items),
					Consume: func(ctx context.Context, c int, v int) error {
						got[c] = append(got[c], v)
						return nil
					},
				})
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(want, slices.Sorted(slices.Values(slices.Concat(got...)))); diff != "" {
					t.Errorf("items consumed (-want +got):\n%s", diff)
				}
				if m := q.max.Load(); m > int64(q.Cap()) || m < 1 {
					t.Errorf("queue held at most %d items, want between 1 and %d", m, q.Cap())
				}
			})
		}
	}
}

var errBoom = errors.New("boom")

// TestRunStopsOnFailure checks that a failure anywhere reaches the caller
// and stops the others. There are many more items than the queue holds, so
// a producer left blocked on the full queue would hang the test.
func TestRunStopsOnFailure(t *testing.T) {
	items := make([]int, 1000)
	for i := range items {
		items[i] = i
	}
	for _, tc := range []struct {
		name    string
		produce func(context.Context, func(int) error) error
		consume func(context.Context, int, int) error
		check   func(error) bool
	}{
		{
			name:    "consumer error",
			produce: putAll(items),
			consume: func(ctx context.Context, c, v int) error {
				if v == 5 {
					return errBoom
				}
				return nil
			},
			check: func(err error) bool { return errors.Is(err, errBoom) },
		},
		{
			name:    "consumer panic",
			produce: putAll(items),
			consume: func(ctx context.Context, c, v int) error {
				if v == 5 {
					panic("consumer panic")
				}
				return nil
			},
			check: func(err error) bool {
				var p *models.PanicError
				return errors.As(err, &p) && p.Value == "consumer panic"
			},
		},
		{
			name:    "consumer failure while the producer waits on a full queue",
			produce: putAll(items),
			consume: func(ctx context.Context, c, v int) error { return errBoom },
			check:   func(err error) bool { return errors.Is(err, errBoom) },
		},
		{
			name: "producer error",
			produce: func(ctx context.Context, put func(int) error) error {
				if err := put(1); err != nil {
					return err
				}
				return errBoom
			},
			consume: func(ctx context.Context, c, v int) error { return nil },
			check:   func(err error) bool { return errors.Is(err, errBoom) },
		},
		{
			name: "producer panic",
			produce: func(ctx context.Context, put func(int) error) error {
				panic("producer panic")
			},
			consume: func(ctx context.Context, c, v int) error { return nil },
			check: func(err error) bool {
				var p *models.PanicError
				return errors.As(err, &p) && p.Value == "producer panic"
			},
		},
	} {
		for _, k := range Kinds() {
			t.Run(string(k)+"/"+tc.name, func(t *testing.T) {
				err := Run(t.Context(), newQueue(t, k, seedCapacity), Config[int]{
					Consumers: 2,
					Produce:   tc.produce,
					Consume:   tc.consume,
				})
				if !tc.check(err) {
					t.Errorf("Run returned %v", err)
				}
			})
		}
	}
}

// TestRunCancel cancels the caller's context while the producer waits on
// a full queue and every consumer waits in Consume for the cancellation.
func TestRunCancel(t *testing.T) {
	const consumers = 3
	for _, k := range Kinds() {
		t.Run(string(k), func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			var waiting atomic.Int64
			err := Run(ctx, newQueue(t, k, 2), Config[int]{
				Consumers: consumers,
				Produce: func(ctx context.Context, put func(int) error) error {
					for i := 0; ; i++ {
						if err := put(i); err != nil {
							return err
						}
					}
				},
				Consume: func(ctx context.Context, c, v int) error {
					if waiting.Add(1) == consumers {
						cancel() // every consumer is busy: nobody drains the queue
					}
					<-ctx.Done()
					return ctx.Err()
				},
			})
			if !errors.Is(err, context.Canceled) {
				t.Errorf("Run returned %v, want context.Canceled", err)
			}
		})
	}
}

func TestRunConfigErrors(t *testing.T) {
	produce := putAll([]int{1})
	consume := func(context.Context, int, int) error { return nil }
	for _, tc := range []struct {
		name string
		cfg  Config[int]
	}{
		{"no consumers", Config[int]{Produce: produce, Consume: consume}},
		{"no producer", Config[int]{Consumers: 1, Consume: consume}},
		{"no consume", Config[int]{Consumers: 1, Produce: produce}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := Run(t.Context(), newQueue(t, Chan, 1), tc.cfg); err == nil {
				t.Error("Run accepted the config")
			}
		})
	}
}
