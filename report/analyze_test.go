package report_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"concbench/report"
	"concbench/report/results"
)

// resultsFile writes six result lines per benchmark, spread around each median
// so that every sample has a 95% interval and the given median.
func resultsFile(config string, medians map[string]float64, unit string) string {
	var b strings.Builder
	b.WriteString(config)
	spread := []float64{0.98, 0.99, 1, 1, 1.01, 1.02}
	for _, name := range sortedNames(medians) {
		for _, f := range spread {
			fmt.Fprintf(&b, "Benchmark%s\t100\t%g %s\n", name, medians[name]*f, unit)
		}
	}
	return b.String()
}

func sortedNames(m map[string]float64) []string {
	var names []string
	for k := range m {
		names = append(names, k)
	}
	// Input order matters only for ties; keep it fixed.
	for i := range names {
		for j := i + 1; j < len(names); j++ {
			if names[j] < names[i] {
				names[i], names[j] = names[j], names[i]
			}
		}
	}
	return names
}

func analyse(t *testing.T, files ...string) *report.Report {
	t.Helper()
	var inputs []results.Input
	for i, f := range files {
		inputs = append(inputs, results.Input{Name: fmt.Sprintf("in%d.txt", i+1), R: strings.NewReader(f)})
	}
	ds, err := results.Read(inputs, results.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := report.Analyze(ds, report.AnalyzeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// describe flattens the points of every unit table of a report into lines
// that a test can compare.
func describe(rep *report.Report) []string {
	f := func(r *report.Speedup) string {
		if r == nil {
			return "-"
		}
		if r.Reference {
			return "ref"
		}
		return fmt.Sprintf("%.2f", r.Value)
	}
	g := func(x *float64) string {
		if x == nil {
			return "-"
		}
		return fmt.Sprintf("%.2f", *x)
	}
	var out []string
	for _, run := range rep.Runs {
		for _, c := range run.Cases {
			for _, u := range c.Units {
				for _, m := range u.Models {
					for _, p := range m.Points {
						over := ""
						if p.Oversubscribed {
							over = " over"
						}
						out = append(out, fmt.Sprintf("%s %s%s %s@%d median=%.4g vs=%s eff=%s self=%s%s",
							run.ID, c.Name, c.Params, m.Model, p.Procs, p.Median, f(p.VsBaseline), g(p.Efficiency), f(p.VsSelf), over))
					}
				}
			}
		}
	}
	return out
}

func TestAnalyze(t *testing.T) {
	tests := []struct {
		name         string
		files        []string
		want         []string
		wantWarnings []string
	}{
		{
			name: "time per op: speedup is old/new",
			files: []string{resultsFile("ncpu: 4\n", map[string]float64{
				"Fact/model=serial":   100,
				"Fact/model=serial-2": 100,
				"Fact/model=pool":     125,
				"Fact/model=pool-2":   50,
				"Fact/model=pool-4":   25,
			}, "ns/op")},
			want: []string{
				"r1 Fact serial@1 median=1e-07 vs=ref eff=1.00 self=ref",
				"r1 Fact serial@2 median=1e-07 vs=1.00 eff=0.50 self=1.00",
				"r1 Fact pool@1 median=1.25e-07 vs=0.80 eff=0.80 self=ref",
				"r1 Fact pool@2 median=5e-08 vs=2.00 eff=1.00 self=2.50",
				"r1 Fact pool@4 median=2.5e-08 vs=4.00 eff=1.00 self=5.00",
			},
			wantWarnings: []string{},
		},
		{
			name: "a rate: speedup is new/old",
			files: []string{resultsFile("ncpu: 2\n", map[string]float64{
				"Rate/model=serial": 10,
				"Rate/model=pool-2": 30,
			}, "items/s")},
			want: []string{
				"r1 Rate serial@1 median=10 vs=ref eff=1.00 self=ref",
				"r1 Rate pool@2 median=30 vs=3.00 eff=1.50 self=-",
			},
			wantWarnings: []string{},
		},
		{
			name: "more GOMAXPROCS than CPUs is oversubscribed",
			files: []string{resultsFile("ncpu: 2\n", map[string]float64{
				"Over/model=serial":   100,
				"Over/model=serial-4": 100,
			}, "ns/op")},
			want: []string{
				"r1 Over serial@1 median=1e-07 vs=ref eff=1.00 self=ref",
				"r1 Over serial@4 median=1e-07 vs=1.00 eff=0.25 self=1.00 over",
			},
			wantWarnings: []string{"oversubscribed GOMAXPROCS 4 exceeds the 2 CPUs (ncpu): those points are oversubscribed and drawn hollow"},
		},
		{
			name: "gomaxprocs-default stands in for ncpu",
			files: []string{resultsFile("gomaxprocs-default: 1\n", map[string]float64{
				"Over/model=serial-2": 100,
			}, "ns/op")},
			want: []string{
				"r1 Over serial@2 median=1e-07 vs=- eff=- self=- over",
			},
			wantWarnings: []string{
				"baseline Over: no serial model at GOMAXPROCS=1; speedups are against each model's own 1-core result only",
				"oversubscribed GOMAXPROCS 2 exceeds the 1 CPUs (gomaxprocs-default): those points are oversubscribed and drawn hollow",
			},
		},
		{
			name: "an unknown CPU count marks nothing",
			files: []string{resultsFile("", map[string]float64{
				"X/model=serial":    100,
				"X/model=serial-64": 100,
			}, "ns/op")},
			want: []string{
				"r1 X serial@1 median=1e-07 vs=ref eff=1.00 self=ref",
				"r1 X serial@64 median=1e-07 vs=1.00 eff=0.02 self=1.00",
			},
			wantWarnings: []string{"ncpu no ncpu: or gomaxprocs-default: configuration line gives the CPU count; oversubscribed points are not marked"},
		},
		{
			name: "two toolchains are two runs, never one sample",
			files: []string{
				resultsFile("toolchain: go1.24.0\nncpu: 2\n", map[string]float64{"T/model=serial": 100, "T/model=pool-2": 50}, "ns/op"),
				resultsFile("toolchain: go1.26.0\nncpu: 2\n", map[string]float64{"T/model=serial": 80, "T/model=pool-2": 20}, "ns/op"),
			},
			want: []string{
				"r1 T serial@1 median=1e-07 vs=ref eff=1.00 self=ref",
				"r1 T pool@2 median=5e-08 vs=2.00 eff=1.00 self=-",
				"r2 T serial@1 median=8e-08 vs=ref eff=1.00 self=ref",
				"r2 T pool@2 median=2e-08 vs=4.00 eff=2.00 self=-",
			},
			wantWarnings: []string{},
		},
		{
			name: "other name keys make separate cases",
			files: []string{resultsFile("ncpu: 2\n", map[string]float64{
				"K/model=serial/n=10":   100,
				"K/model=pool/n=10-2":   60,
				"K/n=20/model=serial":   200,
				"K/n=20/model=serial-2": 190,
			}, "ns/op")},
			want: []string{
				"r1 K/n=10 serial@1 median=1e-07 vs=ref eff=1.00 self=ref",
				"r1 K/n=10 pool@2 median=6e-08 vs=1.67 eff=0.83 self=-",
				"r1 K/n=20 serial@1 median=2e-07 vs=ref eff=1.00 self=ref",
				"r1 K/n=20 serial@2 median=1.9e-07 vs=1.05 eff=0.53 self=1.05",
			},
			wantWarnings: []string{},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep := analyse(t, tc.files...)
			if diff := cmp.Diff(tc.want, describe(rep)); diff != "" {
				t.Errorf("points mismatch (-want +got):\n%s", diff)
			}
			got := []string{}
			for _, w := range rep.Warnings {
				// The stability checks are tested on their own
				// (TestStabilityWarnings).
				if w.Kind == "unstable" || w.Kind == "load" {
					continue
				}
				got = append(got, w.Kind+" "+w.String())
			}
			if diff := cmp.Diff(tc.wantWarnings, got); diff != "" {
				t.Errorf("warnings mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSpeedupInterval checks that a speedup's interval pairs the medians'
// intervals pessimistically and optimistically, and that the U test finds
// a clear difference significant.
func TestSpeedupInterval(t *testing.T) {
	rep := analyse(t, resultsFile("ncpu: 2\n", map[string]float64{"I/model=serial": 100, "I/model=pool-2": 50}, "ns/op"))
	pool := rep.Runs[0].Cases[0].Units[0].Models[1].Points[0]
	base := rep.Runs[0].Cases[0].Units[0].Models[0].Points[0]
	r := pool.VsBaseline
	if r == nil || r.Lo == nil || r.Hi == nil {
		t.Fatalf("VsBaseline = %+v, want a ratio with an interval", r)
	}
	wantLo, wantHi := *base.Lo / *pool.Hi, *base.Hi / *pool.Lo
	got := [3]float64{*r.Lo, r.Value, *r.Hi}
	want := [3]float64{wantLo, 2, wantHi}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("speedup [lo, value, hi] mismatch (-want +got):\n%s", diff)
	}
	if !(wantLo < 2 && 2 < wantHi) {
		t.Errorf("interval [%g, %g] does not contain the speedup 2", wantLo, wantHi)
	}
	if !r.Significant || r.P >= 0.05 {
		t.Errorf("P = %g, Significant = %v; want a significant difference", r.P, r.Significant)
	}
}

// analyzerFunc adapts a function to report.Analyzer.
type analyzerFunc struct {
	name string
	fn   func(*results.Dataset, *report.Report) (any, error)
}

func (a analyzerFunc) Name() string { return a.name }
func (a analyzerFunc) Analyze(g *report.Grouping, rep *report.Report) (any, error) {
	return a.fn(g.Dataset, rep)
}

// TestAnalyzer checks that an extension sees the dataset, including each
// observation's configuration, and that its data lands in Extensions.
func TestAnalyzer(t *testing.T) {
	in := resultsFile("commit: abc123\nncpu: 2\n", map[string]float64{"A/model=serial": 100}, "ns/op")
	ds, err := results.Read([]results.Input{{Name: "a.txt", R: strings.NewReader(in)}}, results.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	count := analyzerFunc{"commits", func(ds *results.Dataset, rep *report.Report) (any, error) {
		seen := map[string]int{}
		for i := range ds.Observations {
			seen[ds.Observations[i].ConfigValue("commit")]++
		}
		return seen, nil
	}}
	rep, err := report.Analyze(ds, report.AnalyzeOptions{Analyzers: []report.Analyzer{count}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]any{"commits": map[string]int{"abc123": 6}}, rep.Extensions); diff != "" {
		t.Errorf("Extensions mismatch (-want +got):\n%s", diff)
	}
	failing := analyzerFunc{"broken", func(*results.Dataset, *report.Report) (any, error) { return nil, fmt.Errorf("boom") }}
	if _, err := report.Analyze(ds, report.AnalyzeOptions{Analyzers: []report.Analyzer{failing}}); err == nil || err.Error() != "analysis broken: boom" {
		t.Errorf("Analyze with a failing analyser: error = %v, want \"analysis broken: boom\"", err)
	}
}

// TestAnalyzeSeriesKeys checks a case whose names carry deploy and fanout
// but no /model key, as the aggregation service's do: its series are named
// by them, single+serial at one core is the baseline, req/s (higher is
// better) is the primary unit, with p99 latency drawn beside it, and its
// benchmarks keep their own names. A case with a /model key beside deploy
// keeps its models and the report's baseline.
func TestAnalyzeSeriesKeys(t *testing.T) {
	lines := map[string]float64{}
	for _, s := range []struct {
		name string
		reqs float64
	}{
		{"deploy=single/fanout=serial", 100}, {"deploy=single/fanout=serial/x=1-2", 180},
		{"deploy=single/fanout=concurrent", 300}, {"deploy=single/fanout=concurrent/x=1-2", 500},
		{"deploy=workers/fanout=concurrent", 280}, {"deploy=workers/fanout=concurrent/x=1-2", 560},
	} {
		lines[s.name] = s.reqs
	}
	var b strings.Builder
	b.WriteString("ncpu: 2\n")
	for _, name := range sortedNames(lines) {
		bench, procs, _ := strings.Cut(name, "/x=1")
		for _, f := range []float64{1, 0.98, 1.02, 0.99, 1.01, 1} { // no trend over the rounds
			r := lines[name] * f
			fmt.Fprintf(&b, "BenchmarkAggregate/%s/clients=64%s\t10\t%g ns/op\t%g req/s\t%g p99-latency-ns\n", bench, procs, 64/r*1e9, r, 2e9/r)
		}
	}
	b.WriteString("BenchmarkOther/model=serial/deploy=single 1 10 ns/op\nBenchmarkOther/model=pool/deploy=single 1 5 ns/op\n")
	rep := analyse(t, b.String())
	cases := rep.Runs[0].Cases
	if len(cases) != 2 {
		t.Fatalf("%d cases, want 2: %+v", len(cases), cases)
	}
	agg, other := &cases[0], &cases[1]
	type summary struct {
		Name, Label, Baseline string
		Keys, Units           []string
		Higher                bool
		Series                []string
		Speedups              []string
		Names                 []string
	}
	describe := func(c *report.Case) summary {
		s := summary{Name: c.FullName(), Label: c.SeriesLabel(), Baseline: c.BaselineSeries(rep.Baseline), Keys: c.SeriesKeys}
		for _, u := range c.Units {
			s.Units = append(s.Units, u.Unit)
		}
		p := c.Primary()
		s.Higher = p.HigherIsBetter
		for _, m := range p.Models {
			s.Series = append(s.Series, m.Model)
			for _, pt := range m.Points {
				s.Speedups = append(s.Speedups, fmt.Sprintf("%s@%d %.2f", m.Model, pt.Procs, pt.VsBaseline.Value))
				s.Names = append(s.Names, c.BenchmarkName(m.Model, pt.Procs))
			}
		}
		return s
	}
	want := summary{
		Name: "Aggregate/clients=64", Label: "deploy+fanout", Baseline: "single+serial",
		Keys: []string{"deploy", "fanout"}, Units: []string{"req/s", "sec/op", "p99-latency-sec"}, Higher: true,
		Series: []string{"single+serial", "single+concurrent", "workers+concurrent"},
		Speedups: []string{"single+serial@1 1.00", "single+serial@2 1.80", "single+concurrent@1 3.00", "single+concurrent@2 5.00",
			"workers+concurrent@1 2.80", "workers+concurrent@2 5.60"},
		Names: []string{"Aggregate/deploy=single/fanout=serial/clients=64", "Aggregate/deploy=single/fanout=serial/clients=64-2",
			"Aggregate/deploy=single/fanout=concurrent/clients=64", "Aggregate/deploy=single/fanout=concurrent/clients=64-2",
			"Aggregate/deploy=workers/fanout=concurrent/clients=64", "Aggregate/deploy=workers/fanout=concurrent/clients=64-2"},
	}
	if diff := cmp.Diff(want, describe(agg)); diff != "" {
		t.Errorf("aggregate case (-want +got):\n%s", diff)
	}
	if !agg.HasBaseline {
		t.Error("aggregate case: HasBaseline false")
	}
	wantOther := summary{Name: "Other/deploy=single", Label: "model", Baseline: "serial", Units: []string{"sec/op"},
		Series: []string{"serial", "pool"}, Speedups: []string{"serial@1 1.00", "pool@1 2.00"},
		Names: []string{"Other/model=serial/deploy=single", "Other/model=pool/deploy=single"}}
	if diff := cmp.Diff(wantOther, describe(other)); diff != "" {
		t.Errorf("case with a model key (-want +got):\n%s", diff)
	}

	var ids []string
	for _, ch := range report.CaseCharts(&rep.Runs[0], agg, agg.BaselineSeries(rep.Baseline)) {
		ids = append(ids, ch.ID)
	}
	if diff := cmp.Diff([]string{"r1-c1-speedup", "r1-c1-efficiency", "r1-c1-largest", "r1-c1-p99-latency-sec"}, ids); diff != "" {
		t.Errorf("aggregate charts (-want +got):\n%s", diff)
	}
	var md strings.Builder
	if err := report.WriteMarkdown(&md, rep, report.PageOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{
		"| deploy+fanout | cores | req/s | 95% CI | n | speedup vs single+serial@1 |",
		"| single+serial | 1 | 100.0 | ±2% | 6 | 1.00× (reference) |",
		"| model | cores | sec/op | 95% CI | n | speedup vs serial@1 |",
	} {
		if !strings.Contains(md.String(), s) {
			t.Errorf("Markdown lacks %q:\n%s", s, md.String())
		}
	}
}
