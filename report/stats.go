package report

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"golang.org/x/perf/benchfmt"
	"golang.org/x/perf/benchmath"

	"concbench/report/multitest"
)

// The default confidence level of every interval and significance level of
// every test, benchstat's.
const (
	DefaultConfidence = 0.95
	DefaultAlpha      = 0.05
)

// Stats makes every summary and every comparison of a report, so that a
// unit is summarised and tested the same way wherever it appears: in the
// cases, in the Go versions section and in the regression gate. It holds
// the results' unit metadata, which says for each unit whether higher
// values are better and which distribution to assume (x/perf's benchfmt
// "Unit" lines, such as "Unit allocs/op assume=exact"), the confidence
// level of the intervals and the significance level of the tests.
type Stats struct {
	units      benchfmt.UnitMetadataMap
	confidence float64
	thresholds benchmath.Thresholds
}

// NewStats returns the statistics of results whose unit metadata is units
// (a [results.Dataset]'s Units), with intervals at the confidence level
// (0 means [DefaultConfidence]) and tests at the significance level alpha
// (0 means [DefaultAlpha]). It fails when either is not between 0 and 1.
func NewStats(units benchfmt.UnitMetadataMap, confidence, alpha float64) (*Stats, error) {
	if confidence == 0 {
		confidence = DefaultConfidence
	}
	if confidence <= 0 || confidence >= 1 {
		return nil, fmt.Errorf("confidence %v is not between 0 and 1", confidence)
	}
	if alpha == 0 {
		alpha = DefaultAlpha
	}
	if alpha <= 0 || alpha >= 1 {
		return nil, fmt.Errorf("alpha %v is not between 0 and 1", alpha)
	}
	st := &Stats{units: units, confidence: confidence, thresholds: benchmath.DefaultThresholds}
	st.thresholds.CompareAlpha = alpha
	return st, nil
}

// Confidence returns the confidence level of every interval, such as 0.95.
func (st *Stats) Confidence() float64 { return st.confidence }

// Alpha returns the significance level of every test, such as 0.05.
func (st *Stats) Alpha() float64 { return st.thresholds.CompareAlpha }

// Assumption returns the distribution assumed for values of unit:
// benchmath.AssumeExact when the results declare the unit assume=exact,
// else benchmath.AssumeNothing (a median and a Mann-Whitney U test), as
// benchstat does.
func (st *Stats) Assumption(unit string) benchmath.Assumption {
	return st.units.GetAssumption(unit)
}

// HigherIsBetter reports whether larger values of unit are improvements:
// from a "Unit ... better=higher" metadata line, else from benchfmt's
// defaults, else for any rate ("/s").
func (st *Stats) HigherIsBetter(unit string) bool {
	switch st.units.GetBetter(unit) {
	case 1:
		return true
	case -1:
		return false
	}
	return strings.HasSuffix(unit, "/s")
}

// An Estimate is the centre of a sample with its interval: the median, or
// the mode for a unit assumed exact.
type Estimate struct {
	// Median is the centre.
	Median float64 `json:"median"`
	// Lo and Hi bound the median at the report's confidence level; nil
	// when there are too few measurements for an interval.
	Lo *float64 `json:"lo"`
	Hi *float64 `json:"hi"`
	// N is the number of measurements.
	N int `json:"n"`
}

// A Summary is one sample summarised under its unit's assumption, ready to
// be compared with another by [Compare].
type Summary struct {
	Estimate
	sample     *benchmath.Sample
	assumption benchmath.Assumption
	stats      *Stats
}

// Summarize summarises the values of one sample of unit. It sorts a copy:
// the values keep the order they were measured in.
func (st *Stats) Summarize(unit string, values []float64) *Summary {
	a := st.Assumption(unit)
	s := benchmath.NewSample(slices.Clone(values), &st.thresholds)
	sum := a.Summary(s, st.confidence)
	out := &Summary{Estimate: Estimate{Median: sum.Center, N: len(values)}, sample: s, assumption: a, stats: st}
	if finite(sum.Lo) && finite(sum.Hi) {
		out.Lo, out.Hi = new(sum.Lo), new(sum.Hi)
	}
	return out
}

// Exact reports whether the sample's unit is assumed exact, in which case
// it needs no more than one measurement.
func (s *Summary) Exact() bool { return s.assumption == benchmath.AssumeExact }

// A Test is the outcome of the significance test of one comparison.
type Test struct {
	// P is the p-value of the test that the two samples come from the
	// same distribution: a Mann-Whitney U test or, for a unit assumed
	// exact, 0 when the values differ and 1 when they do not.
	P float64 `json:"p"`
	// PAdj is P adjusted for the multiple testing of its family (see
	// [Family.Adjust]); P itself until it is adjusted, or when the
	// correction is none.
	PAdj float64 `json:"pAdj"`
	// Significant reports whether PAdj is below the significance level.
	Significant bool `json:"significant"`
}

// A Comparison is one sample against a reference sample of the same
// benchmark and unit. It is the report's one comparison: the cases'
// speedups, the Go versions section's changes and the gate's slowdowns are
// all made by [Compare] and read with [Comparison.Ratio] or
// [Comparison.Speedup].
type Comparison struct {
	// Ref and New summarise the reference and the compared sample.
	Ref, New Estimate
	Test
}

// Compare compares the sample s with the reference ref, two summaries of
// one unit made by the same [Stats].
func Compare(ref, s *Summary) Comparison {
	c := Comparison{Ref: ref.Estimate, New: s.Estimate}
	if ref.Exact() {
		// benchmath's exact test returns P 0 and alpha 0 whatever the
		// values: any difference is real, and none is no change.
		c.P = 0
		if ref.Median == s.Median {
			c.P = 1
		}
	} else {
		c.P = ref.assumption.Compare(ref.sample, s.sample).P
	}
	c.PAdj = c.P
	c.Significant = c.P < ref.stats.Alpha()
	return c
}

// Ratio returns the new median over the reference median, the one
// orientation of a comparison: above 1 the values grew (more time per
// operation, more items per second), as benchstat's delta column reads.
// Its interval pairs the two medians' intervals the most pessimistic and
// the most optimistic way, [New.Lo/Ref.Hi, New.Hi/Ref.Lo]; the bounds are
// nil when either sample has no interval or a lower bound is not positive.
// The ratio is 0 when the reference median is.
func (c Comparison) Ratio() (ratio float64, lo, hi *float64) {
	return ratioOf(c.New, c.Ref)
}

// Speedup returns the comparison as an improvement factor, above 1 when
// the new sample is better: the ratio itself for a unit where higher is
// better, and for any other unit the reference median over the new one,
// its interval paired the same way. It divides the medians rather than
// inverting the ratio, so that a speedup is exactly the quotient of the
// medians it is drawn from.
func (c Comparison) Speedup(higherIsBetter bool) (speedup float64, lo, hi *float64) {
	if higherIsBetter {
		return ratioOf(c.New, c.Ref)
	}
	return ratioOf(c.Ref, c.New)
}

// ratioOf returns a's median over b's with the interval of the quotient.
func ratioOf(a, b Estimate) (ratio float64, lo, hi *float64) {
	if b.Median != 0 {
		ratio = a.Median / b.Median
	}
	if a.Lo != nil && b.Lo != nil && *a.Lo > 0 && *b.Lo > 0 {
		lo, hi = new(*a.Lo / *b.Hi), new(*a.Hi / *b.Lo)
	}
	return ratio, lo, hi
}

// A Family is a set of comparisons that are read together, such as every
// speedup of one table: the unit of a correction for multiple testing,
// which adjusts the p-values of a family together and rewrites each
// [Test] of it in place.
type Family struct {
	// Name says which comparisons these are, such as
	// "r1-c2 sec/op vs serial@1".
	Name string
	// Kind says what the family compares, the same for every family of
	// one table of one section, such as "speedup vs serial@1" or "Go
	// versions".
	Kind string
	// Alpha is the significance level the tests were judged at.
	Alpha float64
	// Tests points at the outcome of every comparison of the family,
	// where the report holds it.
	Tests []*Test
}

// Adjust adjusts the p-values of the family's tests together with method
// m (see package multitest), writing each test's PAdj and judging its
// Significant at the family's Alpha; P, the raw p-value, is kept.
func (f Family) Adjust(m multitest.Method) {
	p := make([]float64, len(f.Tests))
	for i, t := range f.Tests {
		p[i] = t.P
	}
	for i, adj := range multitest.Adjust(m, p) {
		f.Tests[i].PAdj = adj
		f.Tests[i].Significant = adj < f.Alpha
	}
}

// A FamilyLister is analysed data that holds comparisons: an [Analyzer]'s
// data implements it so that [Report.Families] finds them.
type FamilyLister interface {
	// Families returns the families of the data's comparisons.
	Families() []Family
}

// Families returns every family of comparisons the report holds: for each
// case and unit with speedups, one family of the speedups against the
// baseline model at one core and one of the speedups against each model's
// own one-core result; then the families of every extension that is a
// [FamilyLister], in the order of their names. It is the one place a
// correction for multiple testing finds every comparison.
func (rep *Report) Families() []Family {
	out := rep.caseFamilies()
	names := slices.Sorted(maps.Keys(rep.Extensions))
	for _, name := range names {
		if l, ok := rep.Extensions[name].(FamilyLister); ok {
			out = append(out, l.Families()...)
		}
	}
	return out
}

// alpha returns the significance level of the report's tests.
func (rep *Report) alpha() float64 {
	if rep.Stats != nil {
		return rep.Stats.Alpha()
	}
	return DefaultAlpha
}

// caseFamilies returns the families of the cases' speedups.
func (rep *Report) caseFamilies() []Family {
	alpha := rep.alpha()
	var out []Family
	for ri := range rep.Runs {
		for ci := range rep.Runs[ri].Cases {
			c := &rep.Runs[ri].Cases[ci]
			for ti := range c.Units {
				t := &c.Units[ti]
				base := Family{Name: c.ID + " " + t.Unit + " vs " + rep.Baseline + "@1", Kind: "speedup vs " + rep.Baseline + "@1", Alpha: alpha}
				self := Family{Name: c.ID + " " + t.Unit + " vs own@1", Kind: "speedup vs own@1", Alpha: alpha}
				for mi := range t.Models {
					for pi := range t.Models[mi].Points {
						p := &t.Models[mi].Points[pi]
						if p.VsBaseline != nil && !p.VsBaseline.Reference {
							base.Tests = append(base.Tests, &p.VsBaseline.Test)
						}
						// The baseline model's own speedups are its
						// speedups against the baseline: one test.
						if p.VsSelf != nil && !p.VsSelf.Reference && p.VsSelf != p.VsBaseline {
							self.Tests = append(self.Tests, &p.VsSelf.Test)
						}
					}
				}
				for _, f := range []Family{base, self} {
					if len(f.Tests) > 0 {
						out = append(out, f)
					}
				}
			}
		}
	}
	return out
}

func finite(x float64) bool { return !math.IsInf(x, 0) && !math.IsNaN(x) }
