package scaling_test

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"

	"concbench/report/scaling"
)

// benchSeries returns a USL-shaped series of the given number of core
// counts (1, 2, 4, ... up to 8 points, 1, 2, 3, ... beyond) with six
// samples per point, 2% apart, as the quick profile records them.
func benchSeries(rng *rand.Rand, points int, lambda float64) []scaling.Point {
	pts := make([]scaling.Point, points)
	for i := range pts {
		n := float64(int(1) << i)
		if points > 8 {
			n = float64(i + 1)
		}
		x := lambda * n / (1 + 0.03*(n-1) + 0.0008*n*(n-1))
		xs := make([]float64, 6)
		for j := range xs {
			xs[j] = x * (1 + 0.02*rng.NormFloat64())
		}
		pts[i] = scaling.Point{N: int(n), X: xs}
	}
	return pts
}

// BenchmarkAnalyze measures the analysis of one series with the default
// bootstrap (1000 resamples): two points (Amdahl's law and Karp-Flatt
// only, the common case on a two-core machine), five (Amdahl and the
// USL at 1..16 cores), eight and 32; without a COST reference, and with
// one (built outside the loop, as a report builds it once per case).
func BenchmarkAnalyze(b *testing.B) {
	for _, points := range []int{2, 5, 8, 32} {
		rng := rand.New(rand.NewPCG(1, uint64(points)))
		pts := benchSeries(rng, points, 1000)
		ref := scaling.NewReference(benchSeries(rng, min(points, 2), 1000))
		for _, r := range []struct {
			name string
			ref  *scaling.Reference
		}{{"none", nil}, {"serial", ref}} {
			b.Run(fmt.Sprintf("points=%d/ref=%s", points, r.name), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := scaling.Analyze(pts, r.ref, scaling.Options{}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkReportFits measures every fit of one run as a report makes
// them: cases times six models, each case's first model (serial) as the
// COST reference, the series spread over GOMAXPROCS goroutines. 926 cases
// on two core counts is the shape of the report's 100,000-line speed
// benchmark (926 copies of a six-model, six-sample case); 50 cases on
// eight core counts (300 series) a run on an eight-core machine.
func BenchmarkReportFits(b *testing.B) {
	const models = 6
	for _, c := range []struct{ cases, points int }{{926, 2}, {50, 8}} {
		rng := rand.New(rand.NewPCG(3, uint64(c.points)))
		series := make([][]scaling.Point, c.cases*models)
		for i := range series {
			series[i] = benchSeries(rng, c.points, 1000*(1+rng.Float64()))
		}
		b.Run(fmt.Sprintf("cases=%d/models=%d/points=%d", c.cases, models, c.points), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				refs := make([]*scaling.Reference, c.cases)
				forEach(c.cases, func(i int) {
					refs[i] = scaling.NewReference(series[i*models])
				})
				forEach(len(series), func(i int) {
					if _, err := scaling.Analyze(series[i], refs[i/models], scaling.Options{}); err != nil {
						b.Error(err)
					}
				})
			}
		})
	}
}

// forEach calls fn(i) for every i in [0, n) on GOMAXPROCS goroutines.
func forEach(n int, fn func(i int)) {
	var wg sync.WaitGroup
	var mu sync.Mutex
	next := 0
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= n {
					return
				}
				fn(i)
			}
		})
	}
	wg.Wait()
}
