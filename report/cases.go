package report

import (
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"
)

// CasesSection renders every case of every run: its charts and, for each
// unit, a table of medians, intervals, speedups and efficiencies.
type CasesSection struct{}

// ID implements Section.
func (CasesSection) ID() string { return "cases" }

// Title implements Section.
func (CasesSection) Title() string { return "Cases" }

type caseRow struct {
	Model, Procs, Median, Range, N, VsBaseline, VsSelf, Efficiency string
	Over, Significant                                              bool
}

type unitView struct {
	Unit, Better string
	Rows         []caseRow
}

type caseView struct {
	ID, Name, Params string
	Charts           []template.HTML
	Units            []unitView
	Baseline         string
	HasBaseline      bool
}

type runView struct {
	ID, Env string
	NCPU    string
	Cases   []caseView
}

var casesTemplate = template.Must(template.New("cases").Parse(`
{{- range .Runs}}
{{- if $.Multi}}<h3 class="run" id="{{.ID}}">Run {{.ID}}: {{.Env}}</h3>{{end}}
{{- range .Cases}}
<section class="case">
<h3 id="{{.ID}}">{{.Name}}{{if .Params}} <code>{{.Params}}</code>{{end}}</h3>
{{- if not .HasBaseline}}<p class="note">No {{.Baseline}} model at 1 core: speedups are against each model's own 1-core result.</p>{{end}}
<div class="charts">{{range .Charts}}{{.}}{{end}}</div>
{{- range .Units}}
<h4>{{.Unit}} <span class="muted">({{.Better}} is better)</span></h4>
<table>
<tr><th class="l">model</th><th>cores</th><th>median</th><th>95% CI</th><th>n</th><th>speedup vs {{$.Baseline}}@1</th><th>efficiency</th><th>speedup vs own @1</th><th class="l">note</th></tr>
{{- range .Rows}}
<tr{{if .Over}} class="over"{{end}}><td class="l">{{.Model}}</td><td>{{.Procs}}</td><td>{{.Median}}</td><td>{{.Range}}</td><td>{{.N}}</td><td{{if not .Significant}} class="ns"{{end}}>{{.VsBaseline}}</td><td>{{.Efficiency}}</td><td>{{.VsSelf}}</td><td class="l">{{if .Over}}<span class="badge">oversubscribed</span>{{end}}</td></tr>
{{- end}}
</table>
{{- end}}
</section>
{{- end}}
{{- end}}
`))

// HTML implements Section.
func (s CasesSection) HTML(rep *Report) (Fragment, error) {
	var frag Fragment
	var runs []runView
	for ri := range rep.Runs {
		run := &rep.Runs[ri]
		rv := runView{ID: run.ID, Env: envString(run.Env)}
		for ci := range run.Cases {
			c := &run.Cases[ci]
			cv := caseView{ID: c.ID, Name: c.Name, Params: c.Params, Baseline: rep.Baseline, HasBaseline: c.HasBaseline}
			for _, ch := range CaseCharts(run, c, rep.Baseline) {
				frag.Charts = append(frag.Charts, ch)
				cv.Charts = append(cv.Charts, ChartDiv(ch))
			}
			for _, t := range c.Units {
				cv.Units = append(cv.Units, unitView{Unit: t.Unit, Better: better(t), Rows: tableRows(t)})
			}
			rv.Cases = append(rv.Cases, cv)
		}
		runs = append(runs, rv)
	}
	html, err := Execute(casesTemplate, struct {
		Runs     []runView
		Multi    bool
		Baseline string
	}{runs, len(runs) > 1, rep.Baseline})
	frag.HTML = html
	return frag, err
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
				Model:       seriesName(m.Model),
				Procs:       strconv.Itoa(p.Procs),
				Median:      formatValue(p.Median, t.Unit),
				Range:       formatRange(p),
				N:           strconv.Itoa(p.N),
				VsBaseline:  formatRatio(p.VsBaseline),
				VsSelf:      formatRatio(p.VsSelf),
				Efficiency:  formatFraction(p.Efficiency),
				Over:        p.Oversubscribed,
				Significant: p.VsBaseline == nil || p.VsBaseline.Significant || p.VsBaseline.Reference,
			}
			rows = append(rows, row)
		}
	}
	return rows
}

// Markdown implements Section: one table per case and unit, leaving out the
// allocation units (B/op, allocs/op), which only the HTML page shows.
func (s CasesSection) Markdown(w io.Writer, rep *Report) error {
	var b strings.Builder
	for ri := range rep.Runs {
		run := &rep.Runs[ri]
		if len(rep.Runs) > 1 {
			fmt.Fprintf(&b, "### Run %s: %s\n\n", run.ID, mdText(envString(run.Env)))
		}
		for ci := range run.Cases {
			c := &run.Cases[ci]
			fmt.Fprintf(&b, "#### %s\n\n", mdText(c.FullName()))
			if !c.HasBaseline {
				fmt.Fprintf(&b, "No %s model at 1 core: speedups are against each model's own 1-core result.\n\n", mdText(rep.Baseline))
			}
			for _, t := range c.Units {
				if t.Unit == "B/op" || t.Unit == "allocs/op" {
					// Allocations are in report.html; the summary stays short.
					continue
				}
				fmt.Fprintf(&b, "| model | cores | %s | 95%% CI | n | speedup vs %s@1 | efficiency | speedup vs own @1 |\n", mdText(t.Unit), mdText(rep.Baseline))
				b.WriteString("|:--|--:|--:|--:|--:|--:|--:|--:|\n")
				for _, r := range tableRows(t) {
					procs := r.Procs
					if r.Over {
						procs += " (oversubscribed)"
					}
					fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s |\n",
						mdText(r.Model), procs, r.Median, r.Range, r.N, r.VsBaseline, r.Efficiency, r.VsSelf)
				}
				b.WriteString("\n")
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func envString(env []KeyValue) string {
	parts := make([]string, len(env))
	for i, kv := range env {
		parts[i] = kv.Key + "=" + kv.Value
	}
	return strings.Join(parts, " ")
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
	html, err := Execute(warningsTemplate, rep.Warnings)
	return Fragment{HTML: html}, err
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
			fmt.Fprintf(&b, "- … and %d more (see report.html)\n", len(rep.Warnings)-i)
			break
		}
		fmt.Fprintf(&b, "- %s\n", mdText(wr.String()))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
