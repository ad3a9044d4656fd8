package report

import (
	"fmt"
	"html/template"
)

// MaxHTMLCases bounds the cases drawn on the page: past it a page of
// thousands of charts and tables is more than a browser opens or a reader
// reads (200,000 benchmarks made a page of 772 MB); 1,000 is above the
// cases of any profile of the suite. The cases left out are
// counted on the page and left out of its contents; report.json holds
// every case.
const MaxHTMLCases = 1000

// MaxMarkdownCaseBytes bounds the bytes of the case tables of a section of
// the Markdown summary (the cases', the fits'): past it the remaining
// cases are only counted, so that the summary of a large results set stays
// near the size of a pull-request comment (GitHub takes 65,536
// characters) instead of growing with the cases.
const MaxMarkdownCaseBytes = 40 << 10

// MaxHTMLWarnings bounds the warnings listed on the page; report.json
// lists them all.
const MaxHTMLWarnings = 1000

// leftOutNote returns the note that says how many of total items the
// page shows and that report.json holds them all; "" when it shows all.
func leftOutNote(shown, total int, what string) template.HTML { return LeftOutNote(shown, total, what) }

// LeftOutNote is the note a section that bounds what it draws (by
// [MaxHTMLCases] or a bound of its own) writes after it: how many of total
// items the page shows, and that report.json holds them all; "" when it
// shows all.
func LeftOutNote(shown, total int, what string) template.HTML {
	if shown >= total {
		return ""
	}
	return template.HTML(fmt.Sprintf(`<p class="note">The page shows the first %d of the %d %s; report.json, beside it, holds them all.</p>`+"\n", shown, total, Escape(what)))
}
