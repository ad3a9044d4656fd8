package scaling_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"concbench/report/scaling"
)

// benchSeries returns a USL-shaped series at core counts 1, 2, 4, ...
// (points of them) with six noisy samples per point, as the quick profile
// records, in throughput units.
func benchSeries(points int) []scaling.Point {
	rng := rand.New(rand.NewPCG(1, 2))
	pts := make([]scaling.Point, points)
	for i := range pts {
		n := float64(int(1) << i)
		if points > 8 {
			n = float64(i + 1)
		}
		x := 1000 * n / (1 + 0.03*(n-1) + 0.0008*n*(n-1))
		xs := make([]float64, 6)
		for j := range xs {
			xs[j] = x * (1 + 0.02*rng.NormFloat64())
		}
		pts[i] = scaling.Point{N: int(n), X: xs}
	}
	return pts
}

// BenchmarkAnalyze measures one series' fits with the default bootstrap:
// two points (Amdahl, Karp-Flatt), five (Amdahl and the USL at 1..16
// cores) and 32 (1..32 cores), with and without a COST reference.
func BenchmarkAnalyze(b *testing.B) {
	for _, points := range []int{2, 5, 8, 32} {
		pts := benchSeries(points)
		for _, withRef := range []bool{false, true} {
			var ref *scaling.Reference
			if withRef {
				var err error
				if ref, err = scaling.NewReference(pts[:min(len(pts), 2)], scaling.Options{}); err != nil {
					b.Fatal(err)
				}
			}
			b.Run(fmt.Sprintf("points=%d/cost=%v", points, withRef), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := scaling.Analyze(pts, ref, scaling.Options{}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
