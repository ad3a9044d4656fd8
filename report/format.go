package report

import (
	"fmt"
	"math"
	"strings"

	"golang.org/x/perf/benchunit"
)

// formatValue formats a measurement in unit the way benchstat does, with an
// SI or binary prefix ("1.234m" for 0.001234 sec/op).
func formatValue(v float64, unit string) string {
	return benchunit.Scale(v, benchunit.ClassOf(unit))
}

// formatRange formats a point's interval as "±3%", "∞" without one, or "?"
// when it cannot be a percentage.
func formatRange(p Point) string {
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
	return fmt.Sprintf("±%.0f%%", 100*v)
}

// formatRatio formats a speedup as "2.31× [2.10, 2.50] p=0.002", with "~"
// when it is not significant; "" for nil.
func formatRatio(r *Ratio) string {
	if r == nil {
		return ""
	}
	if r.Reference {
		return "1.00× (reference)"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%.2f×", r.Value)
	if r.Lo != nil && r.Hi != nil {
		fmt.Fprintf(&b, " [%.2f, %.2f]", *r.Lo, *r.Hi)
	}
	switch {
	case r.Significant:
		fmt.Fprintf(&b, " p=%.3f", r.P)
	default:
		fmt.Fprintf(&b, " ~ p=%.3f", r.P)
	}
	return b.String()
}

func formatFraction(f *float64) string {
	if f == nil {
		return ""
	}
	return fmt.Sprintf("%.0f%%", *f*100)
}
