package report_test

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"

	"concbench/report"
	"concbench/report/answers"
	"concbench/report/history"
	"concbench/report/internal/golden"
	"concbench/report/results"
	"concbench/report/sweep"
	"concbench/report/versions"
)

// The recorded runs of one machine at three times, and the recorded
// comparison of two toolchains.
var (
	historyFiles = []string{
		"testdata/results/factorize-base-2cpu.txt",
		"testdata/results/factorize-2cpu.txt",
		"testdata/results/factorize-toolchains-2cpu.txt",
	}
	toolchainsFile = "testdata/results/factorize-toolchains-2cpu.txt"
)

// TestBrowserVersionsHistory loads a page with the Go versions and history
// sections in headless Chromium and checks that every chart of theirs is
// drawn with its expected series, with no script error and no request.
func TestBrowserVersionsHistory(t *testing.T) {
	exe := findChromium(t)
	all, err := results.Read(golden.Inputs(t, historyFiles...), results.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := golden.Analyze(t, golden.Inputs(t, toolchainsFile), versions.Analyzer{}, history.Analyzer{Runs: all})
	if err != nil {
		t.Fatal(err)
	}
	sections := []report.Section{history.Section{}, versions.Section{}, report.CasesSection{}, report.WarningsSection{}}
	var want []chartSeries
	for _, s := range sections[:2] {
		frag, err := s.HTML(rep)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range frag.Charts {
			want = append(want, chartSeries{ID: c.ID, Series: c.Series})
		}
	}
	if len(want) != 36+2 {
		t.Fatalf("%d history and versions charts, want 38", len(want))
	}
	path := writePage(t, filepath.Join(t.TempDir(), "page.html"), rep, report.PageOptions{Sections: sections})
	got, events := loadPage(t, startBrowser(t, exe), path)
	drawn := map[string][]string{}
	for _, c := range got.Charts {
		drawn[c.ID] = c.Series
	}
	for _, w := range want {
		if diff := cmp.Diff(w.Series, drawn[w.ID]); diff != "" {
			t.Errorf("chart %s series (-want +got):\n%s", w.ID, diff)
		}
	}
	events.check(t)
}

// TestBrowserSweeps loads a page with the sweeps section, on a sweep of
// the requests in flight whose transports are named as markup and as
// go-echarts' function marker, in headless Chromium: every sweep chart is
// drawn with one series per transport, on a log x axis, the names show as
// text, and no injected markup or script takes effect.
func TestBrowserSweeps(t *testing.T) {
	exe := findChromium(t)
	transports := []string{`<b>bold<b>`, `__f__function(){window.__pwned=11}`, `<script>window.__pwned=12<script>`}
	var in strings.Builder
	in.WriteString("ncpu: 2\n")
	for _, f := range []float64{0.98, 0.99, 1, 1, 1.01, 1.02} {
		for _, n := range []int{10000, 100, 1000} {
			for i, tr := range transports {
				fmt.Fprintf(&in, "BenchmarkInflight/model=goroutines/requests=%d/transport=%s/delay=1s-2 1 %g ns/op %g ratio-to-delay %g KB/req\n",
					n, tr, f*1e9, f*(1+float64(i)/10+float64(n)/1e5), f*float64(10+i))
			}
		}
	}
	rep, err := golden.Analyze(t, []results.Input{{Name: "inflight.txt", R: strings.NewReader(in.String())}}, sweep.Analyzer{})
	if err != nil {
		t.Fatal(err)
	}
	frag, err := sweep.Section{}.HTML(rep)
	if err != nil {
		t.Fatal(err)
	}
	sorted := slices.Sorted(slices.Values(transports))
	var want []chartSeries
	for _, c := range frag.Charts {
		want = append(want, chartSeries{ID: c.ID, Series: c.Series})
		if diff := cmp.Diff(sorted, c.Series); diff != "" {
			t.Errorf("chart %s series (-want +got):\n%s", c.ID, diff)
		}
	}
	if len(want) != 2 {
		t.Fatalf("%d sweep charts, want 2 (ratio-to-delay and KB/req at 2 cores)", len(want))
	}
	path := writePage(t, filepath.Join(t.TempDir(), "page.html"), rep, report.PageOptions{Sections: []report.Section{sweep.Section{}}})
	browserCtx := startBrowser(t, exe)
	got, events := loadPage(t, browserCtx, path)
	if diff := cmp.Diff(want, got.Charts); diff != "" {
		t.Errorf("drawn charts (-want +got):\n%s", diff)
	}
	if got.Pwned != "undefined" || got.Scripts != 3 || got.Bold != 0 {
		t.Errorf("injected markup took effect: typeof window.__pwned = %s, %d scripts (want 3), %d <b>", got.Pwned, got.Scripts, got.Bold)
	}
	for _, s := range transports {
		if !strings.Contains(got.Text, s) {
			t.Errorf("page does not show %q as text", s)
		}
	}
	tabCtx, cancel := chromedp.NewContext(browserCtx)
	defer cancel()
	if err := chromedp.Do(tabCtx, chromedp.Navigate("file://"+path)); err != nil {
		t.Fatal(err)
	}
	axes, err := chromedp.Run(tabCtx, chromedp.Evaluate[[]string](`JSON.parse(document.getElementById('concbench-charts').textContent).map(c => echarts.getInstanceByDom(document.getElementById(c.id)).getOption().xAxis[0].type)`))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"log", "log"}, axes); diff != "" {
		t.Errorf("drawn x axes' types (-want +got):\n%s", diff)
	}
	events.check(t)
}

// TestBrowserAnswers loads pages with the answers' sections (the summary,
// the decision tree, the claims and the task-size sweep) in headless
// Chromium: the seed profile's report, whose task-size chart must be drawn
// with its series, and a report of hostile names, which each new section
// must show as text while no injected markup takes effect.
func TestBrowserAnswers(t *testing.T) {
	exe := findChromium(t)
	sections := append(answers.Sections(), report.CasesSection{}, report.WarningsSection{})
	seed, err := golden.Analyze(t, golden.Inputs(t, "testdata/results/seed-vm.txt"), answers.Analyzer{})
	if err != nil {
		t.Fatal(err)
	}
	// The hostile names, and a CPU case whose input is markup: it reaches
	// the decision tree and the claims.
	const evil = "<b>evil"
	hostile := append([]byte(nil), golden.RepoFile(t, "testdata/hostile/names.txt")...)
	for _, m := range []string{"serial", "goroutines", "procpool"} {
		for i := range 6 {
			hostile = fmt.Appendf(hostile, "BenchmarkFactorize/model=%s/n=%s/items=8\t1\t%d ns/op\nBenchmarkFactorize/model=%s/n=%s/items=8-2\t1\t%d ns/op\n", m, evil, 1000+i, m, evil, 600+i)
		}
	}
	hostileRep, err := golden.Analyze(t, []results.Input{{Name: "hostile.txt", R: bytes.NewReader(hostile)}}, answers.Analyzer{})
	if err != nil {
		t.Fatal(err)
	}
	browserCtx := startBrowser(t, exe)
	dir := t.TempDir()
	tests := []struct {
		name string
		rep  *report.Report
		// wantText lists, per section id, strings it must show as text.
		wantText map[string][]string
	}{
		{name: "seed", rep: seed, wantText: map[string][]string{
			"summary":       {"Factorize/n=112272535095293/items=8"},
			"decision-tree": {"CPU-bound", "processes pay"},
			"claims":        {"holds", "differs"},
			"task-size":     {"break-even"},
		}},
		{name: "hostile", rep: hostileRep, wantText: map[string][]string{
			"summary":       {"<svg/onload=window.__pwned=6>", "__f__function(){window.__pwned=5}", "Factorize/n=" + evil + "/items=8"},
			"decision-tree": {"/n=" + evil + "/items=8"},
			"claims":        {"/n=" + evil + "/items=8"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var want []chartSeries
			for _, s := range sections {
				frag, err := s.HTML(tc.rep)
				if err != nil {
					t.Fatal(err)
				}
				for _, c := range frag.Charts {
					want = append(want, chartSeries{ID: c.ID, Series: c.Series})
				}
			}
			path := writePage(t, filepath.Join(dir, tc.name+".html"), tc.rep, report.PageOptions{Sections: sections})
			got, events := loadPage(t, browserCtx, path)
			if diff := cmp.Diff(want, got.Charts); diff != "" {
				t.Errorf("drawn charts mismatch (-want +got):\n%s", diff)
			}
			if got.Pwned != "undefined" || got.Scripts != 3 || got.Images != 0 || got.SVGs != 0 || got.Bold != 0 {
				t.Errorf("injected markup took effect: typeof window.__pwned = %s, %d scripts (want 3), %d images, %d svg, %d <b>", got.Pwned, got.Scripts, got.Images, got.SVGs, got.Bold)
			}
			for id, texts := range tc.wantText {
				text := sectionText(t, browserCtx, path, id)
				for _, s := range texts {
					if !strings.Contains(text, s) {
						t.Errorf("section %s does not show %q as text; it shows:\n%s", id, s, text)
					}
				}
			}
			events.check(t)
		})
	}
}

// sectionText returns the text the section of id shows on the page at
// path.
func sectionText(t *testing.T, browserCtx context.Context, path, id string) string {
	t.Helper()
	tabCtx, cancel := chromedp.NewContext(browserCtx)
	defer cancel()
	ctx, cancelT := context.WithTimeout(tabCtx, 60*time.Second)
	defer cancelT()
	if err := chromedp.Do(ctx, chromedp.Navigate("file://"+path)); err != nil {
		t.Fatalf("loading %s: %v", path, err)
	}
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { const s = document.getElementById(`+strconv.Quote(id)+`); return s ? s.innerText : ""; })()`))
	if err != nil {
		t.Fatalf("reading section %s: %v", id, err)
	}
	return text
}
