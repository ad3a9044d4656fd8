package answers_test

import (
	"bytes"
	"io"
	"testing"

	"concbench/report"
	"concbench/report/answers"
	"concbench/report/internal/golden"
	"concbench/report/results"
)

// BenchmarkAnswers measures the answers' analysis and their rendering on
// 100,000 result lines, apart from the grouping and the core analysis they
// start from.
func BenchmarkAnswers(b *testing.B) {
	ds, err := results.Read([]results.Input{{Name: "a.txt", R: bytes.NewReader(golden.Large(b, 100_000))}}, results.ReadOptions{})
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
		data, err := answers.Analyzer{}.Analyze(g, rep)
		if err != nil {
			b.Fatal(err)
		}
		rep.Extensions = map[string]any{answers.Key: data}
		for _, s := range answers.Sections() {
			if _, err := s.HTML(rep); err != nil {
				b.Fatal(err)
			}
			if err := s.Markdown(io.Discard, rep); err != nil {
				b.Fatal(err)
			}
		}
	}
}
