package gate_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"concbench/report/gate"
	"concbench/report/internal/golden"
	"concbench/report/multitest"
	"concbench/report/results"
)

const (
	gateBase = "testdata/results/factorize-base-2cpu.txt"
	// gateSlow was recorded in rounds interleaved with gateBase, from a
	// copy of the suite whose pool model computes every task twice.
	gateSlow = "testdata/results/factorize-slowpool-2cpu.txt"
)

func readDataset(t *testing.T, names ...string) *results.Dataset {
	t.Helper()
	ds, err := results.Read(golden.Inputs(t, names...), results.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func offenders(res *gate.Result) []string {
	var out []string
	for _, o := range res.Offenders {
		out = append(out, o.Kind+" "+o.Benchmark)
	}
	return out
}

// TestCheckRecorded runs the gate on recorded files both ways: the slowed
// pool model fails it, the same file twice passes.
func TestCheckRecorded(t *testing.T) {
	tests := []struct {
		name      string
		base, new string
		opts      gate.Options
		want      []string
	}{
		// With 6 samples a side the smallest Mann-Whitney p-value is
		// 2/C(12,6) = 0.0022, and Holm over the 24 benchmarks compared
		// makes it 0.052: above 0.05, so that at -count 6 the gate over
		// this many benchmarks names none, nor does Benjamini-Hochberg
		// (one small p-value times 24); uncorrected, it names the
		// slowed pool. A gate over many benchmarks needs a larger
		// -count: at 8 a side the smallest p-value is 0.00016.
		{"slowed pool", gateBase, gateSlow, gate.Options{MaxSlowdown: gate.DefaultMaxSlowdown}, nil},
		{"slowed pool, BH", gateBase, gateSlow, gate.Options{MaxSlowdown: gate.DefaultMaxSlowdown, Correction: multitest.BH}, nil},
		{"slowed pool, uncorrected", gateBase, gateSlow, gate.Options{MaxSlowdown: gate.DefaultMaxSlowdown, Correction: multitest.None},
			[]string{"slowdown Factorize/model=pool/n=10000000019/items=8-2"}},
		{"same file", gateBase, gateBase, gate.Options{MaxSlowdown: gate.DefaultMaxSlowdown}, nil},
		{"same file, efficiency floor", gateBase, gateBase, gate.Options{MaxSlowdown: gate.DefaultMaxSlowdown, MinEfficiency: 0.25},
			[]string{
				"efficiency Factorize/model=procpool/n=10000000019/items=8-2",
				"efficiency Factorize/model=procpool/n=10000000019/items=64-2",
			}},
		{"slowed pool, tolerating 200%", gateBase, gateSlow, gate.Options{MaxSlowdown: 2}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := gate.Check(readDataset(t, tc.base), readDataset(t, tc.new), tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, offenders(res)); diff != "" {
				t.Errorf("offenders (-want +got):\n%s", diff)
			}
			if tc.name == "slowed pool" && !strings.Contains(res.Note, "no slowdown can be named; rerun with a larger -count") {
				t.Errorf("note %q, want one saying that no slowdown can be named at this -count", res.Note)
			}
			if res.Compared != 24 || res.Failed() != (len(tc.want) > 0) {
				t.Errorf("compared %d, failed %v; want 24, %v", res.Compared, res.Failed(), len(tc.want) > 0)
			}
		})
	}
}

// gateFile writes a results file of one benchmark at one and two cores
// whose six samples are the given medians times 0.98 ... 1.03.
func gateFile(name string, ns1, ns2 float64) results.Input {
	var b strings.Builder
	b.WriteString("toolchain: go1\nncpu: 2\n")
	for i, f := range []float64{0.98, 0.99, 1, 1.01, 1.02, 1.03} {
		fmt.Fprintf(&b, "BenchmarkX/model=serial\t%d\t%g ns/op\n", 10+i, ns1*f)
		fmt.Fprintf(&b, "BenchmarkX/model=pool\t%d\t%g ns/op\n", 10+i, ns1*f)
		fmt.Fprintf(&b, "BenchmarkX/model=pool-2\t%d\t%g ns/op\n", 10+i, ns2*f)
	}
	return results.Input{Name: name, R: strings.NewReader(b.String())}
}

// TestCheckThresholds checks the slowdown threshold, the efficiency floor
// and their messages on constructed samples.
func TestCheckThresholds(t *testing.T) {
	tests := []struct {
		name     string
		new2     float64 // pool at 2 cores in the new file; 60 in the baseline
		opts     gate.Options
		want     []string
		wantSlow int
	}{
		{"4% slower, 5% tolerated", 62.4, gate.Options{MaxSlowdown: 0.05}, nil, 1},
		{"10% slower, 5% tolerated", 66, gate.Options{MaxSlowdown: 0.05},
			[]string{"Factorize: sec/op +10.0% slower (60.30n → 66.33n, p=0.002 adj=0.006 n=6+6; tolerated 5.0%)"}, 1},
		{"10% slower, nothing tolerated", 66, gate.Options{},
			[]string{"Factorize: sec/op +10.0% slower (60.30n → 66.33n, p=0.002 adj=0.006 n=6+6; tolerated 0.0%)"}, 1},
		{"faster", 50, gate.Options{}, nil, 0},
		{"efficiency 83% above a 80% floor", 60, gate.Options{MinEfficiency: 0.8}, nil, 0},
		{"efficiency 76% below a 80% floor", 66, gate.Options{MaxSlowdown: 0.5, MinEfficiency: 0.8},
			[]string{"Factorize: parallel efficiency 76% at 2 cores (speedup vs serial@1) is below the floor 80%"}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			base, err := results.Read([]results.Input{gateFile("base", 100, 60)}, results.ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			cur, err := results.Read([]results.Input{gateFile("new", 100, tc.new2)}, results.ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			res, err := gate.Check(base, cur, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, o := range res.Offenders {
				got = append(got, strings.Replace(o.String(), "X/model=pool-2", "Factorize", 1))
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("offenders (-want +got):\n%s", diff)
			}
			if res.Slower != tc.wantSlow {
				t.Errorf("%d significantly slower, want %d", res.Slower, tc.wantSlow)
			}
		})
	}
}

// TestCheckErrors checks the gate's errors: bad options, no benchmark in
// common, runs that do not pair up.
func TestCheckErrors(t *testing.T) {
	twoToolchains := "testdata/results/factorize-toolchains-2cpu.txt"
	tests := []struct {
		name      string
		base, new []string
		opts      gate.Options
		want      string
	}{
		{"negative slowdown", []string{gateBase}, []string{gateBase}, gate.Options{MaxSlowdown: -1}, "max slowdown -1 is negative"},
		{"efficiency above 1", []string{gateBase}, []string{gateBase}, gate.Options{MinEfficiency: 1.5}, "min efficiency 1.5 is not between 0 and 1"},
		{"alpha", []string{gateBase}, []string{gateBase}, gate.Options{Alpha: 2}, "alpha 2 is not between 0 and 1"},
		{"nothing in common", []string{gateBase}, []string{"testdata/hostile/single.txt"}, gate.Options{},
			"no benchmark is in both the baseline and the new results (baseline has Factorize/model=serial/n=10000000019/items=8, Factorize/model=serial/n=10000000019/items=8-2, Factorize/model=goroutines/n=10000000019/items=8, … (24 in all); new has Single/model=serial, Single/model=pool-2)"},
		{"runs that do not pair", []string{twoToolchains}, []string{"testdata/hostile/single.txt"}, gate.Options{},
			"new run goos=linux goarch=amd64 has no baseline run with the same keys, and the baseline has 2 runs (toolchain=go1.26.8 machine=vm profile=quick goos=linux goarch=amd64 cpu=AMD EPYC; toolchain=go1.27.3 machine=vm profile=quick goos=linux goarch=amd64 cpu=AMD EPYC): give a baseline of one run, or filter"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := gate.Check(readDataset(t, tc.base...), readDataset(t, tc.new...), tc.opts)
			if err == nil || err.Error() != tc.want {
				t.Errorf("error = %v\nwant %s", err, tc.want)
			}
		})
	}
}

// TestCheckPairsRuns checks how runs pair up: a file of two toolchains
// checked against itself pairs each toolchain with itself; against a
// baseline of one run, each toolchain is checked against that run, and
// offenders name their run. (The recordings were made minutes apart on a
// busy machine, so many benchmarks differ: the drift that interleaved
// rounds keep out of a comparison.)
func TestCheckPairsRuns(t *testing.T) {
	f := "testdata/results/factorize-toolchains-2cpu.txt"
	for _, tc := range []struct {
		name, base string
		wantRuns   []string
	}{
		{"itself", f, nil},
		{"one baseline run", gateBase, []string{
			"[toolchain=go1.26.8 machine=vm profile=quick goos=linux goarch=amd64 cpu=AMD EPYC]",
			"[toolchain=go1.27.3 machine=vm profile=quick goos=linux goarch=amd64 cpu=AMD EPYC]",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Uncorrected: the pairing of runs is under test.
			res, err := gate.Check(readDataset(t, tc.base), readDataset(t, f), gate.Options{MaxSlowdown: gate.DefaultMaxSlowdown, Correction: multitest.None})
			if err != nil {
				t.Fatal(err)
			}
			if res.Compared != 48 {
				t.Errorf("compared %d, want 48", res.Compared)
			}
			seen := map[string]bool{}
			for _, o := range res.Offenders {
				prefix, _, _ := strings.Cut(o.Benchmark, "] ")
				seen[prefix+"]"] = true
			}
			var runs []string
			for _, r := range tc.wantRuns {
				if seen[r] {
					runs = append(runs, r)
				}
			}
			if diff := cmp.Diff(tc.wantRuns, runs); diff != "" || len(seen) != len(tc.wantRuns) {
				t.Errorf("runs named by offenders %v, want %v", seen, tc.wantRuns)
			}
		})
	}
}
