package checks_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"concbench/report"
	"concbench/report/checks"
	"concbench/report/multitest"
	"concbench/report/results"
	"concbench/report/stability"
)

// analyse makes a report of one case: serial and pool at 1 and 2 cores,
// six rounds; the pool at 2 cores is twice as fast, the serial model at 2
// cores drifts upwards round by round.
func analyse(t *testing.T, method multitest.Method) *report.Report {
	t.Helper()
	var b strings.Builder
	b.WriteString("ncpu: 2\n")
	noise := []float64{0, 1, -1, 0.5, -0.5, 0.2}
	for r := 1; r <= 6; r++ {
		fmt.Fprintf(&b, "round: %d\n", r)
		fmt.Fprintf(&b, "BenchmarkX/model=serial 1000 %g ns/op\n", 100+noise[r-1])
		fmt.Fprintf(&b, "BenchmarkX/model=serial-2 1000 %g ns/op\n", 96+float64(r))
		fmt.Fprintf(&b, "BenchmarkX/model=pool 1000 %g ns/op\n", 100+noise[(r+2)%6])
		fmt.Fprintf(&b, "BenchmarkX/model=pool-2 1000 %g ns/op\n", 50+noise[(r+3)%6]/2)
	}
	ds, err := results.Read([]results.Input{{Name: "r.txt", R: strings.NewReader(b.String())}}, results.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := report.Analyze(ds, report.AnalyzeOptions{Correction: method})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestSummarize(t *testing.T) {
	for _, tc := range []struct {
		method multitest.Method
		want   []checks.KindCount
	}{
		// Raw: the pool at 2 cores (p = 0.0022) and the drifting serial
		// model at 2 cores, against serial@1; against own@1 the pool.
		// Holm multiplies the smallest of three p-values by 3.
		{multitest.Holm, []checks.KindCount{
			{Kind: "speedup vs serial@1", Families: 1, Tests: 3, Raw: 1, Adjusted: 1},
			{Kind: "speedup vs own@1", Families: 1, Tests: 1, Raw: 1, Adjusted: 1},
		}},
		{multitest.None, []checks.KindCount{
			{Kind: "speedup vs serial@1", Families: 1, Tests: 3, Raw: 1, Adjusted: 1},
			{Kind: "speedup vs own@1", Families: 1, Tests: 1, Raw: 1, Adjusted: 1},
		}},
	} {
		t.Run(string(tc.method), func(t *testing.T) {
			s := checks.Summarize(analyse(t, tc.method))
			if diff := cmp.Diff(tc.want, s.Kinds); diff != "" {
				t.Errorf("kinds (-want +got):\n%s", diff)
			}
			if s.Checked != 4 || len(s.Benchmarks) != 1 || s.Benchmarks[0].Benchmark != "X/model=serial-2" || !cmp.Equal(s.Benchmarks[0].Flags, []stability.Kind{stability.Drift}) {
				t.Errorf("checked %d, flagged %+v; want 4 checked and X/model=serial-2 drifting", s.Checked, s.Benchmarks)
			}
			if s.Significant != 1 || s.OnDrift != 0 {
				t.Errorf("%d significant speedups, %d on a drifting sample; want 1, 0", s.Significant, s.OnDrift)
			}
		})
	}
}

// TestSection checks that the page names the method and shows the counts.
func TestSection(t *testing.T) {
	rep := analyse(t, multitest.BH)
	frag, err := checks.Section{}.HTML(rep)
	if err != nil {
		t.Fatal(err)
	}
	var md strings.Builder
	if err := (checks.Section{}).Markdown(&md, rep); err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{string(frag.HTML), md.String()} {
		for _, want := range []string{"Benjamini-Hochberg", "the false discovery rate", "X/model=serial-2", "drift"} {
			if !strings.Contains(out, want) {
				t.Errorf("section lacks %q:\n%s", want, out)
			}
		}
	}
}
