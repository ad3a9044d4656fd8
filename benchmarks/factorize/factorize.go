// Package factorize is the seed tutorial's case 2, CPU-bound work: the
// trial-division factorisation of large numbers, run through every
// concurrency model.
//
// The seed factorises the prime 112272535095293 eight times: about 12 s
// serially in CPython, the same with a thread pool (the GIL allows no
// parallelism), and about 1.6 s with a pool of 8 processes. In Go the
// in-process models run in parallel as soon as GOMAXPROCS allows it;
// GOMAXPROCS=1 plays the GIL's part.
//
// The benchmarks, in the package's tests: BenchmarkFactorize (the seed's
// case, 8 and 64 copies of one prime) and BenchmarkTaskSize, which splits
// one fixed amount of work into tasks from about 10 µs to about 100 ms
// each, to find the task size at which each model, the process pool above
// all, starts to beat the serial loop (the seed: "a process costs 50-200 ms
// to start; tasks that are too small get slower").
package factorize

import (
	"context"

	"concbench/benchmarks/models"
)

// SeedPrime is the seed's input, a prime: factorising it runs the trial
// division loop 10,595,872 times, up to its integer square root 10,595,873.
const SeedPrime = 112272535095293

// Factorize returns the prime factors of n in ascending order, by trial
// division, exactly as the seed's Python function does. It returns nil for
// n < 2.
func Factorize(n int64) []int64 {
	var factors []int64
	d := int64(2)
	for d*d <= n {
		for n%d == 0 {
			factors = append(factors, d)
			n /= d
		}
		d++
	}
	if n > 1 {
		factors = append(factors, n)
	}
	return factors
}

// Job is Factorize as a job of the models package, under the name
// "factorize" so that a process pool can run it too.
var Job = models.Job[int64, []int64]{
	Name: "factorize",
	Run: func(ctx context.Context, n int64) ([]int64, error) {
		return Factorize(n), nil
	},
}
