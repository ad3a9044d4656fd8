package answers

import (
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"concbench/report"
)

// Sections returns the answers' sections in the order the report shows
// them: the summary, the decision tree, the claims and the task-size sweep.
func Sections() []report.Section {
	return []report.Section{SummarySection{}, TreeSection{}, ClaimsSection{}, TaskSizeSection{}}
}

// runHeading returns the heading of a run among several, "" for one run.
func runHeading(a *Analysis, r *Run) string {
	if len(a.Runs) < 2 {
		return ""
	}
	h := "Run " + r.ID
	if r.Env != "" {
		h += ": " + r.Env
	}
	return h
}

// levelText describes a level in words.
func levelText(lv *Level) string {
	s := lv.Fastest
	if s == "" {
		s = "(no model)"
	}
	if lv.VsBaseline != nil {
		s += " " + speedupText(lv.VsBaseline)
	}
	switch {
	case lv.AllTie():
		s += "; all tie"
	case len(lv.Ties()) > 0:
		s += "; ties: " + strings.Join(lv.Ties(), ", ")
	case len(lv.Others) == 0:
		s += "; the only model"
	}
	return s
}

// cells returns a summary line's text at 1 core and at the most cores.
func cells(ln *Line) (one, most string) {
	for i := range ln.Levels {
		lv := &ln.Levels[i]
		if lv.Procs == 1 {
			one = levelText(lv)
		} else {
			most = fmt.Sprintf("%d cores: %s", lv.Procs, levelText(lv))
		}
	}
	return one, most
}

// maxMarkdownSummary bounds the bytes of the summary in the Markdown
// report, which is meant for a pull-request comment: past it the remaining
// cases are only counted.
const maxMarkdownSummary = 16 << 10

// SummarySection renders the summary: per run, one line per case.
type SummarySection struct{}

// ID implements report.Section.
func (SummarySection) ID() string { return "summary" }

// Title implements report.Section.
func (SummarySection) Title() string { return "Summary: the fastest model of each case" }

type summaryRow struct{ Case, Name, Unit, One, Most, Missing string }

type summaryRun struct {
	Heading    string
	Rows       []summaryRow
	Uncompared int
	// HasMissing is set when some row lacks a core count.
	HasMissing bool
}

var summaryTemplate = template.Must(template.New("summary").Parse(`<p class="muted">Per case, the fastest model at 1 core and at the largest core count that is not oversubscribed, its speedup against <code>{{.Baseline}}</code> at 1 core with its 95% interval ("~": not significant), and the models that tie with it: Mann-Whitney U cannot tell them apart at α = {{.Alpha}}, as benchstat decides. Each case links to its tables.</p>
{{- range .Runs}}
{{if .Heading}}<h3>{{.Heading}}</h3>{{end}}
<table class="answers">
<tr><th class="l">case</th><th class="l">1 core</th><th class="l">most cores</th>{{if .HasMissing}}<th class="l">missing</th>{{end}}</tr>
{{- $missing := .HasMissing}}
{{- range .Rows}}
<tr><td class="l"><a href="#{{.Case}}">{{.Name}}</a>{{if ne .Unit "sec/op"}} <span class="muted">({{.Unit}})</span>{{end}}</td><td class="l">{{.One}}</td><td class="l">{{.Most}}</td>{{if $missing}}<td class="l">{{.Missing}}</td>{{end}}</tr>
{{- end}}
</table>
{{- if .Uncompared}}
<p class="muted">{{.Uncompared}} more cases have fewer than two models to compare: see their tables.</p>
{{- end}}
{{- end}}
`))

func (SummarySection) runs(a *Analysis) []summaryRun {
	var out []summaryRun
	for ri := range a.Runs {
		r := &a.Runs[ri]
		sr := summaryRun{Heading: runHeading(a, r), Uncompared: r.Uncompared}
		for li := range r.Summary {
			ln := &r.Summary[li]
			one, most := cells(ln)
			sr.HasMissing = sr.HasMissing || ln.Missing != ""
			sr.Rows = append(sr.Rows, summaryRow{Case: ln.Case, Name: ln.Name, Unit: ln.Unit, One: one, Most: most, Missing: ln.Missing})
		}
		out = append(out, sr)
	}
	return out
}

// HTML implements report.Section.
func (s SummarySection) HTML(rep *report.Report) (report.Fragment, error) {
	a := From(rep)
	if a == nil {
		return report.Fragment{}, nil
	}
	html, err := report.Execute(summaryTemplate, map[string]any{"Baseline": rep.Baseline, "Alpha": a.Alpha, "Runs": s.runs(a)})
	return report.Fragment{HTML: html}, err
}

// Markdown implements report.Section.
func (s SummarySection) Markdown(w io.Writer, rep *report.Report) error {
	a := From(rep)
	if a == nil {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Per case, the fastest model at 1 core and at the largest core count that is not oversubscribed, its speedup against `%s` at 1 core with its 95%% interval (\"~\": not significant), and the models that tie with it (Mann-Whitney U, α = %v).\n\n", report.MarkdownCode(rep.Baseline), a.Alpha)
	for _, r := range s.runs(a) {
		if r.Heading != "" {
			fmt.Fprintf(&b, "#### %s\n\n", report.MarkdownText(r.Heading))
		}
		if r.HasMissing {
			b.WriteString("| case | 1 core | most cores | missing |\n|:--|:--|:--|:--|\n")
		} else {
			b.WriteString("| case | 1 core | most cores |\n|:--|:--|:--|\n")
		}
		for i, row := range r.Rows {
			if b.Len() >= maxMarkdownSummary {
				fmt.Fprintf(&b, "| … and %d more cases: see report.html | | |\n", len(r.Rows)-i)
				break
			}
			name := report.MarkdownText(row.Name)
			if row.Unit != "sec/op" {
				name += " (" + report.MarkdownText(row.Unit) + ")"
			}
			fmt.Fprintf(&b, "| %s | %s | %s |", name, report.MarkdownText(row.One), report.MarkdownText(row.Most))
			if r.HasMissing {
				b.WriteString(" " + report.MarkdownText(row.Missing) + " |")
			}
			b.WriteString("\n")
		}
		b.WriteString("\n")
		if r.Uncompared > 0 {
			fmt.Fprintf(&b, "%d more cases have fewer than two models to compare: see their tables.\n\n", r.Uncompared)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// TreeSection renders the decision tree of every run.
type TreeSection struct{}

// ID implements report.Section.
func (TreeSection) ID() string { return "decision-tree" }

// Title implements report.Section.
func (TreeSection) Title() string { return "Decision tree, with this machine's numbers" }

var treeTemplate = template.Must(template.New("tree").Parse(`<p class="muted">The tutorial's decision tree (its section 8), each leaf with the tutorial's answer, the Go answer and the numbers measured here.</p>
{{- range .}}
{{if .Heading}}<h3>{{.Heading}}</h3>{{end}}
<ul class="tree">
{{- range .Tree.Branches}}
<li><strong>{{.Path}}</strong> → tutorial: {{.Tutorial}}
<ul>
{{- if .Go}}<li>Go: <strong>{{.Go}}</strong></li>{{end}}
{{- range .Figures}}<li>{{.}}</li>{{end}}
{{- if .Missing}}<li class="muted">missing: {{.Missing}}</li>{{end}}
{{- if .Cases}}<li class="muted">from {{range $i, $c := .Cases}}{{if $i}}, {{end}}<a href="#{{$c}}">{{$c}}</a>{{end}}</li>{{end}}
</ul></li>
{{- end}}
</ul>
{{- end}}
`))

type treeRun struct {
	Heading string
	Tree    Tree
}

func treeRuns(a *Analysis) []treeRun {
	var out []treeRun
	for i := range a.Runs {
		out = append(out, treeRun{runHeading(a, &a.Runs[i]), a.Runs[i].Tree})
	}
	return out
}

// HTML implements report.Section.
func (TreeSection) HTML(rep *report.Report) (report.Fragment, error) {
	a := From(rep)
	if a == nil {
		return report.Fragment{}, nil
	}
	html, err := report.Execute(treeTemplate, treeRuns(a))
	return report.Fragment{HTML: html}, err
}

// Markdown implements report.Section.
func (TreeSection) Markdown(w io.Writer, rep *report.Report) error {
	a := From(rep)
	if a == nil {
		return nil
	}
	var b strings.Builder
	for _, r := range treeRuns(a) {
		if r.Heading != "" {
			fmt.Fprintf(&b, "#### %s\n\n", report.MarkdownText(r.Heading))
		}
		for _, br := range r.Tree.Branches {
			fmt.Fprintf(&b, "- **%s** → tutorial: %s\n", report.MarkdownText(br.Path), report.MarkdownText(br.Tutorial))
			if br.Go != "" {
				fmt.Fprintf(&b, "  - Go: **%s**\n", report.MarkdownText(br.Go))
			}
			for _, f := range br.Figures {
				fmt.Fprintf(&b, "  - %s\n", report.MarkdownText(f))
			}
			if br.Missing != "" {
				fmt.Fprintf(&b, "  - missing: %s\n", report.MarkdownText(br.Missing))
			}
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// ClaimsSection renders the tutorial's claims with their verdicts.
type ClaimsSection struct{}

// ID implements report.Section.
func (ClaimsSection) ID() string { return "claims" }

// Title implements report.Section.
func (ClaimsSection) Title() string { return "The tutorial's claims, measured" }

var claimsTemplate = template.Must(template.New("claims").Parse(`<p class="muted">Each claim of the tutorial (a Python tutorial, measured on an 8-core machine) with its figure, the Go figure measured in these results and a verdict. Absolute figures are compared only with results at the tutorial's own inputs (the seed profile); elsewhere the row says the inputs differ.</p>
{{- range .}}
{{if .Heading}}<h3>{{.Heading}}</h3>{{end}}
<table class="answers">
<tr><th class="l">§</th><th class="l">claim</th><th class="l">tutorial</th><th class="l">measured (Go)</th><th class="l">verdict</th><th class="l">measured by</th></tr>
{{- range .Claims}}
<tr><td class="l" style="white-space:nowrap">{{.Section}}</td><td class="l">{{.Claim}}</td><td class="l">{{.Tutorial}}</td><td class="l">{{.Measured}}</td><td class="l"><span style="{{.Style}}">{{.Verdict}}</span>{{if .Detail}}: {{.Detail}}{{end}}</td><td class="l"><code>{{.MeasuredBy}}</code>{{if .Test}}; test <code>{{.Test}}</code> (benchmarks/pitfalls){{end}}{{range $i, $c := .Cases}}{{if not $i}}<br>tables: {{else}}, {{end}}<a href="#{{$c}}">{{$c}}</a>{{end}}</td></tr>
{{- end}}
</table>
{{- end}}
`))

type claimRow struct {
	Section, Claim, Tutorial, Measured, Verdict, Detail, MeasuredBy, Test string
	Cases                                                                 []string
	Style                                                                 template.CSS
}

type claimsRun struct {
	Heading string
	Claims  []claimRow
}

func verdictStyle(v string) template.CSS {
	switch v {
	case Holds:
		return "color:#1a7f37;font-weight:600"
	case Differs:
		return "color:#b42318;font-weight:600"
	}
	return "color:#666;font-weight:600"
}

// HTML implements report.Section.
func (ClaimsSection) HTML(rep *report.Report) (report.Fragment, error) {
	a := From(rep)
	if a == nil {
		return report.Fragment{}, nil
	}
	var runs []claimsRun
	for i := range a.Runs {
		cr := claimsRun{Heading: runHeading(a, &a.Runs[i])}
		for _, c := range a.Runs[i].Claims {
			cr.Claims = append(cr.Claims, claimRow{c.Section, c.Claim, c.Tutorial, c.Measured, c.Verdict, c.Detail, c.MeasuredBy, c.Test, c.Cases, verdictStyle(c.Verdict)})
		}
		runs = append(runs, cr)
	}
	html, err := report.Execute(claimsTemplate, runs)
	return report.Fragment{HTML: html}, err
}

// Markdown implements report.Section.
func (ClaimsSection) Markdown(w io.Writer, rep *report.Report) error {
	a := From(rep)
	if a == nil {
		return nil
	}
	var b strings.Builder
	b.WriteString("Absolute figures are compared only with results at the tutorial's own inputs (the seed profile); elsewhere the row says the inputs differ.\n\n")
	for i := range a.Runs {
		if h := runHeading(a, &a.Runs[i]); h != "" {
			fmt.Fprintf(&b, "#### %s\n\n", report.MarkdownText(h))
		}
		b.WriteString("| § | claim | tutorial | measured (Go) | verdict | measured by |\n|:--|:--|:--|:--|:--|:--|\n")
		for _, c := range a.Runs[i].Claims {
			verdict := "**" + report.MarkdownText(c.Verdict) + "**"
			if c.Detail != "" {
				verdict += ": " + report.MarkdownText(c.Detail)
			}
			by := "`" + report.MarkdownCode(c.MeasuredBy) + "`"
			if c.Test != "" {
				by += "; test `" + report.MarkdownCode(c.Test) + "`"
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", report.MarkdownText(c.Section), report.MarkdownText(c.Claim), report.MarkdownText(c.Tutorial), report.MarkdownText(c.Measured), verdict, by)
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// TaskSizeSection renders the task-size sweep: a chart of speedup against
// task size and each model's break-even.
type TaskSizeSection struct{}

// ID implements report.Section.
func (TaskSizeSection) ID() string { return "task-size" }

// Title implements report.Section.
func (TaskSizeSection) Title() string { return "Task size against each model's overhead" }

var taskSizeTemplate = template.Must(template.New("tasksize").Parse(`{{if .Heading}}<h3>{{.Heading}}</h3>{{end}}
<p class="muted">BenchmarkTaskSize: the same total work split into tasks of one size per case; a task's size is the {{.Baseline}} model's time per task at 1 core. Speedup against {{.Baseline}} at 1 core, with its 95% interval. The break-even is the smallest size measured at which a model beats {{.Baseline}} significantly.</p>
{{- if .Note}}<p class="note">{{.Note}}</p>{{end}}
<div class="charts">{{.Chart}}</div>
<table class="answers">
<tr><th class="l">model</th><th>cores</th>{{range .Sizes}}<th><a href="#{{.Case}}">{{.Label}}</a></th>{{end}}<th class="l">break-even</th></tr>
{{- range .Rows}}
<tr><td class="l">{{.Model}}</td><td>{{.Procs}}</td>{{range .Cells}}<td>{{.}}</td>{{end}}<td class="l">{{.BreakEven}}</td></tr>
{{- end}}
</table>
`))

type sizeLabel struct{ Case, Label string }

type sweepRow struct {
	Model, BreakEven string
	Procs            int
	Cells            []string
}

func sweepRows(ts *TaskSize, baseline string) ([]sizeLabel, []sweepRow) {
	var sizes []sizeLabel
	for _, s := range ts.Sizes {
		sizes = append(sizes, sizeLabel{s.Case, FormatSeconds(s.Task) + " per task"})
	}
	var rows []sweepRow
	for _, sw := range ts.Sweeps {
		row := sweepRow{Model: sw.Model, Procs: sw.Procs, BreakEven: sw.BreakEvenText(baseline)}
		for _, s := range ts.Sizes {
			cell := ""
			for _, p := range sw.Points {
				if p.Task == s.Task {
					cell = speedupText(&p.Speedup)
				}
			}
			row.Cells = append(row.Cells, cell)
		}
		rows = append(rows, row)
	}
	return sizes, rows
}

// HTML implements report.Section.
func (TaskSizeSection) HTML(rep *report.Report) (report.Fragment, error) {
	a := From(rep)
	if a == nil {
		return report.Fragment{}, nil
	}
	var b strings.Builder
	var frag report.Fragment
	for i := range a.Runs {
		ts := a.Runs[i].TaskSize
		if ts == nil || len(ts.Sweeps) == 0 {
			continue
		}
		chart := taskSizeChart(a.Runs[i].ID, ts, rep.Baseline)
		frag.Charts = append(frag.Charts, chart)
		sizes, rows := sweepRows(ts, rep.Baseline)
		html, err := report.Execute(taskSizeTemplate, map[string]any{
			"Heading": runHeading(a, &a.Runs[i]), "Baseline": rep.Baseline, "Note": ts.Note,
			"Chart": report.ChartDiv(chart), "Sizes": sizes, "Rows": rows,
		})
		if err != nil {
			return report.Fragment{}, err
		}
		b.WriteString(string(html))
	}
	frag.HTML = template.HTML(b.String())
	return frag, nil
}

// Markdown implements report.Section.
func (TaskSizeSection) Markdown(w io.Writer, rep *report.Report) error {
	a := From(rep)
	if a == nil {
		return nil
	}
	var b strings.Builder
	for i := range a.Runs {
		ts := a.Runs[i].TaskSize
		if ts == nil || len(ts.Sweeps) == 0 {
			continue
		}
		if h := runHeading(a, &a.Runs[i]); h != "" {
			fmt.Fprintf(&b, "#### %s\n\n", report.MarkdownText(h))
		}
		fmt.Fprintf(&b, "Speedup against `%s` at 1 core per task size (the %s model's time per task at 1 core); the break-even is the smallest size measured at which a model beats it significantly.\n\n", report.MarkdownCode(rep.Baseline), report.MarkdownText(rep.Baseline))
		sizes, rows := sweepRows(ts, rep.Baseline)
		b.WriteString("| model | cores |")
		for _, s := range sizes {
			b.WriteString(" " + report.MarkdownText(s.Label) + " |")
		}
		b.WriteString(" break-even |\n|:--|--:|" + strings.Repeat("--:|", len(sizes)) + ":--|\n")
		for _, r := range rows {
			fmt.Fprintf(&b, "| %s | %d |", report.MarkdownText(r.Model), r.Procs)
			for _, c := range r.Cells {
				b.WriteString(" " + report.MarkdownText(c) + " |")
			}
			b.WriteString(" " + report.MarkdownText(r.BreakEven) + " |\n")
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// taskSizeChart draws each sweep's speedup against the task size, on a
// logarithmic axis of milliseconds per task, solid at the largest core
// count and dashed at 1 core, with the baseline's y = 1.
func taskSizeChart(runID string, ts *TaskSize, baseline string) report.Chart {
	line, whiskers := report.NewLine(), report.NewWhiskers()
	line.SetGlobalOptions(report.ChartGlobals("Speedup vs "+baseline+" at 1 core, against task size", "BenchmarkTaskSize")...)
	line.SetGlobalOptions(
		charts.WithXAxisOpts(opts.XAxis{Type: "log", Name: "time per task (ms, log scale)", NameLocation: "middle", NameGap: 28}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: "speedup", Min: 0}),
	)
	var names []string
	models := []string{}
	lo, hi := ts.Sizes[0].Task*1e3, ts.Sizes[len(ts.Sizes)-1].Task*1e3
	for _, sw := range ts.Sweeps {
		mi := -1
		for i, m := range models {
			if m == sw.Model {
				mi = i
			}
		}
		if mi < 0 {
			models = append(models, sw.Model)
			mi = len(models) - 1
		}
		color := report.ModelColor(mi + 1)
		var data []opts.LineData
		var bars [][3]float64
		for _, p := range sw.Points {
			x := report.Round(p.Task * 1e3)
			data = append(data, report.PointDatum(x, report.Round(p.Speedup.Value), false))
			if p.Speedup.Lo != nil {
				bars = append(bars, [3]float64{x, report.Round(*p.Speedup.Lo), report.Round(*p.Speedup.Hi)})
			}
		}
		dash := "solid"
		if sw.Procs == 1 && ts.Largest() > 1 {
			dash = "dashed"
		}
		name := report.ModelName(sw.Model) + " @" + strconv.Itoa(sw.Procs)
		report.AddCurve(line, whiskers, name, color, data, bars, charts.WithLineStyleOpts(opts.LineStyle{Color: color, Width: 2, Type: dash}))
		names = append(names, name)
	}
	if len(whiskers.MultiSeries) > 0 {
		line.Overlap(whiskers)
	}
	ref := baseline + " (y = 1)"
	report.AddLine(line, ref, []opts.LineData{{Value: []float64{report.Round(lo), 1}}, {Value: []float64{report.Round(hi), 1}}},
		charts.WithLineStyleOpts(opts.LineStyle{Type: "dashed", Color: "#999999", Width: 1.5}),
		charts.WithItemStyleOpts(opts.ItemStyle{Color: "#999999"}),
		charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false)}))
	names = append(names, ref)
	return report.NewChart(runID+"-tasksize", line, names)
}
