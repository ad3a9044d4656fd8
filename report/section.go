package report

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
)

// A Section is one part of the rendered report. The page and the Markdown
// summary are the header followed by each section in order, so a new part
// of the report is a new Section passed in [PageOptions], with no change to
// the rest of the page. A section usually reads data that an [Analyzer]
// stored in Report.Extensions.
type Section interface {
	// ID is a short identifier, unique in the page: the anchor of the
	// section and the prefix of its element ids.
	ID() string
	// Title is the section's heading.
	Title() string
	// HTML returns the section's body. It returns a zero Fragment to leave
	// the section out of the page.
	HTML(rep *Report) (Fragment, error)
	// Markdown writes the section's body in Markdown; writing nothing
	// leaves the section out.
	Markdown(w io.Writer, rep *Report) error
}

// A Fragment is the HTML body of a section and the charts drawn in it. Each
// chart needs an element with its ID in HTML; [ChartDiv] writes one.
type Fragment struct {
	// HTML is the section's body, safe HTML: every string from the
	// results in it is escaped.
	HTML template.HTML
	// Charts lists the charts drawn in it, in order.
	Charts []Chart
}

// Execute runs an html/template into a fragment's HTML, so that every string
// the section shows is escaped as text.
func Execute(t *template.Template, data any) (template.HTML, error) {
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		return "", fmt.Errorf("executing template %s: %w", t.Name(), err)
	}
	return template.HTML(b.String()), nil
}

// Escape escapes s as HTML text or as a quoted attribute value. A section
// that writes its HTML by hand, rather than with [Execute], passes every
// string through it.
func Escape(s string) string { return template.HTMLEscapeString(s) }

// ChartDiv returns the element a chart is drawn in.
func ChartDiv(c Chart) template.HTML {
	return template.HTML(`<div class="chart" id="` + template.HTMLEscapeString(c.ID) + `"></div>`)
}

// DefaultSections returns the sections of the standard report: the cases
// (charts and tables) and the warnings.
func DefaultSections() []Section {
	return []Section{CasesSection{}, WarningsSection{}}
}
