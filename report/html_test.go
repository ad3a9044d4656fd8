package report_test

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"strings"
	"testing"

	"concbench/report"
	"concbench/report/internal/golden"
	"concbench/report/results"
)

// TestHTMLEscapesHostileInput renders results whose names, configuration
// values and file name carry markup and script, and checks that none of it
// reaches the page unescaped. The browser test checks the same page in a
// real browser.
func TestHTMLEscapesHostileInput(t *testing.T) {
	page := renderHostile(t)
	if n := strings.Count(strings.ToLower(page), "<script"); n != 3 {
		t.Errorf("page has %d <script elements, want 3 (chart data, echarts, page script)", n)
	}
	for _, raw := range []string{
		"<img src=x", "<img/src", "<svg/onload", "<script>window", "<!-- <script>", `onerror="window`,
	} {
		if strings.Contains(page, raw) {
			t.Errorf("page contains %q unescaped", raw)
		}
	}
	// U+2028 and U+2029 are harmless in HTML text but end a line in older
	// JavaScript: none may appear inside a script element.
	for _, script := range strings.Split(page, "<script")[1:] {
		script, _, _ = strings.Cut(script, "</script>")
		if strings.ContainsAny(script, "\u2028\u2029") {
			t.Errorf("a script element contains U+2028 or U+2029")
		}
	}
	for _, escaped := range []string{
		// html/template's escaping of a config value in the header.
		"&lt;img src=x onerror=&#34;window.__pwned=2&#34;&gt;",
		// json.Marshal's escaping in the chart data.
		`\u003cscript\u003ewindow.__pwned=4\u003c/script\u003e`,
		`\u003csvg`,
	} {
		if !strings.Contains(page, escaped) {
			t.Errorf("page lacks the escaped form %q", escaped)
		}
	}
}

// hostileFileName is a file name that is itself markup.
const hostileFileName = `<img src=x onerror="window.__pwned=7">.txt`

func renderHostile(t testing.TB) string {
	t.Helper()
	rep := hostileReport(t)
	var b bytes.Buffer
	if err := report.WriteHTML(&b, rep, report.PageOptions{Title: `<b>title</b><script>window.__pwned=8</script>`}); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func hostileReport(t testing.TB) *report.Report {
	t.Helper()
	data := golden.RepoFile(t, "testdata/hostile/names.txt")
	ds, err := results.Read([]results.Input{{Name: hostileFileName, R: bytes.NewReader(data)}}, results.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := report.Analyze(ds, report.AnalyzeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestMarkdownEscapesHostileInput checks that the Markdown summary shows
// hostile strings as text: no raw HTML, no table break, no mention.
func TestMarkdownEscapesHostileInput(t *testing.T) {
	var b bytes.Buffer
	if err := report.WriteMarkdown(&b, hostileReport(t), report.PageOptions{}); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, raw := range []string{"<img", "<script", "</script", "<svg", "@everyone", "| `tick`", "\u2028"} {
		if strings.Contains(md, raw) {
			t.Errorf("Markdown contains %q unescaped", raw)
		}
	}
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "| machine |") {
			if got := strings.Count(strings.ReplaceAll(line, `\|`, ""), "|"); got != 3 {
				t.Errorf("machine row has %d cell separators, want 3: %s", got, line)
			}
		}
	}
}

// extraSection is a section added from outside the package.
type extraSection struct{ id, chartID string }

func (s extraSection) ID() string    { return s.id }
func (s extraSection) Title() string { return "Extra <section>" }
func (s extraSection) HTML(rep *report.Report) (report.Fragment, error) {
	c := report.Chart{ID: s.chartID, Options: map[string]any{"series": []any{}}}
	body, err := report.Execute(template.Must(template.New("x").Parse(`<p>{{.}}</p>{{.}}`)), fmt.Sprintf("%d runs <b>", len(rep.Runs)))
	return report.Fragment{HTML: body + report.ChartDiv(c), Charts: []report.Chart{c}}, err
}
func (s extraSection) Markdown(w io.Writer, rep *report.Report) error {
	_, err := fmt.Fprintf(w, "%d runs\n", len(rep.Runs))
	return err
}

// TestSections checks that a section added from outside the package lands
// in the page and the Markdown, escaped, and that ids must be unique.
func TestSections(t *testing.T) {
	rep := hostileReport(t)
	sections := append(report.DefaultSections(), extraSection{"extra", "extra-chart"})
	var html, md bytes.Buffer
	if err := report.WriteHTML(&html, rep, report.PageOptions{Sections: sections}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<section id="extra">`, `<h2>Extra &lt;section&gt;</h2>`, `<p>1 runs &lt;b&gt;</p>`, `<div class="chart" id="extra-chart"></div>`, `"id":"extra-chart"`} {
		if !strings.Contains(html.String(), want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if err := report.WriteMarkdown(&md, rep, report.PageOptions{Sections: sections}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), "### Extra &lt;section&gt;\n\n1 runs\n") {
		t.Errorf("Markdown lacks the extra section:\n%s", md.String())
	}
	dup := append(report.DefaultSections(), extraSection{"cases", "x"})
	if err := report.WriteHTML(io.Discard, rep, report.PageOptions{Sections: dup}); err == nil || !strings.Contains(err.Error(), `two sections have the id "cases"`) {
		t.Errorf("duplicate section id: error = %v", err)
	}
	clash := append(report.DefaultSections(), extraSection{"x", "r1-c1-speedup"})
	if err := report.WriteHTML(io.Discard, rep, report.PageOptions{Sections: clash}); err == nil || !strings.Contains(err.Error(), "not unique") {
		t.Errorf("chart id clash: error = %v", err)
	}
}
