package report

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strings"
)

// PageOptions configures [WriteHTML] and [WriteMarkdown]. The zero value
// renders the default sections under the default title.
type PageOptions struct {
	// Title is the page's title; empty means "concbench report".
	Title string
	// Sections are rendered after the header, in order; nil means
	// DefaultSections().
	Sections []Section
}

func (o PageOptions) title() string {
	if o.Title == "" {
		return "concbench report"
	}
	return o.Title
}

func (o PageOptions) sections() []Section {
	if o.Sections == nil {
		return DefaultSections()
	}
	return o.Sections
}

type sectionView struct {
	ID, Title string
	Body      template.HTML
}

type tocRun struct {
	ID, Env string
	Cases   []tocCase
}

type tocCase struct{ ID, Name string }

// The page's scripts are trusted constants; the Content-Security-Policy
// allows exactly them (by hash) and no request to any other host, so even a
// string that escaped its escaping could neither run nor fetch anything.
var pageTemplate = template.Must(template.New("page").Parse(`{{define "head"}}<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{{.CSP}}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>{{.CSS}}</style>
</head>
<body>
<header>
<h1>{{.Title}}</h1>
<p class="muted">Speedup of each concurrency model against the number of cores (GOMAXPROCS). Medians with {{.Confidence}} intervals (golang.org/x/perf/benchmath); speedups are against the <code>{{.Baseline}}</code> model at 1 core and against each model's own 1-core result; Mann-Whitney U p-values; "~" marks a difference that is not significant at α = 0.05. Hollow triangles mark oversubscribed points (more GOMAXPROCS than CPUs).</p>
<table class="meta">
<tr><th>inputs</th><td>{{range $i, $f := .Inputs}}{{if $i}}, {{end}}<code>{{$f.File}}</code> ({{$f.Results}} results){{end}}</td></tr>
{{- range .Runs}}
<tr><th>run {{.ID}}</th><td>{{if .Env}}{{.Env}}; {{end}}{{if .NCPU}}{{.NCPU}} CPUs (from {{.NCPUSource}}){{else}}CPU count unknown{{end}}</td></tr>
{{- end}}
<tr><th>warnings</th><td><a href="#warnings">{{.NWarnings}}</a></td></tr>
<tr><th>charts</th><td>echarts {{.EchartsVersion}}, embedded</td></tr>
</table>
<div class="config">
{{- range .Config}}
<div><span class="key">{{.Key}}</span> {{range $i, $v := .Values}}{{if $i}}<br>{{end}}<span class="value">{{$v}}</span>{{end}}</div>
{{- end}}
</div>
</header>
<main>
{{end}}
{{- define "nav"}}<nav><h2>Contents</h2>
{{- range .TOC}}{{if $.MultiRun}}<h4>Run {{.ID}}: {{.Env}}</h4>{{end}}
<ul>{{range .Cases}}<li><a href="#{{.ID}}">{{.Name}}</a></li>{{end}}</ul>
{{- end}}
</nav>
{{end}}`))

// WriteHTML renders rep as one self-contained HTML page: the echarts library
// and the chart options are inlined, and nothing is fetched from any host.
//
// The chart options are not written by go-echarts' page renderer, which puts
// them unescaped into a script. They are serialised as one JSON document
// (with <, >, &, U+2028 and U+2029 escaped) inside a script element of type
// application/json, and a fixed script parses it and draws every chart with
// canvas tooltips, so that no string of the results is ever read as HTML or
// script.
func WriteHTML(w io.Writer, rep *Report, opts PageOptions) error {
	var (
		sections []sectionView
		charts   = []Chart{}
		ids      = map[string]bool{}
	)
	for _, s := range opts.sections() {
		if ids[s.ID()] {
			return fmt.Errorf("two sections have the id %q", s.ID())
		}
		ids[s.ID()] = true
		frag, err := s.HTML(rep)
		if err != nil {
			return fmt.Errorf("rendering section %s: %w", s.ID(), err)
		}
		if frag.HTML == "" && len(frag.Charts) == 0 {
			continue
		}
		for _, c := range frag.Charts {
			if ids[c.ID] {
				return fmt.Errorf("section %s: chart id %q is not unique", s.ID(), c.ID)
			}
			ids[c.ID] = true
		}
		charts = append(charts, frag.Charts...)
		sections = append(sections, sectionView{ID: s.ID(), Title: s.Title(), Body: frag.HTML})
	}
	chartsJSON, err := encodeCharts(charts)
	if err != nil {
		return err
	}
	// The contents list the cases the page draws (see MaxHTMLCases).
	var toc []tocRun
	listed := 0
	for _, run := range rep.Runs {
		if listed == MaxHTMLCases {
			break
		}
		tr := tocRun{ID: run.ID, Env: run.Env.String()}
		for _, c := range run.Cases[:min(len(run.Cases), MaxHTMLCases-listed)] {
			tr.Cases = append(tr.Cases, tocCase{ID: c.ID, Name: c.FullName()})
		}
		listed += len(tr.Cases)
		toc = append(toc, tr)
	}
	var runs []struct {
		ID, Env, NCPUSource string
		NCPU                int
	}
	for _, run := range rep.Runs {
		runs = append(runs, struct {
			ID, Env, NCPUSource string
			NCPU                int
		}{run.ID, run.Env.String(), run.NCPUSource, run.NCPU})
	}
	scripts, csp := inlineScripts()
	data := map[string]any{
		"CSP":            csp,
		"Title":          opts.title(),
		"CSS":            template.CSS(pageCSS),
		"Confidence":     fmt.Sprintf("%.0f%%", rep.Confidence*100),
		"Baseline":       rep.Baseline,
		"Inputs":         rep.Inputs,
		"Config":         rep.Config,
		"Runs":           runs,
		"MultiRun":       len(rep.Runs) > 1,
		"TOC":            toc,
		"NWarnings":      len(rep.Warnings),
		"EchartsVersion": strings.TrimSpace(echartsVersion),
	}
	// The header goes through html/template; the section bodies (already
	// safe HTML) and the scripts (constants, and JSON whose <, >, & are
	// escaped) are written as they are: passing tens of megabytes through
	// the template engine doubled the time and memory of a large report.
	// Everything that can fail is done before the first write, and the
	// large parts go to w without being copied into one page first.
	var head, nav bytes.Buffer
	if err := pageTemplate.ExecuteTemplate(&head, "head", data); err != nil {
		return fmt.Errorf("rendering page: %w", err)
	}
	if err := pageTemplate.ExecuteTemplate(&nav, "nav", data); err != nil {
		return fmt.Errorf("rendering page: %w", err)
	}
	// The contents list the cases: they come just before the cases'
	// section, after the sections that answer first (a summary, say).
	navAt := slices.IndexFunc(sections, func(s sectionView) bool { return s.ID == CasesSection{}.ID() })
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.Write(head.Bytes())
	if navAt < 0 {
		bw.Write(nav.Bytes())
	}
	for i, s := range sections {
		if i == navAt {
			bw.Write(nav.Bytes())
		}
		bw.WriteString(`<section id="` + Escape(s.ID) + `">` + "\n<h2>" + Escape(s.Title) + "</h2>\n")
		bw.WriteString(string(s.Body))
		bw.WriteString("\n</section>\n")
	}
	bw.WriteString("</main>\n" + `<script type="application/json" id="concbench-charts">`)
	bw.Write(chartsJSON)
	bw.WriteString("</script>\n<script>")
	bw.WriteString(scripts[0])
	bw.WriteString("</script>\n<script>")
	bw.WriteString(scripts[1])
	bw.WriteString("</script>\n</body>\n</html>\n")
	return bw.Flush()
}

// encodeCharts encodes the charts as one JSON array, each chart on its own
// goroutine. json.Marshal escapes <, >, &, U+2028 and U+2029, so the
// document cannot end its script element early.
func encodeCharts(charts []Chart) ([]byte, error) {
	parts := make([][]byte, len(charts))
	errs := make([]error, len(charts))
	parallelFor(len(charts), func(i int) {
		parts[i], errs[i] = json.Marshal(charts[i])
	})
	size := 2
	for i, p := range parts {
		if errs[i] != nil {
			return nil, fmt.Errorf("encoding chart %s: %w", charts[i].ID, errs[i])
		}
		size += len(p) + 1
	}
	out := make([]byte, 0, size)
	out = append(out, '[')
	for i, p := range parts {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, p...)
	}
	return append(out, ']'), nil
}

// contentSecurityPolicy allows the given inline scripts by hash, inline
// styles, data: images, and nothing else: no request leaves the page.
func contentSecurityPolicy(scripts ...string) string {
	var b strings.Builder
	b.WriteString("default-src 'none'; script-src")
	for _, s := range scripts {
		sum := sha256.Sum256([]byte(s))
		b.WriteString(" 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'")
	}
	b.WriteString("; style-src 'unsafe-inline'; img-src data:")
	return b.String()
}

// WriteMarkdown renders rep as a Markdown summary fit for a pull-request
// comment: the metadata, one table per case and unit, the warnings.
func WriteMarkdown(w io.Writer, rep *Report, opts PageOptions) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "## %s\n\n", MarkdownText(opts.title()))
	fmt.Fprintf(&b, "Medians with %.0f%% intervals; speedup against `%s` at 1 core and against each model's own 1-core result; \"~\" marks a difference that is not significant (Mann-Whitney U, α = 0.05).\n\n", rep.Confidence*100, MarkdownCode(rep.Baseline))
	b.WriteString("| | |\n|:--|:--|\n")
	inputs := make([]string, len(rep.Inputs))
	for i, in := range rep.Inputs {
		inputs[i] = fmt.Sprintf("%s (%d results)", MarkdownText(in.File), in.Results)
	}
	fmt.Fprintf(&b, "| inputs | %s |\n", strings.Join(inputs, ", "))
	for _, c := range rep.Config {
		vals := make([]string, len(c.Values))
		for i, v := range c.Values {
			vals[i] = MarkdownText(v)
		}
		fmt.Fprintf(&b, "| %s | %s |\n", MarkdownText(c.Key), strings.Join(vals, "<br>"))
	}
	for _, run := range rep.Runs {
		ncpu := "CPU count unknown"
		if run.NCPU > 0 {
			ncpu = fmt.Sprintf("%d CPUs (from %s)", run.NCPU, MarkdownText(run.NCPUSource))
		}
		env := MarkdownText(run.Env.String())
		if env != "" {
			env += "; "
		}
		fmt.Fprintf(&b, "| run %s | %s%s |\n", run.ID, env, ncpu)
	}
	fmt.Fprintf(&b, "| warnings | %d |\n\n", len(rep.Warnings))
	for _, s := range opts.sections() {
		var body bytes.Buffer
		if err := s.Markdown(&body, rep); err != nil {
			return fmt.Errorf("rendering section %s: %w", s.ID(), err)
		}
		if body.Len() == 0 {
			continue
		}
		fmt.Fprintf(&b, "### %s\n\n", MarkdownText(s.Title()))
		b.Write(body.Bytes())
		if !bytes.HasSuffix(body.Bytes(), []byte("\n\n")) {
			b.WriteString("\n")
		}
	}
	_, err := w.Write(bytes.TrimRight(b.Bytes(), "\n"))
	if err == nil {
		_, err = io.WriteString(w, "\n")
	}
	return err
}

// mdReplacer makes a string inert Markdown text, safe inside a table cell:
// HTML is escaped as entities, Markdown syntax is backslash-escaped, @ does
// not mention anyone, and line breaks become spaces.
var mdReplacer = strings.NewReplacer(
	"&", "&amp;", "<", "&lt;", ">", "&gt;", "@", "&#64;",
	"\\", "\\\\", "`", "\\`", "*", "\\*", "_", "\\_", "[", "\\[", "]", "\\]",
	"|", "\\|", "~", "\\~", "#", "\\#", "!", "\\!",
	"\r\n", " ", "\n", " ", "\r", " ", "\u2028", " ", "\u2029", " ",
)

// MarkdownText escapes s for Markdown text: HTML becomes entities,
// Markdown syntax is backslash-escaped, @ mentions no one and line breaks
// become spaces, so that s is safe inside a table cell.
func MarkdownText(s string) string { return mdReplacer.Replace(s) }

// MarkdownCode escapes s for use inside a one-backtick code span.
func MarkdownCode(s string) string { return strings.ReplaceAll(s, "`", "'") }

// WriteJSON writes rep as compact JSON, the form of report.json, followed
// by a newline; it writes nothing when rep holds a value JSON cannot (an
// infinite or NaN float). (Indenting would double the size and the time of
// a large report; jq or json.Indent make it readable.)
//
// It is encoding/json's encoding of rep. The command writes the JSON while
// it writes the page, which takes several times longer, so an encoder of
// its own would make the command no faster.
func WriteJSON(w io.Writer, rep *Report) error {
	if err := json.NewEncoder(w).Encode(rep); err != nil {
		return fmt.Errorf("encoding report: %w", err)
	}
	return nil
}
