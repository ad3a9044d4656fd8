package report_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"concbench/report"
	"concbench/report/results"
)

func TestPrimaryUnit(t *testing.T) {
	for _, tc := range []struct {
		units []string
		want  string
	}{
		{[]string{"B/op", "items/s", "sec/op", "allocs/op"}, "sec/op"},
		{[]string{"sec/op", "p99-latency-sec", "req/s"}, "req/s"},
		{[]string{"allocs/op", "items/s", "B/op"}, "items/s"},
		{[]string{"z/op", "a/op"}, "a/op"},
		{[]string{"B/op", "allocs/op"}, ""},
		{nil, ""},
	} {
		if got := report.PrimaryUnit(tc.units); got != tc.want {
			t.Errorf("PrimaryUnit(%q) = %q, want %q", tc.units, got, tc.want)
		}
	}
}

// TestGroup checks the one grouping on two files of one machine and
// toolchain: runs, their cases in sorted order, benchmarks in the order
// first seen, samples in the order read with where each starts, and the
// same observations split by file.
func TestGroup(t *testing.T) {
	a := "toolchain: go1\ndate: 2026-01-01T00:00:00Z\nncpu: 2\n" +
		"BenchmarkB/model=pool-2 1 30 ns/op 5 B/op\n" +
		"BenchmarkA/model=serial 1 10 ns/op\n" +
		"BenchmarkA/model=pool-2 1 6 ns/op\n" +
		"BenchmarkA/model=serial 1 11 ns/op\n"
	b := "toolchain: go1\ndate: 2026-01-02T00:00:00Z\n" +
		"BenchmarkA/model=serial 1 12 ns/op 7 B/op\n" +
		"toolchain: go2\n" +
		"BenchmarkA/model=serial 1 20 ns/op\n"
	ds, err := results.Read([]results.Input{{Name: "a.txt", R: strings.NewReader(a)}, {Name: "b.txt", R: strings.NewReader(b)}}, results.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	describe := func(g *report.Grouping) []string {
		var out []string
		for _, rg := range g.Runs {
			date, _ := rg.ConfigValue("date")
			ncpu, key := rg.ConfigValue("ncpu", "gomaxprocs-default")
			out = append(out, fmt.Sprintf("run %s file=%q first=%d configs=%d date=%s %s=%s", results.EnvOf(rg.Env), rg.File, rg.First, len(rg.Configs), date, key, ncpu))
			var order []string
			for _, bm := range rg.Benchmarks {
				order = append(order, bm.Name())
			}
			out = append(out, "  seen "+strings.Join(order, " "))
			for _, cg := range rg.Cases {
				out = append(out, fmt.Sprintf("  case %d %s models=%q procs=%v units=%q", cg.Index, cg.FullName(), cg.Models, cg.Procs, cg.Units))
				for _, bm := range cg.Benchmarks {
					for _, s := range bm.Samples {
						var vals []string
						for _, v := range s.Values {
							vals = append(vals, fmt.Sprintf("%.3g", v))
						}
						out = append(out, fmt.Sprintf("    %s lines=%d %s %s at %s:%d", bm.Name(), bm.Lines, s.Unit, vals, s.File, s.Line))
					}
				}
			}
		}
		return out
	}
	want := []string{
		`run toolchain=go1 file="" first=0 configs=2 date=2026-01-01T00:00:00Z ncpu=2`,
		"  seen B/model=pool-2 A/model=serial A/model=pool-2",
		`  case 0 B models=["pool"] procs=[2] units=["sec/op" "B/op"]`,
		"    B/model=pool-2 lines=1 sec/op [3e-08] at a.txt:4",
		"    B/model=pool-2 lines=1 B/op [5] at a.txt:4",
		`  case 1 A models=["pool" "serial"] procs=[1 2] units=["sec/op" "B/op"]`,
		"    A/model=serial lines=3 sec/op [1e-08 1.1e-08 1.2e-08] at a.txt:5",
		"    A/model=serial lines=3 B/op [7] at b.txt:3",
		"    A/model=pool-2 lines=1 sec/op [6e-09] at a.txt:6",
		`run toolchain=go2 file="" first=5 configs=1 date=2026-01-02T00:00:00Z =`,
		"  seen A/model=serial",
		`  case 0 A models=["serial"] procs=[1] units=["sec/op"]`,
		"    A/model=serial lines=1 sec/op [2e-08] at b.txt:5",
	}
	if diff := cmp.Diff(want, describe(report.Group(ds, report.GroupOptions{}))); diff != "" {
		t.Errorf("grouping (-want +got):\n%s", diff)
	}
	byFile := describe(report.Group(ds, report.GroupOptions{ByFile: true}))
	var runs []string
	for _, l := range byFile {
		if strings.HasPrefix(l, "run ") {
			runs = append(runs, l)
		}
	}
	wantRuns := []string{
		`run toolchain=go1 file="a.txt" first=0 configs=1 date=2026-01-01T00:00:00Z ncpu=2`,
		`run toolchain=go1 file="b.txt" first=4 configs=1 date=2026-01-02T00:00:00Z =`,
		`run toolchain=go2 file="b.txt" first=5 configs=1 date=2026-01-02T00:00:00Z =`,
	}
	if diff := cmp.Diff(wantRuns, runs); diff != "" {
		t.Errorf("runs by file (-want +got):\n%s", diff)
	}
}
