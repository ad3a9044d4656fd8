package checks

import (
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"

	"concbench/report"
	"concbench/report/stability"
)

// Section renders the [Summary] of a report: the correction for multiple
// testing with the significant comparisons before and after it, and the
// benchmarks flagged by the stability checks.
type Section struct{}

// ID implements report.Section.
func (Section) ID() string { return "checks" }

// Title implements report.Section.
func (Section) Title() string { return "How far to trust the verdicts" }

// maxListed bounds the flagged benchmarks listed; every one of them is
// also a warning.
const maxListed = 100

// correctionText says what the correction does, in one paragraph.
func correctionText(rep *report.Report, s Summary) string {
	alpha := strconv.FormatFloat(s.Alpha, 'g', -1, 64)
	percent := strconv.FormatFloat(100*s.Alpha, 'g', -1, 64) + "%"
	if rep.Correction == "none" {
		return "The p-values are not corrected for multiple testing: each comparison is significant when its own p-value is below α = " + alpha + ", so about " + percent + " of the comparisons of samples that do not differ come out significant by chance."
	}
	return "Each table's comparisons are one family, whose p-values are adjusted together by " + s.Correction + ", which keeps " + rep.Correction.Controls() + " of each family at α = " + alpha + ": a comparison is significant (no \"~\") when its adjusted p-value (adj=) is below α; the raw p-value (p=) stays beside it. Without a correction, about " + percent + " of the comparisons of samples that do not differ would come out significant by chance."
}

func stabilityText(s Summary) string {
	return fmt.Sprintf("Each benchmark's sample of its case's primary unit is checked: drift (a Mann-Kendall trend against the round each value was measured in, at α = %s, screened benchmark by benchmark, so about %s%% of steady benchmarks are flagged by chance), noise (a coefficient of variation above 10%%), outliers (beyond Tukey's fences, kept) and too few samples. %d of the %d significant speedups against the baseline in the cases' primary units rest on a drifting sample.",
		strconv.FormatFloat(s.Alpha, 'g', -1, 64), strconv.FormatFloat(100*s.Alpha, 'g', -1, 64), s.OnDrift, s.Significant)
}

func flaggedText(s Summary) string {
	parts := make([]string, len(s.Flagged))
	for i, f := range s.Flagged {
		parts[i] = fmt.Sprintf("%s %d", f.Kind, f.N)
	}
	return fmt.Sprintf("Of %d benchmarks checked, flagged: %s.", s.Checked, strings.Join(parts, ", "))
}

// HTML implements report.Section.
func (Section) HTML(rep *report.Report) (report.Fragment, error) {
	s := Summarize(rep)
	var b strings.Builder
	b.WriteString(`<p class="muted">` + report.Escape(correctionText(rep, s)) + "</p>\n")
	if len(s.Kinds) > 0 {
		b.WriteString(`<table>` + "\n" + `<tr><th class="l">comparisons</th><th>families</th><th>tests</th><th>significant (raw p)</th><th>significant (adjusted)</th></tr>` + "\n")
		for _, k := range s.Kinds {
			fmt.Fprintf(&b, `<tr><td class="l">%s</td><td>%d</td><td>%d</td><td>%d</td><td>%d</td></tr>`+"\n", report.Escape(k.Kind), k.Families, k.Tests, k.Raw, k.Adjusted)
		}
		b.WriteString("</table>\n")
	}
	b.WriteString(`<p class="muted">` + report.Escape(stabilityText(s)) + "</p>\n")
	b.WriteString("<p>" + report.Escape(flaggedText(s)) + "</p>\n")
	if len(s.Benchmarks) > 0 {
		b.WriteString(`<table>` + "\n" + `<tr><th class="l">benchmark</th><th>median</th><th class="l">flags</th></tr>` + "\n")
		for i, f := range s.Benchmarks {
			if i == maxListed {
				fmt.Fprintf(&b, `<tr><td class="l" colspan="3">… and %d more (see the warnings)</td></tr>`+"\n", len(s.Benchmarks)-i)
				break
			}
			b.WriteString(`<tr><td class="l">` + report.Escape(f.Benchmark) + "</td><td>" + report.Escape(f.Median) + `</td><td class="l">` + report.Escape(stability.Join(f.Flags)) + "</td></tr>\n")
		}
		b.WriteString("</table>\n")
	}
	return report.Fragment{HTML: template.HTML(b.String())}, nil
}

// maxMarkdownListed bounds the flagged benchmarks of the Markdown summary.
const maxMarkdownListed = 20

// Markdown implements report.Section.
func (Section) Markdown(w io.Writer, rep *report.Report) error {
	s := Summarize(rep)
	var b strings.Builder
	b.WriteString(report.MarkdownText(correctionText(rep, s)) + "\n\n")
	if len(s.Kinds) > 0 {
		b.WriteString("| comparisons | families | tests | significant (raw p) | significant (adjusted) |\n|:--|--:|--:|--:|--:|\n")
		for _, k := range s.Kinds {
			// A kind is the report's own text, with the baseline's name;
			// MarkdownText would escape its "@".
			fmt.Fprintf(&b, "| %s | %d | %d | %d | %d |\n", strings.ReplaceAll(k.Kind, "|", `\|`), k.Families, k.Tests, k.Raw, k.Adjusted)
		}
		b.WriteString("\n")
	}
	b.WriteString(report.MarkdownText(stabilityText(s)) + " " + report.MarkdownText(flaggedText(s)) + "\n\n")
	for i, f := range s.Benchmarks {
		if i == maxMarkdownListed {
			fmt.Fprintf(&b, "- … and %d more (see report.html)\n", len(s.Benchmarks)-i)
			break
		}
		fmt.Fprintf(&b, "- %s: %s (%s)\n", report.MarkdownText(f.Benchmark), report.MarkdownText(f.Median), stability.Join(f.Flags))
	}
	if len(s.Benchmarks) > 0 {
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}
