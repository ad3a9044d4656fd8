package report

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"concbench/report/results"

	"golang.org/x/perf/benchmath"
	"golang.org/x/perf/benchproc"
)

// An Analyzer adds its own analysed data to a [Report], stored in
// Report.Extensions under its name, so that a new part of the report (scaling
// fits, a history view, a regression gate) needs no change to the core.
type Analyzer interface {
	// Name is the key of the analyser's data in Report.Extensions.
	Name() string
	// Analyze returns the analyser's data, computed from the dataset and the
	// core analysis. It may append to rep.Warnings.
	Analyze(ds *results.Dataset, rep *Report) (any, error)
}

// AnalyzeOptions configures [Analyze]. The zero value uses the serial model
// as the baseline, 95% intervals and no extensions.
type AnalyzeOptions struct {
	// Baseline names the model every speedup is measured against, at one
	// core. Empty means "serial".
	Baseline string
	// Confidence is the confidence level of every interval; 0 means 0.95.
	Confidence float64
	// Analyzers run after the core analysis, in order.
	Analyzers []Analyzer
}

// minSamples is the number of measurements benchmath needs for a 95%
// interval around the median.
const minSamples = 6

// sampleKey identifies one sample of a run: a case, model, core count, unit.
type sampleKey struct {
	caseKey benchproc.Key
	model   string
	procs   int
	unit    string
}

// group accumulates the measurements of one sample.
type group struct {
	values []float64
	file   string
	line   int
}

// pointKey identifies the result lines of one case, model and core count.
type pointKey struct {
	caseKey benchproc.Key
	model   string
	procs   int
}

// pointData accumulates the result lines of one case, model and core count:
// how many there are and the group of each unit they report, in the order
// the units were first seen. The lines of one benchmark name follow each
// other in a results file and report the same units in the same order, so
// most lines find their groups here by position, with no map lookup.
type pointData struct {
	lines  int
	units  []string
	groups []*group
	// Room for the usual units (time, a rate, bytes, allocations).
	unitsArr  [4]string
	groupsArr [4]*group
}

// runData accumulates one run.
type runData struct {
	env   benchproc.Key
	cases []benchproc.Key
	seen  map[benchproc.Key]bool
	// samples lists each case's sample keys in the order first seen.
	samples map[benchproc.Key][]sampleKey
	// points holds the result lines per case, model and procs.
	points map[pointKey]*pointData
	ncpu   string
	ncpuK  string
	// ncpuTried is the configuration last searched for the CPU count, so
	// that a run without one searches once per configuration, not once
	// per result.
	ncpuTried   benchproc.Key
	ncpuTriedOK bool
	// groupBlock and valueBlock hold the samples being filled.
	groupBlock []group
	valueBlock []float64
}

// add records one observation in the run.
func (rd *runData) add(o *results.Observation, pd *pointData) {
	pd.lines++
	for j := range o.Values {
		v := &o.Values[j]
		var g *group
		if j < len(pd.units) && pd.units[j] == v.Unit {
			g = pd.groups[j]
		} else {
			for i, u := range pd.units {
				if u == v.Unit {
					g = pd.groups[i]
					break
				}
			}
		}
		if g == nil {
			g = rd.newGroup(o)
			rd.samples[o.Case] = append(rd.samples[o.Case], sampleKey{o.Case, o.Model, o.Procs, v.Unit})
			pd.units = append(pd.units, v.Unit)
			pd.groups = append(pd.groups, g)
		}
		g.values = append(g.values, v.Value)
	}
}

// newGroup returns a new sample starting at o. Samples are allocated in
// blocks, each with room for 8 values (most samples hold -count values) in
// a shared block of values, capped so that a ninth value moves the sample
// out rather than overwriting its neighbour.
func (rd *runData) newGroup(o *results.Observation) *group {
	const room = 8
	if len(rd.groupBlock) == cap(rd.groupBlock) {
		n := nextBlock(cap(rd.groupBlock), 32, 512)
		rd.groupBlock = make([]group, 0, n)
		rd.valueBlock = make([]float64, n*room)
	}
	i := len(rd.groupBlock)
	rd.groupBlock = append(rd.groupBlock, group{values: rd.valueBlock[i*room : i*room : (i+1)*room], file: o.File, line: o.Line})
	return &rd.groupBlock[i]
}

// group returns the sample of one case, model, core count and unit; nil
// when there is none.
func (rd *runData) group(ck benchproc.Key, model string, procs int, unit string) *group {
	pd := rd.points[pointKey{ck, model, procs}]
	if pd == nil {
		return nil
	}
	for i, u := range pd.units {
		if u == unit {
			return pd.groups[i]
		}
	}
	return nil
}

// point returns the data of o's case, model and procs, creating it (and
// recording a new case) on first sight.
func (rd *runData) point(o *results.Observation) *pointData {
	pk := pointKey{o.Case, o.Model, o.Procs}
	if pd := rd.points[pk]; pd != nil {
		return pd
	}
	if !rd.seen[o.Case] {
		rd.seen[o.Case] = true
		rd.cases = append(rd.cases, o.Case)
	}
	pd := &pointData{}
	pd.units, pd.groups = pd.unitsArr[:0], pd.groupsArr[:0]
	rd.points[pk] = pd
	return pd
}

// findNCPU looks for the CPU count in o's configuration, once per
// configuration, until it is found.
func (rd *runData) findNCPU(o *results.Observation) {
	if rd.ncpu != "" || (rd.ncpuTriedOK && rd.ncpuTried == o.Config) {
		return
	}
	rd.ncpuTried, rd.ncpuTriedOK = o.Config, true
	for _, k := range []string{"ncpu", "gomaxprocs-default"} {
		if v := o.ConfigValue(k); v != "" {
			rd.ncpu, rd.ncpuK = v, k
			return
		}
	}
}

// Analyze summarises a dataset into a [Report]. It fails only when an
// analyser fails; every other problem becomes a warning.
func Analyze(ds *results.Dataset, opts AnalyzeOptions) (*Report, error) {
	baseline := opts.Baseline
	if baseline == "" {
		baseline = "serial"
	}
	confidence := opts.Confidence
	if confidence == 0 {
		confidence = 0.95
	}
	if confidence <= 0 || confidence >= 1 {
		return nil, fmt.Errorf("confidence %v is not between 0 and 1", confidence)
	}
	rep := &Report{
		Inputs:     ds.Inputs,
		Config:     ds.Config,
		SplitBy:    ds.SplitBy,
		Baseline:   baseline,
		Confidence: confidence,
		Warnings:   append([]results.Warning(nil), ds.Warnings...),
	}

	runs := map[benchproc.Key]*runData{}
	var envs []benchproc.Key
	// Consecutive observations mostly share their run and their case,
	// model and procs: remember the last ones.
	var (
		rd     *runData
		pd     *pointData
		lastPK pointKey
	)
	for i := range ds.Observations {
		o := &ds.Observations[i]
		if rd == nil || rd.env != o.Env {
			rd = runs[o.Env]
			if rd == nil {
				rd = &runData{env: o.Env, seen: map[benchproc.Key]bool{}, samples: map[benchproc.Key][]sampleKey{}, points: map[pointKey]*pointData{}}
				runs[o.Env] = rd
				envs = append(envs, o.Env)
			}
			pd = nil
		}
		rd.findNCPU(o)
		if pk := (pointKey{o.Case, o.Model, o.Procs}); pd == nil || pk != lastPK {
			pd, lastPK = rd.point(o), pk
		}
		rd.add(o, pd)
	}
	if len(envs) > 0 && !envs[0].IsZero() {
		benchproc.SortKeys(envs)
	}
	for i, env := range envs {
		label := ""
		if len(envs) > 1 {
			label = envLabel(runs[env].env)
		}
		rep.Runs = append(rep.Runs, analyzeRun(ds, rep, runs[env], fmt.Sprintf("r%d", i+1), label, baseline, confidence))
	}
	for _, a := range opts.Analyzers {
		data, err := a.Analyze(ds, rep)
		if err != nil {
			return nil, fmt.Errorf("analysis %s: %w", a.Name(), err)
		}
		if rep.Extensions == nil {
			rep.Extensions = map[string]any{}
		}
		rep.Extensions[a.Name()] = data
	}
	return rep, nil
}

func analyzeRun(ds *results.Dataset, rep *Report, rd *runData, id, runLabel, baseline string, confidence float64) Run {
	run := Run{ID: id}
	run.Env = results.EnvOf(rd.env)
	if rd.ncpu != "" {
		n, err := strconv.Atoi(strings.TrimSpace(rd.ncpu))
		if err != nil || n < 1 {
			rep.Warnings = append(rep.Warnings, results.Warning{Kind: "ncpu", Msg: fmt.Sprintf("%s%s %q is not a CPU count; oversubscribed points are not marked", runLabel, rd.ncpuK, rd.ncpu)})
		} else {
			run.NCPU, run.NCPUSource = n, rd.ncpuK
		}
	} else {
		rep.Warnings = append(rep.Warnings, results.Warning{Kind: "ncpu", Msg: runLabel + "no ncpu: or gomaxprocs-default: configuration line gives the CPU count; oversubscribed points are not marked"})
	}

	cases := rd.cases
	benchproc.SortKeys(cases)
	type caseResult struct {
		c         Case
		warnings  []results.Warning
		overProcs []int
	}
	analysed := make([]caseResult, len(cases))
	parallelFor(len(cases), func(ci int) {
		r := &analysed[ci]
		r.c, r.warnings, r.overProcs = analyzeCase(ds, rd, cases[ci], fmt.Sprintf("%s-c%d", id, ci+1), runLabel, baseline, confidence, run.NCPU)
	})
	overProcs := map[int]bool{}
	for _, r := range analysed {
		run.Cases = append(run.Cases, r.c)
		rep.Warnings = append(rep.Warnings, r.warnings...)
		for _, p := range r.overProcs {
			overProcs[p] = true
		}
	}
	if len(overProcs) > 0 {
		ps := sortedKeys(overProcs, cmp.Compare[int])
		strs := make([]string, len(ps))
		for i, p := range ps {
			strs[i] = strconv.Itoa(p)
		}
		rep.Warnings = append(rep.Warnings, results.Warning{Kind: "oversubscribed", Msg: fmt.Sprintf("%sGOMAXPROCS %s exceeds the %d CPUs (%s): those points are oversubscribed and drawn hollow", runLabel, strings.Join(strs, ", "), run.NCPU, run.NCPUSource)})
	}
	return run
}

// analyzeCase summarises one case of a run. It only reads rd, so cases can
// be analysed in parallel.
func analyzeCase(ds *results.Dataset, rd *runData, ck benchproc.Key, caseID, runLabel, baseline string, confidence float64, ncpu int) (Case, []results.Warning, []int) {
	var warnings []results.Warning
	// The points' optional figures come from blocks, not one by one.
	var al allocator
	over := map[int]bool{}
	c := Case{
		ID: caseID,
	}
	c.Name, c.Params = ds.CaseName(ck)
	models, procs, units := map[string]bool{}, map[int]bool{}, map[string]bool{}
	for _, k := range rd.samples[ck] {
		models[k.model], procs[k.procs], units[k.unit] = true, true, true
	}
	c.Procs = sortedKeys(procs, cmp.Compare[int])
	modelList := sortedKeys(models, func(a, b string) int {
		if (a == baseline) != (b == baseline) {
			if a == baseline {
				return -1
			}
			return 1
		}
		return strings.Compare(a, b)
	})
	c.HasBaseline = rd.group(ck, baseline, 1, "sec/op") != nil
	if !c.HasBaseline {
		// The case may have no time unit (filtered away); look at any unit.
		for u := range units {
			if rd.group(ck, baseline, 1, u) != nil {
				c.HasBaseline = true
			}
		}
	}
	// A case whose names carry no /model key (a contention benchmark of
	// one primitive, say) compares no models: it has no baseline to miss.
	comparesModels := !(len(models) == 1 && models[""])
	if !c.HasBaseline && comparesModels {
		msg := fmt.Sprintf("%s%s: no %s model at GOMAXPROCS=1; speedups are against each model's own 1-core result only", runLabel, c.FullName(), baseline)
		if !models[baseline] {
			msg = fmt.Sprintf("%s%s: no %s model; speedups are against each model's own 1-core result only", runLabel, c.FullName(), baseline)
		}
		warnings = append(warnings, results.Warning{Kind: "baseline", Msg: msg})
	}
	unitList := sortedKeys(units, CompareUnits)
	checkedUnit := t0(units, unitList)
	for _, unit := range unitList {
		t := UnitTable{Unit: unit, HigherIsBetter: HigherIsBetter(ds.Units, unit)}
		assumption := ds.Units.GetAssumption(unit)
		var base *benchmath.Sample
		var baseSum benchmath.Summary
		if g := rd.group(ck, baseline, 1, unit); g != nil {
			base = benchmath.NewSample(g.values, &benchmath.DefaultThresholds)
			baseSum = assumption.Summary(base, confidence)
		}
		for _, m := range modelList {
			series := ModelSeries{Model: m, Points: make([]Point, 0, len(c.Procs))}
			var self *benchmath.Sample
			var selfSum benchmath.Summary
			for _, p := range c.Procs {
				g := rd.group(ck, m, p, unit)
				if g == nil {
					continue
				}
				s := benchmath.NewSample(g.values, &benchmath.DefaultThresholds)
				sum := assumption.Summary(s, confidence)
				if lines := rd.points[pointKey{ck, m, p}].lines; len(g.values) != lines {
					warnings = append(warnings, results.Warning{File: g.file, Line: g.line, Kind: "units", Msg: fmt.Sprintf("%s%s: %s is reported by %d of its %d result lines", runLabel, pointLabel(c, m, p), unit, len(g.values), lines)})
				}
				if len(g.values) < minSamples && unit == checkedUnit {
					warnings = append(warnings, results.Warning{File: g.file, Line: g.line, Kind: "samples", Msg: fmt.Sprintf("%s%s: only %d sample(s); need >= %d for a %v%% interval (run with -count %d or more)", runLabel, pointLabel(c, m, p), len(g.values), minSamples, confidence*100, minSamples)})
				}
				pt := Point{Procs: p, N: len(g.values), Median: sum.Center}
				if finite(sum.Lo) && finite(sum.Hi) {
					pt.Lo, pt.Hi = al.float(sum.Lo), al.float(sum.Hi)
				}
				if ncpu > 0 && p > ncpu {
					pt.Oversubscribed = true
					over[p] = true
				}
				if p == 1 && m == baseline && base != nil {
					// The same measurements: let speedup see it.
					s = base
				}
				if p == 1 {
					self, selfSum = s, sum
				}
				if base != nil && !IsAllocUnit(unit) {
					pt.VsBaseline = speedup(&al, assumption, base, baseSum, s, sum, t.HigherIsBetter)
					if pt.VsBaseline != nil {
						pt.Efficiency = al.float(pt.VsBaseline.Value / float64(p))
					}
				}
				if self != nil && self == base && pt.VsBaseline != nil && !IsAllocUnit(unit) {
					// The baseline model against its own 1-core result is
					// the same comparison as against the baseline.
					pt.VsSelf, pt.SelfEfficiency = pt.VsBaseline, pt.Efficiency
				} else if self != nil && !IsAllocUnit(unit) {
					pt.VsSelf = speedup(&al, assumption, self, selfSum, s, sum, t.HigherIsBetter)
					if pt.VsSelf != nil {
						pt.SelfEfficiency = al.float(pt.VsSelf.Value / float64(p))
					}
				}
				series.Points = append(series.Points, pt)
			}
			if len(series.Points) > 0 {
				t.Models = append(t.Models, series)
			}
		}
		c.Units = append(c.Units, t)
	}
	return c, warnings, sortedKeys(over, cmp.Compare[int])
}

// t0 returns the unit whose sample counts are checked: time per operation
// when the case has it, else the first unit of sorted.
func t0(units map[string]bool, sorted []string) string {
	if units["sec/op"] {
		return "sec/op"
	}
	return sorted[0]
}

// pointLabel names one point of a case in warnings, as its benchmark name.
func pointLabel(c Case, model string, procs int) string {
	return BenchmarkName(c.Name, model, c.Params, procs)
}

// speedup compares sample s against reference ref; nil when a median is not
// positive.
func speedup(al *allocator, a benchmath.Assumption, ref *benchmath.Sample, refSum benchmath.Summary, s *benchmath.Sample, sum benchmath.Summary, higher bool) *Ratio {
	if !(refSum.Center > 0 && sum.Center > 0) {
		return nil
	}
	r := al.ratio()
	if ref == s {
		*r = Ratio{Value: 1, P: 1, Reference: true}
		return r
	}
	if higher {
		r.Value = sum.Center / refSum.Center
	} else {
		r.Value = refSum.Center / sum.Center
	}
	if finite(refSum.Lo) && finite(refSum.Hi) && finite(sum.Lo) && finite(sum.Hi) && refSum.Lo > 0 && sum.Lo > 0 {
		if higher {
			r.Lo, r.Hi = al.float(sum.Lo/refSum.Hi), al.float(sum.Hi/refSum.Lo)
		} else {
			r.Lo, r.Hi = al.float(refSum.Lo/sum.Hi), al.float(refSum.Hi/sum.Lo)
		}
	}
	c := a.Compare(ref, s)
	r.P = c.P
	r.Significant = c.P < c.Alpha
	return r
}

func sortedKeys[K comparable](m map[K]bool, compare func(a, b K) int) []K {
	out := make([]K, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.SortFunc(out, compare)
	return out
}

// envLabel prefixes the warnings of one run among several.
func envLabel(env benchproc.Key) string {
	if env.IsZero() {
		return ""
	}
	return "[" + results.EnvOf(env).String() + "] "
}

// An allocator hands out the floats and ratios a case's points point to
// from blocks: a large report has hundreds of thousands of them. It is not
// safe for concurrent use; each case has its own.
type allocator struct {
	floats []float64
	ratios []Ratio
}

func (a *allocator) float(v float64) *float64 {
	if len(a.floats) == cap(a.floats) {
		a.floats = make([]float64, 0, nextBlock(cap(a.floats), 16, 256))
	}
	a.floats = append(a.floats, v)
	return &a.floats[len(a.floats)-1]
}

func (a *allocator) ratio() *Ratio {
	if len(a.ratios) == cap(a.ratios) {
		a.ratios = make([]Ratio, 0, nextBlock(cap(a.ratios), 4, 64))
	}
	a.ratios = append(a.ratios, Ratio{})
	return &a.ratios[len(a.ratios)-1]
}

// nextBlock returns the size of the block after one of size last: twice
// as large, from first up to most, so that a small report allocates little.
func nextBlock(last, first, most int) int {
	return min(max(2*last, first), most)
}

func finite(x float64) bool { return !math.IsInf(x, 0) && !math.IsNaN(x) }

func ptr[T any](v T) *T { return &v }
