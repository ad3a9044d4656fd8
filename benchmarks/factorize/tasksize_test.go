package factorize

import (
	"fmt"
	"math/big"
	"slices"
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
//
// The sweep is not one of the seed's cases, so the seed profile, which
// runs the seed's own inputs, runs a short version of it: the seed's
// serial loop, thread pool and process pool at three sizes around the one
// where processes start to pay (0.1 ms, 1 ms and 10 ms per task), with the
// full profile's total work.
var taskSizes = struct{ quick, full, seed taskSweep }{
	quick: taskSweep{sizes: []int64{5000, 50000, 500000}, total: 1e7, models: models.All()},
	full: taskSweep{
		sizes:  []int64{5000, 15000, 50000, 150000, 500000, 5000000, 50000000},
		total:  6e8,
		models: models.All(),
	},
	seed: taskSweep{
		sizes:  []int64{50000, 500000, 5000000},
		total:  6e8,
		models: []models.Model{models.Serial, models.Pool, models.ProcPool},
	},
}

// A taskSweep is the task-size sweep of one profile.
type taskSweep struct {
	sizes  []int64 // divisions per task
	total  int64   // divisions per operation
	models []models.Model
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
	sweeps := []struct {
		name string
		taskSweep
	}{{"quick", taskSizes.quick}, {"full", taskSizes.full}, {"seed", taskSizes.seed}}
	for _, sw := range sweeps {
		for _, work := range sw.sizes {
			if !slices.Contains(taskSizes.full.sizes, work) {
				t.Errorf("%s: work=%d is not a size of the full profile, whose primes are checked below", sw.name, work)
			}
			if sw.total%work != 0 {
				t.Errorf("%s: work=%d does not divide the total %d", sw.name, work, sw.total)
			}
		}
	}
	for _, work := range taskSizes.full.sizes {
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
}

// BenchmarkTaskSize runs the same total work under every model (the seed
// profile: three), split into tasks of one size per sub-benchmark:
// total/work copies of the smallest prime above work², factorised. work is
// the number of trial divisions of one task, machine-independent; the
// task's time on this machine is the serial model's time per item (1 / its
// items/s at one core). A model's speedup over serial at one core, drawn
// against that time, shows the task size below which the model's own cost
// per task (a goroutine, a channel hand-over, a round trip to a worker
// process) eats its parallel gain; procpool also pays for starting its
// worker processes, once per operation.
func BenchmarkTaskSize(b *testing.B) {
	sweep := profile.Pick(b, taskSizes.quick, taskSizes.full, taskSizes.seed)
	for _, work := range sweep.sizes {
		items := int(sweep.total / work)
		in := make([]int64, items)
		p := taskPrime(work)
		for i := range in {
			in[i] = p
		}
		for _, m := range sweep.models {
			b.Run(fmt.Sprintf("model=%s/work=%d/items=%d", m, work, items), func(b *testing.B) {
				benchFactorize(b, m, in, 0)
			})
		}
	}
}
