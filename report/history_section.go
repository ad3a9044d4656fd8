package report

import (
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"github.com/go-echarts/go-echarts/v2/types"
)

// HistorySection renders the history that [HistoryAnalyzer] stored in the
// report: the runs, and per benchmark a chart of its median over runs with
// interval whiskers, one line per toolchain or machine.
type HistorySection struct{}

// ID implements Section.
func (HistorySection) ID() string { return "history" }

// Title implements Section.
func (HistorySection) Title() string { return "History" }

// HTML implements Section.
func (HistorySection) HTML(rep *Report) (Fragment, error) {
	h := HistoryOf(rep)
	if h == nil || len(h.Benchmarks) == 0 {
		return Fragment{}, nil
	}
	var b strings.Builder
	var frag Fragment
	b.WriteString(`<p class="muted">Each benchmark's median over the runs kept, with its 95% interval; one line per ` + esc(strings.Join(h.LineKeys, " and ")) + ".</p>\n")
	b.WriteString(`<table>` + "\n" + `<tr><th>#</th><th class="l">run</th><th class="l">date</th><th class="l">commit</th><th class="l">file</th></tr>` + "\n")
	for _, r := range h.Runs {
		b.WriteString("<tr><td>" + strconv.Itoa(r.Index+1) + `</td><td class="l">` + esc(r.Label) + `</td><td class="l">` + esc(r.Date) + `</td><td class="l"><code>` + esc(r.Commit) + `</code></td><td class="l"><code>` + esc(r.File) + "</code></td></tr>\n")
	}
	b.WriteString("</table>\n" + `<div class="charts">`)
	for i := range h.Benchmarks {
		c := historyChart(h, &h.Benchmarks[i])
		b.WriteString(string(ChartDiv(c)))
		frag.Charts = append(frag.Charts, c)
	}
	b.WriteString("</div>\n")
	frag.HTML = template.HTML(b.String())
	return frag, nil
}

// historyChart draws one benchmark over runs: the x axis is the runs in
// time order (a category axis, so runs are evenly spaced), the y axis the
// median in a readable unit.
func historyChart(h *History, hb *HistoryBenchmark) Chart {
	maxV := 0.0
	for _, l := range hb.Lines {
		for _, p := range l.Points {
			maxV = max(maxV, p.Median)
		}
	}
	scale, unit := chartScale(&UnitTable{Unit: hb.Unit, Models: []ModelSeries{{Points: []Point{{Median: maxV}}}}})
	labels := make([]string, len(h.Runs))
	for i, r := range h.Runs {
		labels[i] = r.Label
	}
	line := charts.NewLine()
	line.SetGlobalOptions(commonGlobals(unitTitle(hb.Unit)+" over runs", hb.Name)...)
	line.SetGlobalOptions(
		charts.WithXAxisOpts(opts.XAxis{Type: "category", AxisLabel: &opts.AxisLabel{Rotate: 20}}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: unit, Min: 0}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0", Type: "scroll", ItemWidth: 18}),
	)
	// The data items' x is the run's index on this category axis.
	line.SetXAxis(labels)
	var names []string
	for i, l := range hb.Lines {
		color := modelColor(i)
		data := make([]opts.LineData, 0, len(l.Points))
		var bars [][3]float64
		for _, p := range l.Points {
			data = append(data, opts.LineData{Value: []float64{float64(p.Run), round(p.Median * scale)}, Symbol: "circle", SymbolSize: 7})
			if p.Lo != nil && p.Hi != nil {
				bars = append(bars, [3]float64{float64(p.Run), round(*p.Lo * scale), round(*p.Hi * scale)})
			}
		}
		addSeries(&line.MultiSeries, charts.SingleSeries{Name: l.Label, Type: types.ChartLine, Data: data},
			charts.WithItemStyleOpts(opts.ItemStyle{Color: color}), charts.WithLineStyleOpts(opts.LineStyle{Color: color, Width: 2}))
		names = append(names, l.Label)
		if len(bars) > 0 {
			line.MultiSeries = append(line.MultiSeries, whiskers(l.Label, color, bars))
		}
	}
	line.Validate()
	return Chart{ID: "history-" + hb.ID, Options: line.JSON(), Series: names}
}

// Markdown implements Section: the runs, then one row per benchmark and
// line with its first and latest median and the change between them.
func (HistorySection) Markdown(w io.Writer, rep *Report) error {
	h := HistoryOf(rep)
	if h == nil || len(h.Benchmarks) == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString("| # | run | commit | file |\n|--:|:--|:--|:--|\n")
	for _, r := range h.Runs {
		fmt.Fprintf(&b, "| %d | %s | %s | %s |\n", r.Index+1, mdText(r.Label), mdText(r.Commit), mdText(r.File))
	}
	b.WriteString("\n| benchmark | line | runs | first | latest | latest vs first |\n|:--|:--|--:|--:|--:|--:|\n")
	for _, hb := range h.Benchmarks {
		for _, l := range hb.Lines {
			first, last := l.Points[0], l.Points[len(l.Points)-1]
			change := ""
			if first.Median != 0 {
				change = formatPercent(last.Median / first.Median)
			}
			fmt.Fprintf(&b, "| %s | %s | %d | %s (#%d) | %s (#%d) | %s |\n", mdText(hb.Name), mdText(l.Label), len(l.Points),
				formatEstimate(first.Estimate, hb.Unit), first.Run+1, formatEstimate(last.Estimate, hb.Unit), last.Run+1, change)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
