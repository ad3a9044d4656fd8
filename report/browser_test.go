package report_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"

	"concbench/report"
	"concbench/report/results"
)

// chromiumEnv names the variable that points the browser test at a
// Chromium binary when none is in PATH under a usual name.
const chromiumEnv = "CONCBENCH_CHROMIUM"

// findChromium returns the Chromium to drive. Without one the test is
// skipped, except under CI (CI=true), where a missing browser is a failure.
func findChromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv(chromiumEnv); p != "" {
		return p
	}
	names := []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"}
	for _, name := range names {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := fmt.Sprintf("no Chromium found: none of %s is in PATH and %s is unset (on Debian: apt-get install chromium)", strings.Join(names, ", "), chromiumEnv)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// browserEvents collects what the page did that a report must not do.
type browserEvents struct {
	mu       sync.Mutex
	pageURL  string
	requests []string
	errors   []string
	dialogs  []string
}

func (b *browserEvents) listen(ev any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		u := ev.Request.URL
		if u != b.pageURL && !strings.HasPrefix(u, "data:") {
			b.requests = append(b.requests, u)
		}
	case *runtime.EventExceptionThrown:
		b.errors = append(b.errors, fmt.Sprintf("exception: %s %v", ev.ExceptionDetails.Text, ev.ExceptionDetails.Exception))
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning {
			var args []string
			for _, a := range ev.Args {
				args = append(args, string(a.Value)+a.Description)
			}
			b.errors = append(b.errors, fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(args, " ")))
		}
	case *log.EventEntryAdded:
		if ev.Entry.Level == log.EntryLevelError || ev.Entry.Level == log.EntryLevelWarning {
			b.errors = append(b.errors, fmt.Sprintf("log %s (%s): %s", ev.Entry.Level, ev.Entry.Source, ev.Entry.Text))
		}
	case *page.EventJavascriptDialogOpening:
		b.dialogs = append(b.dialogs, ev.Message)
	}
}

// chartSeries is what the test reads back from each drawn chart.
type chartSeries struct {
	ID     string   `json:"id"`
	Series []string `json:"series"`
}

// pageState is what the page looks like once loaded.
type pageState struct {
	Charts    []chartSeries `json:"charts"`
	Instances int           `json:"instances"`
	Pwned     string        `json:"pwned"`
	Scripts   int           `json:"scripts"`
	Images    int           `json:"images"`
	SVGs      int           `json:"svgs"`
	Bold      int           `json:"bold"`
	Title     string        `json:"title"`
	Text      string        `json:"text"`
}

const readPageState = `(() => {
  const data = JSON.parse(document.getElementById('concbench-charts').textContent);
  const charts = data.map(c => {
    const inst = echarts.getInstanceByDom(document.getElementById(c.id));
    if (!inst) return {id: c.id, series: null};
    return {id: c.id, series: inst.getOption().series.filter(s => s.type !== 'custom').map(s => s.name)};
  });
  return {
    charts: charts,
    instances: document.querySelectorAll('[_echarts_instance_]').length,
    pwned: typeof window.__pwned,
    scripts: document.scripts.length,
    images: document.images.length,
    svgs: document.querySelectorAll('svg').length,
    bold: document.querySelectorAll('b').length,
    title: document.title,
    text: document.body.innerText,
  };
})()`

// scrollCharts scrolls each chart into view and waits, up to a hundred
// frames, until it is drawn; it resolves to true.
const scrollCharts = `(async () => {
  const frame = () => new Promise(r => requestAnimationFrame(() => r()));
  for (const el of document.querySelectorAll('.chart')) {
    el.scrollIntoView();
    for (let i = 0; i < 100 && !echarts.getInstanceByDom(el); i++) await frame();
  }
  window.scrollTo(0, 0);
  return true;
})()`

// TestBrowser loads rendered reports from file:// in headless Chromium and
// checks that they make no network request and raise no JavaScript error,
// that every chart is drawn with its expected series, and that hostile names
// show as text while no injected script runs.
func TestBrowser(t *testing.T) {
	exe := findChromium(t)
	recordedReport, err := readReport(t, results.ReadOptions{}, recordedInputs(t)...)
	if err != nil {
		t.Fatal(err)
	}
	hostileTitle := `<b>title</b><script>window.__pwned=8</script>`
	tests := []struct {
		name  string
		rep   *report.Report
		title string
		// wantText lists strings the page must show literally.
		wantText []string
		// wantSeries lists series names some chart must have.
		wantSeries []string
	}{
		{name: "recorded", rep: recordedReport},
		{
			name:  "hostile",
			rep:   hostileReport(t),
			title: hostileTitle,
			wantText: []string{
				`<img src=x onerror="window.__pwned=2"> & "quotes" 'single' @everyone | ` + "`tick`",
				`Evil CPU </script><script>window.__pwned=1</script>`,
				hostileFileName,
				`/script><script>window.__pwned=4</script>`,
				`<svg/onload=window.__pwned=6>`,
			},
			wantSeries: []string{"<img", "<", "__f__function(){window.__pwned=5}"},
		},
	}
	browserCtx := startBrowser(t, exe)
	dir := t.TempDir()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writePage(t, filepath.Join(dir, tc.name+".html"), tc.rep, report.PageOptions{Title: tc.title})
			var want []chartSeries
			for ri := range tc.rep.Runs {
				run := &tc.rep.Runs[ri]
				for ci := range run.Cases {
					for _, c := range report.CaseCharts(run, &run.Cases[ci], tc.rep.Baseline) {
						want = append(want, chartSeries{ID: c.ID, Series: c.Series})
					}
				}
			}
			if len(want) == 0 {
				t.Fatal("the report has no charts")
			}

			got, events := loadPage(t, browserCtx, path)

			if diff := cmp.Diff(want, got.Charts); diff != "" {
				t.Errorf("drawn charts mismatch (-want +got):\n%s", diff)
			}
			if got.Instances != len(want) {
				t.Errorf("%d echarts instances, want %d", got.Instances, len(want))
			}
			if got.Pwned != "undefined" || got.Scripts != 3 || got.Images != 0 || got.SVGs != 0 || got.Bold != 0 {
				t.Errorf("injected markup took effect: typeof window.__pwned = %s, %d scripts (want 3), %d images, %d svg, %d <b>", got.Pwned, got.Scripts, got.Images, got.SVGs, got.Bold)
			}
			if tc.title != "" && got.Title != tc.title {
				t.Errorf("document title = %q, want %q as text", got.Title, tc.title)
			}
			for _, s := range tc.wantText {
				if !strings.Contains(got.Text, s) {
					t.Errorf("page does not show %q as text", s)
				}
			}
			names := map[string]bool{}
			for _, c := range got.Charts {
				for _, s := range c.Series {
					names[s] = true
				}
			}
			for _, s := range tc.wantSeries {
				if !names[s] {
					t.Errorf("no chart has a series named %q", s)
				}
			}
			events.check(t)
		})
	}
}

// startBrowser starts the browser at exe, headless, for the rest of the
// test, and returns a context to open tabs in.
func startBrowser(t *testing.T, exe string) context.Context {
	t.Helper()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(t.Context(), append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.Flag("disable-gpu", true))...)
	t.Cleanup(cancelAlloc)
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelBrowser)
	if err := chromedp.Do(browserCtx); err != nil {
		t.Fatalf("starting %s: %v", exe, err)
	}
	return browserCtx
}

// writePage writes rep as an HTML page to path and returns path.
func writePage(t *testing.T, path string, rep *report.Report, opts report.PageOptions) string {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := report.WriteHTML(f, rep, opts); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// loadPage opens the page at path in a new tab of browserCtx and reads its
// state once it has loaded; the events say what else the page did.
func loadPage(t *testing.T, browserCtx context.Context, path string) (pageState, *browserEvents) {
	t.Helper()
	tabCtx, cancelTab := chromedp.NewContext(browserCtx)
	t.Cleanup(cancelTab)
	events := &browserEvents{pageURL: "file://" + path}
	if err := chromedp.Listen(tabCtx, events.listen); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(tabCtx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(events.pageURL)); err != nil {
		t.Fatalf("loading %s: %v", path, err)
	}
	// A page of many charts draws those off the screen as they come near
	// it: bring each into view and wait until it is drawn.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](scrollCharts, chromedp.EvalAwaitPromise)); err != nil {
		t.Fatalf("scrolling through the charts: %v", err)
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[pageState](readPageState))
	if err != nil {
		t.Fatalf("reading the page: %v", err)
	}
	return got, events
}

// check fails the test if the page made a network request, logged an
// error or opened a dialog.
func (b *browserEvents) check(t *testing.T) {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.requests) > 0 {
		t.Errorf("the page made network requests: %q", b.requests)
	}
	if len(b.errors) > 0 {
		t.Errorf("the page logged errors: %q", b.errors)
	}
	if len(b.dialogs) > 0 {
		t.Errorf("the page opened dialogs: %q", b.dialogs)
	}
}
