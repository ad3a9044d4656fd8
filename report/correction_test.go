package report_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"concbench/report"
	"concbench/report/multitest"
	"concbench/report/results"
	"concbench/report/stability"
)

// TestFamilyOf200Identical makes 200 comparisons of samples drawn from one
// distribution (20 values a side, a seeded generator) and plants one real
// difference (the new sample 10% slower) among them, all with the report's
// one comparison ([report.Compare]) at α = 0.05. Uncorrected, about 5% of
// the identical pairs come out significant; Holm-Bonferroni keeps the
// chance of even one such false positive at or below 5% (here: none), and
// Benjamini-Hochberg keeps the expected share of false positives among
// the significant results at or below 5%; the planted difference stays
// significant under both.
func TestFamilyOf200Identical(t *testing.T) {
	st, err := report.NewStats(nil, 0, 0.05)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(15, 2026))
	sample := func(scale float64) []float64 {
		v := make([]float64, 20)
		for i := range v {
			// Benchmark-like: a floor and a right-skewed noise.
			v[i] = scale * (1e-3 + 1e-4*rng.ExpFloat64())
		}
		return v
	}
	const identical = 200
	comparisons := make([]report.Comparison, identical+1)
	for i := range identical {
		comparisons[i] = report.Compare(st.Summarize("sec/op", sample(1)), st.Summarize("sec/op", sample(1)))
	}
	planted := &comparisons[identical]
	*planted = report.Compare(st.Summarize("sec/op", sample(1)), st.Summarize("sec/op", sample(1.1)))

	raw := 0
	for _, c := range comparisons[:identical] {
		if c.Significant {
			raw++
		}
	}
	if raw == 0 {
		t.Fatalf("no identical pair is significant before the correction: the test would show nothing")
	}
	if !planted.Significant {
		t.Fatalf("the planted difference is not significant even uncorrected (p=%v)", planted.P)
	}
	t.Logf("uncorrected: %d of %d identical pairs significant at α = 0.05 (%.1f%%); planted p=%.2g", raw, identical, 100*float64(raw)/identical, planted.P)

	for _, tc := range []struct {
		method multitest.Method
		// maxFalse is what this seed gives; the method promises a
		// family-wise error (Holm) or a false discovery rate (BH) of at
		// most 5%, an expectation over seeds.
		maxFalse int
	}{{multitest.Holm, 0}, {multitest.BH, 0}} {
		cs := append([]report.Comparison(nil), comparisons...)
		f := report.Family{Name: "synthetic", Alpha: 0.05}
		for i := range cs {
			f.Tests = append(f.Tests, &cs[i].Test)
		}
		f.Adjust(tc.method)
		falsePos := 0
		for i, c := range cs[:identical] {
			if c.P != comparisons[i].P {
				t.Fatalf("%s rewrote the raw p-value %v to %v", tc.method, comparisons[i].P, c.P)
			}
			if c.PAdj < c.P {
				t.Fatalf("%s adjusted p %v down to %v", tc.method, c.P, c.PAdj)
			}
			if c.Significant {
				falsePos++
			}
		}
		p := cs[identical]
		t.Logf("%s: %d of %d identical pairs significant; planted p=%.2g adj=%.2g significant=%v", tc.method.Title(), falsePos, identical, p.P, p.PAdj, p.Significant)
		if falsePos > tc.maxFalse {
			t.Errorf("%s: %d identical pairs significant, want at most %d", tc.method, falsePos, tc.maxFalse)
		}
		if !p.Significant {
			t.Errorf("%s: the planted difference is no longer significant (p=%v adj=%v)", tc.method, p.P, p.PAdj)
		}
	}
}

// TestStabilityWarnings reads a results file whose round lines say when
// each value was measured: the serial model's time rises round by round,
// the pool's does not. The drifting benchmark is flagged on its point and
// in the warnings; the other is not; the load average above half the CPUs
// is a warning.
func TestStabilityWarnings(t *testing.T) {
	var b strings.Builder
	b.WriteString("ncpu: 2\nloadavg: 1.8 1.0 0.5\n")
	steady := []float64{60, 61, 59, 60, 62, 58}
	for r := 1; r <= 6; r++ {
		fmt.Fprintf(&b, "round: %d\n", r)
		fmt.Fprintf(&b, "BenchmarkX/model=serial 1000 %g ns/op\n", 100+2*float64(r)+float64(r%2)/2)
		fmt.Fprintf(&b, "BenchmarkX/model=pool-2 1000 %g ns/op\n", steady[r-1])
	}
	ds, err := results.Read([]results.Input{{Name: "r.txt", R: strings.NewReader(b.String())}}, results.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i, o := range ds.Observations {
		if o.Round != i/2+1 {
			t.Fatalf("observation %d (line %d) has round %d, want %d", i, o.Line, o.Round, i/2+1)
		}
	}
	rep, err := report.Analyze(ds, report.AnalyzeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	flags := map[string][]stability.Kind{}
	for _, m := range rep.Runs[0].Cases[0].Units[0].Models {
		for _, p := range m.Points {
			flags[m.Model] = p.Flags
		}
	}
	if diff := cmp.Diff(map[string][]stability.Kind{"serial": {stability.Drift}, "pool": nil}, flags); diff != "" {
		t.Errorf("flags (-want +got):\n%s", diff)
	}
	var got []string
	for _, w := range rep.Warnings {
		got = append(got, w.Kind+" "+w.String())
	}
	want := []string{
		"load the load average at the start was 1.8, above half the 2 CPUs: other work shared the machine; rerun on a quieter machine",
		"unstable r.txt:4: X/model=serial: drifts: its values rose 9% over 6 rounds (Mann-Kendall S=15, p=0.0028; Sen's slope +1.9% of the mean a round): the machine changed during the run; rerun on a quieter machine",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

// TestUnstableWarningPerCase checks that the noisy benchmarks of a case
// make one warning naming each of them with its coefficient of variation
// and saying what to do, and that each is flagged on its point.
func TestUnstableWarningPerCase(t *testing.T) {
	var b strings.Builder
	b.WriteString("ncpu: 2\n")
	noisy := []float64{100, 140, 70, 120, 90, 130}
	for r := 1; r <= 6; r++ {
		fmt.Fprintf(&b, "round: %d\nBenchmarkX/model=serial 1000 %g ns/op\nBenchmarkX/model=pool-2 1000 %g ns/op\n", r, noisy[r-1], noisy[(r+2)%6]/2)
	}
	ds, err := results.Read([]results.Input{{Name: "n.txt", R: strings.NewReader(b.String())}}, results.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := report.Analyze(ds, report.AnalyzeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range rep.Warnings {
		got = append(got, w.Kind+" "+w.String())
	}
	want := []string{"unstable n.txt:3: X: 2 benchmark(s) noisy (coefficient of variation above 10%): serial@1 24.4%, pool@2 24.4%: rerun with a larger -benchtime or on a quieter machine"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	for _, m := range rep.Runs[0].Cases[0].Units[0].Models {
		if !cmp.Equal(m.Points[0].Flags, []stability.Kind{stability.Noise}) {
			t.Errorf("%s: flags %v, want noise", m.Model, m.Points[0].Flags)
		}
	}
}
