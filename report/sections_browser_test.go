package report_test

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"concbench/report"
	"concbench/report/fits"
	"concbench/report/history"
	"concbench/report/internal/golden"
	"concbench/report/results"
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
	checkDrawn(t, exe, rep, sections, want)
}

// TestBrowserFits loads a page with the fits section in headless Chromium
// and checks that every chart of the cases and of the fits is drawn with
// its expected series, the projections on the speedup charts, the
// Karp-Flatt charts and the box plots among them, with no script error
// and no request.
func TestBrowserFits(t *testing.T) {
	exe := findChromium(t)
	rep, err := golden.Analyze(t, golden.Inputs(t, "testdata/results/factorize-2cpu.txt"), fits.Analyzer{})
	if err != nil {
		t.Fatal(err)
	}
	sections := []report.Section{report.CasesSection{}, fits.Section{}}
	var want []chartSeries
	kinds := map[string]int{}
	for _, s := range sections {
		frag, err := s.HTML(rep)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range frag.Charts {
			want = append(want, chartSeries{ID: c.ID, Series: c.Series})
			for _, k := range []string{"-speedup", "-karpflatt", "-box"} {
				if strings.HasSuffix(c.ID, k) {
					kinds[k]++
				}
			}
			if strings.HasSuffix(c.ID, "-speedup") && !slices.ContainsFunc(c.Series, func(s string) bool { return strings.HasSuffix(s, "fit, projected") }) {
				t.Errorf("speedup chart %s has no projection: %q", c.ID, c.Series)
			}
		}
	}
	if kinds["-speedup"] == 0 || kinds["-karpflatt"] != kinds["-speedup"] || kinds["-box"] != kinds["-speedup"] {
		t.Fatalf("charts by kind %v: want a Karp-Flatt chart and a box plot per speedup chart", kinds)
	}
	checkDrawn(t, exe, rep, sections, want)
}

// checkDrawn loads the page of rep with sections in headless Chromium and
// checks that each chart of want is drawn with its series, with no script
// error, request or dialog.
func checkDrawn(t *testing.T, exe string, rep *report.Report, sections []report.Section, want []chartSeries) {
	t.Helper()
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
