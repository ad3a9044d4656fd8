package fits_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strings"
	"testing"

	"concbench/report"
	"concbench/report/fits"
	"concbench/report/results"
	"concbench/report/scaling"
)

// series gives a model's times per operation in ns at each core count.
type series map[int][]float64

// analyze builds a results file of one case, Bench/n=1, with the models'
// times at ncpu CPUs, and analyses it with the fits.
func analyze(t *testing.T, ncpu int, models map[string]series) (*report.Report, *fits.Analysis) {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "ncpu: %d\ngoos: linux\n", ncpu)
	for _, m := range slices.Sorted(maps.Keys(models)) {
		for _, p := range slices.Sorted(maps.Keys(models[m])) {
			suffix := ""
			if p > 1 {
				suffix = fmt.Sprintf("-%d", p)
			}
			for _, v := range models[m][p] {
				fmt.Fprintf(&b, "BenchmarkBench/model=%s/n=1%s \t 100 \t %g ns/op\n", m, suffix, v)
			}
		}
	}
	rep := analyzeText(t, b.String())
	a := fits.From(rep)
	if a == nil || len(a.Runs) != 1 || len(a.Runs[0].Cases) != 1 {
		t.Fatalf("fits %+v: want one run of one case", a)
	}
	checkJSON(t, rep)
	return rep, a
}

// analyzeText reads a results file's text and analyses it with the fits.
func analyzeText(t *testing.T, text string) *report.Report {
	t.Helper()
	ds, err := results.Read([]results.Input{{Name: "r.txt", R: strings.NewReader(text)}}, results.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := report.Analyze(ds, report.AnalyzeOptions{Analyzers: []report.Analyzer{fits.Analyzer{}}})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// checkJSON checks that the report encodes as JSON (WriteJSON fails on a
// NaN or an infinity) with the fits in it, and renders in HTML and
// Markdown.
func checkJSON(t *testing.T, rep *report.Report) {
	t.Helper()
	var b bytes.Buffer
	if err := report.WriteJSON(&b, rep); err != nil {
		t.Fatalf("report.json: %v", err)
	}
	var back struct {
		Extensions map[string]json.RawMessage `json:"extensions"`
	}
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Extensions[fits.Key]) == 0 {
		t.Fatalf("report.json has no %q extension", fits.Key)
	}
	if s := string(back.Extensions[fits.Key]); strings.Contains(s, "NaN") || strings.Contains(s, "Inf") {
		t.Errorf("fits JSON holds a non-finite value: %s", s)
	}
	page := report.PageOptions{Sections: []report.Section{report.CasesSection{}, fits.Section{}}}
	if err := report.WriteHTML(io.Discard, rep, page); err != nil {
		t.Fatal(err)
	}
	if err := report.WriteMarkdown(io.Discard, rep, page); err != nil {
		t.Fatal(err)
	}
}

// sectionHTML renders the fits section.
func sectionHTML(t *testing.T, rep *report.Report) (string, []report.Chart) {
	t.Helper()
	frag, err := fits.Section{}.HTML(rep)
	if err != nil {
		t.Fatal(err)
	}
	return string(frag.HTML), frag.Charts
}

func sectionMarkdown(t *testing.T, rep *report.Report) string {
	t.Helper()
	var b strings.Builder
	if err := (fits.Section{}).Markdown(&b, rep); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// noisy returns n samples around v, spread by the fraction f.
func noisy(v, f float64, n int) []float64 {
	xs := make([]float64, n)
	for i := range xs {
		// A fixed, symmetric pattern in [-1, 1].
		u := float64(i)/float64(n-1)*2 - 1
		xs[i] = v * (1 + f*u)
	}
	return xs
}

func model(t *testing.T, c *fits.Case, name string) *fits.Model {
	t.Helper()
	for i := range c.Models {
		if c.Models[i].Model == name {
			return &c.Models[i]
		}
	}
	t.Fatalf("no model %s in %+v", name, c.Models)
	return nil
}

// TestOneCoreCount: one core count only gives no fit, and says so.
func TestOneCoreCount(t *testing.T) {
	rep, a := analyze(t, 2, map[string]series{
		"serial": {1: noisy(1000, 0.01, 6)},
		"pool":   {1: noisy(900, 0.01, 6)},
	})
	c := &a.Runs[0].Cases[0]
	for _, m := range c.Models {
		if m.Fit.Amdahl != nil || m.Fit.USL != nil || len(m.Fit.KarpFlatt) != 0 {
			t.Errorf("%s: fitted on one core count: %+v", m.Model, m.Fit)
		}
		var laws []string
		for _, u := range m.Fit.Unfitted {
			laws = append(laws, u.Model)
			if u.Reason == "" {
				t.Errorf("%s: %s unfitted without a reason", m.Model, u.Model)
			}
		}
		if want := []string{scaling.ModelAmdahl, scaling.ModelKarpFlatt, scaling.ModelUSL}; !slices.Equal(slices.Sorted(slices.Values(laws)), want) {
			t.Errorf("%s: unfitted %v, want %v", m.Model, laws, want)
		}
	}
	html, charts := sectionHTML(t, rep)
	for _, want := range []string{"One core count only: no law can be fitted.", "no fit, one core count only"} {
		if !strings.Contains(html, want) {
			t.Errorf("section lacks %q", want)
		}
	}
	for _, ch := range charts {
		if strings.HasSuffix(ch.ID, "-karpflatt") {
			t.Errorf("a Karp-Flatt chart without e(N): %s", ch.ID)
		}
	}
	if md := sectionMarkdown(t, rep); !strings.Contains(md, "One core count only") {
		t.Errorf("Markdown does not say there is no fit:\n%s", md)
	}
	// No fit, no projection on the speedup chart.
	for _, ch := range report.CaseCharts(&rep.Runs[0], &rep.Runs[0].Cases[0], rep.Baseline, report.SpeedupDecorators(rep)...) {
		for _, s := range ch.Series {
			if strings.Contains(s, "projected") {
				t.Errorf("chart %s projects without a fit: %v", ch.ID, ch.Series)
			}
		}
	}
}

// TestSlowerEverywhere: a model slower than serial's best at every core
// count has an unbounded COST; one that beats it has a finite one.
func TestSlowerEverywhere(t *testing.T) {
	rep, a := analyze(t, 2, map[string]series{
		"serial":   {1: noisy(1000, 0.02, 8), 2: noisy(1000, 0.02, 8)},
		"procpool": {1: noisy(10000, 0.02, 8), 2: noisy(5200, 0.02, 8)},
		"pool":     {1: noisy(1100, 0.02, 8), 2: noisy(560, 0.02, 8)},
	})
	c := &a.Runs[0].Cases[0]
	if c.Reference != "serial" {
		t.Fatalf("reference %q, want serial", c.Reference)
	}
	if cost := model(t, c, "procpool").Fit.COST; cost == nil || !cost.Unbounded || cost.Cores != 0 {
		t.Errorf("procpool COST %+v, want unbounded", cost)
	}
	if cost := model(t, c, "pool").Fit.COST; cost == nil || cost.Cores != 2 {
		t.Errorf("pool COST %+v, want 2 cores", cost)
	}
	if !model(t, c, "serial").IsReference {
		t.Error("serial is not marked as the reference")
	}
	html, _ := sectionHTML(t, rep)
	for _, want := range []string{"<td>unbounded</td>", "<td>2 cores</td>", "<td>reference</td>"} {
		if !strings.Contains(html, want) {
			t.Errorf("COST table lacks %q", want)
		}
	}
	if md := sectionMarkdown(t, rep); !strings.Contains(md, "| procpool | unbounded |") {
		t.Errorf("Markdown COST table lacks procpool's unbounded COST:\n%s", md)
	}
}

// TestNoisy: noisy points give wide intervals, and the page shows them.
func TestNoisy(t *testing.T) {
	rep, a := analyze(t, 4, map[string]series{
		"serial": {1: noisy(1000, 0.01, 6), 2: noisy(1000, 0.01, 6), 4: noisy(1000, 0.01, 6)},
		"quiet":  {1: noisy(1000, 0.01, 10), 2: noisy(540, 0.01, 10), 4: noisy(300, 0.01, 10)},
		"noisy":  {1: noisy(1000, 0.6, 10), 2: noisy(540, 0.6, 10), 4: noisy(300, 0.6, 10)},
	})
	c := &a.Runs[0].Cases[0]
	width := func(e scaling.Estimate) float64 {
		if e.Lo == nil || e.Hi == nil {
			t.Fatalf("no interval: %+v", e)
		}
		return *e.Hi - *e.Lo
	}
	q, n := model(t, c, "quiet").Fit, model(t, c, "noisy").Fit
	if q.Amdahl == nil || n.Amdahl == nil || q.USL == nil || n.USL == nil {
		t.Fatalf("not fitted: quiet %+v, noisy %+v", q, n)
	}
	wq, wn := width(q.Amdahl.S), width(n.Amdahl.S)
	if !(wn > 5*wq && wn > 0.2) {
		t.Errorf("Amdahl s interval: noisy %.3g, quiet %.3g; want the noisy one wide", wn, wq)
	}
	if !(width(n.USL.Sigma) > width(q.USL.Sigma)) {
		t.Errorf("USL sigma interval: noisy %.3g, quiet %.3g", width(n.USL.Sigma), width(q.USL.Sigma))
	}
	html, _ := sectionHTML(t, rep)
	if want := fits.FormatEstimate(n.Amdahl.S); !strings.Contains(html, "<td>"+want+"</td>") {
		t.Errorf("section lacks the noisy model's s %q with its interval", want)
	}
}

// TestLinear: a perfectly linear series has sigma and kappa 0, s 0, and
// no peak.
func TestLinear(t *testing.T) {
	lin := series{}
	for _, p := range []int{1, 2, 4, 8} {
		lin[p] = []float64{8000 / float64(p), 8000 / float64(p), 8000 / float64(p), 8000 / float64(p), 8000 / float64(p), 8000 / float64(p)}
	}
	rep, a := analyze(t, 8, map[string]series{"serial": lin, "linear": lin})
	f := model(t, &a.Runs[0].Cases[0], "linear").Fit
	if f.USL == nil || f.Amdahl == nil {
		t.Fatalf("not fitted: %+v", f)
	}
	if f.USL.Sigma.Value > 1e-9 || f.USL.Kappa.Value > 1e-9 || f.Amdahl.S.Value > 1e-9 {
		t.Errorf("sigma %g, kappa %g, s %g; want 0", f.USL.Sigma.Value, f.USL.Kappa.Value, f.Amdahl.S.Value)
	}
	if f.USL.Peak != nil {
		t.Errorf("peak %+v for a linear series", *f.USL.Peak)
	}
	html, _ := sectionHTML(t, rep)
	// The row's cells: model, s, sigma, kappa, N*, ...
	row := html[strings.Index(html, `<td class="l">linear</td>`):]
	row = row[:strings.Index(row, "</tr>")]
	if cells := strings.Split(row, "</td>"); len(cells) < 5 || cells[4] != "<td>—" {
		t.Errorf("the N* cell of %q is not empty", row)
	}
	// The USL is projected, at 128 cores a speedup of 128.
	for _, p := range f.USL.Projection {
		if p.N == 128 && math.Abs(p.Speedup.Value-128) > 1e-6 {
			t.Errorf("S(128) = %g, want 128", p.Speedup.Value)
		}
	}
}

// TestOversubscribed: points above the CPU count are left out of the
// fits, and said to be.
func TestOversubscribed(t *testing.T) {
	rep, a := analyze(t, 2, map[string]series{
		"serial": {1: noisy(1000, 0.01, 6), 2: noisy(1000, 0.01, 6), 4: noisy(1000, 0.01, 6)},
		"pool":   {1: noisy(1000, 0.01, 6), 2: noisy(520, 0.01, 6), 4: noisy(510, 0.01, 6)},
	})
	c := &a.Runs[0].Cases[0]
	if !slices.Equal(c.Procs, []int{1, 2}) || !slices.Equal(c.Excluded, []int{4}) {
		t.Errorf("fitted %v, excluded %v; want [1 2], [4]", c.Procs, c.Excluded)
	}
	f := model(t, c, "pool").Fit
	if f.USL != nil || f.Amdahl == nil || len(f.Points) != 2 {
		t.Errorf("want Amdahl only, on two points: %+v", f)
	}
	if c.BoxProcs != 2 {
		t.Errorf("box plot at %d cores, want 2", c.BoxProcs)
	}
	html, _ := sectionHTML(t, rep)
	for _, want := range []string{"left out as oversubscribed: N = 4", "Amdahl&#39;s law and Karp-Flatt only"} {
		if !strings.Contains(html, want) {
			t.Errorf("section lacks %q", want)
		}
	}
}

// TestProjection: the speedup chart of a fitted case carries each model's
// projected curve to 128 cores, dotted, with its band, on log axes.
func TestProjection(t *testing.T) {
	rep, _ := analyze(t, 2, map[string]series{
		"serial": {1: noisy(1000, 0.02, 8), 2: noisy(1000, 0.02, 8)},
		"pool":   {1: noisy(1100, 0.02, 8), 2: noisy(600, 0.02, 8)},
	})
	run := &rep.Runs[0]
	chs := report.CaseCharts(run, &run.Cases[0], rep.Baseline, report.SpeedupDecorators(rep)...)
	if len(chs) == 0 {
		t.Fatal("no charts")
	}
	sp := chs[0]
	want := []string{"serial", "pool", "serial: Amdahl fit, projected", "pool: Amdahl fit, projected", "ideal (y = cores)"}
	if !slices.Equal(sp.Series, want) {
		t.Errorf("speedup chart series %q, want %q", sp.Series, want)
	}
	js, err := json.Marshal(sp.Options)
	if err != nil {
		t.Fatal(err)
	}
	var o struct {
		XAxis []struct {
			Type string
			Max  float64
		}
		YAxis  []struct{ Type string }
		Series []struct {
			Name, Type, ID string
			LineStyle      struct{ Type string }
			ItemStyle      struct{ Color string }
			Data           []chartItem
		}
	}
	if err := json.Unmarshal(js, &o); err != nil {
		t.Fatal(err)
	}
	if o.XAxis[0].Type != "log" || o.XAxis[0].Max != 128 || o.YAxis[0].Type != "log" {
		t.Errorf("axes %+v %+v, want log axes up to 128 cores", o.XAxis, o.YAxis)
	}
	bands := 0
	var lineColors, bandColors []string
	for _, s := range o.Series {
		switch {
		case strings.HasSuffix(s.Name, "projected") && s.Type == "line":
			if s.LineStyle.Type != "dotted" {
				t.Errorf("%s: line %q, want dotted", s.Name, s.LineStyle.Type)
			}
			if last := s.Data[len(s.Data)-1].Value; last[0] != 128 {
				t.Errorf("%s ends at %v, want 128 cores", s.Name, last)
			}
			lineColors = append(lineColors, s.ItemStyle.Color)
		case strings.HasPrefix(s.ID, "band:"):
			bands++
			for i, d := range s.Data {
				if !(d.Value[1] > 0 && d.Value[1] <= d.Value[2]) {
					t.Errorf("%s: band item %v", s.Name, d.Value)
				}
				// The page fills each group in its first item's colour.
				if i == 0 || s.Data[i-1].Value[3] != d.Value[3] {
					bandColors = append(bandColors, d.Color)
				} else if d.Color != "" {
					t.Errorf("%s: item %d, not its group's first, has the colour %s", s.Name, i, d.Color)
				}
			}
		}
	}
	if bands != 1 {
		t.Errorf("%d band series, want 1 for both models", bands)
	}
	if !slices.Equal(bandColors, lineColors) {
		t.Errorf("the bands' colours %q, want their curves' %q", bandColors, lineColors)
	}
	// The efficiency chart is left as it was.
	for _, s := range chs[1].Series {
		if strings.Contains(s, "projected") {
			t.Errorf("efficiency chart has %q", s)
		}
	}
}

// A chartItem is an item of a chart series' data: [x, y, ...] or {value:
// [x, y, ...], itemStyle: {color: ...}}, as echarts reads both.
type chartItem struct {
	Value []float64
	Color string
}

func (it *chartItem) UnmarshalJSON(b []byte) error {
	if err := json.Unmarshal(b, &it.Value); err == nil {
		return nil
	}
	var o struct {
		Value     []float64
		ItemStyle struct{ Color string }
	}
	err := json.Unmarshal(b, &o)
	it.Value, it.Color = o.Value, o.ItemStyle.Color
	return err
}

// TestBox checks the box plot's summary of samples with an outlier.
func TestBox(t *testing.T) {
	rep, a := analyze(t, 2, map[string]series{
		"serial": {1: {100, 101, 102, 103, 104, 105}, 2: {100, 101, 102, 103, 104, 500}},
	})
	b := model(t, &a.Runs[0].Cases[0], "serial").Box
	if b == nil {
		t.Fatal("no box")
	}
	// Times in sec/op: 1e-9 s per ns.
	got := []float64{b.Low, b.Q1, b.Median, b.Q3, b.High}
	want := []float64{100e-9, 101.25e-9, 102.5e-9, 103.75e-9, 104e-9}
	for i := range got {
		if math.Abs(got[i]-want[i]) > 1e-15 {
			t.Errorf("box %v, want %v", got, want)
			break
		}
	}
	if len(b.Outliers) != 1 || math.Abs(b.Outliers[0]-500e-9) > 1e-15 {
		t.Errorf("outliers %v, want [500e-9]", b.Outliers)
	}
	_, charts := sectionHTML(t, rep)
	var ids []string
	for _, c := range charts {
		ids = append(ids, c.ID)
	}
	if !slices.Equal(ids, []string{"r1-c1-karpflatt", "r1-c1-box"}) {
		t.Errorf("charts %v", ids)
	}
	if s := charts[1].Series; !slices.Equal(s, []string{"ns/op at 2 cores", "outliers"}) {
		t.Errorf("box chart series %v", s)
	}
}

// TestNoFits: without the analyser the section is left out and the
// speedup charts are as before.
func TestNoFits(t *testing.T) {
	ds, err := results.Read([]results.Input{{Name: "r.txt", R: strings.NewReader("ncpu: 2\nBenchmarkB/model=serial \t 1 \t 10 ns/op\nBenchmarkB/model=serial-2 \t 1 \t 6 ns/op\n")}}, results.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := report.Analyze(ds, report.AnalyzeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	frag, err := fits.Section{}.HTML(rep)
	if err != nil || frag.HTML != "" || frag.Charts != nil {
		t.Errorf("section without fits: %v %q", err, frag.HTML)
	}
	if ds := report.SpeedupDecorators(rep); len(ds) != 0 {
		t.Errorf("decorators %v without fits", ds)
	}
}

// TestSectionBounded: the page draws the fits of the cases the page
// draws, the first report.MaxHTMLCases, and says that report.json holds
// the rest; the Markdown stops after report.MaxMarkdownCaseBytes of case
// tables, as the cases section's does, and says where the rest are.
func TestSectionBounded(t *testing.T) {
	for _, tc := range []struct {
		name  string
		cases int
		where string // where the Markdown sends the reader for the rest
	}{
		{"over the page's bound", report.MaxHTMLCases + 3, "report.json holds them all"},
		{"under the page's bound", 300, "report.html shows them all"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b strings.Builder
			b.WriteString("ncpu: 2\n")
			for i := range tc.cases {
				fmt.Fprintf(&b, "BenchmarkCase%d/model=serial \t 100 \t %d ns/op\n", i, 1000+i)
			}
			rep := analyzeText(t, b.String())
			if got := len(fits.From(rep).Runs[0].Cases); got != tc.cases {
				t.Errorf("the analysis holds %d cases, want all %d", got, tc.cases)
			}
			html, _ := sectionHTML(t, rep)
			shown := min(tc.cases, report.MaxHTMLCases)
			if got := strings.Count(html, "Fitted on N = "); got != shown {
				t.Errorf("the page shows %d cases' fits, want %d", got, shown)
			}
			if want := fmt.Sprintf("first %d of the %d cases&#39; fits", report.MaxHTMLCases, tc.cases); strings.Contains(html, want) != (tc.cases > report.MaxHTMLCases) {
				t.Errorf("the page says %q: %v, want %v", want, !(tc.cases > report.MaxHTMLCases), tc.cases > report.MaxHTMLCases)
			}
			md := sectionMarkdown(t, rep)
			written := strings.Count(md, "\n#### ")
			if written == 0 || written >= tc.cases {
				t.Errorf("the Markdown shows %d of %d cases' fits, want some and not all", written, tc.cases)
			}
			// The last case begins below the bound.
			if last := strings.LastIndex(md, "\n#### "); last > report.MaxMarkdownCaseBytes+1<<10 {
				t.Errorf("the Markdown's last case begins at byte %d, past the bound of %d", last, report.MaxMarkdownCaseBytes)
			}
			if want := fmt.Sprintf("The first %d of the %d cases' fits are shown; %s.", written, tc.cases, tc.where); !strings.Contains(md, want) {
				t.Errorf("the Markdown does not say what it left out (%q):\n%s", want, md[max(0, len(md)-300):])
			}
		})
	}
}
