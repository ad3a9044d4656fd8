package report

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/perf/benchproc"

	"concbench/report/multitest"
	"concbench/report/results"
	"concbench/report/stability"
)

// An Analyzer adds its own analysed data to a [Report], stored in
// Report.Extensions under its name, so that a new part of the report (the
// Go versions comparison, the history, scaling fits) needs no change to the
// core. Its data usually comes with a [Section] that renders it.
type Analyzer interface {
	// Name is the key of the analyser's data in Report.Extensions.
	Name() string
	// Analyze returns the analyser's data, computed from the grouping of
	// the dataset and the core analysis: rep.Runs[i] is the analysis of
	// g.Runs[i]. Its summaries and comparisons are made with rep.Stats, so
	// that they are made as the cases' are. It may append to rep.Warnings.
	Analyze(g *Grouping, rep *Report) (any, error)
}

// Extension returns the data the analyser named name stored in the report,
// or the zero T when there is none or it is not a T.
func Extension[T any](rep *Report, name string) T {
	v, _ := rep.Extensions[name].(T)
	return v
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
	// Correction adjusts the p-values of every family of comparisons
	// ([Report.Families]); the zero value is multitest.Holm.
	Correction multitest.Method
}

// minSamples is the number of measurements benchmath needs for a 95%
// interval around the median.
const minSamples = 6

// Analyze groups a dataset ([Group]) and summarises it into a [Report]. It
// fails only when an option is out of range or an analyser fails; every
// other problem becomes a warning.
func Analyze(ds *results.Dataset, opts AnalyzeOptions) (*Report, error) {
	baseline := cmp.Or(opts.Baseline, "serial")
	if _, err := multitest.ParseMethod(string(opts.Correction)); err != nil {
		return nil, err
	}
	st, err := NewStats(ds.Units, opts.Confidence, 0)
	if err != nil {
		return nil, err
	}
	rep := &Report{
		Inputs:     ds.Inputs,
		Config:     ds.Config,
		SplitBy:    ds.SplitBy,
		Baseline:   baseline,
		Confidence: st.Confidence(),
		Warnings:   append([]results.Warning(nil), ds.Warnings...),
		Stats:      st,
		Correction: cmp.Or(opts.Correction, multitest.Holm),
	}
	g := Group(ds, GroupOptions{})
	for i, rg := range g.Runs {
		label := ""
		if len(g.Runs) > 1 {
			label = envLabel(rg.Env)
		}
		rep.Runs = append(rep.Runs, analyzeRun(rep, rg, fmt.Sprintf("r%d", i+1), label))
	}
	// Each family is adjusted as soon as it is made, so that an analyser
	// reads the cases' and the earlier analysers' adjusted verdicts.
	for _, f := range rep.caseFamilies() {
		f.Adjust(rep.Correction)
	}
	for _, a := range opts.Analyzers {
		data, err := a.Analyze(g, rep)
		if err != nil {
			return nil, fmt.Errorf("analysis %s: %w", a.Name(), err)
		}
		if l, ok := data.(FamilyLister); ok {
			for _, f := range l.Families() {
				f.Adjust(rep.Correction)
			}
		}
		if rep.Extensions == nil {
			rep.Extensions = map[string]any{}
		}
		rep.Extensions[a.Name()] = data
	}
	return rep, nil
}

func analyzeRun(rep *Report, rg *RunGroup, id, runLabel string) Run {
	run := Run{ID: id, Env: results.EnvOf(rg.Env)}
	if v, k := rg.ConfigValue("ncpu", "gomaxprocs-default"); v != "" {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 1 {
			rep.Warnings = append(rep.Warnings, results.Warning{Kind: "ncpu", Msg: fmt.Sprintf("%s%s %q is not a CPU count; oversubscribed points are not marked", runLabel, k, v)})
		} else {
			run.NCPU, run.NCPUSource = n, k
		}
	} else {
		rep.Warnings = append(rep.Warnings, results.Warning{Kind: "ncpu", Msg: runLabel + "no ncpu: or gomaxprocs-default: configuration line gives the CPU count; oversubscribed points are not marked"})
	}

	if v, _ := rg.ConfigValue("loadavg"); v != "" {
		if f, ok := stability.CheckLoad(v, run.NCPU); ok {
			rep.Warnings = append(rep.Warnings, results.Warning{Kind: string(f.Kind), Msg: runLabel + f.Msg})
		}
	}

	type caseResult struct {
		c         Case
		warnings  []results.Warning
		overProcs []int
	}
	analysed := make([]caseResult, len(rg.Cases))
	// Cases are analysed in parallel (see parallelFor).
	parallelFor(len(rg.Cases), func(ci int) {
		r := &analysed[ci]
		r.c, r.warnings, r.overProcs = analyzeCase(rep, rg.Cases[ci], fmt.Sprintf("%s-c%d", id, ci+1), runLabel, run.NCPU)
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

// analyzeCase summarises one case of a run. It only reads the grouping, so
// cases can be analysed in parallel.
func analyzeCase(rep *Report, cg *CaseGroup, caseID, runLabel string, ncpu int) (Case, []results.Warning, []int) {
	st, baseline := rep.Stats, rep.Baseline
	var warnings []results.Warning
	over := map[int]bool{}
	c := Case{ID: caseID, Name: cg.Name, Params: cg.Params, Procs: cg.Procs, SeriesKeys: cg.SeriesKeys}
	if cg.SeriesKeys != nil {
		// Series named by other keys than /model have their own baseline.
		baseline, c.Baseline = cg.SeriesBaseline, cg.SeriesBaseline
	}
	models := slices.Clone(cg.Models)
	slices.SortFunc(models, func(a, b string) int { return CompareModels(a, b, baseline) })
	baseBench := cg.Benchmark(baseline, 1)
	c.HasBaseline = baseBench != nil
	// A case whose names carry no /model key (a contention benchmark of
	// one primitive, say) compares no models: it has no baseline to miss.
	comparesModels := !(len(models) == 1 && models[0] == "")
	if !c.HasBaseline && comparesModels {
		kind := "model"
		if cg.SeriesKeys != nil {
			kind = "series"
		}
		msg := fmt.Sprintf("%s%s: no %s %s at GOMAXPROCS=1; speedups are against each %s's own 1-core result only", runLabel, c.FullName(), baseline, kind, kind)
		if !slices.Contains(models, baseline) {
			msg = fmt.Sprintf("%s%s: no %s %s; speedups are against each %s's own 1-core result only", runLabel, c.FullName(), baseline, kind, kind)
		}
		warnings = append(warnings, results.Warning{Kind: "baseline", Msg: msg})
	}
	// The sample counts are checked on the primary unit, or on the first
	// unit of a case that counts only allocations.
	checkedUnit := cmp.Or(PrimaryUnit(cg.Units), cg.Units[0])
	// Noise and outliers are common on a busy machine: one warning per
	// case and kind names its benchmarks, rather than one each.
	var noted caseFindings
	for _, unit := range cg.Units {
		t := UnitTable{Unit: unit, HigherIsBetter: st.HigherIsBetter(unit)}
		// Allocation units carry no speedups: fewer bytes per operation is
		// not a speedup, and leaving the comparisons out halves the work on
		// a large results file.
		speedups := !isAllocUnit(unit)
		var base *Summary
		if baseBench != nil {
			if s := baseBench.Sample(unit); s != nil {
				base = st.Summarize(unit, s.Values)
			}
		}
		for _, m := range models {
			series := ModelSeries{Model: m, Points: make([]Point, 0, len(c.Procs))}
			var self *Summary
			for _, p := range c.Procs {
				b := cg.Benchmark(m, p)
				if b == nil {
					continue
				}
				smp := b.Sample(unit)
				if smp == nil {
					continue
				}
				var sum *Summary
				if p == 1 && m == baseline && base != nil {
					// The same measurements: let speedup see it.
					sum = base
				} else {
					sum = st.Summarize(unit, smp.Values)
				}
				n := len(smp.Values)
				if n != b.Lines {
					warnings = append(warnings, results.Warning{File: smp.File, Line: smp.Line, Kind: "units", Msg: fmt.Sprintf("%s%s: %s is reported by %d of its %d result lines", runLabel, b.Name(), unit, n, b.Lines)})
				}
				pt := Point{Procs: p, N: n, Median: sum.Median, Lo: sum.Lo, Hi: sum.Hi}
				if unit == checkedUnit && !sum.Exact() {
					for _, f := range stability.Check(smp.Values, smp.Rounds, stability.Options{Alpha: st.Alpha(), MinSamples: minSamples}) {
						pt.Flags = append(pt.Flags, f.Kind)
						switch f.Kind {
						case stability.Samples:
							warnings = append(warnings, results.Warning{File: smp.File, Line: smp.Line, Kind: string(f.Kind), Msg: runLabel + b.Name() + ": " + f.Msg})
						case stability.Drift:
							warnings = append(warnings, results.Warning{File: smp.File, Line: smp.Line, Kind: "unstable", Msg: runLabel + b.Name() + ": " + f.Msg})
						default:
							noted.add(f, pointName(m, p), smp)
						}
					}
				}
				if ncpu > 0 && p > ncpu {
					pt.Oversubscribed = true
					over[p] = true
				}
				if p == 1 {
					self = sum
				}
				if base != nil && speedups {
					pt.VsBaseline = speedup(base, sum, t.HigherIsBetter)
					if pt.VsBaseline != nil {
						pt.Efficiency = new(pt.VsBaseline.Value / float64(p))
					}
				}
				if self != nil && self == base && pt.VsBaseline != nil && speedups {
					// The baseline model against its own 1-core result is
					// the same comparison as against the baseline.
					pt.VsSelf, pt.SelfEfficiency = pt.VsBaseline, pt.Efficiency
				} else if self != nil && speedups {
					pt.VsSelf = speedup(self, sum, t.HigherIsBetter)
					if pt.VsSelf != nil {
						pt.SelfEfficiency = new(pt.VsSelf.Value / float64(p))
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
	warnings = append(warnings, noted.warnings(runLabel+c.FullName())...)
	return c, warnings, sortedKeys(over, cmp.Compare[int])
}

// pointName names a benchmark within its case: "pool@2", or "2 cores"
// when the case has no models.
func pointName(model string, procs int) string {
	if model == "" {
		if procs == 1 {
			return "1 core"
		}
		return strconv.Itoa(procs) + " cores"
	}
	return model + "@" + strconv.Itoa(procs)
}

// caseFindings gathers the noise and outlier findings of a case's
// benchmarks, by kind in the order first met.
type caseFindings struct {
	kinds []*kindFindings
}

type kindFindings struct {
	kind       stability.Kind
	advice     string
	file       string
	line       int
	benchmarks []string
}

func (cf *caseFindings) add(f stability.Finding, name string, smp *Sample) {
	i := slices.IndexFunc(cf.kinds, func(k *kindFindings) bool { return k.kind == f.Kind })
	if i < 0 {
		cf.kinds = append(cf.kinds, &kindFindings{kind: f.Kind, advice: f.Advice, file: smp.File, line: smp.Line})
		i = len(cf.kinds) - 1
	}
	k := cf.kinds[i]
	k.benchmarks = append(k.benchmarks, name+" "+f.Detail)
}

// warnings returns one warning per kind, each naming its benchmarks and
// saying what to do.
func (cf *caseFindings) warnings(caseName string) []results.Warning {
	out := make([]results.Warning, 0, len(cf.kinds))
	for _, k := range cf.kinds {
		what := "noisy (coefficient of variation above 10%)"
		if k.kind == stability.Outliers {
			what = "with values beyond Tukey's fences, kept (the median resists them)"
		}
		out = append(out, results.Warning{File: k.file, Line: k.line, Kind: "unstable", Msg: fmt.Sprintf("%s: %d benchmark(s) %s: %s: %s", caseName, len(k.benchmarks), what, strings.Join(k.benchmarks, ", "), k.advice)})
	}
	return out
}

// speedup compares the summary s against the reference ref with [Compare];
// nil when a median is not positive.
func speedup(ref, s *Summary, higher bool) *Speedup {
	if !(ref.Median > 0 && s.Median > 0) {
		return nil
	}
	if ref == s {
		return &Speedup{Value: 1, Test: Test{P: 1, PAdj: 1}, Reference: true}
	}
	c := Compare(ref, s)
	sp := &Speedup{Test: c.Test}
	sp.Value, sp.Lo, sp.Hi = c.Speedup(higher)
	return sp
}

// envLabel prefixes the warnings of one run among several.
func envLabel(env benchproc.Key) string {
	if env.IsZero() {
		return ""
	}
	return "[" + results.EnvOf(env).String() + "] "
}
