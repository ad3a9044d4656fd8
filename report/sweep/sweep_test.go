package sweep_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"concbench/report"
	"concbench/report/internal/golden"
	"concbench/report/results"
	"concbench/report/sweep"
)

// inflightFile writes six samples of each (requests, transport) at each
// core count, in a scrambled order of the requests, with medians that
// tell the point apart: ratio-to-delay = 1 + requests/1e5 + t/10 and
// KB/req = 10*(t+1) for the t-th transport, at GOMAXPROCS procs.
func inflightFile(transports []string, requests []int, procs []int) string {
	var b strings.Builder
	b.WriteString("ncpu: 2\n")
	for _, f := range []float64{0.98, 0.99, 1, 1, 1.01, 1.02} {
		for _, p := range procs {
			suffix := ""
			if p > 1 {
				suffix = fmt.Sprintf("-%d", p)
			}
			for _, n := range requests {
				for ti, tr := range transports {
					ratio := (1 + float64(n)/1e5 + float64(ti)/10) * f
					fmt.Fprintf(&b, "BenchmarkInflight/model=goroutines/requests=%d/transport=%s/delay=1s%s 1 %g ns/op %g ratio-to-delay %g KB/req\n",
						n, tr, suffix, ratio*1e9, ratio, 10*float64(ti+1)*f)
				}
			}
		}
	}
	return b.String()
}

func analyse(t *testing.T, file string) *report.Report {
	t.Helper()
	ds, err := results.Read([]results.Input{{Name: "in.txt", R: strings.NewReader(file)}}, results.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := report.Analyze(ds, report.AnalyzeOptions{Analyzers: []report.Analyzer{sweep.Analyzer{}}})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestBuild checks the sweeps of the requests in flight: a sweep per unit
// and core count, its x values ascending whatever the order read, one
// curve per transport sorted by name, each point the case's median.
func TestBuild(t *testing.T) {
	rep := analyse(t, inflightFile([]string{"lean", "default"}, []int{10000, 100, 1000}, []int{1, 2}))
	an := sweep.From(rep)
	if an == nil || len(an.Runs) != 1 {
		t.Fatalf("sweeps = %+v, want one run", an)
	}
	type curve struct {
		Name   string
		Labels []string
		Values []float64
	}
	type got struct {
		ID, Params, Unit string
		Procs            int
		Higher           bool
		Xs               []float64
		Curves           []curve
	}
	var gotSweeps []got
	for _, s := range an.Runs[0].Sweeps {
		g := got{s.ID, s.Params, s.Unit, s.Procs, s.HigherIsBetter, s.Xs, nil}
		for _, c := range s.Curves {
			cv := curve{Name: c.Name}
			for _, p := range c.Points {
				cv.Labels = append(cv.Labels, p.Label)
				cv.Values = append(cv.Values, report.Round(p.Value))
				if p.Lo == nil || p.Hi == nil || p.N != 6 {
					t.Errorf("%s %s %s: interval %v %v of %d samples, want one of 6", s.ID, c.Name, p.Label, p.Lo, p.Hi, p.N)
				}
			}
			g.Curves = append(g.Curves, cv)
		}
		gotSweeps = append(gotSweeps, g)
	}
	xs := []float64{100, 1000, 10000}
	labels := []string{"100", "1000", "10000"}
	ratio := func(ti int) []float64 {
		return []float64{report.Round(1.001 + float64(ti)/10), report.Round(1.01 + float64(ti)/10), report.Round(1.1 + float64(ti)/10)}
	}
	want := []got{
		{"r1-s1", "/model=goroutines/delay=1s", "ratio-to-delay", 1, false, xs, []curve{{"default", labels, ratio(1)}, {"lean", labels, ratio(0)}}},
		{"r1-s2", "/model=goroutines/delay=1s", "ratio-to-delay", 2, false, xs, []curve{{"default", labels, ratio(1)}, {"lean", labels, ratio(0)}}},
		{"r1-s3", "/model=goroutines/delay=1s", "KB/req", 1, false, xs, []curve{{"default", labels, []float64{20, 20, 20}}, {"lean", labels, []float64{10, 10, 10}}}},
		{"r1-s4", "/model=goroutines/delay=1s", "KB/req", 2, false, xs, []curve{{"default", labels, []float64{20, 20, 20}}, {"lean", labels, []float64{10, 10, 10}}}},
	}
	if diff := cmp.Diff(want, gotSweeps); diff != "" {
		t.Errorf("sweeps (-want +got):\n%s", diff)
	}
}

// TestBuildSpecs checks the other ways of choosing a sweep: one x value
// is no sweep, the case's own models as the series, a key that changes
// along x, durations as x values and speedups as values.
func TestBuildSpecs(t *testing.T) {
	one := analyse(t, inflightFile([]string{"lean", "tuned"}, []int{1000}, []int{1, 2}))
	if an := sweep.From(one); an == nil || len(an.Runs) != 0 {
		t.Errorf("one x value: sweeps %+v, want none", an)
	}

	var b strings.Builder
	for _, f := range []float64{0.98, 0.99, 1, 1, 1.01, 1.02} {
		for _, w := range []struct {
			work, items string
			serial      float64
		}{{"1ms", "1000", 2}, {"10us", "100000", 4}, {"100us", "10000", 3}} {
			fmt.Fprintf(&b, "BenchmarkTaskSize/model=serial/work=%s/items=%s 1 %g ns/op\n", w.work, w.items, 1e9*f)
			fmt.Fprintf(&b, "BenchmarkTaskSize/model=pool/work=%s/items=%s 1 %g ns/op\n", w.work, w.items, 1e9*f/w.serial)
		}
	}
	rep := analyse(t, b.String())
	s := sweep.Build(&rep.Runs[0], sweep.Spec{Name: "TaskSize", X: "work", Along: []string{"items"}, Speedup: true})
	if len(s) != 1 {
		t.Fatalf("%d task-size sweeps, want 1: %+v", len(s), s)
	}
	type pt struct {
		Label string
		X     float64
		Value float64
	}
	got := map[string][]pt{}
	for _, c := range s[0].Curves {
		for _, p := range c.Points {
			got[c.Name] = append(got[c.Name], pt{p.Label, p.X, report.Round(p.Value)})
		}
	}
	want := map[string][]pt{
		"pool":   {{"10us", 1e-5, 4}, {"100us", 1e-4, 3}, {"1ms", 1e-3, 2}},
		"serial": {{"10us", 1e-5, 1}, {"100us", 1e-4, 1}, {"1ms", 1e-3, 1}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("task-size sweep (-want +got):\n%s", diff)
	}
	if s[0].Series != "model" || s[0].Params != "" || s[0].Unit != "sec/op" || !s[0].HigherIsBetter {
		t.Errorf("task-size sweep: series %q params %q unit %q higher %v; want model, \"\", sec/op, true", s[0].Series, s[0].Params, s[0].Unit, s[0].HigherIsBetter)
	}
	// Without Along, items splits every work into a sweep of its own,
	// none with two x values.
	if s := sweep.Build(&rep.Runs[0], sweep.Spec{Name: "TaskSize", X: "work"}); len(s) != 0 {
		t.Errorf("task-size without Along: %d sweeps, want 0", len(s))
	}
}

// TestChart checks the chart of a sweep: a log x axis spanning the x
// values, one line per curve named as the curve, and the x values as
// the lines' points in order.
func TestChart(t *testing.T) {
	rep := analyse(t, inflightFile([]string{"lean", "h2c", "tuned"}, []int{1000, 100, 13000}, []int{2}))
	s := &sweep.From(rep).Runs[0].Sweeps[0]
	ch := sweep.Chart(s, "x1")
	if diff := cmp.Diff([]string{"h2c", "lean", "tuned"}, ch.Series); diff != "" {
		t.Errorf("series (-want +got):\n%s", diff)
	}
	raw, err := json.Marshal(ch.Options)
	if err != nil {
		t.Fatal(err)
	}
	var opts struct {
		XAxis []struct {
			Type     string
			Min, Max float64
		}
		Series []struct {
			Type, Name string
			Data       []struct{ Value []float64 }
		}
	}
	if err := json.Unmarshal(raw, &opts); err != nil {
		t.Fatal(err)
	}
	if len(opts.XAxis) != 1 || opts.XAxis[0].Type != "log" || opts.XAxis[0].Min != 100 || opts.XAxis[0].Max != 13000 {
		t.Errorf("x axis %+v, want one of type log from 100 to 13000", opts.XAxis)
	}
	var lines []string
	for _, sr := range opts.Series {
		if sr.Type != "line" {
			continue
		}
		lines = append(lines, sr.Name)
		var xs []float64
		for _, d := range sr.Data {
			xs = append(xs, d.Value[0])
		}
		if diff := cmp.Diff([]float64{100, 1000, 13000}, xs); diff != "" {
			t.Errorf("line %s x values (-want +got):\n%s", sr.Name, diff)
		}
	}
	if diff := cmp.Diff(ch.Series, lines); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
}

// TestGolden checks the sweeps section's Markdown and the sweeps' data of
// the recorded requests-in-flight curve (full profile) against golden
// files.
func TestGolden(t *testing.T) {
	rep, err := golden.Analyze(t, golden.Inputs(t, "testdata/results/inflight-full-2cpu.txt"), sweep.Analyzer{})
	if err != nil {
		t.Fatal(err)
	}
	var md bytes.Buffer
	if err := (sweep.Section{}).Markdown(&md, rep); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/golden/inflight-full-2cpu.md", md.Bytes())
	js, err := json.MarshalIndent(sweep.From(rep), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/golden/inflight-full-2cpu.json", append(js, '\n'))
}
