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

	"golang.org/x/perf/benchmath"
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
	ID     string `json:"id"`
	Name   string `json:"name"`
	Params string `json:"params"`
	// Unit is the unit compared: time per operation when the case has it.
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
	Model string          `json:"model"`
	Procs int             `json:"procs"`
	Base  report.Estimate `json:"base"`
	New   report.Estimate `json:"new"`
	// Ratio is the new median over the baseline median, in the unit: above
	// 1 means more time per operation (or more items per second).
	Ratio float64 `json:"ratio"`
	// Lo and Hi bound the ratio by pairing the two medians' intervals the
	// most pessimistic and the most optimistic way; nil when either sample
	// has too few measurements for an interval.
	Lo *float64 `json:"lo"`
	Hi *float64 `json:"hi"`
	// P is the p-value of a Mann-Whitney U test that both samples come
	// from the same distribution; Significant reports P < alpha.
	P           float64 `json:"p"`
	Significant bool    `json:"significant"`
}

// Improved reports whether the change is for the better in its unit.
func (b Benchmark) Improved(higherIsBetter bool) bool {
	return (b.Ratio > 1) == higherIsBetter && b.Ratio != 1
}

// An EfficiencyChange is one model's parallel efficiency (speedup divided
// by cores) at the largest core count, under the baseline toolchain and
// another, each against its own toolchain's reference.
type EfficiencyChange struct {
	Model string `json:"model"`
	Procs int    `json:"procs"`
	// Reference names what the speedup is against: the baseline model at
	// one core ("serial@1") or, when a toolchain lacks it, each model's
	// own one-core result ("own@1").
	Reference string  `json:"reference"`
	Base      float64 `json:"base"`
	New       float64 `json:"new"`
	// Change is New - Base, as a fraction (0.05 is 5 percentage points).
	Change float64 `json:"change"`
}

// Curves are one toolchain's speedup curves on one case.
type Curves struct {
	Toolchain string `json:"toolchain"`
	// Reference is "serial@1" (the baseline model at one core) or "own@1".
	Reference string        `json:"reference"`
	Models    []CurveSeries `json:"models"`
}

// A CurveSeries is one model's speedup against cores.
type CurveSeries struct {
	Model  string       `json:"model"`
	Points []CurvePoint `json:"points"`
}

// A CurvePoint is one speedup of a curve.
type CurvePoint struct {
	Procs          int      `json:"procs"`
	Speedup        float64  `json:"speedup"`
	Lo             *float64 `json:"lo"`
	Hi             *float64 `json:"hi"`
	Oversubscribed bool     `json:"oversubscribed,omitempty"`
}

// versionsSampleKey identifies one sample of the comparison.
type versionsSampleKey struct {
	machine   string
	toolchain string
	caseKey   benchproc.Key
	model     string
	procs     int
	unit      string
}

// versionsCaseKey identifies one case on one machine.
type versionsCaseKey struct {
	machine string
	caseKey benchproc.Key
}

// versionsMachineData accumulates one machine.
type versionsMachineData struct {
	env        results.Env
	toolchains []string
	cases      []benchproc.Key
	seen       map[benchproc.Key]bool
}

// Analyze implements report.Analyzer. It fails when Base names a toolchain that is
// not in the results; fewer than two toolchains give a Analysis with a Note
// and no machines.
func (a Analyzer) Analyze(ds *results.Dataset, rep *report.Report) (any, error) {
	v := &Analysis{Alpha: benchmath.DefaultThresholds.CompareAlpha, Machines: []Machine{}}
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
	v.Base = a.Base
	if v.Base == "" {
		v.Base = v.Toolchains[0]
	}

	// Group every measurement by machine (the split-by keys other than
	// toolchain), toolchain, case, model, core count and unit.
	samples := map[versionsSampleKey][]float64{}
	// byCase lists each machine's and case's sample keys, so that a case
	// is compared without a walk over every sample.
	byCase := map[versionsCaseKey][]versionsSampleKey{}
	machines := map[string]*versionsMachineData{}
	var machineOrder []string
	// toolchain is a split-by key, so each Env names one toolchain and
	// one machine.
	type envInfo struct {
		tc, mk string
		env    results.Env
	}
	envs := map[benchproc.Key]envInfo{}
	for i := range ds.Observations {
		o := &ds.Observations[i]
		ei, ok := envs[o.Env]
		if !ok {
			ei.env = results.EnvOf(o.Env).Without(toolchainKey)
			ei.tc, ei.mk = o.ConfigValue(toolchainKey), ei.env.String()
			envs[o.Env] = ei
		}
		tc, env, mk := ei.tc, ei.env, ei.mk
		md := machines[mk]
		if md == nil {
			md = &versionsMachineData{env: env, seen: map[benchproc.Key]bool{}}
			machines[mk] = md
			machineOrder = append(machineOrder, mk)
		}
		if !slices.Contains(md.toolchains, tc) {
			md.toolchains = append(md.toolchains, tc)
		}
		if !md.seen[o.Case] {
			md.seen[o.Case] = true
			md.cases = append(md.cases, o.Case)
		}
		for _, val := range o.Values {
			k := versionsSampleKey{mk, tc, o.Case, o.Model, o.Procs, val.Unit}
			if _, ok := samples[k]; !ok {
				ck := versionsCaseKey{mk, o.Case}
				byCase[ck] = append(byCase[ck], k)
			}
			samples[k] = append(samples[k], val.Value)
		}
	}
	// The core analysis holds each toolchain's speedups, one run per
	// machine and toolchain.
	runs := map[[2]string]runCases{}
	for i := range rep.Runs {
		r := &rep.Runs[i]
		rc := runCases{}
		for ci := range r.Cases {
			rc[r.Cases[ci].FullName()] = &r.Cases[ci]
		}
		runs[[2]string{r.Env.Without(toolchainKey).String(), r.Env.Get(toolchainKey)}] = rc
	}

	for mi, mk := range machineOrder {
		md := machines[mk]
		vm := Machine{ID: fmt.Sprintf("v%d", mi+1), Env: md.env, Cases: []Case{}}
		if vm.Env == nil {
			vm.Env = results.Env{}
		}
		if slices.Contains(md.toolchains, v.Base) {
			vm.Toolchains = append(vm.Toolchains, v.Base)
		}
		for _, tc := range md.toolchains {
			if tc != v.Base {
				vm.Toolchains = append(vm.Toolchains, tc)
			}
		}
		switch {
		case !slices.Contains(md.toolchains, v.Base):
			vm.Note = fmt.Sprintf("the baseline toolchain %s did not run on this machine", v.Base)
		case len(md.toolchains) < 2:
			vm.Note = fmt.Sprintf("only %s ran on this machine", v.Base)
		}
		if vm.Note != "" {
			v.Machines = append(v.Machines, vm)
			continue
		}
		cases := slices.Clone(md.cases)
		benchproc.SortKeys(cases)
		for ci, ck := range cases {
			vc := compareCase(ds, rep, samples, byCase[versionsCaseKey{mk, ck}], runs, mk, vm.Toolchains, ck)
			vc.ID = fmt.Sprintf("%s-c%d", vm.ID, ci+1)
			vm.Cases = append(vm.Cases, vc)
		}
		v.Machines = append(v.Machines, vm)
	}
	return v, nil
}

// compareCase compares one case of one machine across toolchains; the
// first toolchain is the baseline.
func compareCase(ds *results.Dataset, rep *report.Report, samples map[versionsSampleKey][]float64, keys []versionsSampleKey, runs map[[2]string]runCases, mk string, toolchains []string, ck benchproc.Key) Case {
	vc := Case{
		Changes: []Change{},
		Curves:  []Curves{},
	}
	vc.Name, vc.Params = ds.CaseName(ck)
	// The unit compared: time per operation, else the first unit that is
	// not an allocation count.
	units := map[string]bool{}
	type mp struct {
		model string
		procs int
	}
	benches := map[mp]bool{}
	for _, k := range keys {
		units[k.unit] = true
		benches[mp{k.model, k.procs}] = true
	}
	for _, u := range slices.SortedFunc(maps.Keys(units), report.CompareUnits) {
		if !report.IsAllocUnit(u) {
			vc.Unit = u
			break
		}
	}
	if vc.Unit == "" {
		return vc
	}
	vc.HigherIsBetter = report.HigherIsBetter(ds.Units, vc.Unit)
	order := slices.SortedFunc(maps.Keys(benches), func(a, b mp) int {
		if c := report.CompareModels(a.model, b.model, rep.Baseline); c != 0 {
			return c
		}
		return cmp.Compare(a.procs, b.procs)
	})
	base := toolchains[0]
	for _, tc := range toolchains[1:] {
		ch := Change{Toolchain: tc, Benchmarks: []Benchmark{}, Efficiency: []EfficiencyChange{}}
		logSum, n := 0.0, 0
		for _, b := range order {
			bs := samples[versionsSampleKey{mk, base, ck, b.model, b.procs, vc.Unit}]
			ns := samples[versionsSampleKey{mk, tc, ck, b.model, b.procs, vc.Unit}]
			if len(bs) == 0 || len(ns) == 0 {
				continue
			}
			bc := compareSamples(bs, ns, rep.Confidence)
			bc.Model, bc.Procs = b.model, b.procs
			if bc.Ratio > 0 && finite(bc.Ratio) {
				logSum += math.Log(bc.Ratio)
				n++
			}
			ch.Benchmarks = append(ch.Benchmarks, bc)
		}
		if n > 0 {
			ch.Geomean = new(math.Exp(logSum / float64(n)))
		}
		ch.Efficiency = efficiencyChanges(runs[[2]string{mk, base}], runs[[2]string{mk, tc}], vc)
		vc.Changes = append(vc.Changes, ch)
	}
	for _, tc := range toolchains {
		if c := runs[[2]string{mk, tc}][vc.FullName()]; c != nil {
			vc.Curves = append(vc.Curves, curvesOf(tc, c, vc.Unit))
		}
	}
	return vc
}

// compareSamples summarises two samples and compares them.
func compareSamples(base, cur []float64, confidence float64) Benchmark {
	bs := benchmath.NewSample(base, &benchmath.DefaultThresholds)
	ns := benchmath.NewSample(cur, &benchmath.DefaultThresholds)
	bc := Benchmark{Base: report.EstimateOf(bs, confidence), New: report.EstimateOf(ns, confidence)}
	if bc.Base.Median != 0 {
		bc.Ratio = bc.New.Median / bc.Base.Median
	}
	if bc.Base.Lo != nil && bc.New.Lo != nil && *bc.Base.Lo > 0 && *bc.New.Lo > 0 {
		bc.Lo, bc.Hi = new(*bc.New.Lo / *bc.Base.Hi), new(*bc.New.Hi / *bc.Base.Lo)
	}
	c := benchmath.AssumeNothing.Compare(bs, ns)
	bc.P = c.P
	bc.Significant = c.P < c.Alpha
	return bc
}

// runCases indexes the cases of one run by their full name.
type runCases map[string]*report.Case

// curvesOf returns one toolchain's speedup curves of a case.
func curvesOf(tc string, c *report.Case, unit string) Curves {
	tcv := Curves{Toolchain: tc, Reference: reference(c), Models: []CurveSeries{}}
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

// reference names what a case's speedups are measured against.
func reference(c *report.Case) string {
	if c.HasBaseline {
		return "serial@1"
	}
	return "own@1"
}

// efficiencyChanges compares each model's parallel efficiency at the
// largest core count both toolchains ran it at, preferring core counts that
// are not oversubscribed, since efficiency past the CPU count measures the
// machine rather than the code.
func efficiencyChanges(baseRun, newRun runCases, vc Case) []EfficiencyChange {
	out := []EfficiencyChange{}
	bc, nc := baseRun[vc.FullName()], newRun[vc.FullName()]
	if bc == nil || nc == nil {
		return out
	}
	bt, nt := bc.Unit(vc.Unit), nc.Unit(vc.Unit)
	if bt == nil || nt == nil {
		return out
	}
	// Both toolchains must measure against the same kind of reference.
	useBaseline := bc.HasBaseline && nc.HasBaseline
	ref := "serial@1"
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
func From(rep *report.Report) *Analysis {
	v, _ := rep.Extensions[Key].(*Analysis)
	return v
}

func finite(x float64) bool { return !math.IsInf(x, 0) && !math.IsNaN(x) }
