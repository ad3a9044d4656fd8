package answers_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"concbench/report"
	"concbench/report/answers"
	"concbench/report/internal/golden"
	"concbench/report/results"
)

// seedFile is the seed profile's results, recorded on a 2-CPU machine.
const seedFile = "testdata/results/seed-vm.txt"

func analyze(t *testing.T, inputs []results.Input) (*report.Report, *answers.Analysis) {
	t.Helper()
	rep, err := golden.Analyze(t, inputs, answers.Analyzer{})
	if err != nil {
		t.Fatal(err)
	}
	a := answers.From(rep)
	if a == nil {
		t.Fatal("no answers in the report")
	}
	return rep, a
}

// synthetic builds a results file: for every name (model and parameters)
// and core count, six samples of ns/op, from values(name, procs, i).
func synthetic(names []string, procs []int, values func(name string, procs, i int) float64) results.Input {
	var b strings.Builder
	b.WriteString("machine: box\nncpu: 2\n")
	for _, n := range names {
		for _, p := range procs {
			suffix := ""
			if p > 1 {
				suffix = fmt.Sprintf("-%d", p)
			}
			for i := range 6 {
				fmt.Fprintf(&b, "Benchmark%s%s\t1\t%g ns/op\n", n, suffix, values(n, p, i))
			}
		}
	}
	return results.Input{Name: "synthetic.txt", R: strings.NewReader(b.String())}
}

// TestSeed checks the answers of the seed profile's results against their
// golden files, and that every claim is measured from them.
func TestSeed(t *testing.T) {
	rep, a := analyze(t, golden.Inputs(t, seedFile))
	for _, c := range a.Runs[0].Claims {
		if c.Verdict == answers.NotMeasured || c.Measured == "" {
			t.Errorf("claim %s is not measured by the seed profile: %s", c.ID, c.Detail)
		}
	}
	var md bytes.Buffer
	if err := report.WriteMarkdown(&md, rep, report.PageOptions{Sections: answers.Sections()}); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/golden/seed.md", md.Bytes())
	js, err := json.MarshalIndent(a, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/golden/seed.json", append(js, '\n'))
}

// TestOneCoreCount: a case that ran at one core count says what is
// missing, and the claims that need more cores are not measured.
func TestOneCoreCount(t *testing.T) {
	names := []string{"Factorize/model=serial/n=7/items=8", "Factorize/model=goroutines/n=7/items=8", "Factorize/model=procpool/n=7/items=8"}
	_, a := analyze(t, []results.Input{synthetic(names, []int{1}, func(n string, p, i int) float64 {
		if strings.Contains(n, "procpool") {
			return 2000 + float64(i)
		}
		return 1000 + float64(i)
	})})
	r := a.Runs[0]
	if len(r.Summary) != 1 {
		t.Fatalf("%d summary lines, want 1", len(r.Summary))
	}
	ln := r.Summary[0]
	if want := "ran at 1 core only: no result at more cores (the machine has 2 CPUs)"; ln.Missing != want {
		t.Errorf("missing = %q, want %q", ln.Missing, want)
	}
	if len(ln.Levels) != 1 || ln.Levels[0].Procs != 1 {
		t.Errorf("levels = %+v, want one at 1 core", ln.Levels)
	}
	if got := claim(t, r, "processes"); got.Verdict != answers.NotMeasured || !strings.Contains(got.Detail, "2 cores or more") {
		t.Errorf("processes claim = %+v, want not measured for want of cores", got)
	}
	if got := r.Tree.Branches[0].Missing; !strings.Contains(got, "1 core only") {
		t.Errorf("CPU branch missing = %q, want it to say 1 core only", got)
	}
}

// TestAllTie: models whose samples cannot be told apart all tie, and one
// clearly slower does not.
func TestAllTie(t *testing.T) {
	names := []string{"Fetch/model=serial/items=5/delay=1s", "Fetch/model=pool/items=5/delay=1s", "Fetch/model=goroutines/items=5/delay=1s"}
	// The same six values in a different order for every model.
	vals := []float64{100, 104, 101, 103, 102, 105}
	_, a := analyze(t, []results.Input{synthetic(names, []int{1, 2}, func(n string, p, i int) float64 {
		return vals[(i+len(n))%6]
	})})
	ln := a.Runs[0].Summary[0]
	for _, lv := range ln.Levels {
		if !lv.AllTie() {
			t.Errorf("at %d cores: ties %v of %d others, want all to tie", lv.Procs, lv.Ties(), len(lv.Others))
		}
	}
	rep, _ := analyze(t, []results.Input{synthetic(names, []int{1, 2}, func(n string, p, i int) float64 {
		if strings.Contains(n, "serial") {
			return 500 + vals[i]
		}
		return vals[(i+len(n))%6]
	})})
	lv := answers.From(rep).Runs[0].Summary[0].Levels[0]
	if lv.AllTie() || len(lv.Ties()) != 1 || lv.Fastest == "serial" {
		t.Errorf("with a slow serial: fastest %s, ties %v, want one tie and serial behind", lv.Fastest, lv.Ties())
	}
	var md bytes.Buffer
	if err := (answers.SummarySection{}).Markdown(&md, rep); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), "ties: ") {
		t.Errorf("summary does not name the ties:\n%s", md.String())
	}
}

// TestWithoutFetchOrAggregate: results of the CPU case only leave the I/O
// and aggregation claims not measured, each naming its benchmark.
func TestWithoutFetchOrAggregate(t *testing.T) {
	_, a := analyze(t, golden.Inputs(t, "testdata/results/factorize-2cpu.txt"))
	r := a.Runs[0]
	for id, bench := range map[string]string{"io-concurrency": "BenchmarkFetch", "event-loop": "BenchmarkFetch", "two-layers": "BenchmarkAggregate", "ten-thousand": "BenchmarkInflight", "pitfall-gather": "BenchmarkPitfall"} {
		c := claim(t, r, id)
		if c.Verdict != answers.NotMeasured || !strings.Contains(c.Detail, bench) {
			t.Errorf("claim %s = %q (%s), want not measured naming %s", id, c.Verdict, c.Detail, bench)
		}
	}
	// The quick profile's Factorize is not at the seed's inputs: its
	// absolute figures are not compared.
	if c := claim(t, r, "gil"); !strings.Contains(c.Detail, "inputs differ") {
		t.Errorf("gil claim detail = %q, want it to say the inputs differ", c.Detail)
	}
	if b := r.Tree.Branches[1]; b.Missing == "" {
		t.Errorf("I/O branch without Fetch results has nothing missing: %+v", b)
	}
}

// TestInflightWithoutOneCore: the full profile's requests in flight at 2
// cores only leave the one-thread claim not measured, saying that the
// count was reached but not at one core.
func TestInflightWithoutOneCore(t *testing.T) {
	_, a := analyze(t, golden.Inputs(t, "testdata/results/inflight-full-2cpu.txt"))
	c := claim(t, a.Runs[0], "ten-thousand")
	if c.Verdict != answers.NotMeasured || !strings.Contains(c.Detail, "not at GOMAXPROCS=1") {
		t.Errorf("claim ten-thousand = %q (%s), want not measured for want of GOMAXPROCS=1", c.Verdict, c.Detail)
	}
}

// TestTwoMachines: two machines in one report get a summary each.
func TestTwoMachines(t *testing.T) {
	data := golden.RepoFile(t, seedFile)
	other := bytes.Replace(data, []byte("machine: vm\n"), []byte("machine: laptop\n"), 1)
	rep, a := analyze(t, []results.Input{{Name: "vm.txt", R: bytes.NewReader(data)}, {Name: "laptop.txt", R: bytes.NewReader(other)}})
	if len(a.Runs) != 2 {
		t.Fatalf("%d runs of answers, want 2", len(a.Runs))
	}
	for _, r := range a.Runs {
		if len(r.Summary) == 0 || len(r.Claims) == 0 {
			t.Errorf("run %s (%s): %d summary lines, %d claims", r.ID, r.Env, len(r.Summary), len(r.Claims))
		}
	}
	var md bytes.Buffer
	if err := (answers.SummarySection{}).Markdown(&md, rep); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(md.String(), "#### Run r"); n != 2 {
		t.Errorf("summary has %d run headings, want 2", n)
	}
	for _, want := range []string{" machine=laptop ", " machine=vm "} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, md.String())
		}
	}
}

// TestTaskSizeBreakEven: the break-even is the smallest size at which a
// model beats serial significantly.
func TestTaskSizeBreakEven(t *testing.T) {
	var names []string
	for _, w := range []string{"work=10/items=1000", "work=100/items=100", "work=1000/items=10"} {
		for _, m := range []string{"serial", "procpool"} {
			names = append(names, "TaskSize/model="+m+"/"+w)
		}
	}
	_, a := analyze(t, []results.Input{synthetic(names, []int{1, 2}, func(n string, p, i int) float64 {
		v := 1e6 + float64(i%2)
		if strings.Contains(n, "procpool") {
			switch {
			case strings.Contains(n, "work=10/"):
				v *= 3 // slower than serial
			case p == 2:
				v /= 1.8
			}
		}
		return v
	})})
	ts := a.Runs[0].TaskSize
	if ts == nil || len(ts.Sizes) != 3 {
		t.Fatalf("task size = %+v, want 3 sizes", ts)
	}
	if d := ts.Sizes[0].Task - 1e-6; d < 0 || d > 1e-9 {
		t.Errorf("smallest task = %v s, want 1 ms over 1000 items", ts.Sizes[0].Task)
	}
	sw := ts.Sweep("procpool", 2)
	if sw == nil || sw.BreakEven == nil || *sw.BreakEven != ts.Sizes[1].Task || sw.Always {
		t.Fatalf("procpool@2 = %+v, want a break-even at the second size", sw)
	}
	if sw := ts.Sweep("procpool", 1); sw == nil || sw.BreakEven != nil {
		t.Errorf("procpool@1 = %+v, want no break-even", sw)
	}
}

func claim(t *testing.T, r answers.Run, id string) answers.Claim {
	t.Helper()
	for _, c := range r.Claims {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("no claim %s", id)
	return answers.Claim{}
}

// TestTutorialData: every claim of the data file is measured by code, and
// has a section and a figure.
func TestTutorialData(t *testing.T) {
	s, err := answers.Tutorial()
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Claims) < 16 {
		t.Errorf("%d claims, want at least 16", len(s.Claims))
	}
	for _, c := range s.Claims {
		if c.Section == "" || c.Tutorial == "" || c.MeasuredBy == "" {
			t.Errorf("claim %s lacks its section, figure or benchmark: %+v", c.ID, c)
		}
	}
}
