package report_test

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"concbench/report"
	"concbench/report/results"
)

// distinctResults returns a results file of n distinct benchmarks, one
// case each, one sample each.
func distinctResults(n int) []byte {
	var b bytes.Buffer
	b.WriteString("goos: linux\ngoarch: amd64\nncpu: 2\n")
	for i := range n {
		fmt.Fprintf(&b, "BenchmarkCase%d/model=serial\t1000\t%d ns/op\t64 B/op\t3 allocs/op\n", i, 1000+i%977)
	}
	return b.Bytes()
}

// renderDistinct reads, analyses and renders n distinct benchmarks, and
// returns the page and report.json.
func renderDistinct(tb testing.TB, n int) (page, js []byte) {
	tb.Helper()
	ds, err := results.Read([]results.Input{{Name: "large.txt", R: bytes.NewReader(distinctResults(n))}}, results.ReadOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	rep, err := report.Analyze(ds, report.AnalyzeOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	var h, j bytes.Buffer
	if err := report.WriteHTML(&h, rep, report.PageOptions{}); err != nil {
		tb.Fatal(err)
	}
	if err := report.WriteJSON(&j, rep); err != nil {
		tb.Fatal(err)
	}
	return h.Bytes(), j.Bytes()
}

// TestPageBounded checks that a page of more cases than MaxHTMLCases draws
// MaxHTMLCases of them, lists only those in its contents and says so, and
// lists at most MaxHTMLWarnings
// warnings, while report.json keeps every case.
func TestPageBounded(t *testing.T) {
	n := report.MaxHTMLCases + 700
	page, js := renderDistinct(t, n)
	s := string(page)
	if got := strings.Count(s, `<section class="case">`); got != report.MaxHTMLCases {
		t.Errorf("the page draws %d cases, want %d", got, report.MaxHTMLCases)
	}
	if got := strings.Count(s, `<li><a href="#`); got != report.MaxHTMLCases {
		t.Errorf("the contents list %d cases, want %d", got, report.MaxHTMLCases)
	}
	for _, want := range []string{
		fmt.Sprintf("The page shows the first %d of the %d cases; report.json, beside it, holds them all.", report.MaxHTMLCases, n),
		fmt.Sprintf("The page shows the first %d of the %d warnings; report.json, beside it, holds them all.", report.MaxHTMLWarnings, n),
	} {
		if !strings.Contains(s, want) {
			t.Errorf("the page does not say %q", want)
		}
	}
	if got := strings.Count(string(js), `"name":"Case`); got != n {
		t.Errorf("report.json holds %d cases, want %d", got, n)
	}
}

// BenchmarkDistinct200k reads, analyses and renders 200,000 distinct
// benchmarks, reporting the page's and report.json's size and the peak of
// the heap in use; /usr/bin/time -v on benchreport gives the peak memory
// of the whole process.
func BenchmarkDistinct200k(b *testing.B) {
	const n = 200_000
	var page, js []byte
	var peak uint64
	for b.Loop() {
		page, js = renderDistinct(b, n)
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapSys)
	}
	b.ReportMetric(float64(len(page))/1e6, "page-MB")
	b.ReportMetric(float64(len(js))/1e6, "json-MB")
	b.ReportMetric(float64(peak)/1e6, "heap-sys-MB")
}
