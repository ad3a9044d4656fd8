// Package fits adds the scaling-law fits of report/scaling to the report:
// per run, case and model, Amdahl's law, the Universal Scalability Law,
// the Karp-Flatt metric and COST fitted to the points that are not
// oversubscribed, with 95% bootstrap intervals; the projections of the
// fitted curves on each case's speedup chart; and a section with the
// parameters, a COST table, a Karp-Flatt chart and a box plot of each
// model's samples at the largest fitted core count.
//
// Its [Analyzer] stores an [*Analysis] in Report.Extensions under [Key];
// the Analysis is a [report.SpeedupDecorator], so [report.CasesSection]
// draws its projections with no further wiring. [Section] renders the rest.
package fits

import (
	"fmt"
	"maps"
	"slices"

	"concbench/report"
	"concbench/report/scaling"
)

// Key is the name of the analysis in Report.Extensions.
const Key = "fits"

// Analyzer fits the scaling laws to every case and model of a report.
type Analyzer struct {
	// Options configures each fit; its zero value uses scaling's
	// defaults (1000 resamples, a projection up to 128 cores), at the
	// report's confidence level unless Options.Confidence is set.
	Options scaling.Options
}

// Name implements report.Analyzer.
func (Analyzer) Name() string { return Key }

// An Analysis holds the fits of every case of a report.
type Analysis struct {
	// Projection lists the core counts the fitted curves are evaluated
	// at.
	Projection []int `json:"projection"`
	// Runs holds one entry per run of the report, in its order.
	Runs []Run `json:"runs"`

	byCase map[string]*Case
}

// A Run is the fits of one run of the report.
type Run struct {
	ID string `json:"id"`
	// NCPU is the run's CPU count; 0 when the results do not say, and
	// then no point is known to be oversubscribed.
	NCPU  int    `json:"ncpu"`
	Cases []Case `json:"cases"`
}

// A Case is the fits of one case: every model's series of its primary
// unit, turned into throughputs.
type Case struct {
	// ID is the case's ID in the report.
	ID   string `json:"id"`
	Name string `json:"name"`
	// Unit is the unit fitted, the case's primary one. A unit where
	// lower is better (sec/op) is fitted as its reciprocal.
	Unit string `json:"unit"`
	// Procs lists the core counts fitted: those not oversubscribed.
	Procs []int `json:"procs"`
	// Excluded lists the oversubscribed core counts left out.
	Excluded []int `json:"excluded,omitempty"`
	// Reference is the model COST is measured against (the report's
	// baseline); "" when the case has none, and then there is no COST.
	Reference string `json:"reference,omitempty"`
	// BoxProcs is the core count of the box plots: the largest fitted
	// core count that every model ran at.
	BoxProcs int     `json:"boxProcs"`
	Models   []Model `json:"models"`
}

// A Model is one model's fits in a case.
type Model struct {
	Model string `json:"model"`
	// IsReference is set for the COST reference itself, whose own COST
	// is not shown.
	IsReference bool             `json:"isReference,omitempty"`
	Fit         scaling.Analysis `json:"fit"`
	// Box summarises the model's samples at the case's BoxProcs, in the
	// case's unit; nil when it has none there.
	Box *Box `json:"box,omitempty"`
}

// A Box is a box plot's summary of one sample: the quartiles (linear
// interpolation between order statistics), the whiskers at the most
// extreme values within 1.5 interquartile ranges of the box, and the
// values beyond them.
type Box struct {
	N        int       `json:"n"`
	Low      float64   `json:"low"`
	Q1       float64   `json:"q1"`
	Median   float64   `json:"median"`
	Q3       float64   `json:"q3"`
	High     float64   `json:"high"`
	Outliers []float64 `json:"outliers"`
}

// From returns the Analysis the Analyzer stored in rep, or nil.
func From(rep *report.Report) *Analysis { return report.Extension[*Analysis](rep, Key) }

// Case returns the fits of the case with the report's case ID id, or nil.
func (a *Analysis) Case(id string) *Case {
	if a == nil {
		return nil
	}
	return a.byCase[id]
}

// Analyze implements report.Analyzer.
func (an Analyzer) Analyze(g *report.Grouping, rep *report.Report) (any, error) {
	o := an.Options
	if o.Confidence == 0 {
		o.Confidence = rep.Confidence
	}
	if o.Project == nil {
		o.Project = scaling.DefaultProjection()
	}
	// An invalid option fails here, once, rather than in every case.
	if _, err := scaling.Analyze(nil, nil, o); err != nil {
		return nil, err
	}
	a := &Analysis{Projection: o.Project, Runs: make([]Run, len(rep.Runs)), byCase: map[string]*Case{}}
	type job struct{ ri, ci int }
	var jobs []job
	for ri := range rep.Runs {
		run := &rep.Runs[ri]
		a.Runs[ri] = Run{ID: run.ID, NCPU: run.NCPU, Cases: make([]Case, len(run.Cases))}
		for ci := range run.Cases {
			jobs = append(jobs, job{ri, ci})
		}
	}
	// Cases are fitted in parallel: each writes only its own entry.
	report.ParallelFor(len(jobs), func(i int) {
		j := jobs[i]
		a.Runs[j.ri].Cases[j.ci] = analyzeCase(g.Runs[j.ri].Cases[j.ci], &rep.Runs[j.ri].Cases[j.ci], rep.Baseline, o)
	})
	for ri := range a.Runs {
		for ci := range a.Runs[ri].Cases {
			c := &a.Runs[ri].Cases[ci]
			a.byCase[c.ID] = c
		}
	}
	return a, nil
}

// analyzeCase fits every model of one case.
func analyzeCase(cg *report.CaseGroup, c *report.Case, baseline string, o scaling.Options) Case {
	fc := Case{ID: c.ID, Name: c.FullName()}
	t := c.Primary()
	if t == nil {
		return fc
	}
	fc.Unit = t.Unit
	fitted, excluded := map[int]bool{}, map[int]bool{}
	points := make([][]scaling.Point, len(t.Models))
	for i, m := range t.Models {
		for _, p := range m.Points {
			if p.Oversubscribed {
				excluded[p.Procs] = true
				continue
			}
			b := cg.Benchmark(m.Model, p.Procs)
			if b == nil {
				continue
			}
			s := b.Sample(t.Unit)
			if s == nil {
				continue
			}
			fitted[p.Procs] = true
			xs := s.Values
			if !t.HigherIsBetter {
				xs = scaling.Throughputs(xs)
			}
			points[i] = append(points[i], scaling.Point{N: p.Procs, X: xs})
		}
	}
	fc.Procs = slices.Sorted(maps.Keys(fitted))
	fc.Excluded = slices.Sorted(maps.Keys(excluded))
	var ref *scaling.Reference
	for i, m := range t.Models {
		if m.Model == baseline && len(points[i]) > 0 {
			ref = scaling.NewReference(points[i])
			fc.Reference = baseline
		}
	}
	fc.BoxProcs = boxProcs(cg, t, fc.Procs)
	for i, m := range t.Models {
		fit, err := scaling.Analyze(points[i], ref, o)
		if err != nil {
			// The options were checked in Analyze; a Reference is
			// always built with the same ones.
			panic(fmt.Sprintf("fits: %v", err))
		}
		fm := Model{Model: m.Model, IsReference: ref != nil && m.Model == baseline, Fit: fit}
		if b := cg.Benchmark(m.Model, fc.BoxProcs); b != nil {
			if s := b.Sample(t.Unit); s != nil {
				fm.Box = newBox(s.Values)
			}
		}
		fc.Models = append(fc.Models, fm)
	}
	return fc
}

// boxProcs returns the largest of procs that every model of t ran at, or
// the largest of procs when there is none; 0 without procs.
func boxProcs(cg *report.CaseGroup, t *report.UnitTable, procs []int) int {
	for i := len(procs) - 1; i >= 0; i-- {
		all := true
		for _, m := range t.Models {
			all = all && cg.Benchmark(m.Model, procs[i]) != nil
		}
		if all {
			return procs[i]
		}
	}
	if len(procs) == 0 {
		return 0
	}
	return procs[len(procs)-1]
}

// newBox summarises values as a box plot; nil when there are none that
// are finite.
func newBox(values []float64) *Box {
	xs := make([]float64, 0, len(values))
	for _, v := range values {
		if v == v && v-v == 0 { // finite
			xs = append(xs, v)
		}
	}
	if len(xs) == 0 {
		return nil
	}
	slices.Sort(xs)
	q := func(p float64) float64 {
		h := p * float64(len(xs)-1)
		i := int(h)
		if i+1 >= len(xs) {
			return xs[len(xs)-1]
		}
		return xs[i] + (h-float64(i))*(xs[i+1]-xs[i])
	}
	b := &Box{N: len(xs), Q1: q(0.25), Median: q(0.5), Q3: q(0.75), Outliers: []float64{}}
	iqr := b.Q3 - b.Q1
	lo, hi := b.Q1-1.5*iqr, b.Q3+1.5*iqr
	b.Low, b.High = b.Q1, b.Q3
	for _, x := range xs {
		if x < lo || x > hi {
			b.Outliers = append(b.Outliers, x)
			continue
		}
		b.Low, b.High = min(b.Low, x), max(b.High, x)
	}
	return b
}
