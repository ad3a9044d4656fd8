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
