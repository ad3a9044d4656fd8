package versions

import (
	"fmt"
	"html/template"
	"io"
	"slices"
	"strconv"
	"strings"

	"concbench/report"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Section renders the Go versions comparison that
// [Analyzer] stored in the report: per machine and case, a chart
// of each toolchain's speedup curves overlaid, a table of the change of
// every benchmark from the baseline toolchain with the geometric mean, and
// the change in parallel efficiency at the largest core count. It is left
// out of the page when the results hold fewer than two toolchains.
type Section struct{}

// ID implements report.Section.
func (Section) ID() string { return "versions" }

// Title implements report.Section.
func (Section) Title() string { return "Go versions" }

// versionRow is one row of a change table, formatted.
type versionRow struct {
	Model, Procs, Base, New, Change, P string
	Significant, Improved              bool
}

func versionRows(vc *Case, ch *Change) []versionRow {
	rows := make([]versionRow, 0, len(ch.Benchmarks))
	for _, b := range ch.Benchmarks {
		rows = append(rows, versionRow{
			Model:       report.ModelName(b.Model),
			Procs:       strconv.Itoa(b.Procs),
			Base:        report.FormatEstimate(b.Base, vc.Unit),
			New:         report.FormatEstimate(b.New, vc.Unit),
			Change:      formatChange(b),
			P:           string(report.AppendP(nil, b.Test)) + " n=" + strconv.Itoa(b.Base.N) + "+" + strconv.Itoa(b.New.N),
			Significant: b.Significant,
			Improved:    b.Improved(vc.HigherIsBetter),
		})
	}
	return rows
}

// formatChange formats a benchmark's change as "+3.2% [+1.0%, +5.5%]",
// with "~" when it is not significant, as benchstat marks it.
func formatChange(b Benchmark) string {
	if b.Ratio == 0 || !finite(b.Ratio) {
		return "?"
	}
	s := report.FormatPercent(b.Ratio)
	if b.Lo != nil && b.Hi != nil {
		s += " [" + report.FormatPercent(*b.Lo) + ", " + report.FormatPercent(*b.Hi) + "]"
	}
	if !b.Significant {
		s += " ~"
	}
	return s
}

// formatPoints formats an efficiency change in percentage points.
func formatPoints(d float64) string {
	s := strconv.FormatFloat(100*d, 'f', 1, 64)
	if s == "-0.0" {
		s = "0.0"
	}
	if !strings.HasPrefix(s, "-") {
		s = "+" + s
	}
	return s + " pts"
}

func formatGeomean(g *float64) string {
	if g == nil {
		return ""
	}
	return report.FormatPercent(*g)
}

// HTML implements report.Section.
func (Section) HTML(rep *report.Report) (report.Fragment, error) {
	v := From(rep)
	if v == nil || v.Base == "" {
		return report.Fragment{}, nil
	}
	var b strings.Builder
	var frag report.Fragment
	b.WriteString(`<p class="muted">Each toolchain against the baseline <code>` + report.Escape(v.Base) + `</code>, on the machine that ran both: the change of the median (new / baseline − 1) with an interval that pairs the two medians' 95% intervals the most pessimistic and the most optimistic way, and the Mann-Whitney U p-value, with beside it (adj=) the p-value adjusted by ` + report.Escape(rep.Correction.Title()) + ` over the case's table, which controls ` + report.Escape(rep.Correction.Controls()) + `; "~" marks a change whose adjusted p-value is not below α = ` + report.Escape(strconv.FormatFloat(v.Alpha, 'g', -1, 64)) + `. The geometric mean summarises a case. Solid lines are the baseline's speedup curves, dashed lines the other toolchains', each against its own toolchain's reference.</p>` + "\n")
	for _, m := range v.Machines {
		if len(v.Machines) > 1 || len(m.Env) > 0 {
			b.WriteString(`<h3 id="` + report.Escape(m.ID) + `">Machine: ` + report.Escape(m.Env.String()) + ` <span class="muted">(` + report.Escape(strings.Join(m.Toolchains, " vs ")) + ")</span></h3>\n")
		}
		if m.Note != "" {
			b.WriteString(`<p class="note">` + report.Escape(m.Note) + ".</p>\n")
			continue
		}
		for ci := range m.Cases {
			vc := &m.Cases[ci]
			b.WriteString(`<section class="case">` + "\n" + `<h3 id="` + report.Escape(vc.ID) + `">` + report.Escape(vc.Name))
			if vc.Params != "" {
				b.WriteString(" <code>" + report.Escape(vc.Params) + "</code>")
			}
			b.WriteString("</h3>\n")
			if chart, ok := versionsChart(vc); ok {
				b.WriteString(`<div class="charts">` + string(report.ChartDiv(chart)) + "</div>\n")
				frag.Charts = append(frag.Charts, chart)
			}
			better := "lower"
			if vc.HigherIsBetter {
				better = "higher"
			}
			for chi := range vc.Changes {
				ch := &vc.Changes[chi]
				b.WriteString("<h4>" + report.Escape(ch.Toolchain) + " vs " + report.Escape(v.Base) + ` <span class="muted">(` + report.Escape(vc.Unit) + ", " + better + " is better)</span></h4>\n<table>\n")
				b.WriteString(`<tr><th class="l">model</th><th>cores</th><th>` + report.Escape(v.Base) + `</th><th>` + report.Escape(ch.Toolchain) + `</th><th>change [95% CI]</th><th>p</th></tr>` + "\n")
				for _, r := range versionRows(vc, ch) {
					cls := ` class="ns"`
					if r.Significant {
						cls = ` style="color:#b42318"`
						if r.Improved {
							cls = ` style="color:#1a7f37"`
						}
					}
					b.WriteString(`<tr><td class="l">` + report.Escape(r.Model) + "</td><td>" + report.Escape(r.Procs) + "</td><td>" + report.Escape(r.Base) + "</td><td>" + report.Escape(r.New) + "</td><td" + cls + ">" + report.Escape(r.Change) + "</td><td>" + report.Escape(r.P) + "</td></tr>\n")
				}
				if ch.Geomean != nil {
					b.WriteString(`<tr><th class="l">geomean</th><td></td><td></td><td></td><td>` + report.Escape(formatGeomean(ch.Geomean)) + "</td><td></td></tr>\n")
				}
				b.WriteString("</table>\n")
				if len(ch.Efficiency) > 0 {
					b.WriteString(`<table>` + "\n" + `<tr><th class="l">model</th><th>cores</th><th>efficiency (` + report.Escape(v.Base) + `)</th><th>efficiency (` + report.Escape(ch.Toolchain) + `)</th><th>change</th><th class="l">speedup against</th></tr>` + "\n")
					for _, e := range ch.Efficiency {
						b.WriteString(`<tr><td class="l">` + report.Escape(report.ModelName(e.Model)) + "</td><td>" + strconv.Itoa(e.Procs) + "</td><td>" + report.Escape(report.FormatFraction(&e.Base)) + "</td><td>" + report.Escape(report.FormatFraction(&e.New)) + "</td><td>" + report.Escape(formatPoints(e.Change)) + `</td><td class="l">` + report.Escape(e.Reference) + "</td></tr>\n")
					}
					b.WriteString("</table>\n")
				}
			}
			b.WriteString("</section>\n")
		}
	}
	frag.HTML = template.HTML(b.String())
	return frag, nil
}

// versionsChart overlays each toolchain's speedup curves of one case: one
// colour per model, a solid line for the baseline toolchain and a dashed
// line for each other.
func versionsChart(vc *Case) (report.Chart, bool) {
	if len(vc.Curves) == 0 {
		return report.Chart{}, false
	}
	maxProcs := 1
	models := []string{}
	for _, tc := range vc.Curves {
		for _, m := range tc.Models {
			if !slices.Contains(models, m.Model) {
				models = append(models, m.Model)
			}
			for _, p := range m.Points {
				maxProcs = max(maxProcs, p.Procs)
			}
		}
	}
	ref := vc.Curves[0].Reference
	title := "Speedup vs " + strings.TrimSuffix(ref, "@1") + " at 1 core, per toolchain"
	if ref == "own@1" {
		title = "Speedup vs each model at 1 core, per toolchain"
	}
	line := charts.NewLine()
	line.SetGlobalOptions(report.ChartGlobals(title, vc.FullName()+" ("+vc.Unit+")")...)
	line.SetGlobalOptions(
		charts.WithXAxisOpts(opts.XAxis{Type: "value", Name: "cores (GOMAXPROCS)", NameLocation: "middle", NameGap: 28, Min: 1, Max: maxProcs, MinInterval: 1}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: "speedup", Min: 0}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0", Type: "plain", ItemWidth: 24}),
	)
	var names []string
	for ti, tc := range vc.Curves {
		dash := "solid"
		symbol := "circle"
		if ti > 0 {
			dash, symbol = []string{"dashed", "dotted"}[(ti-1)%2], "diamond"
		}
		for _, m := range tc.Models {
			color := report.ModelColor(slices.Index(models, m.Model))
			data := make([]opts.LineData, 0, len(m.Points))
			for _, p := range m.Points {
				d := opts.LineData{Value: []float64{float64(p.Procs), report.Round(p.Speedup)}, Symbol: symbol, SymbolSize: 7}
				if p.Oversubscribed {
					d.Symbol, d.SymbolSize = "emptyTriangle", 11
				}
				data = append(data, d)
			}
			name := report.ModelName(m.Model) + " (" + tc.Toolchain + ")"
			line.AddSeries(name, data,
				charts.WithItemStyleOpts(opts.ItemStyle{Color: color}),
				charts.WithLineStyleOpts(opts.LineStyle{Color: color, Width: 2, Type: dash}))
			names = append(names, name)
		}
	}
	names = append(names, report.AddIdeal(line, maxProcs, false))
	return report.NewChart(vc.ID+"-toolchains", line, names), true
}

// Markdown implements Section: per machine and case, a table of changes per
// toolchain with its geometric mean, then the efficiency changes.
func (Section) Markdown(w io.Writer, rep *report.Report) error {
	v := From(rep)
	if v == nil || v.Base == "" {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Each toolchain against the baseline `%s` on the machine that ran both: change of the median with a 95%% interval (the two medians' intervals paired pessimistically and optimistically) and the Mann-Whitney U p-value with (adj=) the p-value adjusted by %s over the case's table; \"~\" marks a change whose adjusted p-value is not below α = %s.\n\n", report.MarkdownCode(v.Base), rep.Correction.Title(), strconv.FormatFloat(v.Alpha, 'g', -1, 64))
	for _, m := range v.Machines {
		if len(v.Machines) > 1 || len(m.Env) > 0 {
			fmt.Fprintf(&b, "#### Machine: %s (%s)\n\n", report.MarkdownText(m.Env.String()), report.MarkdownText(strings.Join(m.Toolchains, " vs ")))
		}
		if m.Note != "" {
			fmt.Fprintf(&b, "%s.\n\n", report.MarkdownText(m.Note))
			continue
		}
		for ci := range m.Cases {
			vc := &m.Cases[ci]
			fmt.Fprintf(&b, "##### %s\n\n", report.MarkdownText(vc.FullName()))
			better := "lower"
			if vc.HigherIsBetter {
				better = "higher"
			}
			for chi := range vc.Changes {
				ch := &vc.Changes[chi]
				fmt.Fprintf(&b, "%s vs %s (%s, %s is better)\n\n", report.MarkdownText(ch.Toolchain), report.MarkdownText(v.Base), report.MarkdownText(vc.Unit), better)
				fmt.Fprintf(&b, "| model | cores | %s | %s | change [95%% CI] | p |\n|:--|--:|--:|--:|--:|--:|\n", report.MarkdownText(v.Base), report.MarkdownText(ch.Toolchain))
				for _, r := range versionRows(vc, ch) {
					fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", report.MarkdownText(r.Model), r.Procs, r.Base, r.New, report.MarkdownText(r.Change), r.P)
				}
				if ch.Geomean != nil {
					fmt.Fprintf(&b, "| **geomean** | | | | %s | |\n", formatGeomean(ch.Geomean))
				}
				b.WriteString("\n")
				if len(ch.Efficiency) > 0 {
					fmt.Fprintf(&b, "| model | cores | efficiency (%s) | efficiency (%s) | change | speedup against |\n|:--|--:|--:|--:|--:|:--|\n", report.MarkdownText(v.Base), report.MarkdownText(ch.Toolchain))
					for _, e := range ch.Efficiency {
						fmt.Fprintf(&b, "| %s | %d | %s | %s | %s | %s |\n", report.MarkdownText(report.ModelName(e.Model)), e.Procs, report.FormatFraction(&e.Base), report.FormatFraction(&e.New), formatPoints(e.Change), "`"+report.MarkdownCode(e.Reference)+"`")
					}
					b.WriteString("\n")
				}
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
