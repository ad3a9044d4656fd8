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
	runs := runsOf(report.Group(ds, report.GroupOptions{ByFile: true}))
	if len(runs) == 0 {
		return ""
	}
	return runs[len(runs)-1].File
}

// runsOf returns the runs (results files) of a grouping by file, in time
// order, labelled and indexed. A file's date and commit are those of its
// first result.
func runsOf(g *report.Grouping) []Run {
	first := map[string]*report.RunGroup{}
	var files []string
	for _, rg := range g.Runs {
		if f := first[rg.File]; f == nil {
			files = append(files, rg.File)
			first[rg.File] = rg
		} else if rg.First < f.First {
			first[rg.File] = rg
		}
	}
	runs := []Run{}
	for _, file := range files {
		date, _ := first[file].ConfigValue("date")
		commit, _ := first[file].ConfigValue("commit")
		runs = append(runs, Run{File: file, Date: date, Commit: commit})
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
	Index int `json:"index"`
	// File is the results file, and Date and Commit its date: and commit:
	// configuration, as its first result has them.
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
	Name string `json:"name"`
	// Unit is the unit drawn, the benchmark's primary unit
	// (report.PrimaryUnit), and HigherIsBetter says which way it improves.
	Unit           string `json:"unit"`
	HigherIsBetter bool   `json:"higherIsBetter"`
	// Lines lists one line per combination of split-by keys, sorted.
	Lines []Line `json:"lines"`
}

// A Line is one benchmark under one combination of split-by keys
// (such as one toolchain on one machine) across runs.
type Line struct {
	// Env lists the split-by keys.
	Env results.Env `json:"env"`
	// Label names the line by the keys that differ between lines.
	Label string `json:"label"`
	// Points lists the line's sample in each run that has one, in time
	// order.
	Points []Point `json:"points"`
}

// A Point is the benchmark's sample in one run.
type Point struct {
	// Run is the run's Index.
	Run int `json:"run"`
	report.Estimate
}

type historyBench struct {
	caseKey benchproc.Key
	model   string
	procs   int
}

// Analyze implements report.Analyzer.
func (a Analyzer) Analyze(g *report.Grouping, rep *report.Report) (any, error) {
	ds := g.Dataset
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
	st, err := report.NewStats(ds.Units, rep.Stats.Confidence(), rep.Stats.Alpha())
	if err != nil {
		return nil, err
	}
	// Each results file's part of each line is one run group.
	hg := report.Group(ds, report.GroupOptions{ByFile: true})
	h := &Analysis{Runs: runsOf(hg), LineKeys: []string{}, Benchmarks: []Benchmark{}}
	index := map[string]int{}
	for _, r := range h.Runs {
		index[r.File] = r.Index
	}
	type lineFile struct{ line, file string }
	groups := map[lineFile]*report.RunGroup{}
	lines := map[string]results.Env{}
	var lineOrder []string
	benches := map[historyBench][]string{} // units of each benchmark
	names := map[historyBench]string{}     // the full name of each
	for _, rg := range hg.Runs {
		env := results.EnvOf(rg.Env)
		lk := env.String()
		if _, ok := lines[lk]; !ok {
			lines[lk] = env
			lineOrder = append(lineOrder, lk)
		}
		groups[lineFile{lk, rg.File}] = rg
		for _, b := range rg.Benchmarks {
			k := historyBench{b.Case.Key, b.Model, b.Procs}
			benches[k] = append(benches[k], b.Units()...)
			names[k] = b.Name()
		}
	}
	h.LineKeys = varyingKeys(lineOrder, lines)
	slices.Sort(lineOrder)

	order := slices.Collect(maps.Keys(benches))
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
	for _, b := range order {
		unit := report.PrimaryUnit(benches[b])
		if unit == "" {
			continue
		}
		hb := Benchmark{
			ID:             fmt.Sprintf("h%d", len(h.Benchmarks)+1),
			Name:           names[b],
			Unit:           unit,
			HigherIsBetter: st.HigherIsBetter(unit),
			Lines:          []Line{},
		}
		for _, lk := range lineOrder {
			hl := Line{Env: lines[lk], Label: lineLabel(lines[lk], h.LineKeys), Points: []Point{}}
			if hl.Env == nil {
				hl.Env = results.Env{}
			}
			for _, r := range h.Runs {
				s := sampleOf(groups[lineFile{lk, r.File}], b, unit)
				if s == nil {
					continue
				}
				hl.Points = append(hl.Points, Point{Run: index[r.File], Estimate: st.Summarize(unit, s.Values).Estimate})
			}
			if len(hl.Points) > 0 {
				hb.Lines = append(hb.Lines, hl)
			}
		}
		h.Benchmarks = append(h.Benchmarks, hb)
	}
	return h, nil
}

// sampleOf returns a run group's sample of one benchmark in unit; nil when
// the group, which may be nil, has none.
func sampleOf(rg *report.RunGroup, b historyBench, unit string) *report.Sample {
	if rg == nil {
		return nil
	}
	cg := rg.Case(b.caseKey)
	if cg == nil {
		return nil
	}
	bm := cg.Benchmark(b.model, b.procs)
	if bm == nil {
		return nil
	}
	return bm.Sample(unit)
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
func From(rep *report.Report) *Analysis { return report.Extension[*Analysis](rep, Key) }
