package report_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"concbench/report"
	"concbench/report/gate"
	"concbench/report/internal/golden"
	"concbench/report/results"
	"concbench/report/versions"
)

// TestUnitAssumption checks that a unit declared assume=exact is tested the
// same way in the cases, in the Go versions section and in the gate: one
// measurement a side, 100 against 120 ns/op, is no evidence of a change for
// a Mann-Whitney U test (p = 1), and a certain change for an exact unit
// (p = 0), wherever it is compared.
func TestUnitAssumption(t *testing.T) {
	file := func(meta, toolchain string, serial, pool float64) string {
		return fmt.Sprintf("%stoolchain: %s\nncpu: 2\nBenchmarkX/model=serial 1 %g ns/op\nBenchmarkX/model=pool-2 1 %g ns/op\n", meta, toolchain, serial, pool)
	}
	type outcome struct {
		Speedup, Change, Gate report.Test
		SampleWarnings        int
	}
	for _, tc := range []struct {
		name, meta string
		want       outcome
	}{
		{"assume nothing", "", outcome{
			Speedup: report.Test{P: 1, PAdj: 1}, Change: report.Test{P: 1, PAdj: 1}, Gate: report.Test{P: 1, PAdj: 1}, SampleWarnings: 4,
		}},
		{"assume exact", "Unit ns/op assume=exact\n", outcome{
			Speedup: report.Test{P: 0, Significant: true}, Change: report.Test{P: 0, Significant: true}, Gate: report.Test{P: 0, Significant: true},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, b := file(tc.meta, "goA", 100, 120), file(tc.meta, "goB", 120, 120)
			ds, err := results.Read([]results.Input{{Name: "a.txt", R: strings.NewReader(a)}, {Name: "b.txt", R: strings.NewReader(b)}}, results.ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			rep, err := report.Analyze(ds, report.AnalyzeOptions{Analyzers: []report.Analyzer{versions.Analyzer{}}})
			if err != nil {
				t.Fatal(err)
			}
			var got outcome
			// goA: pool at 2 cores (120) against serial at 1 (100).
			got.Speedup = rep.Runs[0].Cases[0].Units[0].Models[1].Points[0].VsBaseline.Test
			// serial at 1 core: goB (120) against goA (100).
			got.Change = versions.From(rep).Machines[0].Cases[0].Changes[0].Benchmarks[0].Test
			for _, w := range rep.Warnings {
				if w.Kind == "samples" {
					got.SampleWarnings++
				}
			}
			base, err := results.Read([]results.Input{{Name: "a.txt", R: strings.NewReader(file(tc.meta, "go", 100, 100))}}, results.ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			cur, err := results.Read([]results.Input{{Name: "b.txt", R: strings.NewReader(file(tc.meta, "go", 120, 100))}}, results.ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			res, err := gate.Check(base, cur, gate.Options{MaxSlowdown: 0.05})
			if err != nil {
				t.Fatal(err)
			}
			if res.Slower > 0 {
				got.Gate = report.Test{P: 0, Significant: true}
				if len(res.Offenders) != 1 || !strings.Contains(res.Offenders[0].Msg, "+20.0% slower (100.0n → 120.0n, p=0.000 n=1+1") {
					t.Errorf("offenders %v, want serial 20%% slower at p=0.000", res.Offenders)
				}
			} else {
				got.Gate = report.Test{P: 1, PAdj: 1}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("tests of the unit (-want +got):\n%s", diff)
			}
		})
	}
}

// TestComparisonOrientation checks the one orientation of a comparison
// and the speedup read from it: the ratio is new over reference whatever
// the unit, the speedup is above 1 for an improvement, and both are the
// quotients of the medians themselves.
func TestComparisonOrientation(t *testing.T) {
	st, err := report.NewStats(nil, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	scale := func(f float64) []float64 {
		var v []float64
		for _, x := range []float64{98, 99, 100, 100, 101, 102} {
			v = append(v, x*f)
		}
		return v
	}
	ref, s := st.Summarize("sec/op", scale(3)), st.Summarize("sec/op", scale(7))
	c := report.Compare(ref, s)
	ratio, lo, hi := c.Ratio()
	if ratio != s.Median/ref.Median || *lo != *s.Lo / *ref.Hi || *hi != *s.Hi / *ref.Lo {
		t.Errorf("ratio %v [%v, %v], want new over reference %v [%v, %v]", ratio, *lo, *hi, s.Median/ref.Median, *s.Lo / *ref.Hi, *s.Hi / *ref.Lo)
	}
	sp, slo, shi := c.Speedup(false)
	if sp != ref.Median/s.Median || *slo != *ref.Lo / *s.Hi || *shi != *ref.Hi / *s.Lo {
		t.Errorf("speedup of a time %v [%v, %v], want reference over new", sp, *slo, *shi)
	}
	if hsp, _, _ := c.Speedup(true); hsp != ratio {
		t.Errorf("speedup of a rate %v, want the ratio %v", hsp, ratio)
	}
	if !c.Significant || c.P >= 0.05 {
		t.Errorf("test %+v, want a significant difference", c.Test)
	}
}

// TestFamilies checks that Report.Families finds every comparison of a
// report, the cases' and the Go versions section's, and points at them
// where the report holds them: a correction that rewrites a test through
// its family changes report.json.
func TestFamilies(t *testing.T) {
	ds, err := results.Read(golden.Inputs(t, "testdata/results/factorize-toolchains-2cpu.txt"), results.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := report.Analyze(ds, report.AnalyzeOptions{Analyzers: []report.Analyzer{versions.Analyzer{}}})
	if err != nil {
		t.Fatal(err)
	}
	// Every test the report holds, and how often report.json shows it
	// (the baseline model's speedup against itself is its speedup against
	// the baseline: one test, shown twice).
	held := map[*report.Test]bool{}
	shown := 0
	for _, run := range rep.Runs {
		for _, c := range run.Cases {
			for _, u := range c.Units {
				for _, m := range u.Models {
					for _, p := range m.Points {
						for _, sp := range []*report.Speedup{p.VsBaseline, p.VsSelf} {
							if sp != nil && !sp.Reference {
								held[&sp.Test] = true
								shown++
							}
						}
					}
				}
			}
		}
	}
	v := versions.From(rep)
	for mi := range v.Machines {
		for ci := range v.Machines[mi].Cases {
			for chi := range v.Machines[mi].Cases[ci].Changes {
				ch := &v.Machines[mi].Cases[ci].Changes[chi]
				for bi := range ch.Benchmarks {
					held[&ch.Benchmarks[bi].Test] = true
					shown++
				}
			}
		}
	}
	families := rep.Families()
	found, names := map[*report.Test]bool{}, map[string]bool{}
	for _, f := range families {
		for _, test := range f.Tests {
			if found[test] {
				t.Errorf("family %s: a test is listed twice", f.Name)
			}
			found[test] = true
		}
		if names[f.Name] {
			t.Errorf("two families are named %q", f.Name)
		}
		names[f.Name] = true
		if f.Alpha != 0.05 {
			t.Errorf("family %s: alpha %v, want 0.05", f.Name, f.Alpha)
		}
	}
	if len(held) == 0 || !cmp.Equal(held, found) {
		t.Errorf("the families hold %d tests; the report holds %d", len(found), len(held))
	}
	for _, name := range []string{"r1-c1 sec/op vs serial@1", "r1-c1 sec/op vs own@1", "v1-c2 go1.27.3 vs go1.26.8"} {
		if !names[name] {
			t.Errorf("no family %q among %d", name, len(families))
		}
	}
	for _, f := range families {
		for _, test := range f.Tests {
			test.P = 0.123456
		}
	}
	if n := strings.Count(encode(t, rep), `"p":0.123456,`); n != shown {
		t.Errorf("rewriting every test through its family changed %d p-values in report.json, want %d", n, shown)
	}
}

func encode(t *testing.T, rep *report.Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := report.WriteJSON(&b, rep); err != nil {
		t.Fatal(err)
	}
	if !json.Valid(b.Bytes()) {
		t.Fatal("report.json is not valid JSON")
	}
	return b.String()
}
