package report_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"

	"concbench/report"
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
