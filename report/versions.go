package report

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"concbench/report/results"

	"golang.org/x/perf/benchmath"
	"golang.org/x/perf/benchproc"
)

// VersionsKey is the key of the Go versions comparison in Report.Extensions.
const VersionsKey = "versions"

// toolchainKey is the configuration key that names the Go toolchain.
const toolchainKey = "toolchain"

// VersionsAnalyzer compares the toolchains of a results set: for every
// benchmark, the change from the baseline toolchain to each other toolchain
// on the same machine, with an interval and a Mann-Whitney U p-value, the
// geometric mean of the changes per case, each toolchain's speedup curves
// and the change in parallel efficiency at the largest core count. Its data
// is a *[Versions]. The zero value takes the first toolchain in file order
// as the baseline.
type VersionsAnalyzer struct {
	// Base names the baseline toolchain; empty means the first toolchain
	// in the results, in file order.
	Base string
}

// Name implements Analyzer.
func (VersionsAnalyzer) Name() string { return VersionsKey }

// Versions is the analysed comparison of toolchains.
type Versions struct {
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
	Machines []VersionsMachine `json:"machines"`
}

// A VersionsMachine compares the toolchains that ran on one machine.
type VersionsMachine struct {
	// ID is a stable identifier, "v1", "v2", ... in the order first seen.
	ID string `json:"id"`
	// Env lists the split-by keys other than toolchain.
	Env results.Env `json:"env"`
	// Toolchains lists the toolchains that ran here, the baseline first.
	Toolchains []string `json:"toolchains"`
	// Note says why this machine has no comparison, when it has none.
	Note string `json:"note,omitempty"`
	// Cases lists the benchmarks, sorted as in the rest of the report.
	Cases []VersionsCase `json:"cases"`
}

// A VersionsCase is one case (a benchmark name and its keys other than
// model) compared across toolchains.
type VersionsCase struct {
	// ID is a stable identifier within the report, such as "v1-c2".
	ID     string `json:"id"`
	Name   string `json:"name"`
	Params string `json:"params"`
	// Unit is the unit compared: time per operation when the case has it.
	Unit           string `json:"unit"`
	HigherIsBetter bool   `json:"higherIsBetter"`
	// Changes holds one entry per toolchain other than the baseline.
	Changes []ToolchainChange `json:"changes"`
	// Curves holds each toolchain's speedup curves, the baseline first:
	// the numbers the case's chart is drawn from.
	Curves []ToolchainCurves `json:"curves"`
}

// FullName returns the case's name with its parameters.
func (c *VersionsCase) FullName() string { return c.Name + c.Params }

// A ToolchainChange compares one toolchain with the baseline on one case.
type ToolchainChange struct {
	Toolchain string `json:"toolchain"`
	// Benchmarks lists each model and core count that both toolchains ran.
	Benchmarks []BenchmarkChange `json:"benchmarks"`
	// Geomean is the geometric mean of the benchmarks' ratios; nil when
	// none has one.
	Geomean *float64 `json:"geomean"`
	// Efficiency lists each model's parallel efficiency at the case's
	// largest core count (see EfficiencyChange).
	Efficiency []EfficiencyChange `json:"efficiency"`
}

// A BenchmarkChange is one benchmark (model and core count) under the
// baseline toolchain and another.
type BenchmarkChange struct {
	Model string   `json:"model"`
	Procs int      `json:"procs"`
	Base  Estimate `json:"base"`
	New   Estimate `json:"new"`
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
func (b BenchmarkChange) Improved(higherIsBetter bool) bool {
	return (b.Ratio > 1) == higherIsBetter && b.Ratio != 1
}

// An Estimate is the median of a sample with its interval.
type Estimate struct {
	Median float64 `json:"median"`
	// Lo and Hi bound the median at the report's confidence level; nil
	// when there are too few measurements for an interval.
	Lo *float64 `json:"lo"`
	Hi *float64 `json:"hi"`
	N  int      `json:"n"`
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

// ToolchainCurves are one toolchain's speedup curves on one case.
type ToolchainCurves struct {
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

// Analyze implements Analyzer. It fails when Base names a toolchain that is
// not in the results; fewer than two toolchains give a Versions with a Note
// and no machines.
func (a VersionsAnalyzer) Analyze(ds *results.Dataset, rep *Report) (any, error) {
	v := &Versions{Alpha: benchmath.DefaultThresholds.CompareAlpha, Machines: []VersionsMachine{}}
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
		vm := VersionsMachine{ID: fmt.Sprintf("v%d", mi+1), Env: md.env, Cases: []VersionsCase{}}
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
func compareCase(ds *results.Dataset, rep *Report, samples map[versionsSampleKey][]float64, keys []versionsSampleKey, runs map[[2]string]runCases, mk string, toolchains []string, ck benchproc.Key) VersionsCase {
	vc := VersionsCase{
		Changes: []ToolchainChange{},
		Curves:  []ToolchainCurves{},
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
	for _, u := range sortedKeys(units, compareUnits) {
		if !isAllocUnit(u) {
			vc.Unit = u
			break
		}
	}
	if vc.Unit == "" {
		return vc
	}
	vc.HigherIsBetter = higherIsBetter(ds, vc.Unit)
	order := sortedKeys(benches, func(a, b mp) int {
		if c := compareModels(a.model, b.model, rep.Baseline); c != 0 {
			return c
		}
		return cmp.Compare(a.procs, b.procs)
	})
	base := toolchains[0]
	for _, tc := range toolchains[1:] {
		ch := ToolchainChange{Toolchain: tc, Benchmarks: []BenchmarkChange{}, Efficiency: []EfficiencyChange{}}
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
			ch.Geomean = ptr(math.Exp(logSum / float64(n)))
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
func compareSamples(base, cur []float64, confidence float64) BenchmarkChange {
	bs := benchmath.NewSample(base, &benchmath.DefaultThresholds)
	ns := benchmath.NewSample(cur, &benchmath.DefaultThresholds)
	bc := BenchmarkChange{Base: estimate(bs, confidence), New: estimate(ns, confidence)}
	if bc.Base.Median != 0 {
		bc.Ratio = bc.New.Median / bc.Base.Median
	}
	if bc.Base.Lo != nil && bc.New.Lo != nil && *bc.Base.Lo > 0 && *bc.New.Lo > 0 {
		bc.Lo, bc.Hi = ptr(*bc.New.Lo / *bc.Base.Hi), ptr(*bc.New.Hi / *bc.Base.Lo)
	}
	c := benchmath.AssumeNothing.Compare(bs, ns)
	bc.P = c.P
	bc.Significant = c.P < c.Alpha
	return bc
}

// estimate summarises a sample with benchmath's distribution-free median
// interval.
func estimate(s *benchmath.Sample, confidence float64) Estimate {
	sum := benchmath.AssumeNothing.Summary(s, confidence)
	e := Estimate{Median: sum.Center, N: len(s.Values)}
	if finite(sum.Lo) && finite(sum.Hi) {
		e.Lo, e.Hi = ptr(sum.Lo), ptr(sum.Hi)
	}
	return e
}

// runCases indexes the cases of one run by their full name.
type runCases map[string]*Case

// curvesOf returns one toolchain's speedup curves of a case.
func curvesOf(tc string, c *Case, unit string) ToolchainCurves {
	tcv := ToolchainCurves{Toolchain: tc, Reference: reference(c), Models: []CurveSeries{}}
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
func reference(c *Case) string {
	if c.HasBaseline {
		return "serial@1"
	}
	return "own@1"
}

// efficiencyChanges compares each model's parallel efficiency at the
// largest core count both toolchains ran it at, preferring core counts that
// are not oversubscribed, since efficiency past the CPU count measures the
// machine rather than the code.
func efficiencyChanges(baseRun, newRun runCases, vc VersionsCase) []EfficiencyChange {
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
	eff := func(p *Point) *float64 {
		if useBaseline {
			return p.Efficiency
		}
		return p.SelfEfficiency
	}
	for _, bm := range bt.Models {
		var nm *ModelSeries
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

// compareModels orders the baseline model first, then by name.
func compareModels(a, b, baseline string) int {
	if (a == baseline) != (b == baseline) {
		if a == baseline {
			return -1
		}
		return 1
	}
	return strings.Compare(a, b)
}

func listOrNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

// VersionsOf returns the Go versions comparison stored in a report, or nil.
func VersionsOf(rep *Report) *Versions {
	v, _ := rep.Extensions[VersionsKey].(*Versions)
	return v
}
