package factorize

import (
	"fmt"
	"math/big"
	"testing"

	"concbench/benchmarks/models"
	"concbench/benchmarks/profile"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"
)

var registry = models.NewRegistry()

func init() { models.Register(registry, Job) }

func TestMain(m *testing.M) {
	models.Serve(registry)
	goleak.VerifyTestMain(m)
}

func TestFactorize(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		want []int64
	}{
		{0, nil},
		{1, nil},
		{2, []int64{2}},
		{12, []int64{2, 2, 3}},
		{97, []int64{97}},
		{1 << 20, []int64{2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2}},
		{600851475143, []int64{71, 839, 1471, 6857}},
		{10000000019 * 3, []int64{3, 10000000019}},
		{SeedPrime, []int64{SeedPrime}},
	} {
		t.Run(fmt.Sprint(tc.n), func(t *testing.T) {
			if diff := cmp.Diff(tc.want, Factorize(tc.n)); diff != "" {
				t.Errorf("Factorize(%d) (-want +got):\n%s", tc.n, diff)
			}
		})
	}
}

// TestModelsAgree runs a mix of inputs through every model and compares
// each result with the serial one.
func TestModelsAgree(t *testing.T) {
	in := []int64{12, 97, 600851475143, 1 << 20, 999983 * 999979, 2, 1, 30030}
	want, err := models.Map(t.Context(), models.Serial, Job, in, models.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range models.All() {
		t.Run(string(m), func(t *testing.T) {
			got, err := models.Map(t.Context(), m, Job, in, models.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s differs from serial (-want +got):\n%s", m, diff)
			}
		})
	}
}

func FuzzFactorize(f *testing.F) {
	for _, n := range []int64{0, 1, 2, 12, 97, 600851475143, 1 << 40} {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, n int64) {
		if n > 1<<40 || n < -1<<40 {
			t.Skip("too large for trial division in a fuzz run")
		}
		factors := Factorize(n)
		if n < 2 {
			if factors != nil {
				t.Fatalf("Factorize(%d) = %v, want nil", n, factors)
			}
			return
		}
		product := int64(1)
		for i, p := range factors {
			if i > 0 && p < factors[i-1] {
				t.Fatalf("Factorize(%d) = %v: not ascending", n, factors)
			}
			if !big.NewInt(p).ProbablyPrime(20) {
				t.Fatalf("Factorize(%d) = %v: %d is not prime", n, factors, p)
			}
			product *= p
		}
		if product != n {
			t.Fatalf("Factorize(%d) = %v: product %d", n, factors, product)
		}
	})
}

// Sizes per profile. quick factorises a prime near 1e10 (1e5 divisions,
// well under a millisecond) so that the whole suite fits in minutes; full
// and seed use the seed's own prime.
var (
	quickPrime = int64(10000000019)
	sizes      = struct{ quick, full, seed []size }{
		quick: []size{{quickPrime, 8}, {quickPrime, 64}},
		full:  []size{{SeedPrime, 8}, {SeedPrime, 64}},
		seed:  []size{{SeedPrime, 8}},
	}
)

type size struct {
	n     int64
	items int
}

// seedThreads is the seed's ThreadPoolExecutor(max_workers=8): its CPU
// case runs 8 tasks on 8 threads.
const seedThreads = 8

// BenchmarkFactorize factorises items copies of n under every model.
// items=8 is the seed's count: at most 8-way parallel whatever the cores;
// items=64 shows how finer granularity lets more cores help. Beside every
// model at its default bound (the bounded ones run GOMAXPROCS tasks at
// once, so that procpool's k worker processes use k cores), items=8 also
// runs the seed's thread pool, model=pool with workers=8: 8 goroutines
// taking turns on GOMAXPROCS processors, the GIL's counterpart at
// GOMAXPROCS=1. The seed's process pool of 8 on its 8 cores is procpool
// at GOMAXPROCS=8; procpool with workers=8 on fewer cores would run on
// more cores than GOMAXPROCS says, and is left out.
func BenchmarkFactorize(b *testing.B) {
	for _, sz := range profile.Pick(b, sizes.quick, sizes.full, sizes.seed) {
		in := make([]int64, sz.items)
		for i := range in {
			in[i] = sz.n
		}
		for _, m := range models.All() {
			b.Run(fmt.Sprintf("model=%s/n=%d/items=%d", m, sz.n, sz.items), func(b *testing.B) {
				benchFactorize(b, m, in, 0)
			})
		}
		if sz.items == seedThreads {
			b.Run(fmt.Sprintf("model=%s/n=%d/items=%d/workers=%d", models.Pool, sz.n, sz.items, seedThreads), func(b *testing.B) {
				benchFactorize(b, models.Pool, in, seedThreads)
			})
		}
	}
}

// benchFactorize factorises in under model m with the given bound (0: the
// model's default) once per operation and reports items/s.
func benchFactorize(b *testing.B, m models.Model, in []int64, workers int) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := models.Map(b.Context(), m, Job, in, models.Options{Workers: workers}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(in))*float64(b.N)/b.Elapsed().Seconds(), "items/s")
}
