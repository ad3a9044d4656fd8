// Package beta is a tiny benchmark package that fails on demand, so the
// runner's tests can check what a failing package does to a run.
package beta

import (
	"os"
	"testing"
)

var sink int

func BenchmarkBeta(b *testing.B) {
	n := 0
	for b.Loop() {
		n++
		sink += n
	}
	// FAKESUITE_FAIL=beta fails the measured run but not the listing
	// pass, which runs each benchmark exactly once.
	if os.Getenv("FAKESUITE_FAIL") == "beta" && n > 1 {
		b.Fatalf("beta failed on purpose after %d iterations", n)
	}
	b.ReportMetric(float64(n), "loops/op")
}
