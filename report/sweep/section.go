package sweep

import (
	"fmt"
	"html/template"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"concbench/report"
)

// Chart draws a sweep: one line per curve of its values against X on a
// log axis (base 10, echarts' default), with interval whiskers, in a readable scale
// ([report.ChartScale]), under the chart id id.
func Chart(s *Sweep, id string) report.Chart {
	maxV := 0.0
	for _, c := range s.Curves {
		for _, p := range c.Points {
			maxV = math.Max(maxV, p.Value)
		}
	}
	scale, unit := report.ChartScale(s.Unit, maxV)
	yName := unit
	if s.Speedup {
		scale, yName = 1, "speedup ("+s.Unit+")"
	}
	title := fmt.Sprintf("%s against %s at GOMAXPROCS=%d", report.UnitTitle(s.Unit), s.X, s.Procs)
	if s.Speedup {
		title = fmt.Sprintf("Speedup against %s at GOMAXPROCS=%d", s.X, s.Procs)
	}
	if s.Oversubscribed {
		title += " (oversubscribed)"
	}
	better := "lower"
	if s.HigherIsBetter {
		better = "higher"
	}
	line, whiskers := report.NewLine(), report.NewWhiskers()
	line.MultiSeries = make(charts.MultiSeries, 0, len(s.Curves))
	line.SetGlobalOptions(report.ChartGlobals(title, s.Name+s.Params+", one line per "+s.Series+" ("+better+" is better)")...)
	line.SetGlobalOptions(
		charts.WithXAxisOpts(opts.XAxis{Type: "log", Name: s.X + " (log scale)", NameLocation: "middle", NameGap: 28,
			Min: s.Xs[0], Max: s.Xs[len(s.Xs)-1]}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: yName, Min: 0}),
	)
	names := make([]string, 0, len(s.Curves))
	for i, c := range s.Curves {
		color := report.ModelColor(i)
		data := make([]opts.LineData, 0, len(c.Points))
		var bars [][3]float64
		for _, p := range c.Points {
			data = append(data, report.PointDatum(p.X, report.Round(p.Value*scale), s.Oversubscribed))
			if p.Lo != nil && p.Hi != nil {
				bars = append(bars, [3]float64{p.X, report.Round(*p.Lo * scale), report.Round(*p.Hi * scale)})
			}
		}
		report.AddCurve(line, whiskers, c.Name, color, data, bars)
		names = append(names, c.Name)
	}
	if len(whiskers.MultiSeries) > 0 {
		line.Overlap(whiskers)
	}
	return report.NewChart(id, line, names)
}

// Section renders the sweeps that [Analyzer] stored in the report: per run
// and sweep, its chart and a table of its curves, one column per value
// of X. It is left out of the page when there are none.
type Section struct{}

// ID implements report.Section.
func (Section) ID() string { return "sweeps" }

// Title implements report.Section.
func (Section) Title() string { return "Sweeps" }

// HTML implements report.Section.
func (Section) HTML(rep *report.Report) (report.Fragment, error) {
	an := From(rep)
	if an == nil || len(an.Runs) == 0 {
		return report.Fragment{}, nil
	}
	var b strings.Builder
	var frag report.Fragment
	b.WriteString(`<p>Cases whose sub-benchmarks sweep a numeric name key: medians with their ` + strconv.FormatFloat(rep.Confidence*100, 'f', 0, 64) + "% intervals against it, on a log axis.</p>\n")
	for _, rs := range an.Runs {
		if len(rep.Runs) > 1 {
			b.WriteString("<h3>Run " + report.Escape(rs.Run) + ": " + report.Escape(runEnv(rep, rs.Run)) + "</h3>\n")
		}
		for i := range rs.Sweeps {
			s := &rs.Sweeps[i]
			ch := Chart(s, "sweep-"+s.ID)
			frag.Charts = append(frag.Charts, ch)
			b.WriteString(`<section class="case"><h4 id="` + report.Escape(s.ID) + `">` + report.Escape(s.Name) + " <code>" + report.Escape(s.Params) + "</code>: " + report.Escape(label(s)) + "</h4>\n")
			b.WriteString(`<div class="charts">` + string(report.ChartDiv(ch)) + "</div>\n<table>\n")
			header, rows := table(s)
			b.WriteString("<tr>")
			for j, h := range header {
				if j == 0 {
					b.WriteString(`<th class="l">` + report.Escape(h) + "</th>")
				} else {
					b.WriteString("<th>" + report.Escape(h) + "</th>")
				}
			}
			b.WriteString("</tr>\n")
			for _, r := range rows {
				b.WriteString("<tr>")
				for j, cell := range r {
					if j == 0 {
						b.WriteString(`<td class="l">` + report.Escape(cell) + "</td>")
					} else {
						b.WriteString("<td>" + report.Escape(cell) + "</td>")
					}
				}
				b.WriteString("</tr>\n")
			}
			b.WriteString("</table>\n</section>\n")
		}
	}
	frag.HTML = template.HTML(b.String())
	return frag, nil
}

// Markdown implements report.Section: a table per sweep.
func (Section) Markdown(w io.Writer, rep *report.Report) error {
	an := From(rep)
	if an == nil || len(an.Runs) == 0 {
		return nil
	}
	var b strings.Builder
	for _, rs := range an.Runs {
		if len(rep.Runs) > 1 {
			fmt.Fprintf(&b, "### Run %s: %s\n\n", rs.Run, report.MarkdownText(runEnv(rep, rs.Run)))
		}
		for i := range rs.Sweeps {
			s := &rs.Sweeps[i]
			fmt.Fprintf(&b, "#### %s: %s\n\n", report.MarkdownText(s.Name+s.Params), report.MarkdownText(label(s)))
			header, rows := table(s)
			for j := range header {
				header[j] = report.MarkdownText(header[j])
			}
			b.WriteString("| " + strings.Join(header, " | ") + " |\n|:--" + strings.Repeat("|--:", len(header)-1) + "|\n")
			for _, r := range rows {
				for j := range r {
					r[j] = report.MarkdownText(r[j])
				}
				b.WriteString("| " + strings.Join(r, " | ") + " |\n")
			}
			b.WriteString("\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// label says what a sweep draws: "ratio-to-delay (lower is better) at
// GOMAXPROCS=2".
func label(s *Sweep) string {
	what := s.Unit
	if s.Speedup {
		what = "speedup (" + s.Unit + ")"
	}
	better := "lower"
	if s.HigherIsBetter {
		better = "higher"
	}
	return fmt.Sprintf("%s (%s is better) against %s at GOMAXPROCS=%d", what, better, s.X, s.Procs)
}

// table returns a sweep's table: a row per curve, a column per value of
// X, each cell the value with its interval.
func table(s *Sweep) (header []string, rows [][]string) {
	header = []string{s.Series}
	labels := make([]string, len(s.Xs))
	for _, c := range s.Curves {
		for _, p := range c.Points {
			for i, x := range s.Xs {
				if x == p.X && labels[i] == "" {
					labels[i] = p.Label
				}
			}
		}
	}
	for _, l := range labels {
		header = append(header, s.X+"="+l)
	}
	for _, c := range s.Curves {
		row := make([]string, 1+len(s.Xs))
		row[0] = c.Name
		for _, p := range c.Points {
			for i, x := range s.Xs {
				if x == p.X {
					row[1+i] = cell(s, p)
				}
			}
		}
		rows = append(rows, row)
	}
	return header, rows
}

// cell formats one point as a median (or a speedup) with its interval.
func cell(s *Sweep, p Point) string {
	e := report.Estimate{Median: p.Value, Lo: p.Lo, Hi: p.Hi, N: p.N}
	if s.Speedup {
		v := strconv.FormatFloat(p.Value, 'f', 2, 64) + "×"
		if p.Lo != nil && p.Hi != nil {
			v += " [" + strconv.FormatFloat(*p.Lo, 'f', 2, 64) + ", " + strconv.FormatFloat(*p.Hi, 'f', 2, 64) + "]"
		}
		return v
	}
	return report.FormatEstimate(e, s.Unit)
}

// runEnv returns the split-by keys of the report's run id.
func runEnv(rep *report.Report, id string) string {
	for _, r := range rep.Runs {
		if r.ID == id {
			return r.Env.String()
		}
	}
	return ""
}
