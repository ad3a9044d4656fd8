// Package sweep draws the cases of a benchmark whose sub-benchmarks sweep
// a numeric name key: one curve per series (a transport, a model, ...)
// of a unit against the key, on a log axis, at each core count. The
// requests-in-flight benchmark (BenchmarkInflight/.../requests=N/
// transport=T/...) is one: its cost per request against the requests in
// flight, one curve per HTTP client; a sweep of the task size, one curve
// per model, is another.
//
// Each sub-benchmark of a sweep is a case of its own in the core
// analysis (its name keys other than /model differ), so a sweep is a
// projection of the analysed cases ([report.Report]): [Build] gathers the
// cases of one benchmark name and reads each point's median, interval or
// speedup from them, regrouping no observation. [Analyzer] stores the
// sweeps of a list of [Spec] values in the report, [Section] renders
// them, and [Chart] draws one sweep, for any section that wants it.
package sweep

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"concbench/report"
)

// Key is the name of the sweeps' data in report.Report.Extensions.
const Key = "sweeps"

// A Spec says which cases form a sweep and what is drawn of them.
type Spec struct {
	// Name is the benchmark's base name, as a case's Name has it, such as
	// "Inflight".
	Name string
	// X is the numeric name key swept, such as "requests". Its values are
	// numbers ("1000", "2.5") or durations ("250ms", read as seconds).
	X string
	// Series is the name key whose values name the curves, such as
	// "transport"; empty means the case's own series (its models). With a
	// Series key, the case's models are among the other name keys: each
	// model has sweeps of its own.
	Series string
	// Along lists the name keys that change with X within one curve, such
	// as items in a sweep of the task size that keeps the total work: they
	// do not split a sweep in two.
	Along []string
	// Units lists the units drawn, a sweep each, in order; empty means
	// each case's primary unit ([report.PrimaryUnit]).
	Units []string
	// Speedup draws each point's speedup against the case's baseline at
	// one core (report.Point.VsBaseline, or VsSelf in a case without the
	// baseline) instead of its median.
	Speedup bool
}

// DefaultSpecs returns the sweeps of the standard report: the requests in
// flight of BenchmarkInflight against its wall time over the delay and
// its client memory per request, one curve per transport.
func DefaultSpecs() []Spec {
	return []Spec{{Name: "Inflight", X: "requests", Series: "transport", Units: []string{"ratio-to-delay", "KB/req"}}}
}

// A Sweep is the curves of one spec, unit and core count over the cases
// that share their other name keys (Params).
type Sweep struct {
	// ID is a stable identifier within the report, such as "r1-s2".
	ID string `json:"id"`
	// Name, X and Series are the spec's; Series is "model" for the
	// case's own series.
	Name   string `json:"name"`
	X      string `json:"x"`
	Series string `json:"series"`
	// Params lists the other name keys the sweep's cases share, such as
	// "/model=goroutines/delay=1s", in the order of the names.
	Params string `json:"params"`
	// Unit is the unit drawn; Speedup is set when the values are speedups
	// of it rather than its medians.
	Unit    string `json:"unit"`
	Speedup bool   `json:"speedup,omitempty"`
	// HigherIsBetter is the unit's direction (true for every speedup).
	HigherIsBetter bool `json:"higherIsBetter"`
	// Procs is the GOMAXPROCS of every point; Oversubscribed is set when
	// it exceeds the run's CPU count.
	Procs          int  `json:"procs"`
	Oversubscribed bool `json:"oversubscribed,omitempty"`
	// Xs lists the values of X with a point in some curve, ascending.
	Xs []float64 `json:"xs"`
	// Curves lists one curve per series, sorted by name.
	Curves []Curve `json:"curves"`
}

// A Curve is one series' points of a sweep.
type Curve struct {
	// Name is the series' name, as the results write it.
	Name string `json:"name"`
	// Points lists the curve's points by X, ascending.
	Points []Point `json:"points"`
}

// A Point is one case's value in a curve.
type Point struct {
	// X is the value of the swept key, and Label the key's value as the
	// name writes it ("1000", "250ms").
	X     float64 `json:"x"`
	Label string  `json:"label"`
	// Value and its interval (nil without one); N is the number of
	// measurements.
	Value float64  `json:"value"`
	Lo    *float64 `json:"lo"`
	Hi    *float64 `json:"hi"`
	N     int      `json:"n"`
}

// An Analysis is every sweep of a report, by run.
type Analysis struct {
	// Runs holds one entry per report run with at least one sweep.
	Runs []RunSweeps `json:"runs"`
}

// RunSweeps is the sweeps of one run.
type RunSweeps struct {
	// Run is the report run's ID.
	Run string `json:"run"`
	// Sweeps lists the run's sweeps: by spec, then unit, then the other
	// name keys, then core count.
	Sweeps []Sweep `json:"sweeps"`
}

// Analyzer computes the sweeps of its Specs, for report.AnalyzeOptions.
// The zero value computes DefaultSpecs.
type Analyzer struct {
	// Specs lists the sweeps to find; nil means DefaultSpecs().
	Specs []Spec
}

// Name implements report.Analyzer.
func (Analyzer) Name() string { return Key }

// Analyze implements report.Analyzer: it reads the core analysis only.
func (a Analyzer) Analyze(_ *report.Grouping, rep *report.Report) (any, error) {
	specs := a.Specs
	if specs == nil {
		specs = DefaultSpecs()
	}
	an := &Analysis{Runs: []RunSweeps{}}
	for ri := range rep.Runs {
		run := &rep.Runs[ri]
		var all []Sweep
		for _, spec := range specs {
			all = append(all, Build(run, spec)...)
		}
		if len(all) == 0 {
			continue
		}
		for i := range all {
			all[i].ID = fmt.Sprintf("%s-s%d", run.ID, i+1)
		}
		an.Runs = append(an.Runs, RunSweeps{Run: run.ID, Sweeps: all})
	}
	return an, nil
}

// From returns the sweeps the Analyzer stored in rep, or nil.
func From(rep *report.Report) *Analysis { return report.Extension[*Analysis](rep, Key) }

// param is one name key of a case's Params.
type param struct{ key, value string }

// parseParams splits "/a=1/b=2" into its keys; a part without "=" keeps
// its text as the value of key "".
func parseParams(params string) []param {
	var out []param
	for part := range strings.SplitSeq(strings.TrimPrefix(params, "/"), "/") {
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			k, v = "", part
		}
		out = append(out, param{k, v})
	}
	return out
}

// ParseNumber reads the value of a numeric name key: a number, or a
// duration in seconds.
func ParseNumber(v string) (float64, bool) {
	if f, err := strconv.ParseFloat(v, 64); err == nil {
		return f, true
	}
	if d, err := time.ParseDuration(v); err == nil {
		return d.Seconds(), true
	}
	return 0, false
}

// Build returns the sweeps of spec over the cases of run: for each unit,
// each combination of the other name keys and each core count, the
// curves of the series against X. A sweep needs at least two values of
// X; cases whose X is missing or not a number are left out.
func Build(run *report.Run, spec Spec) []Sweep {
	type groupKey struct {
		unit, params string
		procs        int
	}
	groups := map[groupKey]map[string][]Point{}
	var order []groupKey
	seriesName := cmp.Or(spec.Series, "model")
	for ci := range run.Cases {
		c := &run.Cases[ci]
		if c.Name != spec.Name {
			continue
		}
		var xLabel, series string
		hasX := false
		var rest strings.Builder
		for _, p := range parseParams(c.Params) {
			switch {
			case p.key == spec.X:
				xLabel, hasX = p.value, true
			case spec.Series != "" && p.key == spec.Series:
				series = p.value
			case slices.Contains(spec.Along, p.key):
			case p.key == "":
				rest.WriteString("/" + p.value)
			default:
				rest.WriteString("/" + p.key + "=" + p.value)
			}
		}
		x, ok := ParseNumber(xLabel)
		if !hasX || !ok {
			continue
		}
		units := spec.Units
		if len(units) == 0 {
			if t := c.Primary(); t != nil {
				units = []string{t.Unit}
			}
		}
		for _, unit := range units {
			t := c.Unit(unit)
			if t == nil {
				continue
			}
			for _, m := range t.Models {
				params, name := rest.String(), report.ModelName(m.Model)
				if spec.Series != "" {
					// The models stay apart: a model is one of the
					// sweep's other keys.
					params, name = rest.String(), series
					if m.Model != "" {
						params = "/" + c.SeriesLabel() + "=" + m.Model + params
					}
				}
				for _, pt := range m.Points {
					k := groupKey{unit, params, pt.Procs}
					g := groups[k]
					if g == nil {
						g = map[string][]Point{}
						groups[k] = g
						order = append(order, k)
					}
					if p, ok := point(c, &pt, spec.Speedup); ok {
						p.X, p.Label = x, xLabel
						g[name] = append(g[name], p)
					}
				}
			}
		}
	}
	unitRank := func(u string) int {
		if i := slices.Index(spec.Units, u); i >= 0 {
			return i
		}
		return len(spec.Units)
	}
	slices.SortStableFunc(order, func(a, b groupKey) int {
		return cmp.Or(cmp.Compare(unitRank(a.unit), unitRank(b.unit)), cmp.Compare(a.unit, b.unit), cmp.Compare(a.params, b.params), cmp.Compare(a.procs, b.procs))
	})
	var out []Sweep
	for _, k := range order {
		g := groups[k]
		xs := map[float64]bool{}
		s := Sweep{Name: spec.Name, X: spec.X, Series: seriesName, Params: k.params, Unit: k.unit, Speedup: spec.Speedup,
			HigherIsBetter: spec.Speedup || higherIsBetter(run, spec.Name, k.unit), Procs: k.procs,
			Oversubscribed: run.NCPU > 0 && k.procs > run.NCPU}
		for _, name := range slices.Sorted(maps.Keys(g)) {
			pts := g[name]
			slices.SortStableFunc(pts, func(a, b Point) int { return cmp.Compare(a.X, b.X) })
			for _, p := range pts {
				xs[p.X] = true
			}
			s.Curves = append(s.Curves, Curve{Name: name, Points: pts})
		}
		s.Xs = slices.Sorted(maps.Keys(xs))
		if len(s.Xs) < 2 {
			continue
		}
		out = append(out, s)
	}
	return out
}

// point reads one case's point: its median and interval, or its speedup.
func point(c *report.Case, p *report.Point, speedup bool) (Point, bool) {
	if !speedup {
		return Point{Value: p.Median, Lo: p.Lo, Hi: p.Hi, N: p.N}, true
	}
	sp := p.VsBaseline
	if !c.HasBaseline {
		sp = p.VsSelf
	}
	if sp == nil {
		return Point{}, false
	}
	return Point{Value: sp.Value, Lo: sp.Lo, Hi: sp.Hi, N: p.N}, true
}

// higherIsBetter returns the direction of unit in the first case of name
// that has it.
func higherIsBetter(run *report.Run, name, unit string) bool {
	for ci := range run.Cases {
		if c := &run.Cases[ci]; c.Name == name {
			if t := c.Unit(unit); t != nil {
				return t.HigherIsBetter
			}
		}
	}
	return false
}
