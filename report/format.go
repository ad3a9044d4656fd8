package report

import (
	"math"
	"strconv"
	"strings"

	"golang.org/x/perf/benchunit"
)

// FormatValue formats a measurement in unit the way benchstat does, with an
// SI or binary prefix ("1.234m" for 0.001234 sec/op).
func FormatValue(v float64, unit string) string {
	return benchunit.Scale(v, benchunit.ClassOf(unit))
}

// formatRange formats the interval of an estimate as "±3%", "∞" without
// one, or "?" when it cannot be a percentage.
func formatRange(p Estimate) string {
	if p.Lo == nil || p.Hi == nil {
		return "∞"
	}
	if p.Median == 0 {
		return "0%"
	}
	if math.Signbit(p.Median) != math.Signbit(*p.Lo) || math.Signbit(p.Median) != math.Signbit(*p.Hi) {
		return "?"
	}
	v := math.Max(*p.Hi/p.Median-1, 1-*p.Lo/p.Median)
	return "±" + strconv.FormatFloat(100*v, 'f', 0, 64) + "%"
}

// formatSpeedup formats a speedup as "2.31× [2.10, 2.50] p=0.002", with "~"
// when it is not significant; "" for nil.
func formatSpeedup(r *Speedup) string {
	if r == nil {
		return ""
	}
	if r.Reference {
		return "1.00× (reference)"
	}
	// strconv rather than fmt: a large report formats hundreds of
	// thousands of these.
	b := make([]byte, 0, 40)
	b = strconv.AppendFloat(b, r.Value, 'f', 2, 64)
	b = append(b, "×"...)
	if r.Lo != nil && r.Hi != nil {
		b = append(b, " ["...)
		b = strconv.AppendFloat(b, *r.Lo, 'f', 2, 64)
		b = append(b, ", "...)
		b = strconv.AppendFloat(b, *r.Hi, 'f', 2, 64)
		b = append(b, ']')
	}
	if !r.Significant {
		b = append(b, " ~"...)
	}
	b = append(b, ' ')
	return string(AppendP(b, r.Test))
}

// AppendP appends a test's p-values to b: "p=0.002" for the raw p-value
// and, when the correction for multiple testing changed it, the adjusted
// one, "p=0.002 adj=0.031".
func AppendP(b []byte, t Test) []byte {
	b = append(b, "p="...)
	b = strconv.AppendFloat(b, t.P, 'f', 3, 64)
	if t.PAdj != t.P {
		b = append(b, " adj="...)
		b = strconv.AppendFloat(b, t.PAdj, 'f', 3, 64)
	}
	return b
}

// FormatFraction formats a fraction as a percentage, "83%"; "" for nil.
func FormatFraction(f *float64) string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(*f*100, 'f', 0, 64) + "%"
}

// FormatEstimate formats a median and its interval as "3.1m ±4%".
func FormatEstimate(e Estimate, unit string) string {
	return FormatValue(e.Median, unit) + " " + formatRange(e)
}

// FormatPercent formats a ratio as a signed change, "+3.2%" for 1.032.
func FormatPercent(ratio float64) string {
	s := strconv.FormatFloat(100*(ratio-1), 'f', 1, 64)
	if s == "-0.0" {
		s = "0.0"
	}
	if !strings.HasPrefix(s, "-") {
		s = "+" + s
	}
	return s + "%"
}
