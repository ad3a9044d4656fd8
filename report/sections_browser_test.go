package report_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"

	"concbench/report"
)

// TestBrowserVersionsHistory loads a page with the Go versions and history
// sections in headless Chromium and checks that every chart of theirs is
// drawn with its expected series, with no script error and no request.
func TestBrowserVersionsHistory(t *testing.T) {
	exe := findChromium(t)
	all, err := report.Read(repoInputs(t, historyFiles...), report.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := analyzeWith(t, report.ReadOptions{}, repoInputs(t, toolchainsFile), report.VersionsAnalyzer{}, report.HistoryAnalyzer{Runs: all})
	if err != nil {
		t.Fatal(err)
	}
	sections := []report.Section{report.HistorySection{}, report.VersionsSection{}, report.CasesSection{}, report.WarningsSection{}}
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
	path := filepath.Join(t.TempDir(), "page.html")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := report.WriteHTML(f, rep, report.PageOptions{Sections: sections}); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}

	allocCtx, cancelAlloc := chromedp.NewExecAllocator(t.Context(), append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.Flag("disable-gpu", true))...)
	defer cancelAlloc()
	tabCtx, cancelTab := chromedp.NewContext(allocCtx)
	defer cancelTab()
	events := &browserEvents{pageURL: "file://" + path}
	if err := chromedp.Listen(tabCtx, events.listen); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(tabCtx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(events.pageURL)); err != nil {
		t.Fatalf("loading %s: %v", path, err)
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[pageState](readPageState))
	if err != nil {
		t.Fatalf("reading the page: %v", err)
	}
	drawn := map[string][]string{}
	for _, c := range got.Charts {
		drawn[c.ID] = c.Series
	}
	for _, w := range want {
		if diff := cmp.Diff(w.Series, drawn[w.ID]); diff != "" {
			t.Errorf("chart %s series (-want +got):\n%s", w.ID, diff)
		}
	}
	events.mu.Lock()
	defer events.mu.Unlock()
	if len(events.requests) > 0 || len(events.errors) > 0 || len(events.dialogs) > 0 {
		t.Errorf("requests %q, errors %q, dialogs %q; want none", events.requests, events.errors, events.dialogs)
	}
}
