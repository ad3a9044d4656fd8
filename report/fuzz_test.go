package report_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"concbench/report"
	"concbench/report/results"
	"concbench/report/versions"
)

// FuzzReport feeds arbitrary results files through the whole pipeline. It
// checks that nothing panics, that report.json is valid JSON, and, the
// safety property, that no input adds a script element to the page: the
// page has the same number of <script tags whatever the benchmark names,
// configuration values and file name say.
func FuzzReport(f *testing.F) {
	seeds, _ := filepath.Glob("../testdata/hostile/*.txt")
	for _, path := range seeds {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("BenchmarkX/model=serial 1 10 ns/op\nBenchmarkX/model=pool-2 1 5 ns/op\n"))
	// Non-finite and extreme values, iteration counts below 1, and lines
	// at and over the longest a results file may have.
	for _, v := range []string{"NaN", "+Inf", "-Inf", "0", "-1", "1e308", "-1e308", "5e-324", "1e100", "1e-100", "0x1p-1074"} {
		f.Add([]byte("BenchmarkX/model=serial 1 10 ns/op 3 items/s\nBenchmarkX/model=serial 1 " + v + " ns/op " + v + " items/s\nBenchmarkX/model=pool-2 1 " + v + " ns/op 1 B/op\n"))
	}
	f.Add([]byte("BenchmarkX/model=serial 0 10 ns/op\nBenchmarkX/model=serial -1 10 ns/op\nBenchmarkX/model=serial 1 10 ns/op\n"))
	for _, n := range []int{results.MaxLine - 1, results.MaxLine, results.MaxLine + 1} {
		long := "BenchmarkX/model=" + strings.Repeat("a", n-len("BenchmarkX/model= 1 10 ns/op")) + " 1 10 ns/op"
		f.Add([]byte("BenchmarkX/model=serial 1 10 ns/op\n" + long + "\nBenchmarkX/model=pool-2 1 5 ns/op\n"))
	}

	want, err := scriptTags([]byte("BenchmarkX/model=serial 1 10 ns/op\n"))
	if err != nil || want == 0 {
		f.Fatalf("the reference input gives %d script tags, %v", want, err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := scriptTags(data)
		if err != nil {
			t.Fatal(err)
		}
		if got >= 0 && got != want {
			t.Errorf("the page has %d <script tags, want %d: the input injected markup", got, want)
		}
	})
}

// scriptTags runs data through reading, analysis and the three renderers,
// as benchreport does, and counts the <script tags of the page. It returns
// -1 when the input gives no report, and an error when a step after reading
// fails or report.json is not valid JSON.
func scriptTags(data []byte) (int, error) {
	ds, err := results.Read([]results.Input{{Name: "</script><script>alert(1)</script>.txt", R: bytes.NewReader(data)}}, results.ReadOptions{})
	if err != nil {
		return -1, nil // rejected input: benchreport writes nothing
	}
	rep, err := report.Analyze(ds, report.AnalyzeOptions{Analyzers: []report.Analyzer{versions.Analyzer{}}})
	if err != nil {
		return 0, fmt.Errorf("report.Analyze: %w", err)
	}
	page := report.PageOptions{Sections: []report.Section{versions.Section{}, report.CasesSection{}, report.WarningsSection{}}}
	var html, md, js bytes.Buffer
	if err := report.WriteHTML(&html, rep, page); err != nil {
		return 0, fmt.Errorf("report.WriteHTML: %w", err)
	}
	if err := report.WriteMarkdown(&md, rep, page); err != nil {
		return 0, fmt.Errorf("report.WriteMarkdown: %w", err)
	}
	if err := report.WriteJSON(&js, rep); err != nil {
		return 0, fmt.Errorf("report.WriteJSON: %w", err)
	}
	if !json.Valid(js.Bytes()) {
		return 0, fmt.Errorf("report.json is not valid JSON")
	}
	return strings.Count(strings.ToLower(html.String()), "<script"), nil
}
