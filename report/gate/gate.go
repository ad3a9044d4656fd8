// Package gate is the regression gate for CI: [Check] compares new results
// with a baseline benchmark by benchmark and names every benchmark that got
// significantly slower by more than a tolerated fraction, and every model
// whose parallel efficiency fell below a floor.
package gate

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	"golang.org/x/perf/benchfmt"

	"concbench/report"
	"concbench/report/multitest"
	"concbench/report/results"
)

// DefaultMaxSlowdown is the slowdown the regression gate tolerates by
// default: a benchmark fails it when its median time per operation grew by
// more than 5% and the growth is significant.
const DefaultMaxSlowdown = 0.05

// Options configures [Check]. The zero value flags every significant
// slowdown, however small, at alpha 0.05, and checks no efficiency.
type Options struct {
	// MaxSlowdown is the largest tolerated growth of the median time per
	// operation, as a fraction (0.05 is 5%); a benchmark fails only when it
	// grew by more and the growth is significant. The command's default
	// is DefaultMaxSlowdown.
	MaxSlowdown float64
	// MinEfficiency is the floor of every model's parallel efficiency
	// (speedup divided by cores) at the largest core count that is not
	// oversubscribed, in the new results, as a fraction; 0 turns the check
	// off. The baseline model is exempt: its efficiency is 1/cores by
	// construction.
	MinEfficiency float64
	// Alpha is the significance level of the family of the gate's
	// Mann-Whitney U tests, one per benchmark; 0 means 0.05.
	Alpha float64
	// Correction adjusts the p-values of the gate's tests together, as one
	// family, before any is judged; the zero value is multitest.Holm, so
	// that the chance of naming any benchmark that did not change is at
	// most Alpha.
	Correction multitest.Method
	// Analyze configures the analysis of the new results for the
	// efficiency check (its baseline model and confidence level).
	Analyze report.AnalyzeOptions
	// AllowOtherMachine lets Check compare a baseline whose SetupKeys
	// differ from the new results', with a warning, rather than fail.
	AllowOtherMachine bool
}

// A Result is the outcome of the regression gate.
type Result struct {
	// Compared counts the benchmarks found in both result sets.
	Compared int `json:"compared"`
	// Slower and Faster count the significant changes of any size, by
	// their adjusted p-values.
	Slower int `json:"slower"`
	Faster int `json:"faster"`
	// RawSignificant counts the changes whose raw p-value is below Alpha,
	// before the correction.
	RawSignificant int `json:"rawSignificant"`
	// Correction is the correction applied to the family of the tests.
	Correction multitest.Method `json:"correction"`
	// Note, when not empty, says that the samples are too small for any
	// benchmark to be significant after the correction, and what to do.
	Note string `json:"note,omitempty"`
	// OnlyBase and OnlyNew count the benchmarks found on one side only.
	OnlyBase int `json:"onlyBase"`
	OnlyNew  int `json:"onlyNew"`
	// EfficiencyChecked counts the model efficiencies checked.
	EfficiencyChecked int `json:"efficiencyChecked"`
	// Offenders lists every benchmark that failed the gate.
	Offenders []Offender `json:"offenders"`
	// Warnings lists the differences between the setups compared that
	// Check let through: another toolchain, or another machine when
	// allowed.
	Warnings []string `json:"warnings,omitempty"`
}

// Failed reports whether any benchmark failed the gate.
func (r *Result) Failed() bool { return len(r.Offenders) > 0 }

// An Offender is one benchmark that failed the gate.
type Offender struct {
	// Kind is "slowdown" or "efficiency".
	Kind string `json:"kind"`
	// Benchmark is the full benchmark name, with its run's keys when the
	// results hold several runs.
	Benchmark string `json:"benchmark"`
	// Msg says by how much, against which threshold.
	Msg string `json:"msg"`
}

// String formats the offender as "benchmark: msg".
func (o Offender) String() string { return o.Benchmark + ": " + o.Msg }

// checkKey identifies one benchmark of one run.
type checkKey struct {
	name string // full name: case, model, params and -procs
	unit string
}

// checkRun holds one run's samples of the gate's unit.
type checkRun struct {
	label string
	// setup holds the run's values of SetupKeys and ToolchainKeys.
	setup   map[string]string
	samples map[checkKey][]float64
	order   []checkKey
}

// comparison is one benchmark of a new run compared with its baseline.
type comparison struct {
	key      checkKey
	prefix   string
	baseN    int
	newN     int
	compared report.Comparison
}

// Check is the regression gate: it compares the new results with the
// baseline benchmark by benchmark and reports as offenders each benchmark
// whose time per operation grew significantly (Mann-Whitney U, its p-value
// adjusted over every benchmark compared below alpha, or any growth of a
// unit declared assume=exact) by more than MaxSlowdown,
// and, when MinEfficiency is set, each model whose parallel efficiency at
// the largest core count in the new results is below it.
//
// Each run of the new results (one toolchain on one machine, ...) is
// compared with the baseline run that has the same split-by keys or, when
// there is none and the baseline holds a single run, with that run, so
// that a new toolchain or a new machine can be checked against an old
// baseline. Check fails when a new run has no baseline run to compare
// with, when the baseline comes from another machine or setup (its
// SetupKeys differ) unless AllowOtherMachine is set, or when no benchmark
// is found on both sides; a baseline of another toolchain is compared with
// a warning.
func Check(base, cur *results.Dataset, opts Options) (*Result, error) {
	if opts.MaxSlowdown < 0 {
		return nil, fmt.Errorf("max slowdown %v is negative", opts.MaxSlowdown)
	}
	if opts.MinEfficiency < 0 || opts.MinEfficiency > 1 {
		return nil, fmt.Errorf("min efficiency %v is not between 0 and 1", opts.MinEfficiency)
	}
	// Both sides' unit metadata, the new results' winning.
	units := maps.Clone(base.Units)
	if units == nil {
		units = benchfmt.UnitMetadataMap{}
	}
	maps.Copy(units, cur.Units)
	st, err := report.NewStats(units, 0, opts.Alpha)
	if err != nil {
		return nil, err
	}

	baseRuns, curRuns := checkRuns(st, report.Group(base, report.GroupOptions{})), checkRuns(st, report.Group(cur, report.GroupOptions{}))
	type pair struct{ base, cur *checkRun }
	var pairs []pair
	for _, c := range curRuns {
		var match *checkRun
		for _, b := range baseRuns {
			if b.label == c.label {
				match = b
			}
		}
		if match == nil && len(baseRuns) == 1 {
			match = baseRuns[0]
		}
		if match == nil {
			return nil, fmt.Errorf("new run %s has no baseline run with the same keys, and the baseline has %d runs (%s): give a baseline of one run, or filter", cmp.Or(c.label, "(no keys)"), len(baseRuns), runLabels(baseRuns))
		}
		pairs = append(pairs, pair{match, c})
	}
	method, err := multitest.ParseMethod(string(opts.Correction))
	if err != nil {
		return nil, err
	}
	res := &Result{Offenders: []Offender{}, Correction: method}
	for _, p := range pairs {
		ws, err := checkSetups(p.base, p.cur, opts.AllowOtherMachine)
		if err != nil {
			return nil, err
		}
		res.Warnings = append(res.Warnings, ws...)
	}
	// Every comparison is made before any is judged: the comparisons are
	// one family, whose p-values are adjusted together between the two
	// loops.
	var family []comparison
	for _, p := range pairs {
		prefix := ""
		if len(pairs) > 1 {
			prefix = "[" + p.cur.label + "] "
		}
		for _, k := range p.cur.order {
			bv, ok := p.base.samples[k]
			if !ok {
				res.OnlyNew++
				continue
			}
			res.Compared++
			nv := p.cur.samples[k]
			c := report.Compare(st.Summarize(k.unit, bv), st.Summarize(k.unit, nv))
			if c.Ref.Median <= 0 || c.New.Median <= 0 {
				continue
			}
			family = append(family, comparison{key: k, prefix: prefix, baseN: len(bv), newN: len(nv), compared: c})
		}
		for _, k := range p.base.order {
			if _, ok := p.cur.samples[k]; !ok {
				res.OnlyBase++
			}
		}
	}
	fam := report.Family{Name: "gate", Alpha: st.Alpha(), Tests: make([]*report.Test, len(family))}
	for i := range family {
		fam.Tests[i] = &family[i].compared.Test
	}
	fam.Adjust(method)
	res.Note = powerNote(family, method, st.Alpha())
	for _, f := range family {
		c := f.compared
		if c.P < st.Alpha() {
			res.RawSignificant++
		}
		ratio, _, _ := c.Ratio()
		if c.Significant {
			if ratio > 1 {
				res.Slower++
			} else if ratio < 1 {
				res.Faster++
			}
		}
		if c.Significant && ratio > 1+opts.MaxSlowdown {
			unit := f.key.unit
			res.Offenders = append(res.Offenders, Offender{
				Kind:      "slowdown",
				Benchmark: f.prefix + f.key.name,
				Msg: fmt.Sprintf("%s %s slower (%s → %s, %s n=%d+%d; tolerated %s)",
					unit, report.FormatPercent(ratio), report.FormatValue(c.Ref.Median, unit), report.FormatValue(c.New.Median, unit), report.AppendP(nil, c.Test), f.baseN, f.newN, strings.TrimPrefix(report.FormatPercent(1+opts.MaxSlowdown), "+")),
			})
		}
	}
	if res.Compared == 0 {
		return nil, fmt.Errorf("no benchmark is in both the baseline and the new results (baseline has %s; new has %s)", someNames(baseRuns), someNames(curRuns))
	}
	if opts.MinEfficiency > 0 {
		if err := checkEfficiency(cur, opts, res); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// checkEfficiency adds an offender for every model whose efficiency at the
// largest core count that is not oversubscribed is below the floor.
func checkEfficiency(cur *results.Dataset, opts Options, res *Result) error {
	rep, err := report.Analyze(cur, opts.Analyze)
	if err != nil {
		return fmt.Errorf("analysing the new results: %w", err)
	}
	for ct := range rep.PrimaryTables() {
		c, t, prefix := ct.Case, ct.Table, ct.Label
		for _, m := range t.Models {
			if m.Model == c.BaselineSeries(rep.Baseline) {
				continue
			}
			var best *report.Point
			for i := range m.Points {
				p := &m.Points[i]
				e := p.Efficiency
				if !c.HasBaseline {
					e = p.SelfEfficiency
				}
				if p.Procs < 2 || p.Oversubscribed || e == nil {
					continue
				}
				if best == nil || p.Procs > best.Procs {
					best = p
				}
			}
			if best == nil {
				continue
			}
			res.EfficiencyChecked++
			e, ref := best.Efficiency, c.BaselineSeries(rep.Baseline)+"@1"
			if !c.HasBaseline {
				e, ref = best.SelfEfficiency, "own@1"
			}
			if *e < opts.MinEfficiency {
				res.Offenders = append(res.Offenders, Offender{
					Kind:      "efficiency",
					Benchmark: prefix + c.BenchmarkName(m.Model, best.Procs),
					Msg:       fmt.Sprintf("parallel efficiency %s at %d cores (speedup vs %s) is below the floor %s", report.FormatFraction(e), best.Procs, ref, report.FormatFraction(&opts.MinEfficiency)),
				})
			}
		}
	}
	return nil
}

// checkRuns gathers each run's samples of its benchmarks' primary units
// (see report.PrimaryUnit), in the order first seen. A benchmark whose
// primary unit is a rate is left out: a rate's growth is not a slowdown.
func checkRuns(st *report.Stats, g *report.Grouping) []*checkRun {
	var runs []*checkRun
	for _, rg := range g.Runs {
		r := &checkRun{label: results.EnvOf(rg.Env).String(), samples: map[checkKey][]float64{}, setup: setupOf(rg, append(SetupKeys[:len(SetupKeys):len(SetupKeys)], ToolchainKeys...))}
		for _, b := range rg.Benchmarks {
			unit := report.PrimaryUnit(b.Units())
			if unit == "" || (unit != "sec/op" && st.HigherIsBetter(unit)) {
				continue
			}
			k := checkKey{b.Name(), unit}
			r.order = append(r.order, k)
			r.samples[k] = b.Sample(unit).Values
		}
		runs = append(runs, r)
	}
	return runs
}

func runLabels(runs []*checkRun) string {
	labels := make([]string, len(runs))
	for i, r := range runs {
		labels[i] = cmp.Or(r.label, "(no keys)")
	}
	return strings.Join(labels, "; ")
}

// someNames names up to three benchmarks of the runs, for an error.
func someNames(runs []*checkRun) string {
	var names []string
	total := 0
	for _, r := range runs {
		for _, k := range r.order {
			total++
			if !slices.Contains(names, k.name) && len(names) < 3 {
				names = append(names, k.name)
			}
		}
	}
	if total == 0 {
		return "no benchmark with a time unit"
	}
	s := strings.Join(names, ", ")
	if total > len(names) {
		s += fmt.Sprintf(", … (%d in all)", total)
	}
	return s
}

// powerNote says when no comparison of the family can be significant after
// Holm's correction: a Mann-Whitney U test of n and m values gives at
// least 2/C(n+m, n), and Holm multiplies the smallest p-value by the
// family's size. (Benjamini-Hochberg can still find many small p-values
// significant together.) A family with a unit assumed exact gets no note:
// its p-value is 0 for any change.
func powerNote(family []comparison, method multitest.Method, alpha float64) string {
	if method != multitest.Holm || len(family) < 2 {
		return ""
	}
	m := float64(len(family))
	best := 1.0
	for _, f := range family {
		if f.compared.PAdj == 0 {
			return ""
		}
		best = min(best, 2/binomial(f.baseN+f.newN, f.baseN))
	}
	if best*m < alpha {
		return ""
	}
	return fmt.Sprintf("with these sample sizes no Mann-Whitney p-value is below %.2g, which %s over the %d benchmarks compared makes at least %.2g, not below alpha %g: no slowdown can be named; rerun with a larger -count (8 a side gives %.2g)",
		best, method.Title(), len(family), min(1, best*m), alpha, 2/binomial(16, 8))
}

// binomial returns n choose k.
func binomial(n, k int) float64 {
	r := 1.0
	for i := 1; i <= k; i++ {
		r = r * float64(n-k+i) / float64(i)
	}
	return r
}
