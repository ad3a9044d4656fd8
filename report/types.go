package report

import (
	"iter"
	"strings"

	"concbench/report/multitest"
	"concbench/report/results"
	"concbench/report/stability"
)

// A Report is the analysed form of one or more results files. Every chart and
// table of the rendered report is drawn from it, and it is written as
// report.json.
type Report struct {
	// Inputs lists the files read, in the order given.
	Inputs []results.InputSummary `json:"inputs"`
	// Config lists every file configuration key (goos, cpu, toolchain, ...)
	// with its distinct values in the order they were first seen.
	Config []results.ConfigEntry `json:"config"`
	// SplitBy lists the configuration keys whose values separate runs.
	SplitBy []string `json:"splitBy"`
	// Baseline is the model every speedup is measured against at one core,
	// in the cases whose series are models (a case whose series are named
	// by other keys has its own: Case.Baseline).
	Baseline string `json:"baseline"`
	// Confidence is the confidence level of every interval, such as 0.95.
	Confidence float64 `json:"confidence"`
	// Correction is the correction for multiple testing applied to every
	// family of comparisons ([Report.Families]): holm, bh or none.
	Correction multitest.Method `json:"correction"`
	// Runs holds one entry per distinct combination of the SplitBy values:
	// results of two toolchains or two machines are never merged.
	Runs []Run `json:"runs"`
	// Extensions holds the data added by each [Analyzer], by its name.
	Extensions map[string]any `json:"extensions,omitempty"`
	// Warnings lists the problems that did not stop the analysis.
	Warnings []results.Warning `json:"warnings"`
	// Stats made every summary and comparison of the report; analysers
	// make theirs with it too. It is not part of report.json.
	Stats *Stats `json:"-"`
}

// A Run is the set of results that share the values of the split-by
// configuration keys, such as one toolchain on one machine.
type Run struct {
	// ID is a stable identifier, "r1", "r2", ... in sorted order.
	ID string `json:"id"`
	// Env lists the split-by keys that have a value in this run.
	Env results.Env `json:"env"`
	// NCPU is the number of CPUs of the machine, from the ncpu or
	// gomaxprocs-default configuration; 0 if the results do not say.
	NCPU int `json:"ncpu"`
	// NCPUSource names the configuration key NCPU was read from.
	NCPUSource string `json:"ncpuSource,omitempty"`
	// Cases lists the benchmarks of this run in sorted order.
	Cases []Case `json:"cases"`
}

// A Case is one benchmark (a name and its name keys other than model), with
// a sample for every model, core count and unit.
type Case struct {
	// ID is a stable identifier within the report, such as "r1-c2".
	ID string `json:"id"`
	// Name is the benchmark's base name without its Benchmark prefix, as
	// benchstat shows it, such as "Factorize".
	Name string `json:"name"`
	// Params holds the other name keys, such as "/n=112272535095293", or "".
	Params string `json:"params"`
	// SeriesKeys lists the name keys whose values, joined with "+", name
	// the case's series (its ModelSeries' Model), as deploy and fanout
	// name "single+serial"; absent when the series are the values of the
	// /model key (see results.SeriesKey).
	SeriesKeys []string `json:"seriesKeys,omitempty"`
	// Baseline names the series the case's speedups are measured against
	// at one core when its series are named by SeriesKeys (their
	// baselines joined with "+"); absent when it is the report's
	// Baseline model. [Case.BaselineSeries] returns either.
	Baseline string `json:"baseline,omitempty"`
	// HasBaseline reports whether the baseline model ran at one core.
	HasBaseline bool `json:"hasBaseline"`
	// Procs lists the GOMAXPROCS values seen, ascending.
	Procs []int `json:"procs"`
	// Units holds one table per unit, time per operation first.
	Units []UnitTable `json:"units"`
}

// FullName returns the case's name with its parameters.
func (c *Case) FullName() string { return c.Name + c.Params }

// BaselineSeries returns the series the case's speedups are measured
// against: its own Baseline, else the report's baseline model.
func (c *Case) BaselineSeries(reportBaseline string) string {
	if c.Baseline != "" {
		return c.Baseline
	}
	return reportBaseline
}

// SeriesLabel names what the case's series are: "model", or its
// SeriesKeys joined with "+" ("deploy+fanout").
func (c *Case) SeriesLabel() string {
	if len(c.SeriesKeys) == 0 {
		return "model"
	}
	return strings.Join(c.SeriesKeys, "+")
}

// BenchmarkName returns the full name of the case's series at procs as
// the results file writes it (see [BenchmarkName]).
func (c *Case) BenchmarkName(series string, procs int) string {
	return seriesBenchmarkName(c.Name, c.SeriesKeys, series, c.Params, procs)
}

// Unit returns the table for unit, or nil.
func (c *Case) Unit(unit string) *UnitTable {
	for i := range c.Units {
		if c.Units[i].Unit == unit {
			return &c.Units[i]
		}
	}
	return nil
}

// Primary returns the table of the case's primary unit ([PrimaryUnit]), the
// unit its charts are drawn for; nil when it has none.
func (c *Case) Primary() *UnitTable {
	units := make([]string, len(c.Units))
	for i, t := range c.Units {
		units[i] = t.Unit
	}
	return c.Unit(PrimaryUnit(units))
}

// A UnitTable is every model's results for one unit of one case.
type UnitTable struct {
	// Unit is the tidied unit, such as "sec/op", "B/op" or "items/s".
	Unit string `json:"unit"`
	// HigherIsBetter is set for units such as items/s, where a speedup is
	// new/old rather than old/new.
	HigherIsBetter bool `json:"higherIsBetter"`
	// Models lists one series per model, the baseline first, then by name.
	Models []ModelSeries `json:"models"`
}

// A ModelSeries is one model's results across core counts.
type ModelSeries struct {
	// Model is the value of the /model name key, "" when there is none.
	Model string `json:"model"`
	// Points lists the model's points by core count, ascending.
	Points []Point `json:"points"`
}

// A Point is the summary of one sample: one case, model, core count and unit.
type Point struct {
	// Procs is the GOMAXPROCS the sample ran at.
	Procs int `json:"procs"`
	// Oversubscribed is set when Procs exceeds the run's CPU count.
	Oversubscribed bool `json:"oversubscribed,omitempty"`
	// N is the number of measurements.
	N int `json:"n"`
	// Median and its interval at the report's confidence level. Lo and Hi
	// are nil when there are too few measurements for an interval.
	Median float64  `json:"median"`
	Lo     *float64 `json:"lo"`
	Hi     *float64 `json:"hi"`
	// Flags names the checks of package stability the sample failed
	// (drift, noise, outliers, samples), each also a warning that says
	// what to do; only the case's primary unit is checked.
	Flags []stability.Kind `json:"flags,omitempty"`
	// VsBaseline is the speedup against the baseline model at one core. It
	// and the other speedups are absent for the allocation units (B/op,
	// allocs/op).
	VsBaseline *Speedup `json:"vsBaseline,omitempty"`
	// VsSelf is the speedup against this model at one core.
	VsSelf *Speedup `json:"vsSelf,omitempty"`
	// Efficiency is VsBaseline divided by Procs.
	Efficiency *float64 `json:"efficiency,omitempty"`
	// SelfEfficiency is VsSelf divided by Procs.
	SelfEfficiency *float64 `json:"selfEfficiency,omitempty"`
}

// Estimate returns the point's median, interval and number of measurements.
func (p *Point) Estimate() Estimate {
	return Estimate{Median: p.Median, Lo: p.Lo, Hi: p.Hi, N: p.N}
}

// A Speedup is how many times better a sample is than a reference,
// oriented so that values above 1 are improvements whatever the unit: a
// [Comparison] read with [Comparison.Speedup].
type Speedup struct {
	// Value is the ratio of the medians.
	Value float64 `json:"value"`
	// Lo and Hi bound the ratio using both medians' intervals (the most
	// pessimistic and most optimistic pairing); nil when either sample has
	// no interval.
	Lo *float64 `json:"lo"`
	Hi *float64 `json:"hi"`
	// Test is the outcome of the comparison's test, at the report's
	// significance level.
	Test
	// Reference is set when the sample is the reference itself (the
	// baseline at one core, or a model at one core against itself).
	Reference bool `json:"reference,omitempty"`
}

// A CaseTable is the primary unit's table of one case, as the analyses
// that walk every case read it.
type CaseTable struct {
	// Label prefixes the case's benchmark names when the report holds
	// several runs ("[toolchain=go1.27.3] "); it is "" otherwise.
	Label string
	Run   *Run
	Case  *Case
	Table *UnitTable
}

// PrimaryTables yields the primary unit's table of every case of every
// run, in order; a case without measurements is left out.
func (rep *Report) PrimaryTables() iter.Seq[CaseTable] {
	return func(yield func(CaseTable) bool) {
		for ri := range rep.Runs {
			run := &rep.Runs[ri]
			label := ""
			if len(rep.Runs) > 1 {
				label = "[" + run.Env.String() + "] "
			}
			for ci := range run.Cases {
				c := &run.Cases[ci]
				if t := c.Primary(); t != nil {
					if !yield(CaseTable{Label: label, Run: run, Case: c, Table: t}) {
						return
					}
				}
			}
		}
	}
}
