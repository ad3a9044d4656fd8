package report_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"concbench/report"
)

// historyFiles are recorded runs on one machine at three times, the middle
// one with two toolchains; given out of time order on purpose.
var historyFiles = []string{
	"testdata/results/factorize-base-2cpu.txt",
	"testdata/results/factorize-2cpu.txt",
	"testdata/results/factorize-toolchains-2cpu.txt",
}

func historyReport(t *testing.T) *report.Report {
	t.Helper()
	rep, err := analyzeWith(t, report.ReadOptions{SplitBy: report.HistorySplitBy()}, repoInputs(t, historyFiles...), report.HistoryAnalyzer{})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestHistory checks the runs' order and labels, the lines and which runs
// each benchmark's line has a point in.
func TestHistory(t *testing.T) {
	h := report.HistoryOf(historyReport(t))
	var runs []string
	for _, r := range h.Runs {
		runs = append(runs, fmt.Sprintf("%d %s %s", r.Index, r.Label, r.File))
	}
	wantRuns := []string{
		"0 2026-11-27 10:30 testdata/results/factorize-2cpu.txt",
		"1 2026-11-27 10:58 testdata/results/factorize-toolchains-2cpu.txt",
		"2 " + historyDate(t) + " testdata/results/factorize-base-2cpu.txt",
	}
	if diff := cmp.Diff(wantRuns, runs); diff != "" {
		t.Errorf("runs (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"toolchain"}, h.LineKeys); diff != "" {
		t.Errorf("line keys (-want +got):\n%s", diff)
	}
	points := map[string]string{}
	for _, b := range h.Benchmarks {
		var lines []string
		for _, l := range b.Lines {
			var idx []string
			for _, p := range l.Points {
				idx = append(idx, fmt.Sprint(p.Run))
				if p.N != 6 {
					t.Errorf("%s %s run %d: n = %d, want 6", b.Name, l.Label, p.Run, p.N)
				}
			}
			lines = append(lines, l.Label+":"+strings.Join(idx, ","))
		}
		points[b.Name] = strings.Join(lines, " ")
	}
	for name, want := range map[string]string{
		"Factorize/model=serial/n=10000000019/items=8":   "go1.26.8:0,1,2 go1.27.3:1",
		"Factorize/model=pool/n=10000000019/items=64-2":  "go1.26.8:0,1,2 go1.27.3:1",
		"Factorize/model=pool/n=10000000019/items=64-4":  "go1.26.8:0",
		"Factorize/model=procpool/n=10000000019/items=8": "go1.26.8:0,1,2 go1.27.3:1",
	} {
		if got := points[name]; got != want {
			t.Errorf("%s: points %q, want %q", name, got, want)
		}
	}
	if n := len(h.Benchmarks); n != 36 {
		t.Errorf("%d benchmarks, want 36 (6 models x 2 sizes x 3 core counts)", n)
	}
	if h.Benchmarks[0].Name != "Factorize/model=serial/n=10000000019/items=8" || h.Benchmarks[0].Unit != "sec/op" {
		t.Errorf("first benchmark %s in %s, want the serial model at 1 core in sec/op", h.Benchmarks[0].Name, h.Benchmarks[0].Unit)
	}
}

// historyDate is the minute the baseline file was recorded at.
func historyDate(t *testing.T) string {
	t.Helper()
	for _, line := range strings.Split(string(readRepoFile(t, historyFiles[0])), "\n") {
		if d, ok := strings.CutPrefix(line, "date: "); ok {
			return strings.Replace(d[:16], "T", " ", 1)
		}
	}
	t.Fatal("no date line")
	return ""
}

// TestHistoryLabels checks that runs that share a minute are told apart
// by their commit, then by their file.
func TestHistoryLabels(t *testing.T) {
	file := func(date, commit string) string {
		var b strings.Builder
		fmt.Fprintf(&b, "toolchain: go1\ndate: %s\ncommit: %s\n", date, commit)
		for i := range 6 {
			fmt.Fprintf(&b, "BenchmarkX/model=serial\t10\t%d ns/op\n", 100+i)
		}
		return b.String()
	}
	in := []report.Input{
		{Name: "c.txt", R: strings.NewReader(file("2026-01-02T10:00:30Z", "bbb"))},
		{Name: "a.txt", R: strings.NewReader(file("2026-01-02T10:00:10Z", "aaa"))},
		{Name: "b.txt", R: strings.NewReader(file("2026-01-02T10:00:10Z", "aaa"))},
		{Name: "d.txt", R: strings.NewReader(file("2026-01-01T09:00:00Z", "ccc"))},
	}
	rep, err := analyzeWith(t, report.ReadOptions{SplitBy: report.HistorySplitBy()}, in, report.HistoryAnalyzer{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range report.HistoryOf(rep).Runs {
		got = append(got, r.Label)
	}
	want := []string{"2026-01-01 09:00", "2026-01-02 10:00 aaa a.txt", "2026-01-02 10:00 aaa b.txt", "2026-01-02 10:00 bbb"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("labels (-want +got):\n%s", diff)
	}
}

// TestHistoryRender checks that the history section lands in the page with
// one chart per benchmark, and in the Markdown with one row per benchmark
// and line.
func TestHistoryRender(t *testing.T) {
	rep := historyReport(t)
	sections := []report.Section{report.HistorySection{}, report.CasesSection{}, report.WarningsSection{}}
	var html, md bytes.Buffer
	if err := report.WriteHTML(&html, rep, report.PageOptions{Sections: sections}); err != nil {
		t.Fatal(err)
	}
	if err := report.WriteMarkdown(&md, rep, report.PageOptions{Sections: sections}); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(html.String(), `<div class="chart" id="history-h`); n != 36 {
		t.Errorf("page has %d history charts, want 36", n)
	}
	for _, want := range []string{
		"| Factorize/model=serial/n=10000000019/items=8 | go1.26.8 | 3 |",
		"| Factorize/model=serial/n=10000000019/items=8 | go1.27.3 | 1 |",
		"| 1 | 2026-11-27 10:30 | 5e2b2312c497-dirty | testdata/results/factorize-2cpu.txt |",
	} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("Markdown lacks %q", want)
		}
	}
}
