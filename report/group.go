package report

import (
	"cmp"
	"maps"
	"slices"

	"golang.org/x/perf/benchproc"

	"concbench/report/results"
)

// GroupOptions configures [Group]. The zero value makes one run of each
// combination of the split-by keys, whatever file its results are in.
type GroupOptions struct {
	// ByFile makes each results file's part of a run a run of its own:
	// the history's runs, kept apart even when they share a toolchain and
	// a machine.
	ByFile bool
}

// A Grouping is the observations of a dataset gathered into samples, one
// per run, case, model, core count and unit. It is the one grouping of the
// observations that every analysis reads, as x/perf's benchtab builds every
// table of benchstat from one pass over the results: the cases, the Go
// versions section and the regression gate project it; none regroups the
// raw observations its own way.
type Grouping struct {
	// Dataset is the dataset grouped.
	Dataset *results.Dataset
	// Runs lists the runs sorted by their split-by keys (then, when grouped
	// by file, by file in the order read). The report's Run i is the
	// analysis of Runs[i].
	Runs []*RunGroup
}

// A RunGroup is the observations of one run: one combination of the
// split-by keys, such as one toolchain on one machine, and, when grouped by
// file, one results file.
type RunGroup struct {
	// Env is the run's split-by keys as projected; results.EnvOf lists
	// them.
	Env benchproc.Key
	// File is the run's results file when grouped by file, else "".
	File string
	// First is the index of the run's first observation in the dataset.
	First int
	// Configs lists the distinct configurations (the configuration keys
	// other than the split-by keys) of the run's observations, in the
	// order first seen.
	Configs []benchproc.Key
	// Cases lists the run's cases, sorted by their keys.
	Cases []*CaseGroup
	// Benchmarks lists every benchmark of the run in the order first seen.
	Benchmarks []*Benchmark

	cases      map[benchproc.Key]*CaseGroup
	benchmarks map[benchKey]*Benchmark
	seen       map[benchproc.Key]bool
}

// A CaseGroup is one case of a run: a benchmark name with its name keys
// other than model, every model of it at every core count.
type CaseGroup struct {
	// Key is the case's projected key (a [results.Observation]'s Case).
	Key benchproc.Key
	// Index is the case's position in its run's Cases, and in the
	// report's Run.Cases.
	Index int
	// Name and Params are the case's base name and its other name keys,
	// as results.Dataset.CaseName returns them.
	Name, Params string
	// SeriesKeys lists the name keys whose values, joined with "+", name
	// the case's series (its Benchmarks' Model), and SeriesBaseline the
	// series its speedups are measured against, as
	// results.Dataset.CaseSeries returns them; nil and "" when the series
	// are the values of the /model key.
	SeriesKeys     []string
	SeriesBaseline string
	// Models lists the case's models (its series) by name; Procs its GOMAXPROCS values,
	// ascending; Units its units: time per operation first, then other
	// metrics by name, then the allocation counts (B/op, allocs/op).
	Models []string
	Procs  []int
	Units  []string
	// Benchmarks lists each model at each core count in the order first
	// seen.
	Benchmarks []*Benchmark

	byPoint map[modelProcs]*Benchmark
}

type modelProcs struct {
	model string
	procs int
}

// A Benchmark is one model of a case at one core count in one run: its
// result lines and a sample of every unit they report.
type Benchmark struct {
	// Case is the benchmark's case.
	Case *CaseGroup
	// Model names the benchmark's series in its case: the value of the
	// /model name key, or of the case's SeriesKeys joined with "+"; ""
	// when there are neither.
	Model string
	// Procs is the GOMAXPROCS the benchmark ran at.
	Procs int
	// Lines counts the benchmark's result lines.
	Lines int
	// Samples holds one sample per unit, in the order first seen.
	Samples []Sample
}

// A Sample is every measurement of one benchmark in one unit.
type Sample struct {
	// Unit is the tidied unit, such as "sec/op".
	Unit string
	// Values lists the measurements in the order they were read, which is
	// the order they were measured in.
	Values []float64
	// Rounds holds the round each value was measured in
	// ([results.Observation]'s Round): 0 for a value with no round line.
	Rounds []int
	// File and Line locate the first measurement.
	File string
	Line int
}

type benchKey struct {
	caseKey benchproc.Key
	model   string
	procs   int
}

// Group gathers the observations of ds into a [Grouping].
func Group(ds *results.Dataset, opts GroupOptions) *Grouping {
	type runKey struct {
		env  benchproc.Key
		file string
	}
	g := &Grouping{Dataset: ds}
	runs := map[runKey]*RunGroup{}
	// Consecutive observations mostly share their run and their
	// benchmark: remember the last ones.
	var (
		rg     *RunGroup
		lastRK runKey
		b      *Benchmark
		lastBK benchKey
	)
	for i := range ds.Observations {
		o := &ds.Observations[i]
		rk := runKey{env: o.Env}
		if opts.ByFile {
			rk.file = o.File
		}
		if rg == nil || rk != lastRK {
			rg = runs[rk]
			if rg == nil {
				rg = &RunGroup{Env: o.Env, File: rk.file, First: i, cases: map[benchproc.Key]*CaseGroup{}, benchmarks: map[benchKey]*Benchmark{}, seen: map[benchproc.Key]bool{}}
				runs[rk] = rg
				g.Runs = append(g.Runs, rg)
			}
			lastRK, b = rk, nil
		}
		if !rg.seen[o.Config] {
			rg.seen[o.Config] = true
			rg.Configs = append(rg.Configs, o.Config)
		}
		if bk := (benchKey{o.Case, o.Model, o.Procs}); b == nil || bk != lastBK {
			b, lastBK = rg.benchmark(ds, bk), bk
		}
		b.add(o)
	}
	sortRuns(g.Runs)
	for _, rg := range g.Runs {
		rg.finish()
	}
	return g
}

// sortRuns sorts runs by their split-by keys, keeping the order of runs
// that share them.
func sortRuns(runs []*RunGroup) {
	var envs []benchproc.Key
	rank := map[benchproc.Key]int{}
	for _, rg := range runs {
		if _, ok := rank[rg.Env]; !ok {
			rank[rg.Env] = 0
			envs = append(envs, rg.Env)
		}
	}
	if len(envs) == 0 || envs[0].IsZero() {
		// No split-by keys: the runs are the files, in the order read.
		return
	}
	benchproc.SortKeys(envs)
	for i, e := range envs {
		rank[e] = i
	}
	slices.SortStableFunc(runs, func(a, b *RunGroup) int { return cmp.Compare(rank[a.Env], rank[b.Env]) })
}

// benchmark returns the run's benchmark of k, creating it (and its case) on
// first sight.
func (rg *RunGroup) benchmark(ds *results.Dataset, k benchKey) *Benchmark {
	if b := rg.benchmarks[k]; b != nil {
		return b
	}
	cg := rg.cases[k.caseKey]
	if cg == nil {
		cg = &CaseGroup{Key: k.caseKey, byPoint: map[modelProcs]*Benchmark{}}
		cg.Name, cg.Params = ds.CaseName(k.caseKey)
		cg.SeriesKeys, cg.SeriesBaseline = ds.CaseSeries(k.caseKey)
		rg.cases[k.caseKey] = cg
		rg.Cases = append(rg.Cases, cg)
	}
	b := &Benchmark{Case: cg, Model: k.model, Procs: k.procs}
	rg.benchmarks[k] = b
	rg.Benchmarks = append(rg.Benchmarks, b)
	cg.Benchmarks = append(cg.Benchmarks, b)
	cg.byPoint[modelProcs{k.model, k.procs}] = b
	return b
}

// add records one observation of the benchmark. The lines of one benchmark
// report the same units in the same order, so a value mostly finds its
// sample at its own position.
func (b *Benchmark) add(o *results.Observation) {
	b.Lines++
	for j := range o.Values {
		v := &o.Values[j]
		i := j
		if i >= len(b.Samples) || b.Samples[i].Unit != v.Unit {
			i = slices.IndexFunc(b.Samples, func(s Sample) bool { return s.Unit == v.Unit })
		}
		if i < 0 {
			b.Samples = append(b.Samples, Sample{Unit: v.Unit, File: o.File, Line: o.Line})
			i = len(b.Samples) - 1
		}
		b.Samples[i].Values = append(b.Samples[i].Values, v.Value)
		b.Samples[i].Rounds = append(b.Samples[i].Rounds, o.Round)
	}
}

// finish sorts the run's cases and lists each case's models, core counts
// and units.
func (rg *RunGroup) finish() {
	keys := make([]benchproc.Key, len(rg.Cases))
	for i, cg := range rg.Cases {
		keys[i] = cg.Key
	}
	benchproc.SortKeys(keys)
	for i, k := range keys {
		cg := rg.cases[k]
		cg.Index = i
		rg.Cases[i] = cg
		models, procs, units := map[string]bool{}, map[int]bool{}, map[string]bool{}
		for _, b := range cg.Benchmarks {
			models[b.Model], procs[b.Procs] = true, true
			for _, s := range b.Samples {
				units[s.Unit] = true
			}
		}
		cg.Models = sortedKeys(models, cmp.Compare[string])
		cg.Procs = sortedKeys(procs, cmp.Compare[int])
		cg.Units = sortedKeys(units, compareUnits)
	}
	rg.seen = nil
}

// Case returns the run's case of key, or nil.
func (rg *RunGroup) Case(key benchproc.Key) *CaseGroup { return rg.cases[key] }

// ConfigValue returns the value of the first of keys that the run sets,
// looking in its split-by keys and then in its configurations in the order
// seen; "" if none is set. It also returns which key it found.
func (rg *RunGroup) ConfigValue(keys ...string) (value, key string) {
	for _, k := range keys {
		if v := results.Get(rg.Env, k); v != "" {
			return v, k
		}
	}
	for _, cfg := range rg.Configs {
		for _, k := range keys {
			if v := results.Get(cfg, k); v != "" {
				return v, k
			}
		}
	}
	return "", ""
}

// Benchmark returns the case's benchmark of model at procs, or nil.
func (cg *CaseGroup) Benchmark(model string, procs int) *Benchmark {
	return cg.byPoint[modelProcs{model, procs}]
}

// FullName returns the case's name with its parameters.
func (cg *CaseGroup) FullName() string { return cg.Name + cg.Params }

// Sample returns the benchmark's sample of unit, or nil.
func (b *Benchmark) Sample(unit string) *Sample {
	for i := range b.Samples {
		if b.Samples[i].Unit == unit {
			return &b.Samples[i]
		}
	}
	return nil
}

// Units lists the units of the benchmark's samples, in the order first
// seen.
func (b *Benchmark) Units() []string {
	units := make([]string, len(b.Samples))
	for i, s := range b.Samples {
		units[i] = s.Unit
	}
	return units
}

// Name returns the benchmark's full name, as the results file writes it.
func (b *Benchmark) Name() string {
	return seriesBenchmarkName(b.Case.Name, b.Case.SeriesKeys, b.Model, b.Case.Params, b.Procs)
}

func sortedKeys[K comparable](m map[K]bool, compare func(a, b K) int) []K {
	return slices.SortedFunc(maps.Keys(m), compare)
}
