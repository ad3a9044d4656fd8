package report

import (
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"

	"concbench/report/stability"
)

// CasesSection renders every case of every run: its charts and, for each
// unit, a table of medians, intervals, speedups and efficiencies.
type CasesSection struct{}

// ID implements Section.
func (CasesSection) ID() string { return "cases" }

// Title implements Section.
func (CasesSection) Title() string { return "Cases" }

type caseRow struct {
	Model, Procs, Median, Range, N, VsBaseline, VsSelf, Efficiency, Flags string
	Over, Significant                                                     bool
}

// HTML implements Section. Cases are rendered in parallel, each into its
// own buffer, and joined in order.
func (s CasesSection) HTML(rep *Report) (Fragment, error) {
	type job struct {
		run *Run
		c   *Case
	}
	var jobs []job
	for ri := range rep.Runs {
		for ci := range rep.Runs[ri].Cases {
			jobs = append(jobs, job{&rep.Runs[ri], &rep.Runs[ri].Cases[ci]})
		}
	}
	total := len(jobs)
	jobs = jobs[:min(total, MaxHTMLCases)]
	htmls := make([]string, len(jobs))
	charts := make([][]Chart, len(jobs))
	decorators := SpeedupDecorators(rep)
	parallelFor(len(jobs), func(i int) {
		htmls[i], charts[i] = caseHTML(rep, jobs[i].run, jobs[i].c, decorators)
	})
	var b strings.Builder
	var frag Fragment
	size := 0
	for _, h := range htmls {
		size += len(h)
	}
	b.Grow(size + 256*len(rep.Runs) + 512)
	b.WriteString(`<p class="muted">` + Escape(speedupNote(rep)) + "</p>\n")
	for i, j := range jobs {
		if len(rep.Runs) > 1 && j.c == &j.run.Cases[0] {
			b.WriteString(`<h3 class="run" id="` + Escape(j.run.ID) + `">Run ` + Escape(j.run.ID) + ": " + Escape(j.run.Env.String()) + "</h3>\n")
		}
		b.WriteString(htmls[i])
		frag.Charts = append(frag.Charts, charts[i]...)
	}
	b.WriteString(string(leftOutNote(len(jobs), total, "cases")))
	frag.HTML = template.HTML(b.String())
	return frag, nil
}

// caseHTML renders one case: its heading, its charts' elements and a table
// per unit; the decorators add to its speedup chart.
func caseHTML(rep *Report, run *Run, c *Case, decorators []SpeedupDecorator) (string, []Chart) {
	var b strings.Builder
	rows := 0
	for _, t := range c.Units {
		for _, m := range t.Models {
			rows += len(m.Points)
		}
	}
	// A table row takes up to about 200 bytes (90 in allocation tables).
	b.Grow(1024 + 512*len(c.Units) + 200*rows)
	b.WriteString(`<section class="case">` + "\n")
	b.WriteString(`<h3 id="` + Escape(c.ID) + `">` + Escape(c.Name))
	if c.Params != "" {
		b.WriteString(" <code>" + Escape(c.Params) + "</code>")
	}
	b.WriteString("</h3>\n")
	baseline := c.BaselineSeries(rep.Baseline)
	if !c.HasBaseline {
		b.WriteString(`<p class="note">No ` + Escape(baseline) + " " + Escape(c.SeriesLabel()) + " at 1 core: speedups are against each " + Escape(c.SeriesLabel()) + "'s own 1-core result.</p>\n")
	}
	charts := CaseCharts(run, c, baseline, decorators...)
	b.WriteString(`<div class="charts">`)
	for _, ch := range charts {
		b.WriteString(string(ChartDiv(ch)))
	}
	b.WriteString("</div>\n")
	for _, t := range c.Units {
		b.WriteString("<h4>" + Escape(t.Unit) + ` <span class="muted">(` + better(t) + " is better)</span></h4>\n<table>\n")
		// Allocation units carry no speedups (see isAllocUnit): no columns.
		speedups := !isAllocUnit(t.Unit)
		b.WriteString(`<tr><th class="l">` + Escape(c.SeriesLabel()) + `</th><th>cores</th><th>median</th><th>95% CI</th><th>n</th>`)
		if speedups {
			b.WriteString(`<th>speedup vs ` + Escape(baseline) + `@1</th><th>efficiency</th><th>speedup vs own @1</th>`)
		}
		b.WriteString(`<th class="l">note</th></tr>` + "\n")
		for _, m := range t.Models {
			model := Escape(ModelName(m.Model))
			for i := range m.Points {
				writeRow(&b, model, t.Unit, &m.Points[i], speedups)
			}
		}
		b.WriteString("</table>\n")
	}
	b.WriteString("</section>\n")
	return b.String(), charts
}

// writeRow writes one table row of a point; model is already escaped. Each
// cell is escaped by hand and written straight into b, with no row value
// in between: a large report has tens of thousands of rows, and the same
// rows written by an html/template took the page of 100,000 result lines
// from 433 to 767 ms on 2 CPUs (and from 1.0 to 3.7 million allocations).
func writeRow(b *strings.Builder, model, unit string, p *Point, speedups bool) {
	if p.Oversubscribed {
		b.WriteString(`<tr class="over">`)
	} else {
		b.WriteString("<tr>")
	}
	b.WriteString(`<td class="l">`)
	b.WriteString(model)
	b.WriteString("</td><td>")
	b.WriteString(strconv.Itoa(p.Procs))
	b.WriteString("</td><td>")
	b.WriteString(Escape(FormatValue(p.Median, unit)))
	b.WriteString("</td><td>")
	b.WriteString(Escape(formatRange(p.Estimate())))
	b.WriteString("</td><td>")
	b.WriteString(strconv.Itoa(p.N))
	b.WriteString("</td>")
	if speedups {
		if p.VsBaseline == nil || p.VsBaseline.Significant || p.VsBaseline.Reference {
			b.WriteString("<td>")
		} else {
			b.WriteString(`<td class="ns">`)
		}
		b.WriteString(Escape(formatSpeedup(p.VsBaseline)))
		b.WriteString("</td><td>")
		b.WriteString(Escape(FormatFraction(p.Efficiency)))
		b.WriteString("</td><td>")
		b.WriteString(Escape(formatSpeedup(p.VsSelf)))
		b.WriteString("</td>")
	}
	b.WriteString(`<td class="l">`)
	if p.Oversubscribed {
		b.WriteString(`<span class="badge">oversubscribed</span>`)
	}
	for _, f := range p.Flags {
		b.WriteString(` <span class="badge">`)
		b.WriteString(string(f))
		b.WriteString("</span>")
	}
	b.WriteString("</td></tr>\n")
}

func better(t UnitTable) string {
	if t.HigherIsBetter {
		return "higher"
	}
	return "lower"
}

func tableRows(t UnitTable) []caseRow {
	var rows []caseRow
	for _, m := range t.Models {
		for _, p := range m.Points {
			row := caseRow{
				Model:       ModelName(m.Model),
				Procs:       strconv.Itoa(p.Procs),
				Median:      FormatValue(p.Median, t.Unit),
				Range:       formatRange(p.Estimate()),
				N:           strconv.Itoa(p.N),
				VsBaseline:  formatSpeedup(p.VsBaseline),
				VsSelf:      formatSpeedup(p.VsSelf),
				Efficiency:  FormatFraction(p.Efficiency),
				Over:        p.Oversubscribed,
				Flags:       stability.Join(p.Flags),
				Significant: p.VsBaseline == nil || p.VsBaseline.Significant || p.VsBaseline.Reference,
			}
			rows = append(rows, row)
		}
	}
	return rows
}

// speedupNote says how a speedup's p-values read and names the correction
// for multiple testing.
func speedupNote(rep *Report) string {
	return "A speedup shows the Mann-Whitney U p-value (p=) and, where " + rep.Correction.Title() +
		" changed it, the p-value adjusted over its table's column (adj=); \"~\" marks a speedup whose adjusted p-value is not below α = " +
		strconv.FormatFloat(rep.alpha(), 'g', -1, 64) + "."
}

// Markdown implements Section: one table per case and unit, leaving out the
// allocation units (B/op, allocs/op), which only the HTML page shows.
func (s CasesSection) Markdown(w io.Writer, rep *Report) error {
	var b strings.Builder
	b.WriteString(MarkdownText(speedupNote(rep)) + "\n\n")
	total, written := 0, 0
	for _, run := range rep.Runs {
		total += len(run.Cases)
	}
	for ri := range rep.Runs {
		run := &rep.Runs[ri]
		if b.Len() >= MaxMarkdownCaseBytes {
			break
		}
		if len(rep.Runs) > 1 {
			fmt.Fprintf(&b, "### Run %s: %s\n\n", run.ID, MarkdownText(run.Env.String()))
		}
		for ci := range run.Cases {
			c := &run.Cases[ci]
			if b.Len() >= MaxMarkdownCaseBytes {
				break
			}
			written++
			fmt.Fprintf(&b, "#### %s\n\n", MarkdownText(c.FullName()))
			baseline, label := MarkdownText(c.BaselineSeries(rep.Baseline)), MarkdownText(c.SeriesLabel())
			if !c.HasBaseline {
				fmt.Fprintf(&b, "No %s %s at 1 core: speedups are against each %s's own 1-core result.\n\n", baseline, label, label)
			}
			for _, t := range c.Units {
				if t.Unit == "B/op" || t.Unit == "allocs/op" {
					// Allocations are in report.html; the summary stays short.
					continue
				}
				fmt.Fprintf(&b, "| %s | cores | %s | 95%% CI | n | speedup vs %s@1 | efficiency | speedup vs own @1 |\n", label, MarkdownText(t.Unit), baseline)
				b.WriteString("|:--|--:|--:|--:|--:|--:|--:|--:|\n")
				for _, r := range tableRows(t) {
					procs := r.Procs
					if r.Over {
						procs += " (oversubscribed)"
					}
					if r.Flags != "" {
						procs += " (" + r.Flags + ")"
					}
					fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s |\n",
						MarkdownText(r.Model), procs, r.Median, r.Range, r.N, r.VsBaseline, r.Efficiency, r.VsSelf)
				}
				b.WriteString("\n")
			}
		}
	}
	switch {
	case written < total && total > MaxHTMLCases:
		fmt.Fprintf(&b, "… and %d more cases: see report.json.\n", total-written)
	case written < total:
		fmt.Fprintf(&b, "… and %d more cases: see report.html.\n", total-written)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WarningsSection lists every warning with its file and line.
type WarningsSection struct{}

// ID implements Section.
func (WarningsSection) ID() string { return "warnings" }

// Title implements Section.
func (WarningsSection) Title() string { return "Warnings" }

var warningsTemplate = template.Must(template.New("warnings").Parse(`
{{- if .}}<ul class="warnings">
{{- range .}}
<li>{{if .File}}<code>{{.File}}{{if .Line}}:{{.Line}}{{end}}</code>: {{end}}{{.Msg}}</li>
{{- end}}
</ul>
{{- else}}<p>None.</p>{{end}}
`))

// HTML implements Section.
func (WarningsSection) HTML(rep *Report) (Fragment, error) {
	shown := rep.Warnings[:min(len(rep.Warnings), MaxHTMLWarnings)]
	html, err := Execute(warningsTemplate, shown)
	return Fragment{HTML: html + leftOutNote(len(shown), len(rep.Warnings), "warnings")}, err
}

// maxMarkdownWarnings bounds the warnings listed in the Markdown summary,
// which is meant for a pull-request comment.
const maxMarkdownWarnings = 30

// Markdown implements Section.
func (WarningsSection) Markdown(w io.Writer, rep *Report) error {
	var b strings.Builder
	if len(rep.Warnings) == 0 {
		b.WriteString("None.\n")
	}
	for i, wr := range rep.Warnings {
		if i == maxMarkdownWarnings {
			where := "report.html"
			if len(rep.Warnings) > MaxHTMLWarnings {
				where = "report.json"
			}
			fmt.Fprintf(&b, "- … and %d more (see %s)\n", len(rep.Warnings)-i, where)
			break
		}
		fmt.Fprintf(&b, "- %s\n", MarkdownText(wr.String()))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
