package history_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"concbench/report"
	"concbench/report/history"
	"concbench/report/internal/golden"
	"concbench/report/results"
)

// historyFiles are recorded runs on one machine at three times, the middle
// one with two toolchains; given out of time order on purpose.
var historyFiles = []string{
	"testdata/results/factorize-base-2cpu.txt",
	"testdata/results/factorize-2cpu.txt",
	"testdata/results/factorize-toolchains-2cpu.txt",
}

// toolchainsFile is the recorded comparison of two toolchains.
const toolchainsFile = "testdata/results/factorize-toolchains-2cpu.txt"

func historyReport(t *testing.T) *report.Report {
	t.Helper()
	rep, err := golden.Analyze(t, golden.Inputs(t, historyFiles...), history.Analyzer{})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestHistory checks the runs' order and labels, the lines and which runs
// each benchmark's line has a point in.
func TestHistory(t *testing.T) {
	h := history.From(historyReport(t))
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
	for _, line := range strings.Split(string(golden.RepoFile(t, historyFiles[0])), "\n") {
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
	in := []results.Input{
		{Name: "c.txt", R: strings.NewReader(file("2026-01-02T10:00:30Z", "bbb"))},
		{Name: "a.txt", R: strings.NewReader(file("2026-01-02T10:00:10Z", "aaa"))},
		{Name: "b.txt", R: strings.NewReader(file("2026-01-02T10:00:10Z", "aaa"))},
		{Name: "d.txt", R: strings.NewReader(file("2026-01-01T09:00:00Z", "ccc"))},
	}
	rep, err := golden.Analyze(t, in, history.Analyzer{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range history.From(rep).Runs {
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
	sections := []report.Section{history.Section{}, report.CasesSection{}, report.WarningsSection{}}
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

// TestHistoryLatest checks the report of a history as the command makes
// it: the core analysis of the latest run, the history of every run, and
// the warnings about the other runs' files.
func TestHistoryLatest(t *testing.T) {
	all, err := results.Read(append(golden.Inputs(t, historyFiles...), results.Input{Name: "bad.txt", R: strings.NewReader("date: 2020-01-01T00:00:00Z\nBenchmarkX/model=serial 1 x ns/op\nBenchmarkX/model=serial\t1\t5 ns/op\n")}), results.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	latest := history.Latest(all)
	if latest != historyFiles[0] {
		t.Fatalf("latest run %s, want %s", latest, historyFiles[0])
	}
	rep, err := golden.Analyze(t, golden.Inputs(t, latest), history.Analyzer{Runs: all})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Inputs) != 1 || len(rep.Runs) != 1 {
		t.Errorf("core analysis of %d inputs, %d runs; want the latest run alone", len(rep.Inputs), len(rep.Runs))
	}
	if h := history.From(rep); len(h.Runs) != 4 || h.Runs[0].File != "bad.txt" {
		t.Errorf("history of %d runs, first %v; want 4, bad.txt first", len(h.Runs), h.Runs)
	}
	var warnings []string
	for _, w := range rep.Warnings {
		if w.File == "bad.txt" {
			warnings = append(warnings, w.String())
		}
	}
	if diff := cmp.Diff([]string{"bad.txt:2: parsing measurement: invalid syntax"}, warnings); diff != "" {
		t.Errorf("warnings about other runs (-want +got):\n%s", diff)
	}
}

// TestHistoryChart checks the numbers a history chart is drawn from: the
// runs on the x axis, and each line's points at their run's index.
func TestHistoryChart(t *testing.T) {
	rep := historyReport(t)
	frag, err := (history.Section{}).HTML(rep)
	if err != nil {
		t.Fatal(err)
	}
	c := frag.Charts[0]
	js, err := json.Marshal(c.Options)
	if err != nil {
		t.Fatal(err)
	}
	var o struct {
		XAxis []struct {
			Type string   `json:"type"`
			Data []string `json:"data"`
		} `json:"xAxis"`
		Series []struct {
			Name string            `json:"name"`
			Type string            `json:"type"`
			Data []json.RawMessage `json:"data"`
		} `json:"series"`
	}
	if err := json.Unmarshal(js, &o); err != nil {
		t.Fatal(err)
	}
	want := []string{"2026-11-27 10:30", "2026-11-27 10:58", historyDate(t)}
	if len(o.XAxis) != 1 || o.XAxis[0].Type != "category" || !cmp.Equal(want, o.XAxis[0].Data) {
		t.Errorf("x axis %+v, want the category axis %q", o.XAxis, want)
	}
	var lines []string
	for _, s := range o.Series {
		if s.Type != "line" {
			continue
		}
		var xs []string
		for _, d := range s.Data {
			var item struct {
				Value []float64 `json:"value"`
			}
			if err := json.Unmarshal(d, &item); err != nil || len(item.Value) != 2 {
				t.Fatalf("series %s: datum %s is not {value: [x, y]}", s.Name, d)
			}
			xs = append(xs, fmt.Sprint(item.Value[0]))
		}
		lines = append(lines, s.Name+":"+strings.Join(xs, ","))
	}
	if diff := cmp.Diff([]string{"go1.26.8:0,1,2", "go1.27.3:1"}, lines); diff != "" {
		t.Errorf("lines of %s (-want +got):\n%s", c.ID, diff)
	}
}

// TestHistoryMachines checks that results of several machines give one
// line per toolchain and machine, named by both.
func TestHistoryMachines(t *testing.T) {
	data := golden.RepoFile(t, toolchainsFile)
	other := bytes.Replace(data, []byte("machine: vm\n"), []byte("machine: other\n"), 1)
	rep, err := golden.Analyze(t, []results.Input{{Name: "vm.txt", R: bytes.NewReader(data)}, {Name: "other.txt", R: bytes.NewReader(other)}}, history.Analyzer{})
	if err != nil {
		t.Fatal(err)
	}
	h := history.From(rep)
	if diff := cmp.Diff([]string{"toolchain", "machine"}, h.LineKeys); diff != "" {
		t.Errorf("line keys (-want +got):\n%s", diff)
	}
	var lines []string
	for _, l := range h.Benchmarks[0].Lines {
		var runs []string
		for _, p := range l.Points {
			runs = append(runs, h.Runs[p.Run].File)
		}
		lines = append(lines, l.Label+": "+strings.Join(runs, ","))
	}
	want := []string{"go1.26.8 other: other.txt", "go1.26.8 vm: vm.txt", "go1.27.3 other: other.txt", "go1.27.3 vm: vm.txt"}
	if diff := cmp.Diff(want, lines); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
}

// TestHistoryEscapes checks that hostile dates, commits and file names
// reach the history's page and Markdown only as text.
func TestHistoryEscapes(t *testing.T) {
	const evil = `<img src=x onerror="window.__pwned=11">`
	var b strings.Builder
	fmt.Fprintf(&b, "toolchain: go1 %s\ndate: %s\ncommit: %s\n", evil, evil, evil)
	for i := range 6 {
		fmt.Fprintf(&b, "BenchmarkX/model=serial\t10\t%d ns/op\n", 100+i)
	}
	rep, err := golden.Analyze(t, []results.Input{{Name: evil + ".txt", R: strings.NewReader(b.String())}}, history.Analyzer{})
	if err != nil {
		t.Fatal(err)
	}
	var html, md bytes.Buffer
	page := report.PageOptions{Sections: []report.Section{history.Section{}}}
	if err := report.WriteHTML(&html, rep, page); err != nil {
		t.Fatal(err)
	}
	if err := report.WriteMarkdown(&md, rep, page); err != nil {
		t.Fatal(err)
	}
	body, _, _ := strings.Cut(html.String(), `<script type="application/json"`)
	for _, out := range []struct{ name, text string }{{"page", body}, {"Markdown", md.String()}} {
		if i := strings.Index(out.text, "<img"); i >= 0 {
			t.Errorf("the %s has markup from the results: %q", out.name, out.text[max(0, i-80):i+40])
		}
	}
	if !strings.Contains(body, `<td class="l"><code>&lt;img src=x onerror=&#34;window.__pwned=11&#34;&gt;.txt</code></td>`) {
		t.Error("page lacks the escaped file name in the runs table")
	}
	if !strings.Contains(html.String(), `"data":["\u003cimg src=x onerror=\"window.__pwned=11\"\u003e"]`) {
		t.Error("chart data lacks the JSON-escaped run label")
	}
}
