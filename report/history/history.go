// Package history follows every benchmark across runs kept over time: each
// results file is one run, placed by its date: and commit: lines. Its
// [Analyzer] adds an [Analysis] to the report and its [Section] draws each
// benchmark's median over the runs, one line per toolchain or machine.
package history

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"concbench/report"
	"concbench/report/results"

	"golang.org/x/perf/benchmath"
	"golang.org/x/perf/benchproc"
)

// Key is the key of the history of runs in report.Report.Extensions.
const Key = "history"

// Analyzer follows every benchmark across runs kept over time: each
// results file is one run, placed by its date: and commit: configuration
// lines, and each combination of split-by keys (toolchain, machine, ...) is
// one line. Its data is a *[Analysis].
//
// The core analysis of a history report is best made of the latest run
// alone ([Latest]), since analysing every run together would merge
// the samples of runs made on the same machine with the same toolchain;
// Runs then holds every run.
type Analyzer struct {
	// Runs is the dataset of every run kept; nil means the dataset being
	// analysed. Its warnings about files other than those analysed are
	// added to the report's.
	Runs *results.Dataset
}

// Name implements report.Analyzer.
func (Analyzer) Name() string { return Key }

// Latest returns the name of the latest run (results file) of ds: the
// last by date, then commit, then name, as the history orders them.
func Latest(ds *results.Dataset) string {
	runs := historyRuns(ds)
	if len(runs) == 0 {
		return ""
	}
	return runs[len(runs)-1].File
}

// historyRuns returns the runs of ds in time order, labelled and indexed.
func historyRuns(ds *results.Dataset) []Run {
	seen := map[string]bool{}
	runs := []Run{}
	for i := range ds.Observations {
		o := &ds.Observations[i]
		if !seen[o.File] {
			seen[o.File] = true
			runs = append(runs, Run{File: o.File, Date: o.ConfigValue("date"), Commit: o.ConfigValue("commit")})
		}
	}
	slices.SortFunc(runs, func(a, b Run) int {
		ta, ea := time.Parse(time.RFC3339, a.Date)
		tb, eb := time.Parse(time.RFC3339, b.Date)
		if ea == nil && eb == nil {
			if c := ta.Compare(tb); c != 0 {
				return c
			}
		} else if c := strings.Compare(a.Date, b.Date); c != 0 {
			return c
		}
		return cmp.Or(strings.Compare(a.Commit, b.Commit), strings.Compare(a.File, b.File))
	})
	labelRuns(runs)
	for i := range runs {
		runs[i].Index = i
	}
	return runs
}

// Analysis is the analysed history of runs.
type Analysis struct {
	// Runs lists the runs (results files) in time order: by date, then
	// commit, then file name.
	Runs []Run `json:"runs"`
	// LineKeys lists the split-by keys whose values differ between lines.
	LineKeys []string `json:"lineKeys"`
	// Benchmarks lists every benchmark, sorted by case, model and cores.
	Benchmarks []Benchmark `json:"benchmarks"`
}

// A Run is one results file of a history.
type Run struct {
	// Index is the run's position on the time axis, from 0.
	Index  int    `json:"index"`
	File   string `json:"file"`
	Date   string `json:"date"`
	Commit string `json:"commit"`
	// Label is the run's name on the axis: its date, with the commit
	// added when two runs share a date.
	Label string `json:"label"`
}

// A Benchmark is one benchmark (case, model and core count) over
// time.
type Benchmark struct {
	// ID is a stable identifier, "h1", "h2", ...
	ID string `json:"id"`
	// Name is the full benchmark name as benchstat shows it, such as
	// "Factorize/model=pool/n=10000000019/items=8-2".
	Name           string `json:"name"`
	Unit           string `json:"unit"`
	HigherIsBetter bool   `json:"higherIsBetter"`
	Lines          []Line `json:"lines"`
}

// A Line is one benchmark under one combination of split-by keys
// (such as one toolchain on one machine) across runs.
type Line struct {
	// Env lists the split-by keys.
	Env results.Env `json:"env"`
	// Label names the line by the keys that differ between lines.
	Label  string  `json:"label"`
	Points []Point `json:"points"`
}

// A Point is the benchmark's sample in one run.
type Point struct {
	// Run is the run's Index.
	Run int `json:"run"`
	report.Estimate
}

type historySampleKey struct {
	file    string
	line    string
	caseKey benchproc.Key
	model   string
	procs   int
	unit    string
}

type historyBench struct {
	caseKey benchproc.Key
	model   string
	procs   int
}

// Analyze implements report.Analyzer.
func (a Analyzer) Analyze(ds *results.Dataset, rep *report.Report) (any, error) {
	if a.Runs != nil {
		analysed := map[string]bool{}
		for _, in := range ds.Inputs {
			analysed[in.File] = true
		}
		for _, w := range a.Runs.Warnings {
			if !analysed[w.File] {
				rep.Warnings = append(rep.Warnings, w)
			}
		}
		ds = a.Runs
	}
	h := &Analysis{Runs: historyRuns(ds), LineKeys: []string{}, Benchmarks: []Benchmark{}}
	lines := map[string]results.Env{}
	var lineOrder []string
	samples := map[historySampleKey][]float64{}
	benches := map[historyBench]map[string]bool{} // units of each benchmark
	for i := range ds.Observations {
		o := &ds.Observations[i]
		env := results.EnvOf(o.Env)
		lk := env.String()
		if _, ok := lines[lk]; !ok {
			lines[lk] = env
			lineOrder = append(lineOrder, lk)
		}
		b := historyBench{o.Case, o.Model, o.Procs}
		if benches[b] == nil {
			benches[b] = map[string]bool{}
		}
		for _, v := range o.Values {
			benches[b][v.Unit] = true
			k := historySampleKey{o.File, lk, o.Case, o.Model, o.Procs, v.Unit}
			samples[k] = append(samples[k], v.Value)
		}
	}
	index := map[string]int{}
	for _, r := range h.Runs {
		index[r.File] = r.Index
	}
	h.LineKeys = varyingKeys(lineOrder, lines)
	slices.Sort(lineOrder)

	order := make([]historyBench, 0, len(benches))
	for b := range benches {
		order = append(order, b)
	}
	slices.SortFunc(order, func(a, b historyBench) int {
		if a.caseKey != b.caseKey {
			ks := []benchproc.Key{a.caseKey, b.caseKey}
			benchproc.SortKeys(ks)
			if ks[0] == a.caseKey {
				return -1
			}
			return 1
		}
		return cmp.Or(report.CompareModels(a.model, b.model, rep.Baseline), cmp.Compare(a.procs, b.procs))
	})
	for bi, b := range order {
		unit := ""
		for _, u := range slices.SortedFunc(maps.Keys(benches[b]), report.CompareUnits) {
			if !report.IsAllocUnit(u) {
				unit = u
				break
			}
		}
		if unit == "" {
			continue
		}
		name, params := ds.CaseName(b.caseKey)
		hb := Benchmark{
			ID:             fmt.Sprintf("h%d", bi+1),
			Name:           report.BenchmarkName(name, b.model, params, b.procs),
			Unit:           unit,
			HigherIsBetter: report.HigherIsBetter(ds.Units, unit),
			Lines:          []Line{},
		}
		for _, lk := range lineOrder {
			hl := Line{Env: lines[lk], Label: lineLabel(lines[lk], h.LineKeys), Points: []Point{}}
			if hl.Env == nil {
				hl.Env = results.Env{}
			}
			for _, r := range h.Runs {
				vals := samples[historySampleKey{r.File, lk, b.caseKey, b.model, b.procs, unit}]
				if len(vals) == 0 {
					continue
				}
				s := benchmath.NewSample(vals, &benchmath.DefaultThresholds)
				hl.Points = append(hl.Points, Point{Run: index[r.File], Estimate: report.EstimateOf(s, rep.Confidence)})
			}
			if len(hl.Points) > 0 {
				hb.Lines = append(hb.Lines, hl)
			}
		}
		h.Benchmarks = append(h.Benchmarks, hb)
	}
	for i := range h.Benchmarks {
		h.Benchmarks[i].ID = fmt.Sprintf("h%d", i+1)
	}
	return h, nil
}

// labelRuns names each run by its date (to the minute), adding the commit
// and then the file name where that is not enough to tell two runs apart.
func labelRuns(runs []Run) {
	count := func() map[string]int {
		n := map[string]int{}
		for _, r := range runs {
			n[r.Label]++
		}
		return n
	}
	for i := range runs {
		r := &runs[i]
		r.Label = r.Date
		if t, err := time.Parse(time.RFC3339, r.Date); err == nil {
			r.Label = t.UTC().Format("2006-01-02 15:04")
		}
		if r.Label == "" {
			r.Label = r.File
		}
	}
	n := count()
	for i := range runs {
		if n[runs[i].Label] > 1 && runs[i].Commit != "" {
			runs[i].Label += " " + runs[i].Commit
		}
	}
	n = count()
	for i := range runs {
		if n[runs[i].Label] > 1 {
			runs[i].Label += " " + runs[i].File
		}
	}
}

// varyingKeys returns the keys whose values differ between lines, in the
// order of the first line's keys; with a single line it returns the keys
// of the toolchain and machine that line has, so that the line is named.
func varyingKeys(order []string, lines map[string]results.Env) []string {
	vals := map[string]map[string]bool{}
	var keys []string
	for _, lk := range order {
		for _, kv := range lines[lk] {
			if vals[kv.Key] == nil {
				vals[kv.Key] = map[string]bool{}
				keys = append(keys, kv.Key)
			}
			vals[kv.Key][kv.Value] = true
		}
	}
	out := []string{}
	for _, k := range keys {
		if len(vals[k]) > 1 {
			out = append(out, k)
		}
	}
	if len(out) == 0 {
		for _, k := range keys {
			if k == "toolchain" || k == "machine" {
				out = append(out, k)
			}
		}
	}
	return out
}

// lineLabel names a line by the values of keys, such as "go1.27.3 vm".
func lineLabel(env results.Env, keys []string) string {
	var parts []string
	for _, k := range keys {
		if v := env.Get(k); v != "" {
			parts = append(parts, v)
		}
	}
	if len(parts) == 0 {
		return "results"
	}
	return strings.Join(parts, " ")
}

// From returns the history stored in a report, or nil.
func From(rep *report.Report) *Analysis {
	h, _ := rep.Extensions[Key].(*Analysis)
	return h
}
