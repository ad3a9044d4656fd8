package versions_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"concbench/report"
	"concbench/report/internal/golden"
	"concbench/report/results"
	"concbench/report/versions"
)

// toolchainsFile is the recorded comparison of two toolchains.
const toolchainsFile = "testdata/results/factorize-toolchains-2cpu.txt"

// TestVersionsGolden checks the Go versions data (as in report.json) and
// its Markdown against golden files, with the default baseline and with
// -base naming the second toolchain.
func TestVersionsGolden(t *testing.T) {
	for _, tc := range []struct{ name, base string }{
		{"versions-factorize", ""},
		{"versions-factorize-base-go1.27.3", "go1.27.3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := golden.Analyze(t, golden.Inputs(t, toolchainsFile), versions.Analyzer{Base: tc.base})
			if err != nil {
				t.Fatal(err)
			}
			js, err := json.MarshalIndent(rep.Extensions[versions.Key], "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", "golden", tc.name+".json"), append(js, '\n'))
			var md bytes.Buffer
			if err := (versions.Section{}).Markdown(&md, rep); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", "golden", tc.name+".md"), md.Bytes())
		})
	}
}

// TestVersionsSummary checks the shape of the comparison of the recorded
// file: what is compared, against what, and that the geometric mean is
// the geometric mean of the listed ratios.
func TestVersionsSummary(t *testing.T) {
	rep, err := golden.Analyze(t, golden.Inputs(t, toolchainsFile), versions.Analyzer{})
	if err != nil {
		t.Fatal(err)
	}
	v := versions.From(rep)
	type caseShape struct {
		Name, Unit string
		Changes    []string
		Benchmarks int
		Efficiency int
		Curves     []string
	}
	var got []caseShape
	for _, m := range v.Machines {
		for _, c := range m.Cases {
			s := caseShape{Name: c.FullName(), Unit: c.Unit}
			for _, ch := range c.Changes {
				s.Changes = append(s.Changes, ch.Toolchain)
				s.Benchmarks += len(ch.Benchmarks)
				s.Efficiency += len(ch.Efficiency)
				logSum := 0.0
				for _, b := range ch.Benchmarks {
					logSum += math.Log(b.Ratio)
					if b.Significant != (b.P < v.Alpha) {
						t.Errorf("%s %s-%d: significant = %v with p = %v", c.FullName(), b.Model, b.Procs, b.Significant, b.P)
					}
				}
				if want := math.Exp(logSum / float64(len(ch.Benchmarks))); ch.Geomean == nil || !near(*ch.Geomean, want) {
					t.Errorf("%s: geomean = %v, want %v", c.FullName(), ch.Geomean, want)
				}
			}
			for _, cv := range c.Curves {
				s.Curves = append(s.Curves, cv.Toolchain+" "+cv.Reference)
			}
			got = append(got, s)
		}
	}
	want := []caseShape{
		{"Factorize/n=10000000019/items=8", "sec/op", []string{"go1.27.3"}, 12, 6, []string{"go1.26.8 serial@1", "go1.27.3 serial@1"}},
		{"Factorize/n=10000000019/items=64", "sec/op", []string{"go1.27.3"}, 12, 6, []string{"go1.26.8 serial@1", "go1.27.3 serial@1"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("comparison (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"go1.26.8", "go1.27.3"}, v.Toolchains); diff != "" {
		t.Errorf("toolchains (-want +got):\n%s", diff)
	}
	if v.Base != "go1.26.8" {
		t.Errorf("base = %q, want the first toolchain in the file, go1.26.8", v.Base)
	}
}

// TestVersionsMachines merges the recorded file with a copy claiming
// another machine: each machine's toolchains are compared on that machine
// only, with the same numbers.
func TestVersionsMachines(t *testing.T) {
	data := golden.RepoFile(t, toolchainsFile)
	other := bytes.Replace(data, []byte("machine: vm\n"), []byte("machine: other\n"), 1)
	rep, err := golden.Analyze(t, []results.Input{{Name: "vm.txt", R: bytes.NewReader(data)}, {Name: "other.txt", R: bytes.NewReader(other)}}, versions.Analyzer{})
	if err != nil {
		t.Fatal(err)
	}
	v := versions.From(rep)
	var machines []string
	for _, m := range v.Machines {
		machines = append(machines, m.ID+" "+m.Env.Get("machine")+" "+strings.Join(m.Toolchains, ","))
	}
	if diff := cmp.Diff([]string{"v1 vm go1.26.8,go1.27.3", "v2 other go1.26.8,go1.27.3"}, machines); diff != "" {
		t.Fatalf("machines (-want +got):\n%s", diff)
	}
	strip := func(cs []versions.Case) []versions.Case {
		out := make([]versions.Case, len(cs))
		for i, c := range cs {
			c.ID = ""
			out[i] = c
		}
		return out
	}
	if diff := cmp.Diff(strip(v.Machines[0].Cases), strip(v.Machines[1].Cases)); diff != "" {
		t.Errorf("the two machines' comparisons differ (-vm +other):\n%s", diff)
	}
	var html bytes.Buffer
	if err := report.WriteHTML(&html, rep, report.PageOptions{Sections: []report.Section{versions.Section{}}}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`id="v1-c1-toolchains"`, `id="v2-c2-toolchains"`, `<h3 id="v2">Machine: machine=other`} {
		if !strings.Contains(html.String(), want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

// TestVersionsOneToolchain checks that results of one toolchain give no
// section but a note saying why, and that an unknown -base fails.
func TestVersionsOneToolchain(t *testing.T) {
	in := func() []results.Input { return golden.Inputs(t, "testdata/results/factorize-2cpu.txt") }
	rep, err := golden.Analyze(t, in(), versions.Analyzer{})
	if err != nil {
		t.Fatal(err)
	}
	v := versions.From(rep)
	if want := "the results hold one toolchain (go1.26.8): no Go versions comparison; record several with benchrun -toolchains A,B (make compare)"; v.Note != want {
		t.Errorf("note = %q, want %q", v.Note, want)
	}
	frag, err := (versions.Section{}).HTML(rep)
	if err != nil || frag.HTML != "" || len(frag.Charts) != 0 {
		t.Errorf("HTML = %q, %d charts, %v; want nothing", frag.HTML, len(frag.Charts), err)
	}
	var md, html bytes.Buffer
	if err := report.WriteMarkdown(&md, rep, report.PageOptions{Sections: []report.Section{versions.Section{}, report.CasesSection{}}}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(md.String(), "Go versions") {
		t.Error("Markdown has a Go versions section for one toolchain")
	}
	if err := report.WriteHTML(&html, rep, report.PageOptions{Sections: []report.Section{versions.Section{}, report.CasesSection{}}}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(html.String(), `<section id="versions">`) {
		t.Error("page has a Go versions section for one toolchain")
	}

	_, err = golden.Analyze(t, in(), versions.Analyzer{Base: "go1.99"})
	if want := `analysis versions: base toolchain "go1.99" is not in the results (toolchains: go1.26.8)`; err == nil || err.Error() != want {
		t.Errorf("unknown base: error = %v, want %q", err, want)
	}
}

// TestVersionsChange checks the comparison of two small samples: the
// ratio, its interval, the p-value's verdict and the formatted change.
func TestVersionsChange(t *testing.T) {
	sample := func(tc string, scale float64) string {
		var b strings.Builder
		fmt.Fprintf(&b, "toolchain: %s\n", tc)
		for i, v := range []float64{100, 101, 102, 103, 104, 105} {
			fmt.Fprintf(&b, "BenchmarkX/model=serial\t%d\t%g ns/op\n", 10+i, v*scale)
		}
		return b.String()
	}
	tests := []struct {
		name            string
		scale           float64
		wantRatio       float64
		wantSignificant bool
		wantMD          string
	}{
		{"same", 1, 1, false, "| serial | 1 | 102.5n ±2% | 102.5n ±2% | +0.0% \\[-4.8%, +5.0%\\] \\~ | p=1.000 n=6+6 |"},
		{"slower", 1.5, 1.5, true, "| serial | 1 | 102.5n ±2% | 153.8n ±2% | +50.0% \\[+42.9%, +57.5%\\] | p=0.002 n=6+6 |"},
		{"faster", 0.5, 0.5, true, "| serial | 1 | 102.5n ±2% | 51.25n ±2% | -50.0% \\[-52.4%, -47.5%\\] | p=0.002 n=6+6 |"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := []results.Input{{Name: "a.txt", R: strings.NewReader(sample("goA", 1))}, {Name: "b.txt", R: strings.NewReader(sample("goB", tc.scale))}}
			rep, err := golden.Analyze(t, in, versions.Analyzer{})
			if err != nil {
				t.Fatal(err)
			}
			b := versions.From(rep).Machines[0].Cases[0].Changes[0].Benchmarks[0]
			if !near(b.Ratio, tc.wantRatio) || b.Significant != tc.wantSignificant {
				t.Errorf("ratio %v significant %v, want %v %v", b.Ratio, b.Significant, tc.wantRatio, tc.wantSignificant)
			}
			if b.Lo == nil || b.Hi == nil || *b.Lo > b.Ratio || *b.Hi < b.Ratio {
				t.Errorf("interval [%v, %v] does not hold the ratio %v", b.Lo, b.Hi, b.Ratio)
			}
			var md bytes.Buffer
			if err := (versions.Section{}).Markdown(&md, rep); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(md.String(), tc.wantMD+"\n") {
				t.Errorf("Markdown lacks %q:\n%s", tc.wantMD, md.String())
			}
		})
	}
}

// TestVersionsEscapes checks that hostile toolchain names reach the page
// and the Markdown only as text.
func TestVersionsEscapes(t *testing.T) {
	const evil = `<img src=x onerror="window.__pwned=9">`
	var a, b strings.Builder
	a.WriteString("toolchain: go1\nncpu: 2\n")
	b.WriteString("toolchain: " + evil + "\nncpu: 2\n")
	for i := range 6 {
		fmt.Fprintf(&a, "BenchmarkX/model=serial\t10\t%d ns/op\nBenchmarkX/model=serial-2\t10\t%d ns/op\n", 100+i, 100+i)
		fmt.Fprintf(&b, "BenchmarkX/model=serial\t10\t%d ns/op\nBenchmarkX/model=serial-2\t10\t%d ns/op\n", 90+i, 95+i)
	}
	rep, err := golden.Analyze(t, []results.Input{{Name: "a", R: strings.NewReader(a.String())}, {Name: "b", R: strings.NewReader(b.String())}}, versions.Analyzer{})
	if err != nil {
		t.Fatal(err)
	}
	var html, md bytes.Buffer
	page := report.PageOptions{Sections: []report.Section{versions.Section{}}}
	if err := report.WriteHTML(&html, rep, page); err != nil {
		t.Fatal(err)
	}
	if err := report.WriteMarkdown(&md, rep, page); err != nil {
		t.Fatal(err)
	}
	// The page up to its scripts (the echarts library has "<img" in it).
	body, _, _ := strings.Cut(html.String(), "<script type=\"application/json\"")
	for _, out := range []struct{ name, text string }{{"page", body}, {"Markdown", md.String()}} {
		if i := strings.Index(out.text, "<img"); i >= 0 {
			t.Errorf("the %s has a toolchain name as markup: %q", out.name, out.text[max(0, i-80):i+40])
		}
	}
	if !strings.Contains(html.String(), "&lt;img src=x onerror=&#34;window.__pwned=9&#34;&gt;") {
		t.Error("page lacks the escaped toolchain name")
	}
	if !strings.Contains(html.String(), `serial (\u003cimg src=x onerror=\"window.__pwned=9\"\u003e)`) {
		t.Error("chart data lacks the JSON-escaped series name")
	}
}

// near reports whether a and b agree to 9 significant digits.
func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b)) }
