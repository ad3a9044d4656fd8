package prodcons

import (
	"context"
	"fmt"
	"testing"

	"concbench/benchmarks/profile"
)

// Sizes per profile. An operation pushes items items through one queue of
// the seed's capacity. quick keeps an operation around a millisecond; seed
// is the seed's own 10 items (its sleeps are replayed by TestSeedReplay).
var benchSizes = struct {
	quick, full, seed benchSize
}{
	quick: benchSize{items: 1000, consumers: []int{1, 2, 8}, work: []int{0, 200}},
	full:  benchSize{items: 10000, consumers: []int{1, 2, 8}, work: []int{0, 200}},
	seed:  benchSize{items: 10, consumers: []int{2}, work: []int{0, 200}},
}

type benchSize struct {
	items     int
	consumers []int
	work      []int
}

// spin is the CPU work of one item: rounds dependent steps of xorshift64,
// a few nanoseconds each. Its result is kept, so it cannot be optimised
// away.
func spin(x uint64, rounds int) uint64 {
	x |= 1
	for range rounds {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	return x
}

// A sink keeps a consumer's results on a cache line of its own, so that
// consumers do not slow each other down through false sharing.
type sink struct {
	v uint64
	_ [56]byte
}

// BenchmarkProdCons pushes items through one producer and consumers
// consumers, reporting throughput in items/s. work=0 measures the queue
// alone; work=200 gives each item a microsecond or so of CPU (the
// consumers=1 rows show how much), so that more consumers can help once
// GOMAXPROCS allows it.
func BenchmarkProdCons(b *testing.B) {
	sz := profile.Pick(b, benchSizes.quick, benchSizes.full, benchSizes.seed)
	items := make([]int, sz.items)
	for i := range items {
		items[i] = i
	}
	for _, k := range Kinds() {
		for _, consumers := range sz.consumers {
			for _, work := range sz.work {
				b.Run(fmt.Sprintf("queue=%s/consumers=%d/work=%d", k, consumers, work), func(b *testing.B) {
					sinks := make([]sink, consumers)
					cfg := Config[int]{
						Consumers: consumers,
						Produce:   putAll(items),
						Consume: func(ctx context.Context, c, v int) error {
							sinks[c].v += spin(uint64(v), work)
							return nil
						},
					}
					b.ReportAllocs()
					for b.Loop() {
						q, err := New[int](k, seedCapacity)
						if err != nil {
							b.Fatal(err)
						}
						if err := Run(b.Context(), q, cfg); err != nil {
							b.Fatal(err)
						}
					}
					b.ReportMetric(float64(sz.items)*float64(b.N)/b.Elapsed().Seconds(), "items/s")
				})
			}
		}
	}
}
