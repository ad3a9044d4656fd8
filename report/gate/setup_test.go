package gate_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"concbench/report/gate"
	"concbench/report/results"
)

// run returns a dataset of six samples of one benchmark under the given
// configuration lines.
func run(t *testing.T, config string) *results.Dataset {
	t.Helper()
	data := config + strings.Repeat("BenchmarkC/model=serial 1000 1000 ns/op\n", 6)
	ds, err := results.Read([]results.Input{{Name: "in.txt", R: strings.NewReader(data)}}, results.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// TestCheckSetups checks that the gate refuses a baseline of another
// machine, core count, CPU, platform or profile unless allowed, and warns
// of another toolchain.
func TestCheckSetups(t *testing.T) {
	const base = "machine: vm\nncpu: 2\nprofile: quick\ntoolchain: go1.26.8\n"
	for _, tc := range []struct {
		name, cur, diff string
	}{
		{"machine", "machine: laptop\nncpu: 2\nprofile: quick\ntoolchain: go1.26.8\n", "machine vm ≠ laptop"},
		{"ncpu", "machine: vm\nncpu: 8\nprofile: quick\ntoolchain: go1.26.8\n", "ncpu 2 ≠ 8"},
		{"profile", "machine: vm\nncpu: 2\nprofile: full\ntoolchain: go1.26.8\n", "profile quick ≠ full"},
		{"two", "machine: laptop\nncpu: 4\nprofile: quick\ntoolchain: go1.26.8\n", "machine vm ≠ laptop; ncpu 2 ≠ 4"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := gate.Check(run(t, base), run(t, tc.cur), gate.Options{})
			var setup *gate.SetupError
			if !errors.As(err, &setup) || !strings.Contains(err.Error(), "("+tc.diff+")") {
				t.Fatalf("error = %v, want a SetupError naming %s", err, tc.diff)
			}
			res, err := gate.Check(run(t, base), run(t, tc.cur), gate.Options{AllowOtherMachine: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "("+tc.diff+")") {
				t.Errorf("warnings = %q, want one naming %s", res.Warnings, tc.diff)
			}
		})
	}
	// Another toolchain is compared, with a warning; a key one side does
	// not set is no difference.
	res, err := gate.Check(run(t, base), run(t, "machine: vm\ntoolchain: go1.27.3\n"), gate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"the baseline of new run toolchain=go1.27.3 machine=vm was run with another toolchain (toolchain go1.26.8 ≠ go1.27.3): a change found is the toolchain's as much as the code's"}
	if diff := cmp.Diff(want, res.Warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}
