package fits

import (
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"concbench/report"
	"concbench/report/scaling"
)

// Section renders the fits the [Analyzer] stored in the report: per case,
// a table of each model's fitted parameters with their intervals and its
// projected speedups, a COST table, a chart of the Karp-Flatt metric e(N)
// and a box plot of each model's samples at the largest fitted core
// count. It is left out when the report has no fits.
type Section struct{}

// ID implements report.Section.
func (Section) ID() string { return "fits" }

// Title implements report.Section.
func (Section) Title() string { return "How far it scales: fitted laws, projections and COST" }

// intro explains the section's figures, in HTML.
const intro = `<p class="note">Fitted on the core counts that are not oversubscribed, with 95% bootstrap intervals.
Amdahl: S(N) = 1/(s + (1 − s)/N), s the serial fraction (speedup never above 1/s).
USL: X(N) = λN/(1 + σ(N − 1) + κN(N − 1)), σ contention, κ coherency; the peak N* = √((1 − σ)/κ) is shown only where κ's interval excludes 0.
Karp-Flatt: e(N) = (N/S − 1)/(N − 1), flat under Amdahl, rising where overheads grow with the cores.
COST: the fewest cores at which a model beats the best time of the reference model at any core count, its whole interval above it; "unbounded" where it never does on the measured cores.
Projections beyond the measured cores are drawn dotted on the speedup charts of the cases, with their 95% band.</p>
`

// HTML implements report.Section.
func (Section) HTML(rep *report.Report) (report.Fragment, error) {
	a := From(rep)
	if a == nil {
		return report.Fragment{}, nil
	}
	type job struct {
		r *Run
		c *Case
	}
	var jobs []job
	for ri := range a.Runs {
		for ci := range a.Runs[ri].Cases {
			jobs = append(jobs, job{&a.Runs[ri], &a.Runs[ri].Cases[ci]})
		}
	}
	// The page draws the cases the cases section draws, the first
	// MaxHTMLCases of them.
	total := len(jobs)
	jobs = jobs[:min(total, report.MaxHTMLCases)]
	// Cases are rendered in parallel, each into its own buffer, and
	// joined in order, as the cases section's are.
	htmls := make([]string, len(jobs))
	chs := make([][]report.Chart, len(jobs))
	report.ParallelFor(len(jobs), func(i int) {
		if len(jobs[i].c.Models) == 0 {
			return
		}
		var b strings.Builder
		caseHTML(&b, a, jobs[i].r, jobs[i].c)
		htmls[i], chs[i] = b.String(), caseCharts(jobs[i].c)
	})
	var b strings.Builder
	var frag report.Fragment
	b.WriteString(intro)
	for i, j := range jobs {
		if len(a.Runs) > 1 && j.c == &j.r.Cases[0] {
			b.WriteString(`<h3 class="run">Run ` + report.Escape(j.r.ID) + "</h3>\n")
		}
		b.WriteString(htmls[i])
		frag.Charts = append(frag.Charts, chs[i]...)
	}
	frag.HTML = template.HTML(b.String()) + report.LeftOutNote(len(jobs), total, "cases' fits")
	return frag, nil
}

// caseHTML writes one case's note, tables and chart elements.
func caseHTML(b *strings.Builder, a *Analysis, r *Run, c *Case) {
	b.WriteString(`<section class="case">` + "\n")
	b.WriteString(`<h4 id="fits-` + report.Escape(c.ID) + `">` + report.Escape(c.Name) + ` <span class="muted">(` + report.Escape(c.Unit) + ")</span></h4>\n")
	b.WriteString(`<p class="note">` + report.Escape(caseNote(r, c)) + "</p>\n")
	b.WriteString(`<table><tr><th class="l">model</th><th>Amdahl s</th><th>USL σ</th><th>USL κ</th><th>N*</th>`)
	for _, n := range projected(a) {
		b.WriteString("<th>S(" + strconv.Itoa(n) + ")</th>")
	}
	b.WriteString(`<th class="l">note</th></tr>` + "\n")
	for _, row := range paramRows(a, c) {
		b.WriteString(`<tr><td class="l">` + report.Escape(row.model) + "</td>")
		for _, cell := range row.cells {
			b.WriteString("<td>" + report.Escape(cell) + "</td>")
		}
		b.WriteString(`<td class="l">` + report.Escape(row.note) + "</td></tr>\n")
	}
	b.WriteString("</table>\n")
	if c.Reference != "" {
		b.WriteString(`<table><tr><th class="l">model</th><th>COST</th>`)
		for _, n := range c.Procs {
			b.WriteString("<th>vs best " + report.Escape(c.Reference) + " at " + strconv.Itoa(n) + "</th>")
		}
		b.WriteString("</tr>\n")
		for _, row := range costRows(c) {
			b.WriteString(`<tr><td class="l">` + report.Escape(row.model) + "</td>")
			for _, cell := range row.cells {
				b.WriteString("<td>" + report.Escape(cell) + "</td>")
			}
			b.WriteString("</tr>\n")
		}
		b.WriteString("</table>\n")
	}
	b.WriteString(`<div class="charts">`)
	for _, ch := range caseChartIDs(c) {
		b.WriteString(`<div class="chart" id="` + report.Escape(ch) + `"></div>`)
	}
	b.WriteString("</div>\n</section>\n")
}

// caseNote says what the case was fitted on and what that allows.
func caseNote(r *Run, c *Case) string {
	var s strings.Builder
	s.WriteString("Fitted on N = " + joinInts(c.Procs))
	if r.NCPU > 0 {
		s.WriteString(fmt.Sprintf(" (≤ %d CPUs)", r.NCPU))
	} else {
		s.WriteString(" (the CPU count is unknown: no point is known to be oversubscribed)")
	}
	if len(c.Excluded) > 0 {
		s.WriteString("; left out as oversubscribed: N = " + joinInts(c.Excluded))
	}
	switch n := len(c.Procs); {
	case n < 2:
		s.WriteString(". One core count only: no law can be fitted.")
	case n < 3:
		s.WriteString(". Two core counts: Amdahl's law and Karp-Flatt only; the USL's three parameters need a third.")
	default:
		s.WriteString(".")
	}
	if c.Reference == "" {
		s.WriteString(" No reference model: no COST.")
	}
	return s.String()
}

// projected returns the projection's core counts shown in the table:
// those beyond the fitted ones, at most the two largest.
func projected(a *Analysis) []int {
	var ns []int
	for _, n := range a.Projection {
		if n >= 64 {
			ns = append(ns, n)
		}
	}
	if len(ns) > 2 {
		ns = ns[len(ns)-2:]
	}
	return ns
}

type row struct {
	model string
	cells []string
	note  string
}

// paramRows returns one row per model: s, sigma, kappa, N*, the projected
// speedups and the reasons of the laws not fitted.
func paramRows(a *Analysis, c *Case) []row {
	ns := projected(a)
	rows := make([]row, 0, len(c.Models))
	for _, m := range c.Models {
		f := &m.Fit
		r := row{model: report.ModelName(m.Model)}
		noFit := "no fit"
		if f.Amdahl != nil {
			r.cells = append(r.cells, FormatEstimate(f.Amdahl.S))
		} else {
			r.cells = append(r.cells, noFit)
		}
		if f.USL != nil {
			peak := "—"
			if f.USL.Peak != nil {
				peak = FormatEstimate(*f.USL.Peak)
			}
			r.cells = append(r.cells, FormatEstimate(f.USL.Sigma), FormatEstimate(f.USL.Kappa), peak)
		} else {
			r.cells = append(r.cells, noFit, noFit, "—")
		}
		law, proj := projection(f)
		for _, n := range ns {
			cell := "—"
			for _, p := range proj {
				if p.N == n {
					cell = FormatEstimate(p.Speedup) + " (" + lawName(law) + ")"
				}
			}
			r.cells = append(r.cells, cell)
		}
		var notes []string
		for _, u := range f.Unfitted {
			if u.Model == scaling.ModelUSL && len(c.Procs) == 2 && len(f.Points) == 2 {
				continue // the case's note says why
			}
			notes = append(notes, lawLabel(u.Model)+": no fit, "+u.Reason)
		}
		notes = append(notes, f.Notes...)
		r.note = strings.Join(notes, "; ")
		rows = append(rows, r)
	}
	return rows
}

// lawLabel names a model of [scaling.Unfitted] in the page.
func lawLabel(model string) string {
	switch model {
	case scaling.ModelKarpFlatt:
		return "Karp-Flatt"
	}
	return lawName(model)
}

// costRows returns one row per model: its COST and its ratio to the
// reference's best at every fitted core count.
func costRows(c *Case) []row {
	rows := make([]row, 0, len(c.Models))
	for _, m := range c.Models {
		r := row{model: report.ModelName(m.Model)}
		cost := m.Fit.COST
		switch {
		case m.IsReference:
			r.cells = append(r.cells, "reference")
		case cost == nil:
			r.cells = append(r.cells, "—")
		default:
			r.cells = append(r.cells, formatCOST(cost))
		}
		for _, n := range c.Procs {
			cell := "—"
			if cost != nil {
				for _, p := range cost.Points {
					if p.N == n {
						cell = FormatEstimate(p.Ratio) + "×"
						if p.Beats {
							cell += " beats"
						}
					}
				}
			}
			r.cells = append(r.cells, cell)
		}
		rows = append(rows, r)
	}
	return rows
}

// formatCOST formats a COST as "2 cores", "unbounded" or "undecided
// (reason)".
func formatCOST(c *scaling.COST) string {
	switch {
	case c.Cores == 1:
		return "1 core"
	case c.Cores > 0:
		return strconv.Itoa(c.Cores) + " cores"
	case c.Unbounded:
		return "unbounded"
	}
	return "undecided (" + c.Reason + ")"
}

// FormatEstimate formats a fitted value with its interval, "0.111 [0.0939,
// 0.128]", or the value alone when it has none; three significant digits.
func FormatEstimate(e scaling.Estimate) string {
	s := formatFloat(e.Value)
	if e.Lo != nil && e.Hi != nil {
		s += " [" + formatFloat(*e.Lo) + ", " + formatFloat(*e.Hi) + "]"
	}
	return s
}

func formatFloat(x float64) string { return strconv.FormatFloat(x, 'g', 3, 64) }

func joinInts(ns []int) string {
	if len(ns) == 0 {
		return "none"
	}
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ", ")
}

// caseChartIDs returns the ids of the case's charts, as caseCharts draws
// them.
func caseChartIDs(c *Case) []string {
	var ids []string
	if hasKarpFlatt(c) {
		ids = append(ids, c.ID+"-karpflatt")
	}
	if hasBox(c) {
		ids = append(ids, c.ID+"-box")
	}
	return ids
}

func hasKarpFlatt(c *Case) bool {
	for _, m := range c.Models {
		if len(m.Fit.KarpFlatt) > 0 {
			return true
		}
	}
	return false
}

func hasBox(c *Case) bool {
	for _, m := range c.Models {
		if m.Box != nil {
			return true
		}
	}
	return false
}

// caseCharts draws the case's Karp-Flatt chart and its box plot.
func caseCharts(c *Case) []report.Chart {
	var out []report.Chart
	if hasKarpFlatt(c) {
		out = append(out, karpFlattChart(c))
	}
	if hasBox(c) {
		out = append(out, boxChart(c))
	}
	return out
}

// karpFlattChart draws e(N) of every model against N, with its interval
// whiskers; with a single N >= 2 (two core counts), as one bar per model.
func karpFlattChart(c *Case) report.Chart {
	ns := map[int]bool{}
	for _, m := range c.Models {
		for _, k := range m.Fit.KarpFlatt {
			ns[k.N] = true
		}
	}
	if len(ns) == 1 {
		for n := range ns {
			return karpFlattBars(c, n)
		}
	}
	line, whiskers := report.NewLine(), report.NewWhiskers()
	line.MultiSeries = make(charts.MultiSeries, 0, len(c.Models))
	line.SetGlobalOptions(report.ChartGlobals("Karp-Flatt e(N) = (N/S − 1)/(N − 1)", c.Name+" — flat: a serial part; rising: overheads that grow with the cores")...)
	maxN := 2
	var names []string
	for i, m := range c.Models {
		if len(m.Fit.KarpFlatt) == 0 {
			continue
		}
		data := make([]opts.LineData, 0, len(m.Fit.KarpFlatt))
		var bars [][3]float64
		for _, k := range m.Fit.KarpFlatt {
			x := float64(k.N)
			maxN = max(maxN, k.N)
			data = append(data, opts.LineData{Value: []float64{x, report.Round(k.E.Value)}, Symbol: "circle", SymbolSize: 7})
			if k.E.Lo != nil && k.E.Hi != nil {
				bars = append(bars, [3]float64{x, report.Round(*k.E.Lo), report.Round(*k.E.Hi)})
			}
		}
		name := report.ModelName(m.Model)
		color := report.ModelColor(i)
		report.AddLine(line, name, data, charts.WithItemStyleOpts(opts.ItemStyle{Color: color}), charts.WithLineStyleOpts(opts.LineStyle{Color: color, Width: 2}))
		names = append(names, name)
		if len(bars) > 0 {
			report.AddWhiskers(whiskers, name, color, bars)
		}
	}
	line.SetGlobalOptions(
		charts.WithXAxisOpts(opts.XAxis{Type: "value", Name: "cores (GOMAXPROCS)", NameLocation: "middle", NameGap: 28, Min: 1, Max: maxN + 1, MinInterval: 1}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: "e(N)"}),
	)
	if len(whiskers.MultiSeries) > 0 {
		line.Overlap(whiskers)
	}
	return report.NewChart(c.ID+"-karpflatt", line, names)
}

// karpFlattBars draws e(n) of every model at the one core count n, as
// bars with interval whiskers, in two series rather than two per model.
func karpFlattBars(c *Case, n int) report.Chart {
	bar := report.NewBar()
	bar.MultiSeries = make(charts.MultiSeries, 0, 2)
	bar.SetGlobalOptions(report.ChartGlobals(fmt.Sprintf("Karp-Flatt e(N) = (N/S − 1)/(N − 1) at N = %d", n), c.Name+" — the serial fraction that explains the speedup")...)
	var models []string
	var data []opts.BarData
	var bars [][3]float64
	for i, m := range c.Models {
		for _, k := range m.Fit.KarpFlatt {
			idx := len(models)
			models = append(models, report.ModelName(m.Model))
			data = append(data, opts.BarData{Value: report.Round(k.E.Value), ItemStyle: &opts.ItemStyle{Color: report.ModelColor(i)}})
			if k.E.Lo != nil && k.E.Hi != nil {
				bars = append(bars, [3]float64{float64(idx), report.Round(*k.E.Lo), report.Round(*k.E.Hi)})
			}
		}
	}
	bar.SetGlobalOptions(
		charts.WithXAxisOpts(opts.XAxis{Type: "category", AxisLabel: &opts.AxisLabel{Interval: "0", Rotate: 30}}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: "e(N)"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
	)
	bar.SetXAxis(models)
	name := fmt.Sprintf("e(%d)", n)
	bar.AddSeries(name, data, charts.WithSeriesOpts(func(s *charts.SingleSeries) { s.BarMaxWidth = "48" }))
	if len(bars) > 0 {
		whiskers := report.NewWhiskers()
		report.AddWhiskers(whiskers, "95% interval", "#333333", bars)
		bar.Overlap(whiskers)
	}
	return report.NewChart(c.ID+"-karpflatt", bar, []string{name})
}

// boxChart draws a box plot of every model's samples at the case's
// BoxProcs, with the outliers as points.
func boxChart(c *Case) report.Chart {
	top := 0.0
	for _, m := range c.Models {
		if m.Box != nil {
			top = max(top, m.Box.High)
			for _, o := range m.Box.Outliers {
				top = max(top, o)
			}
		}
	}
	scale, unit := report.ChartScale(c.Unit, top)
	box, outliers := report.NewBoxPlot(), new(charts.Scatter) // Overlap takes only its series: no defaults to fill in
	box.MultiSeries = make(charts.MultiSeries, 0, 2)
	box.SetGlobalOptions(report.ChartGlobals(fmt.Sprintf("Samples per model at GOMAXPROCS=%d", c.BoxProcs), c.Name+" — box: quartiles; whiskers: 1.5 IQR")...)
	box.SetGlobalOptions(
		charts.WithXAxisOpts(opts.XAxis{Type: "category", AxisLabel: &opts.AxisLabel{Interval: "0", Rotate: 30}}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: unit, Scale: opts.Bool(true)}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
	)
	var models []string
	var data []opts.BoxPlotData
	var outs []opts.ScatterData
	for i, m := range c.Models {
		if m.Box == nil {
			continue
		}
		bx := m.Box
		idx := len(models)
		models = append(models, report.ModelName(m.Model))
		color := report.ModelColor(i)
		data = append(data, opts.BoxPlotData{
			Value:     []float64{report.Round(bx.Low * scale), report.Round(bx.Q1 * scale), report.Round(bx.Median * scale), report.Round(bx.Q3 * scale), report.Round(bx.High * scale)},
			ItemStyle: &opts.ItemStyle{BorderColor: color, Color: "rgba(255, 255, 255, 0)"},
		})
		for _, o := range bx.Outliers {
			outs = append(outs, opts.ScatterData{Value: []float64{float64(idx), report.Round(o * scale)}, Symbol: "circle", SymbolSize: 6})
		}
	}
	box.SetXAxis(models)
	name := fmt.Sprintf("%s at %d cores", unit, c.BoxProcs)
	box.AddSeries(name, data)
	names := []string{name}
	if len(outs) > 0 {
		outliers.AddSeries("outliers", outs, charts.WithItemStyleOpts(opts.ItemStyle{Color: "#333333"}))
		box.Overlap(outliers)
		names = append(names, "outliers")
	}
	return report.NewChart(c.ID+"-box", box, names)
}

// Markdown implements report.Section: per case, the note, the parameters
// and the COST table, for the cases that fit in
// [report.MaxMarkdownCaseBytes]; the rest are counted.
func (Section) Markdown(w io.Writer, rep *report.Report) error {
	a := From(rep)
	if a == nil {
		return nil
	}
	var b strings.Builder
	b.WriteString("Fitted on the core counts that are not oversubscribed, with 95% bootstrap intervals: Amdahl's serial fraction s, the USL's contention σ and coherency κ (N* only where κ's interval excludes 0), the projected speedup S(N), and COST against the reference model's best.\n\n")
	// As the cases section's, the tables stop at MaxMarkdownCaseBytes,
	// and never go past the cases the page draws.
	start := b.Len()
	written, total := 0, 0
	for ri := range a.Runs {
		r := &a.Runs[ri]
		for ci := range r.Cases {
			c := &r.Cases[ci]
			if len(c.Models) == 0 {
				continue
			}
			if total++; written == report.MaxHTMLCases || b.Len()-start >= report.MaxMarkdownCaseBytes {
				continue
			}
			written++
			b.WriteString("#### " + report.MarkdownText(c.Name) + " (" + report.MarkdownText(c.Unit) + ")\n\n")
			b.WriteString(report.MarkdownText(caseNote(r, c)) + "\n\n")
			b.WriteString("| model | Amdahl s | USL σ | USL κ | N* |")
			ns := projected(a)
			for _, n := range ns {
				b.WriteString(" S(" + strconv.Itoa(n) + ") |")
			}
			b.WriteString(" note |\n|---|---|---|---|---|" + strings.Repeat("---|", len(ns)) + "---|\n")
			for _, row := range paramRows(a, c) {
				writeMarkdownRow(&b, append(append([]string{row.model}, row.cells...), row.note)...)
			}
			b.WriteString("\n")
			if c.Reference != "" {
				b.WriteString("| model | COST |")
				for _, n := range c.Procs {
					b.WriteString(" vs best " + report.MarkdownText(c.Reference) + " at " + strconv.Itoa(n) + " |")
				}
				b.WriteString("\n|---|---|" + strings.Repeat("---|", len(c.Procs)) + "\n")
				for _, row := range costRows(c) {
					writeMarkdownRow(&b, append([]string{row.model}, row.cells...)...)
				}
				b.WriteString("\n")
			}
		}
	}
	switch {
	case written < total && total > report.MaxHTMLCases:
		fmt.Fprintf(&b, "The first %d of the %d cases' fits are shown; report.json holds them all.\n\n", written, total)
	case written < total:
		fmt.Fprintf(&b, "The first %d of the %d cases' fits are shown; report.html shows them all.\n\n", written, total)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeMarkdownRow writes a table row of cells.
func writeMarkdownRow(b *strings.Builder, cells ...string) {
	b.WriteString("|")
	for _, c := range cells {
		b.WriteString(" " + report.MarkdownText(c) + " |")
	}
	b.WriteString("\n")
}
