package versions_test

import (
	"bytes"
	"testing"

	"concbench/report"
	"concbench/report/internal/golden"
	"concbench/report/results"
	"concbench/report/versions"
)

// BenchmarkVersions measures the Go versions analysis and its rendering on
// two toolchains of 50,000 result lines each, apart from the grouping and
// the core analysis they start from.
func BenchmarkVersions(b *testing.B) {
	one := golden.Large(b, 100_000/2)
	two := bytes.Replace(one, []byte("toolchain: go1.26.8\n"), []byte("toolchain: go1.27.3\n"), 1)
	ds, err := results.Read([]results.Input{{Name: "a.txt", R: bytes.NewReader(one)}, {Name: "b.txt", R: bytes.NewReader(two)}}, results.ReadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	rep, err := report.Analyze(ds, report.AnalyzeOptions{})
	if err != nil {
		b.Fatal(err)
	}
	g := report.Group(ds, report.GroupOptions{})
	b.ReportAllocs()
	for b.Loop() {
		data, err := versions.Analyzer{}.Analyze(g, rep)
		if err != nil {
			b.Fatal(err)
		}
		rep.Extensions = map[string]any{versions.Key: data}
		if _, err := (versions.Section{}).HTML(rep); err != nil {
			b.Fatal(err)
		}
	}
}
