package results_test

import (
	"bytes"
	"testing"

	"concbench/report/internal/golden"
	"concbench/report/results"
)

// BenchmarkRead measures reading 100,000 result lines, the size of the
// report's speed benchmark (report.BenchmarkReport): the part of the
// report that checks every line and value.
func BenchmarkRead(b *testing.B) {
	data := golden.Large(b, 100_000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := results.Read([]results.Input{{Name: "results.txt", R: bytes.NewReader(data)}}, results.ReadOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
