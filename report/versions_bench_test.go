package report_test

import (
	"bytes"
	"testing"

	"concbench/report"
	"concbench/report/results"
)

// BenchmarkVersions measures the Go versions analysis and its rendering on
// two toolchains of benchLines/2 result lines each, apart from the core
// analysis they start from.
func BenchmarkVersions(b *testing.B) {
	one := bigResults(b, benchLines/2)
	two := bytes.Replace(one, []byte("toolchain: go1.26.8\n"), []byte("toolchain: go1.27.3\n"), 1)
	ds, err := results.Read([]results.Input{{Name: "a.txt", R: bytes.NewReader(one)}, {Name: "b.txt", R: bytes.NewReader(two)}}, results.ReadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	rep, err := report.Analyze(ds, report.AnalyzeOptions{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		data, err := report.VersionsAnalyzer{}.Analyze(ds, rep)
		if err != nil {
			b.Fatal(err)
		}
		rep.Extensions = map[string]any{report.VersionsKey: data}
		if _, err := (report.VersionsSection{}).HTML(rep); err != nil {
			b.Fatal(err)
		}
	}
}
