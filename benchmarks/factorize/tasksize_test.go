package factorize

import (
	"fmt"
	"math/big"
	"testing"

	"concbench/benchmarks/models"
	"concbench/benchmarks/profile"

	"github.com/google/go-cmp/cmp"
)

// The task-size sweep: the seed's warning that "a process costs 50-200 ms
// to start; tasks that are too small get slower", measured. Each size is
// the trial-division work of one task, from about 10 µs to about 100 ms
// on a machine that divides in 2 ns; every size of a profile runs the same
// total work per operation, split into tasks of that size.
var taskSizes = struct {
	quick, full []int64 // divisions per task
	total       struct{ quick, full int64 }
}{
	quick: []int64{5000, 50000, 500000},
	full:  []int64{5000, 15000, 50000, 150000, 500000, 5000000, 50000000},
	total: struct{ quick, full int64 }{quick: 1e7, full: 6e8},
}

// taskPrime returns the smallest prime above work², the input of a task
// of the sweep: trial division of it runs work-1 divisions, from 2 up to
// its integer square root, work.
func taskPrime(work int64) int64 {
	n := big.NewInt(work*work + 1)
	for !n.ProbablyPrime(0) { // exact below 2⁶⁴
		n.Add(n, big.NewInt(1))
	}
	return n.Int64()
}

// TestTaskPrimes checks the sweep's inputs: each is prime (Factorize finds
// no factor), the smallest prime above work², and of integer square root
// work; and every size divides its profile's total work evenly.
func TestTaskPrimes(t *testing.T) {
	for _, work := range taskSizes.full {
		t.Run(fmt.Sprint(work), func(t *testing.T) {
			p := taskPrime(work)
			if diff := cmp.Diff([]int64{p}, Factorize(p)); diff != "" {
				t.Fatalf("Factorize(%d), the input for work=%d (-want +got):\n%s", p, work, diff)
			}
			for m := work*work + 1; m < p; m++ {
				if Factorize(m)[0] == m {
					t.Fatalf("%d is prime and smaller than %d, the input for work=%d", m, p, work)
				}
			}
			if r := new(big.Int).Sqrt(big.NewInt(p)).Int64(); r != work {
				t.Errorf("the integer square root of %d is %d, want %d", p, r, work)
			}
		})
	}
	for _, tc := range []struct {
		name  string
		sizes []int64
		total int64
	}{
		{"quick", taskSizes.quick, taskSizes.total.quick},
		{"full", taskSizes.full, taskSizes.total.full},
	} {
		for _, work := range tc.sizes {
			if tc.total%work != 0 {
				t.Errorf("%s: work=%d does not divide the total %d", tc.name, work, tc.total)
			}
		}
	}
}

// BenchmarkTaskSize runs the same total work under every model, split into
// tasks of one size per sub-benchmark: total/work copies of the smallest
// prime above work², factorised. work is the number of trial divisions of
// one task, machine-independent; the task's time on this machine is the
// serial model's time per item (1 / its items/s at one core). A model's
// speedup over serial at one core, drawn against that time, shows the task
// size below which the model's own cost per task (a goroutine, a channel
// hand-over, a round trip to a worker process) eats its parallel gain;
// procpool also pays for starting its worker processes, once per
// operation.
func BenchmarkTaskSize(b *testing.B) {
	sizes := profile.Pick(b, taskSizes.quick, taskSizes.full, taskSizes.full)
	total := profile.Pick(b, taskSizes.total.quick, taskSizes.total.full, taskSizes.total.full)
	for _, work := range sizes {
		items := int(total / work)
		in := make([]int64, items)
		p := taskPrime(work)
		for i := range in {
			in[i] = p
		}
		for _, m := range models.All() {
			b.Run(fmt.Sprintf("model=%s/work=%d/items=%d", m, work, items), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := models.Map(b.Context(), m, Job, in, models.Options{}); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(items)*float64(b.N)/b.Elapsed().Seconds(), "items/s")
			})
		}
	}
}
