package answers

import (
	"slices"
	"strconv"
	"strings"

	"concbench/report"
)

// Key is the name of the answers in Report.Extensions and report.json.
const Key = "answers"

// An Analysis holds the answers of every run of a report.
type Analysis struct {
	// Alpha is the significance level of every test of the answers, the
	// report's.
	Alpha float64 `json:"alpha"`
	// Runs holds one entry per run of the report, in its order.
	Runs []Run `json:"runs"`
}

// A Run is the answers computed from one run: one machine and toolchain.
type Run struct {
	// ID is the run's id in the report, such as "r1"; Env names it.
	ID  string `json:"id"`
	Env string `json:"env,omitempty"`
	// NCPU is the machine's CPU count, 0 when the results do not say.
	NCPU int `json:"ncpu"`
	// Summary lists one line per case that compares models.
	Summary []Line `json:"summary"`
	// Uncompared counts the cases with fewer than two models, which the
	// summary leaves to the tables.
	Uncompared int `json:"uncompared"`
	// TaskSize is the task-size sweep; nil when the run has none.
	TaskSize *TaskSize `json:"taskSize,omitempty"`
	// Tree is the decision tree with this run's numbers.
	Tree Tree `json:"tree"`
	// Claims lists the tutorial's claims, each with its verdict.
	Claims []Claim `json:"claims"`
}

// A Line is the summary of one case.
type Line struct {
	// Case is the case's id, the anchor of its tables; Name its full name.
	Case string `json:"case"`
	Name string `json:"name"`
	// Unit is the unit compared, the case's primary unit.
	Unit string `json:"unit"`
	// Levels holds the answer at 1 core and at the largest core count that
	// is not oversubscribed, those of the two that ran.
	Levels []Level `json:"levels"`
	// Missing says what the case lacks for a full answer, such as a
	// second core count; "" when nothing is missing.
	Missing string `json:"missing,omitempty"`
}

// A Level is the answer of one case at one core count.
type Level struct {
	// Procs is the core count (GOMAXPROCS).
	Procs int `json:"procs"`
	// Fastest is the model with the best median.
	Fastest string `json:"fastest"`
	// Estimate is the fastest model's median and interval.
	Estimate report.Estimate `json:"estimate"`
	// VsBaseline is its speedup against the baseline model at 1 core; nil
	// when the case has no baseline.
	VsBaseline *report.Speedup `json:"vsBaseline,omitempty"`
	// Others compares every other model with the fastest.
	Others []Rival `json:"others"`
}

// A Rival is another model of a level compared with the fastest.
type Rival struct {
	// Model names it.
	Model string `json:"model"`
	// Behind is how many times better the fastest model is, from
	// [report.Compare] of the rival's sample with the fastest's.
	Behind float64 `json:"behind"`
	// Test is the comparison's test: a rival whose difference is not
	// significant ties with the fastest.
	report.Test
}

// Ties returns the models that cannot be told apart from the fastest.
func (l *Level) Ties() []string {
	var out []string
	for _, r := range l.Others {
		if !r.Significant {
			out = append(out, r.Model)
		}
	}
	return out
}

// AllTie reports whether every model of the level ties with the fastest.
func (l *Level) AllTie() bool {
	return len(l.Others) > 0 && len(l.Ties()) == len(l.Others)
}

// Families implements report.FamilyLister: the comparisons of each level
// with its fastest model are one family.
func (a *Analysis) Families() []report.Family {
	var out []report.Family
	for ri := range a.Runs {
		for li := range a.Runs[ri].Summary {
			ln := &a.Runs[ri].Summary[li]
			for vi := range ln.Levels {
				lv := &ln.Levels[vi]
				f := report.Family{Name: ln.Case + " " + ln.Unit + " vs fastest@" + strconv.Itoa(lv.Procs), Alpha: a.Alpha}
				for oi := range lv.Others {
					f.Tests = append(f.Tests, &lv.Others[oi].Test)
				}
				if len(f.Tests) > 0 {
					out = append(out, f)
				}
			}
		}
	}
	return out
}

// Analyzer computes the answers: it implements [report.Analyzer].
type Analyzer struct{}

// Name implements report.Analyzer.
func (Analyzer) Name() string { return Key }

// Analyze implements report.Analyzer.
func (Analyzer) Analyze(g *report.Grouping, rep *report.Report) (any, error) {
	tut, err := Tutorial()
	if err != nil {
		return nil, err
	}
	a := &Analysis{Alpha: rep.Stats.Alpha()}
	for i := range rep.Runs {
		v := newRunView(rep, &rep.Runs[i], g.Runs[i])
		r := Run{ID: v.run.ID, Env: v.run.Env.String(), NCPU: v.run.NCPU}
		r.Summary, r.Uncompared = v.summary()
		r.TaskSize = v.taskSize()
		r.Claims = v.claims(tut, r.TaskSize)
		r.Tree = v.tree(tut, r.TaskSize)
		a.Runs = append(a.Runs, r)
	}
	return a, nil
}

// From returns the answers stored in rep, or nil.
func From(rep *report.Report) *Analysis { return report.Extension[*Analysis](rep, Key) }

// A runView looks up one run's cases, points and samples.
type runView struct {
	rep *report.Report
	run *report.Run
	rg  *report.RunGroup
	// index maps each case of run to its index, in run.Cases and in the
	// grouping's run.
	index map[*report.Case]int
}

func newRunView(rep *report.Report, run *report.Run, rg *report.RunGroup) *runView {
	v := &runView{rep: rep, run: run, rg: rg, index: make(map[*report.Case]int, len(run.Cases))}
	for i := range run.Cases {
		v.index[&run.Cases[i]] = i
	}
	return v
}

// largest returns the largest core count of c that is not oversubscribed,
// or 0 when every one is.
func (v *runView) largest(c *report.Case) int {
	best := 0
	for _, p := range c.Procs {
		if v.run.NCPU == 0 || p <= v.run.NCPU {
			best = max(best, p)
		}
	}
	return best
}

// params splits a case's parameters, "/a=1/b=2", into its keys.
func params(s string) map[string]string {
	out := map[string]string{}
	for part := range strings.SplitSeq(strings.TrimPrefix(s, "/"), "/") {
		if k, val, ok := strings.Cut(part, "="); ok {
			out[k] = val
		}
	}
	return out
}

// find returns the first case named name whose parameters include every
// key=value of want ("/a=1/b=2"), and whose other parameters are none of
// without's keys; nil when there is none.
func (v *runView) find(name, want string, without ...string) *report.Case {
	w := params(want)
	for i := range v.run.Cases {
		c := &v.run.Cases[i]
		if c.Name != name {
			continue
		}
		p := params(c.Params)
		ok := true
		for k, val := range w {
			ok = ok && p[k] == val
		}
		for _, k := range without {
			_, has := p[k]
			ok = ok && !has
		}
		if ok {
			return c
		}
	}
	return nil
}

// cases returns the cases named name.
func (v *runView) cases(name string) []*report.Case {
	var out []*report.Case
	for i := range v.run.Cases {
		if v.run.Cases[i].Name == name {
			out = append(out, &v.run.Cases[i])
		}
	}
	return out
}

// point returns the point of model at procs in unit, or nil.
func point(c *report.Case, model string, procs int, unit string) *report.Point {
	if c == nil {
		return nil
	}
	t := c.Unit(unit)
	if t == nil {
		return nil
	}
	for mi := range t.Models {
		if t.Models[mi].Model != model {
			continue
		}
		for pi := range t.Models[mi].Points {
			if p := &t.Models[mi].Points[pi]; p.Procs == procs {
				return p
			}
		}
	}
	return nil
}

// summarize returns the summary of model at procs in unit, made by the
// report's Stats from the grouping's sample, ready for [report.Compare];
// nil when it did not run.
func (v *runView) summarize(c *report.Case, model string, procs int, unit string) *report.Summary {
	if c == nil {
		return nil
	}
	cg := v.rg.Cases[v.index[c]]
	b := cg.Benchmark(model, procs)
	if b == nil {
		return nil
	}
	s := b.Sample(unit)
	if s == nil {
		return nil
	}
	return v.rep.Stats.Summarize(unit, s.Values)
}

// sampleMax returns the largest measurement of model at procs in unit.
func (v *runView) sampleMax(c *report.Case, model string, procs int, unit string) (float64, bool) {
	cg := v.rg.Cases[v.index[c]]
	b := cg.Benchmark(model, procs)
	if b == nil {
		return 0, false
	}
	s := b.Sample(unit)
	if s == nil || len(s.Values) == 0 {
		return 0, false
	}
	return slices.Max(s.Values), true
}

// summary computes the summary lines of the run, its cases in parallel
// (report.ParallelFor): each line makes a Mann-Whitney U test per model and
// core count.
func (v *runView) summary() ([]Line, int) {
	lines := make([]Line, len(v.run.Cases))
	compared := make([]bool, len(v.run.Cases))
	report.ParallelFor(len(v.run.Cases), func(ci int) {
		lines[ci], compared[ci] = v.line(&v.run.Cases[ci])
	})
	var out []Line
	uncompared := 0
	for i, ok := range compared {
		if ok {
			out = append(out, lines[i])
		} else {
			uncompared++
		}
	}
	return out, uncompared
}

// line computes the summary line of a case; false when the case has fewer
// than two models to compare.
func (v *runView) line(c *report.Case) (Line, bool) {
	t := c.Primary()
	if t == nil || len(t.Models) < 2 {
		return Line{}, false
	}
	ln := Line{Case: c.ID, Name: c.FullName(), Unit: t.Unit}
	top := v.largest(c)
	var levels []int
	if slices.Contains(c.Procs, 1) {
		levels = append(levels, 1)
	}
	if top > 1 {
		levels = append(levels, top)
	}
	switch {
	case len(c.Procs) == 1 && c.Procs[0] == 1:
		ln.Missing = "ran at 1 core only: no result at more cores"
		if v.run.NCPU > 1 {
			ln.Missing += " (the machine has " + strconv.Itoa(v.run.NCPU) + " CPUs)"
		}
	case !slices.Contains(c.Procs, 1):
		ln.Missing = "no result at 1 core"
	case top <= 1:
		ln.Missing = "every core count above 1 is oversubscribed"
	}
	for _, p := range levels {
		if lv, ok := v.level(c, t, p); ok {
			ln.Levels = append(ln.Levels, lv)
		}
	}
	return ln, true
}

// level finds the fastest model of t at procs and compares every other
// model with it.
func (v *runView) level(c *report.Case, t *report.UnitTable, procs int) (Level, bool) {
	var best *report.Point
	bestModel := ""
	for mi := range t.Models {
		for pi := range t.Models[mi].Points {
			p := &t.Models[mi].Points[pi]
			if p.Procs != procs {
				continue
			}
			if best == nil || better(p.Median, best.Median, t.HigherIsBetter) {
				best, bestModel = p, t.Models[mi].Model
			}
		}
	}
	if best == nil {
		return Level{}, false
	}
	lv := Level{Procs: procs, Fastest: bestModel, Estimate: best.Estimate(), VsBaseline: best.VsBaseline, Others: []Rival{}}
	fast := v.summarize(c, bestModel, procs, t.Unit)
	for _, m := range t.Models {
		if m.Model == bestModel {
			continue
		}
		s := v.summarize(c, m.Model, procs, t.Unit)
		if s == nil {
			continue
		}
		cmp := report.Compare(s, fast)
		behind, _, _ := cmp.Speedup(t.HigherIsBetter)
		lv.Others = append(lv.Others, Rival{Model: m.Model, Behind: behind, Test: cmp.Test})
	}
	return lv, true
}

func better(a, b float64, higher bool) bool {
	if higher {
		return a > b
	}
	return a < b
}
