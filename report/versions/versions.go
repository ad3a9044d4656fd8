// Package versions compares Go toolchains on one machine: for every
// benchmark, the change of its median from the baseline toolchain to each
// other toolchain, with an interval and a p-value, the geometric mean of
// the changes per case, each toolchain's speedup curves and the change in
// parallel efficiency. Its [Analyzer] adds an [Analysis] to the report and
// its [Section] renders it as the report's "Go versions" section.
package versions

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"concbench/report"
	"concbench/report/results"

	"golang.org/x/perf/benchproc"
)

// Key is the key of the Go versions comparison in report.Report.Extensions.
const Key = "versions"

// toolchainKey is the configuration key that names the Go toolchain.
const toolchainKey = "toolchain"

// Analyzer compares the toolchains of a results set: for every
// benchmark, the change from the baseline toolchain to each other toolchain
// on the same machine, with an interval and a Mann-Whitney U p-value, the
// geometric mean of the changes per case, each toolchain's speedup curves
// and the change in parallel efficiency at the largest core count. Its data
// is a *[Analysis]. The zero value takes the first toolchain in file order
// as the baseline.
type Analyzer struct {
	// Base names the baseline toolchain; empty means the first toolchain
	// in the results, in file order.
	Base string
}

// Name implements report.Analyzer.
func (Analyzer) Name() string { return Key }

// Analysis is the analysed comparison of toolchains.
type Analysis struct {
	// Toolchains lists every toolchain in the results, in file order.
	Toolchains []string `json:"toolchains"`
	// Base is the baseline toolchain; "" when there is no comparison.
	Base string `json:"base,omitempty"`
	// Note says why there is no comparison, when there is none.
	Note string `json:"note,omitempty"`
	// Alpha is the significance level of the p-values.
	Alpha float64 `json:"alpha"`
	// Machines holds one comparison per machine (per combination of the
	// split-by keys other than toolchain): toolchains are compared only on
	// the machine that ran them both.
	Machines []Machine `json:"machines"`
}

// A Machine compares the toolchains that ran on one machine.
type Machine struct {
	// ID is a stable identifier, "v1", "v2", ... in the order first seen.
	ID string `json:"id"`
	// Env lists the split-by keys other than toolchain.
	Env results.Env `json:"env"`
	// Toolchains lists the toolchains that ran here, the baseline first.
	Toolchains []string `json:"toolchains"`
	// Note says why this machine has no comparison, when it has none.
	Note string `json:"note,omitempty"`
	// Cases lists the benchmarks, sorted as in the rest of the report.
	Cases []Case `json:"cases"`
}

// A Case is one case (a benchmark name and its keys other than
// model) compared across toolchains.
type Case struct {
	// ID is a stable identifier within the report, such as "v1-c2".
	ID string `json:"id"`
	// Name and Params are the case's base name and its name keys other
	// than model, as in the core's cases.
	Name   string `json:"name"`
	Params string `json:"params"`
	// Unit is the unit compared, the case's primary unit
	// (report.PrimaryUnit), and HigherIsBetter says which way it improves.
	Unit           string `json:"unit"`
	HigherIsBetter bool   `json:"higherIsBetter"`
	// Changes holds one entry per toolchain other than the baseline.
	Changes []Change `json:"changes"`
	// Curves holds each toolchain's speedup curves, the baseline first:
	// the numbers the case's chart is drawn from.
	Curves []Curves `json:"curves"`
}

// FullName returns the case's name with its parameters.
func (c *Case) FullName() string { return c.Name + c.Params }

// A Change compares one toolchain with the baseline on one case.
type Change struct {
	// Toolchain is the toolchain compared with the baseline.
	Toolchain string `json:"toolchain"`
	// Benchmarks lists each model and core count that both toolchains ran.
	Benchmarks []Benchmark `json:"benchmarks"`
	// Geomean is the geometric mean of the benchmarks' ratios; nil when
	// none has one.
	Geomean *float64 `json:"geomean"`
	// Efficiency lists each model's parallel efficiency at the case's
	// largest core count (see EfficiencyChange).
	Efficiency []EfficiencyChange `json:"efficiency"`
}

// A Benchmark is one benchmark (model and core count) under the
// baseline toolchain and another.
type Benchmark struct {
	// Model and Procs name the benchmark within its case.
	Model string `json:"model"`
	Procs int    `json:"procs"`
	// Base and New summarise its samples under the baseline toolchain and
	// the other.
	Base report.Estimate `json:"base"`
	New  report.Estimate `json:"new"`
	// Ratio is the new median over the baseline median, in the unit: above
	// 1 means more time per operation (or more items per second).
	Ratio float64 `json:"ratio"`
	// Lo and Hi bound the ratio by pairing the two medians' intervals the
	// most pessimistic and the most optimistic way; nil when either sample
	// has too few measurements for an interval.
	Lo *float64 `json:"lo"`
	Hi *float64 `json:"hi"`
	// Test is the outcome of the comparison's test, at the analysis's
	// significance level.
	report.Test
}

// Improved reports whether the change is for the better in its unit.
func (b Benchmark) Improved(higherIsBetter bool) bool {
	return (b.Ratio > 1) == higherIsBetter && b.Ratio != 1
}

// An EfficiencyChange is one model's parallel efficiency (speedup divided
// by cores) at the largest core count, under the baseline toolchain and
// another, each against its own toolchain's reference.
type EfficiencyChange struct {
	// Model is the model, and Procs the core count its efficiency is at.
	Model string `json:"model"`
	Procs int    `json:"procs"`
	// Reference names what the speedup is against: the baseline model at
	// one core ("serial@1") or, when a toolchain lacks it, each model's
	// own one-core result ("own@1").
	Reference string `json:"reference"`
	// Base and New are the efficiency under the baseline toolchain and
	// the other, as fractions.
	Base float64 `json:"base"`
	New  float64 `json:"new"`
	// Change is New - Base, as a fraction (0.05 is 5 percentage points).
	Change float64 `json:"change"`
}

// Curves are one toolchain's speedup curves on one case.
type Curves struct {
	// Toolchain is the toolchain the curves were measured with.
	Toolchain string `json:"toolchain"`
	// Reference is the baseline model at one core, such as "serial@1", or
	// "own@1" (each model's own one-core result).
	Reference string `json:"reference"`
	// Models lists one curve per model, in the order of the core's cases.
	Models []CurveSeries `json:"models"`
}

// A CurveSeries is one model's speedup against cores.
type CurveSeries struct {
	// Model is the model of the curve.
	Model string `json:"model"`
	// Points lists its speedups by core count, ascending.
	Points []CurvePoint `json:"points"`
}

// A CurvePoint is one speedup of a curve.
type CurvePoint struct {
	// Procs is the core count.
	Procs int `json:"procs"`
	// Speedup is the core's speedup of the point, with its interval (Lo
	// and Hi, nil without one).
	Speedup float64  `json:"speedup"`
	Lo      *float64 `json:"lo"`
	Hi      *float64 `json:"hi"`
	// Oversubscribed is set when Procs exceeds the run's CPU count.
	Oversubscribed bool `json:"oversubscribed,omitempty"`
}

// A machine is the runs of one machine, one per toolchain.
type machine struct {
	env results.Env
	// runs holds the index of each toolchain's run in the grouping and in
	// the report; toolchains lists the toolchains in the order of the runs.
	runs       map[string]int
	toolchains []string
}

// Analyze implements report.Analyzer. It fails when Base names a toolchain
// that is not in the results; fewer than two toolchains give an Analysis
// with a Note and no machines.
func (a Analyzer) Analyze(g *report.Grouping, rep *report.Report) (any, error) {
	v := &Analysis{Alpha: rep.Stats.Alpha(), Machines: []Machine{}}
	for _, c := range rep.Config {
		if c.Key == toolchainKey {
			v.Toolchains = append(v.Toolchains, c.Values...)
		}
	}
	if v.Toolchains == nil {
		v.Toolchains = []string{}
	}
	if a.Base != "" && !slices.Contains(v.Toolchains, a.Base) {
		return nil, fmt.Errorf("base toolchain %q is not in the results (toolchains: %s)", a.Base, listOrNone(v.Toolchains))
	}
	switch {
	case len(v.Toolchains) == 0:
		v.Note = "the results name no toolchain (no toolchain: configuration line), so there is nothing to compare across Go versions"
		return v, nil
	case len(v.Toolchains) == 1:
		v.Note = fmt.Sprintf("the results hold one toolchain (%s): no Go versions comparison; record several with benchrun -toolchains A,B (make compare)", v.Toolchains[0])
		return v, nil
	case !slices.Contains(rep.SplitBy, toolchainKey):
		v.Note = "toolchain is not a split-by key, so the runs merge toolchains and cannot be compared"
		return v, nil
	}
	v.Base = cmp.Or(a.Base, v.Toolchains[0])

	// toolchain is a split-by key, so each run is one toolchain on one
	// machine: the split-by keys other than toolchain.
	var machines []*machine
	byEnv := map[string]*machine{}
	for i, rg := range g.Runs {
		env := results.EnvOf(rg.Env)
		tc, menv := env.Get(toolchainKey), env.Without(toolchainKey)
		m := byEnv[menv.String()]
		if m == nil {
			m = &machine{env: menv, runs: map[string]int{}}
			byEnv[menv.String()] = m
			machines = append(machines, m)
		}
		if _, ok := m.runs[tc]; !ok {
			m.toolchains = append(m.toolchains, tc)
		}
		m.runs[tc] = i
	}
	for mi, m := range machines {
		vm := Machine{ID: fmt.Sprintf("v%d", mi+1), Env: m.env, Cases: []Case{}}
		if vm.Env == nil {
			vm.Env = results.Env{}
		}
		if slices.Contains(m.toolchains, v.Base) {
			vm.Toolchains = append(vm.Toolchains, v.Base)
		}
		for _, tc := range m.toolchains {
			if tc != v.Base {
				vm.Toolchains = append(vm.Toolchains, tc)
			}
		}
		switch {
		case !slices.Contains(m.toolchains, v.Base):
			vm.Note = fmt.Sprintf("the baseline toolchain %s did not run on this machine", v.Base)
		case len(m.toolchains) < 2:
			vm.Note = fmt.Sprintf("only %s ran on this machine", v.Base)
		}
		if vm.Note != "" {
			v.Machines = append(v.Machines, vm)
			continue
		}
		var cases []benchproc.Key
		seen := map[benchproc.Key]bool{}
		for _, tc := range vm.Toolchains {
			for _, cg := range g.Runs[m.runs[tc]].Cases {
				if !seen[cg.Key] {
					seen[cg.Key] = true
					cases = append(cases, cg.Key)
				}
			}
		}
		benchproc.SortKeys(cases)
		for ci, ck := range cases {
			vc := compareCase(g, rep, m, vm.Toolchains, ck)
			vc.ID = fmt.Sprintf("%s-c%d", vm.ID, ci+1)
			vm.Cases = append(vm.Cases, vc)
		}
		v.Machines = append(v.Machines, vm)
	}
	return v, nil
}

// compareCase compares one case of one machine across toolchains; the
// first toolchain is the baseline.
func compareCase(g *report.Grouping, rep *report.Report, m *machine, toolchains []string, ck benchproc.Key) Case {
	st := rep.Stats
	vc := Case{Changes: []Change{}, Curves: []Curves{}}
	vc.Name, vc.Params = g.Dataset.CaseName(ck)
	// Each toolchain's case in the grouping and in the core analysis.
	groups := map[string]*report.CaseGroup{}
	cores := map[string]*report.Case{}
	var units []string
	type mp struct {
		model string
		procs int
	}
	benches := map[mp]bool{}
	for _, tc := range toolchains {
		i := m.runs[tc]
		cg := g.Runs[i].Case(ck)
		if cg == nil {
			continue
		}
		groups[tc], cores[tc] = cg, &rep.Runs[i].Cases[cg.Index]
		units = append(units, cg.Units...)
		for _, b := range cg.Benchmarks {
			benches[mp{b.Model, b.Procs}] = true
		}
	}
	vc.Unit = report.PrimaryUnit(units)
	if vc.Unit == "" {
		return vc
	}
	vc.HigherIsBetter = st.HigherIsBetter(vc.Unit)
	order := slices.SortedFunc(maps.Keys(benches), func(a, b mp) int {
		return cmp.Or(report.CompareModels(a.model, b.model, rep.Baseline), cmp.Compare(a.procs, b.procs))
	})
	sample := func(tc string, b mp) []float64 {
		if cg := groups[tc]; cg != nil {
			if bm := cg.Benchmark(b.model, b.procs); bm != nil {
				if s := bm.Sample(vc.Unit); s != nil {
					return s.Values
				}
			}
		}
		return nil
	}
	base := toolchains[0]
	for _, tc := range toolchains[1:] {
		ch := Change{Toolchain: tc, Benchmarks: []Benchmark{}, Efficiency: []EfficiencyChange{}}
		logSum, n := 0.0, 0
		for _, b := range order {
			bs, ns := sample(base, b), sample(tc, b)
			if len(bs) == 0 || len(ns) == 0 {
				continue
			}
			c := report.Compare(st.Summarize(vc.Unit, bs), st.Summarize(vc.Unit, ns))
			bc := Benchmark{Model: b.model, Procs: b.procs, Base: c.Ref, New: c.New, Test: c.Test}
			bc.Ratio, bc.Lo, bc.Hi = c.Ratio()
			if bc.Ratio > 0 && finite(bc.Ratio) {
				logSum += math.Log(bc.Ratio)
				n++
			}
			ch.Benchmarks = append(ch.Benchmarks, bc)
		}
		if n > 0 {
			ch.Geomean = new(math.Exp(logSum / float64(n)))
		}
		ch.Efficiency = efficiencyChanges(cores[base], cores[tc], vc.Unit, rep.Baseline)
		vc.Changes = append(vc.Changes, ch)
	}
	for _, tc := range toolchains {
		if c := cores[tc]; c != nil {
			vc.Curves = append(vc.Curves, curvesOf(tc, c, vc.Unit, rep.Baseline))
		}
	}
	return vc
}

// curvesOf returns one toolchain's speedup curves of a case.
func curvesOf(tc string, c *report.Case, unit, baseline string) Curves {
	tcv := Curves{Toolchain: tc, Reference: reference(c, baseline), Models: []CurveSeries{}}
	t := c.Unit(unit)
	if t == nil {
		return tcv
	}
	for _, m := range t.Models {
		s := CurveSeries{Model: m.Model, Points: []CurvePoint{}}
		for _, p := range m.Points {
			r := p.VsBaseline
			if !c.HasBaseline {
				r = p.VsSelf
			}
			if r == nil {
				continue
			}
			s.Points = append(s.Points, CurvePoint{Procs: p.Procs, Speedup: r.Value, Lo: r.Lo, Hi: r.Hi, Oversubscribed: p.Oversubscribed})
		}
		if len(s.Points) > 0 {
			tcv.Models = append(tcv.Models, s)
		}
	}
	return tcv
}

// reference names what a case's speedups are measured against: the
// baseline model at one core, such as "serial@1", or "own@1".
func reference(c *report.Case, baseline string) string {
	if c.HasBaseline {
		return baseline + "@1"
	}
	return "own@1"
}

// efficiencyChanges compares each model's parallel efficiency at the
// largest core count both toolchains ran it at, preferring core counts that
// are not oversubscribed, since efficiency past the CPU count measures the
// machine rather than the code.
func efficiencyChanges(bc, nc *report.Case, unit, baseline string) []EfficiencyChange {
	out := []EfficiencyChange{}
	if bc == nil || nc == nil {
		return out
	}
	bt, nt := bc.Unit(unit), nc.Unit(unit)
	if bt == nil || nt == nil {
		return out
	}
	// Both toolchains must measure against the same kind of reference.
	useBaseline := bc.HasBaseline && nc.HasBaseline
	ref := baseline + "@1"
	if !useBaseline {
		ref = "own@1"
	}
	eff := func(p *report.Point) *float64 {
		if useBaseline {
			return p.Efficiency
		}
		return p.SelfEfficiency
	}
	for _, bm := range bt.Models {
		var nm *report.ModelSeries
		for i := range nt.Models {
			if nt.Models[i].Model == bm.Model {
				nm = &nt.Models[i]
			}
		}
		if nm == nil {
			continue
		}
		var best *EfficiencyChange
		bestOver := true
		for i := range bm.Points {
			bp := &bm.Points[i]
			if bp.Procs < 2 || eff(bp) == nil {
				continue
			}
			for j := range nm.Points {
				np := &nm.Points[j]
				if np.Procs != bp.Procs || eff(np) == nil {
					continue
				}
				over := bp.Oversubscribed || np.Oversubscribed
				if best == nil || (bestOver && !over) || (over == bestOver && bp.Procs > best.Procs) {
					best = &EfficiencyChange{Model: bm.Model, Procs: bp.Procs, Reference: ref, Base: *eff(bp), New: *eff(np)}
					best.Change = best.New - best.Base
					bestOver = over
				}
			}
		}
		if best != nil {
			out = append(out, *best)
		}
	}
	return out
}

func listOrNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

// From returns the Go versions comparison stored in a report, or nil.
func From(rep *report.Report) *Analysis { return report.Extension[*Analysis](rep, Key) }

func finite(x float64) bool { return !math.IsInf(x, 0) && !math.IsNaN(x) }

// Families implements report.FamilyLister: the benchmarks of one case
// compared between the baseline toolchain and one other, on one machine,
// are one family, as benchstat reads one table.
func (v *Analysis) Families() []report.Family {
	var out []report.Family
	for mi := range v.Machines {
		for ci := range v.Machines[mi].Cases {
			c := &v.Machines[mi].Cases[ci]
			for chi := range c.Changes {
				ch := &c.Changes[chi]
				f := report.Family{Name: c.ID + " " + ch.Toolchain + " vs " + v.Base, Kind: "Go versions", Alpha: v.Alpha}
				for bi := range ch.Benchmarks {
					f.Tests = append(f.Tests, &ch.Benchmarks[bi].Test)
				}
				if len(f.Tests) > 0 {
					out = append(out, f)
				}
			}
		}
	}
	return out
}
