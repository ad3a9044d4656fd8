// Package alpha is a tiny benchmark package that stands in for a case of
// the real suite in the runner's tests.
package alpha

import (
	"fmt"
	"os"
	"runtime"
	"testing"
)

// sink keeps the compiler from removing the work.
var sink int

func BenchmarkAlpha(b *testing.B) {
	// The profile picks the input, as in the real suite.
	items := map[string]int{"": 1, "quick": 1, "full": 2, "seed": 3}[os.Getenv("CONCBENCH_PROFILE")]
	for _, model := range []string{"serial", "pool"} {
		b.Run(fmt.Sprintf("model=%s/items=%d", model, items), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for i := range 100 * items {
					sink += i
				}
			}
			// The runner's tests check that every sample ran at the
			// GOMAXPROCS its name says.
			b.ReportMetric(float64(runtime.GOMAXPROCS(0)), "gomaxprocs")
		})
	}
}
