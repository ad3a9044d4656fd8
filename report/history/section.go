package history

import (
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"

	"concbench/report"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Section renders the history that [Analyzer] stored in the
// report: the runs, and per benchmark a chart of its median over runs with
// interval whiskers, one line per toolchain or machine.
type Section struct{}

// ID implements report.Section.
func (Section) ID() string { return "history" }

// Title implements report.Section.
func (Section) Title() string { return "History" }

// HTML implements report.Section.
func (Section) HTML(rep *report.Report) (report.Fragment, error) {
	h := From(rep)
	if h == nil || len(h.Benchmarks) == 0 {
		return report.Fragment{}, nil
	}
	var b strings.Builder
	var frag report.Fragment
	b.WriteString(`<p class="muted">Each benchmark's median over the runs kept, with its 95% interval; one line per ` + report.Escape(strings.Join(h.LineKeys, " and ")) + ".</p>\n")
	b.WriteString(`<table>` + "\n" + `<tr><th>#</th><th class="l">run</th><th class="l">date</th><th class="l">commit</th><th class="l">file</th></tr>` + "\n")
	for _, r := range h.Runs {
		b.WriteString("<tr><td>" + strconv.Itoa(r.Index+1) + `</td><td class="l">` + report.Escape(r.Label) + `</td><td class="l">` + report.Escape(r.Date) + `</td><td class="l"><code>` + report.Escape(r.Commit) + `</code></td><td class="l"><code>` + report.Escape(r.File) + "</code></td></tr>\n")
	}
	b.WriteString("</table>\n" + `<div class="charts">`)
	for i := range h.Benchmarks {
		c := historyChart(h, &h.Benchmarks[i])
		b.WriteString(string(report.ChartDiv(c)))
		frag.Charts = append(frag.Charts, c)
	}
	b.WriteString("</div>\n")
	frag.HTML = template.HTML(b.String())
	return frag, nil
}

// historyChart draws one benchmark over runs: the x axis is the runs in
// time order (a category axis, so runs are evenly spaced), the y axis the
// median in a readable unit.
func historyChart(h *Analysis, hb *Benchmark) report.Chart {
	maxV := 0.0
	for _, l := range hb.Lines {
		for _, p := range l.Points {
			maxV = max(maxV, p.Median)
		}
	}
	scale, unit := report.ChartScale(hb.Unit, maxV)
	labels := make([]string, len(h.Runs))
	for i, r := range h.Runs {
		labels[i] = r.Label
	}
	line, whiskers := charts.NewLine(), report.NewWhiskers()
	line.SetGlobalOptions(report.ChartGlobals(report.UnitTitle(hb.Unit)+" over runs", hb.Name)...)
	line.SetGlobalOptions(
		charts.WithXAxisOpts(opts.XAxis{Type: "category", AxisLabel: &opts.AxisLabel{Rotate: 20}}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: unit, Min: 0}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0", Type: "scroll", ItemWidth: 18}),
	)
	// The data items' x is the run's index on this category axis.
	line.SetXAxis(labels)
	var names []string
	for i, l := range hb.Lines {
		color := report.ModelColor(i)
		data := make([]opts.LineData, 0, len(l.Points))
		var bars [][3]float64
		for _, p := range l.Points {
			data = append(data, opts.LineData{Value: []float64{float64(p.Run), report.Round(p.Median * scale)}, Symbol: "circle", SymbolSize: 7})
			if p.Lo != nil && p.Hi != nil {
				bars = append(bars, [3]float64{float64(p.Run), report.Round(*p.Lo * scale), report.Round(*p.Hi * scale)})
			}
		}
		report.AddLine(line, l.Label, data, charts.WithItemStyleOpts(opts.ItemStyle{Color: color}), charts.WithLineStyleOpts(opts.LineStyle{Color: color, Width: 2}))
		names = append(names, l.Label)
		if len(bars) > 0 {
			report.AddWhiskers(whiskers, l.Label, color, bars)
		}
	}
	if len(whiskers.MultiSeries) > 0 {
		line.Overlap(whiskers)
	}
	return report.NewChart("history-"+hb.ID, line, names)
}

// Markdown implements Section: the runs, then one row per benchmark and
// line with its first and latest median and the change between them.
func (Section) Markdown(w io.Writer, rep *report.Report) error {
	h := From(rep)
	if h == nil || len(h.Benchmarks) == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString("| # | run | commit | file |\n|--:|:--|:--|:--|\n")
	for _, r := range h.Runs {
		fmt.Fprintf(&b, "| %d | %s | %s | %s |\n", r.Index+1, report.MarkdownText(r.Label), report.MarkdownText(r.Commit), report.MarkdownText(r.File))
	}
	b.WriteString("\n| benchmark | line | runs | first | latest | latest vs first |\n|:--|:--|--:|--:|--:|--:|\n")
	for _, hb := range h.Benchmarks {
		for _, l := range hb.Lines {
			first, last := l.Points[0], l.Points[len(l.Points)-1]
			change := ""
			if first.Median != 0 {
				change = report.FormatPercent(last.Median / first.Median)
			}
			fmt.Fprintf(&b, "| %s | %s | %d | %s (#%d) | %s (#%d) | %s |\n", report.MarkdownText(hb.Name), report.MarkdownText(l.Label), len(l.Points),
				report.FormatEstimate(first.Estimate, hb.Unit), first.Run+1, report.FormatEstimate(last.Estimate, hb.Unit), last.Run+1, change)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
