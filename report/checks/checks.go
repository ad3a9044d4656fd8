// Package checks renders how far the report's verdicts can be trusted: the
// correction for multiple testing applied to every family of comparisons,
// with how many comparisons are significant before and after it, and the
// benchmarks whose samples failed a stability check (package
// report/stability): drift across the rounds, noise, outliers, too few
// samples. It reads a [report.Report] and adds nothing to it.
package checks

import (
	"slices"

	"concbench/report"
	"concbench/report/stability"
)

// A Summary is what the section shows, computed from a report.
type Summary struct {
	// Correction is the correction applied, Alpha the level of every family.
	Correction string  `json:"correction"`
	Alpha      float64 `json:"alpha"`
	// Kinds counts the comparisons of each kind of family, in the order
	// [report.Report.Families] lists them.
	Kinds []KindCount `json:"kinds"`
	// Checked counts the samples checked for stability: every benchmark's
	// sample of its case's primary unit.
	Checked int `json:"checked"`
	// Flagged counts the checked samples flagged by each check, in the
	// order drift, noise, outliers, samples.
	Flagged []FlagCount `json:"flagged"`
	// Benchmarks lists each flagged benchmark, in the report's order.
	Benchmarks []Flagged `json:"benchmarks"`
	// OnDrift counts the significant speedups against the baseline whose
	// either sample drifts: verdicts that rest on a drifting benchmark.
	OnDrift int `json:"onDrift"`
	// Significant counts the significant speedups against the baseline.
	Significant int `json:"significant"`
}

// A KindCount is the comparisons of one kind of family.
type KindCount struct {
	// Kind is the family's Kind, such as "speedup vs serial@1".
	Kind string `json:"kind"`
	// Families and Tests count the families and their comparisons.
	Families int `json:"families"`
	Tests    int `json:"tests"`
	// Raw counts the tests whose raw p-value is below the family's Alpha;
	// Adjusted those whose adjusted p-value is.
	Raw      int `json:"raw"`
	Adjusted int `json:"adjusted"`
}

// A FlagCount is the number of samples one check flagged.
type FlagCount struct {
	Kind stability.Kind `json:"kind"`
	N    int            `json:"n"`
}

// A Flagged is one benchmark whose sample failed a check.
type Flagged struct {
	// Benchmark is the full name, with its run's keys when the report has
	// several runs.
	Benchmark string `json:"benchmark"`
	// Median is the sample's median, formatted in its unit.
	Median string `json:"median"`
	// Flags names the checks it failed.
	Flags []stability.Kind `json:"flags"`
}

// Summarize computes the section's data from a report.
func Summarize(rep *report.Report) Summary {
	s := Summary{Correction: rep.Correction.Title(), Alpha: report.DefaultAlpha}
	if rep.Stats != nil {
		s.Alpha = rep.Stats.Alpha()
	}
	for _, f := range rep.Families() {
		i := slices.IndexFunc(s.Kinds, func(k KindCount) bool { return k.Kind == f.Kind })
		if i < 0 {
			s.Kinds = append(s.Kinds, KindCount{Kind: f.Kind})
			i = len(s.Kinds) - 1
		}
		k := &s.Kinds[i]
		k.Families++
		for _, t := range f.Tests {
			k.Tests++
			if t.P < f.Alpha {
				k.Raw++
			}
			if t.Significant {
				k.Adjusted++
			}
		}
	}
	counts := map[stability.Kind]int{}
	for ct := range rep.PrimaryTables() {
		c, t := ct.Case, ct.Table
		var baseDrifts bool
		for _, m := range t.Models {
			for _, p := range m.Points {
				if m.Model == c.BaselineSeries(rep.Baseline) && p.Procs == 1 {
					baseDrifts = slices.Contains(p.Flags, stability.Drift)
				}
			}
		}
		for _, m := range t.Models {
			for _, p := range m.Points {
				s.Checked++
				if sp := p.VsBaseline; sp != nil && !sp.Reference && sp.Significant {
					s.Significant++
					if baseDrifts || slices.Contains(p.Flags, stability.Drift) {
						s.OnDrift++
					}
				}
				if len(p.Flags) == 0 {
					continue
				}
				for _, f := range p.Flags {
					counts[f]++
				}
				s.Benchmarks = append(s.Benchmarks, Flagged{
					Benchmark: ct.Label + c.BenchmarkName(m.Model, p.Procs),
					Median:    report.FormatEstimate(p.Estimate(), t.Unit),
					Flags:     p.Flags,
				})
			}
		}
	}
	for _, k := range []stability.Kind{stability.Drift, stability.Noise, stability.Outliers, stability.Samples} {
		s.Flagged = append(s.Flagged, FlagCount{k, counts[k]})
	}
	return s
}
