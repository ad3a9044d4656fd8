package models_test

import (
	"fmt"
	"testing"

	"concbench/benchmarks/models"
)

// BenchmarkProcStart measures what a ProcPool costs before any real work:
// starting k worker processes (re-executions of this binary), one round
// trip of a trivial task each, and stopping them. The seed puts the start
// of a Python worker process at 50-200 ms.
func BenchmarkProcStart(b *testing.B) {
	for _, k := range []int{1, 4} {
		b.Run(fmt.Sprintf("workers=%d", k), func(b *testing.B) {
			in := inputs(k)
			for b.Loop() {
				if _, err := models.Map(b.Context(), models.ProcPool, square, in, models.Options{Workers: k}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(b.Elapsed().Seconds()*1e3/float64(b.N*k), "ms/worker")
		})
	}
}
