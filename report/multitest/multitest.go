// Package multitest adjusts the p-values of a family of tests read
// together, so that "significant" keeps its meaning when a report makes
// hundreds of comparisons at once. It needs nothing of the report.
//
// With m tests at level α each, about α·m of them are significant by
// chance alone when nothing differs. An adjusted p-value is compared with
// α as a raw one is, but the error it bounds is the family's:
//
//   - [Holm] (Holm 1979, "A simple sequentially rejective multiple test
//     procedure", Scandinavian Journal of Statistics 6(2):65–70) bounds
//     the family-wise error rate: the chance that even one of the tests
//     that come out significant is a false positive is at most α, whatever
//     the dependence between the tests.
//   - [BH] (Benjamini and Hochberg 1995, "Controlling the false discovery
//     rate: a practical and powerful approach to multiple testing", Journal
//     of the Royal Statistical Society B 57(1):289–300) bounds the false
//     discovery rate: on average at most a fraction α of the tests that
//     come out significant are false positives (for independent or
//     positively dependent tests); it keeps more real differences than Holm.
//
// The adjusted values are those of R's p.adjust with method "holm" and
// "BH".
package multitest

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// A Method is a correction for multiple testing.
type Method string

// The methods. The zero Method is Holm.
const (
	// Holm is the Holm-Bonferroni step-down method: it controls the
	// family-wise error rate.
	Holm Method = "holm"
	// BH is the Benjamini-Hochberg step-up method: it controls the false
	// discovery rate.
	BH Method = "bh"
	// None leaves the p-values as they are.
	None Method = "none"
)

// Methods lists the methods by name, the default first.
func Methods() []Method { return []Method{Holm, BH, None} }

// ParseMethod returns the method named s ("holm", "bh" or "none"; ""
// means holm).
func ParseMethod(s string) (Method, error) {
	if s == "" {
		return Holm, nil
	}
	for _, m := range Methods() {
		if string(m) == s {
			return m, nil
		}
	}
	return "", fmt.Errorf("correction %q is not one of holm, bh, none", s)
}

// String returns the method's name, "holm" for the zero Method.
func (m Method) String() string { return string(cmp.Or(m, Holm)) }

// Title names the method for a reader, such as "Holm-Bonferroni".
func (m Method) Title() string {
	switch cmp.Or(m, Holm) {
	case Holm:
		return "Holm-Bonferroni"
	case BH:
		return "Benjamini-Hochberg"
	}
	return "no correction"
}

// Controls says which error the method bounds at the level α, such as
// "the family-wise error rate".
func (m Method) Controls() string {
	switch cmp.Or(m, Holm) {
	case Holm:
		return "the family-wise error rate"
	case BH:
		return "the false discovery rate"
	}
	return "the error of each test alone"
}

// Adjust returns the adjusted p-values of a family, in the order of p:
// adjusted[i] is significant at level α when adjusted[i] < α. Each adjusted
// value is at least the raw one and at most 1. A NaN p-value is treated as
// 1. It panics on an unknown method.
func Adjust(m Method, p []float64) []float64 {
	n := len(p)
	out := make([]float64, n)
	for i, v := range p {
		if math.IsNaN(v) {
			v = 1
		}
		out[i] = min(max(v, 0), 1)
	}
	if n < 2 {
		return out
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(out[a], out[b]) })
	switch cmp.Or(m, Holm) {
	case None:
		return out
	case Holm:
		// The k-th smallest p-value (from 0) is multiplied by the n-k
		// hypotheses still in play, and no adjusted value may fall below
		// a smaller p-value's.
		running := 0.0
		adj := make([]float64, n)
		for k, i := range order {
			running = max(running, min(1, float64(n-k)*out[i]))
			adj[i] = running
		}
		return adj
	case BH:
		// From the largest down: the k-th smallest (from 1) times n/k,
		// and no adjusted value may exceed a larger p-value's.
		running := 1.0
		adj := make([]float64, n)
		for k := n - 1; k >= 0; k-- {
			i := order[k]
			running = min(running, float64(n)/float64(k+1)*out[i])
			adj[i] = running
		}
		return adj
	}
	panic(fmt.Sprintf("multitest: unknown method %q", string(m)))
}
