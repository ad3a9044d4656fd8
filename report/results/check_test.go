package results_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"concbench/report/results"
)

// read reads one input named in.txt.
func read(t *testing.T, data string) (*results.Dataset, error) {
	t.Helper()
	return results.Read([]results.Input{{Name: "in.txt", R: strings.NewReader(data)}}, results.ReadOptions{})
}

// warningsOf returns the warnings of kind among ds's, formatted.
func warningsOf(ds *results.Dataset, kinds ...string) []string {
	var out []string
	for _, w := range ds.Warnings {
		for _, k := range kinds {
			if w.Kind == k {
				out = append(out, w.String())
			}
		}
	}
	return out
}

// lines returns the line numbers and values of ds's observations, in order.
func lines(ds *results.Dataset) []string {
	var out []string
	for _, o := range ds.Observations {
		s := fmt.Sprint(o.Line)
		for _, v := range o.Values {
			s += fmt.Sprintf(" %.3g %s", v.Value, v.Unit)
		}
		out = append(out, s)
	}
	return out
}

// TestLongLine checks that a line over MaxLine is one bad line, named by
// its own number, and that the lines after it are read.
func TestLongLine(t *testing.T) {
	for _, n := range []int{results.MaxLine + 1, 3 * results.MaxLine} {
		long := "BenchmarkLong/" + strings.Repeat("a", n-len("BenchmarkLong/ 1 1 ns/op")) + " 1 1 ns/op"
		if len(long) != n {
			t.Fatalf("long line of %d bytes, want %d", len(long), n)
		}
		ds, err := read(t, "BenchmarkX 1 1 ns/op\nBenchmarkX 1 2 ns/op\n"+long+"\nBenchmarkX 1 3 ns/op\n\nBenchmarkX 1 4 ns/op")
		if err != nil {
			t.Fatal(err)
		}
		want := []string{fmt.Sprintf("in.txt:3: line of %d bytes is longer than the %d a results line may have; line skipped", n, results.MaxLine)}
		if diff := cmp.Diff(want, warningsOf(ds, "syntax")); diff != "" {
			t.Errorf("%d bytes: warnings (-want +got):\n%s", n, diff)
		}
		if diff := cmp.Diff([]string{"1 1e-09 sec/op", "2 2e-09 sec/op", "4 3e-09 sec/op", "6 4e-09 sec/op"}, lines(ds)); diff != "" {
			t.Errorf("%d bytes: observations (-want +got):\n%s", n, diff)
		}
	}
	// A long line that ends the file, without a newline.
	for _, n := range []int{results.MaxLine + 1, 2*results.MaxLine + 2, 3*results.MaxLine + 7} {
		ds, err := read(t, "BenchmarkX 1 1 ns/op\n"+strings.Repeat("x", n))
		if err != nil {
			t.Fatal(err)
		}
		want := []string{fmt.Sprintf("in.txt:2: line of %d bytes is longer than the %d a results line may have; line skipped", n, results.MaxLine)}
		if diff := cmp.Diff(want, warningsOf(ds, "syntax")); diff != "" {
			t.Errorf("%d bytes at the end: warnings (-want +got):\n%s", n, diff)
		}
	}
	// A line of MaxLine bytes is read, and one as long at the end of the
	// file without a newline too.
	longest := "BenchmarkY/" + strings.Repeat("b", results.MaxLine-len("BenchmarkY/ 1 5 ns/op")) + " 1 5 ns/op"
	for _, data := range []string{longest + "\nBenchmarkX 1 1 ns/op\n", "BenchmarkX 1 1 ns/op\n" + longest} {
		ds, err := read(t, data)
		if err != nil {
			t.Fatal(err)
		}
		if len(ds.Observations) != 2 || len(ds.Warnings) != 0 {
			t.Errorf("a line of MaxLine bytes: %d observations, warnings %v; want 2 and none", len(ds.Observations), ds.Warnings)
		}
	}
}

// TestBadValues checks that non-finite values, values out of range and
// values of the wrong sign for their unit are skipped with a warning naming
// their line, results of fewer than one iteration too, and that the other
// values of the file are read; past the first ten, problems are counted.
func TestBadValues(t *testing.T) {
	data := strings.Join([]string{
		"BenchmarkX 1 NaN ns/op 8 B/op",
		"BenchmarkX 1 +Inf ns/op",
		"BenchmarkX 1 -Inf MB/s",
		"BenchmarkX 1 0 ns/op",
		"BenchmarkX 1 -2 ns/op",
		"BenchmarkX 1 -1 B/op -1 allocs/op",
		"BenchmarkX 1 1e200 ns/op",
		"BenchmarkX 1 1e-120 custom",
		"BenchmarkX 0 10 ns/op",
		"BenchmarkX -5 10 ns/op",
		"BenchmarkX 1 10 ns/op 0 MB/s -3 delta 0 B/op",
		"",
	}, "\n")
	ds, err := read(t, data)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"in.txt:1: X: ns/op value NaN is not a finite number; value skipped",
		"in.txt:2: X: ns/op value +Inf is not a finite number; value skipped",
		"in.txt:3: X: MB/s value -Inf is not a finite number; value skipped",
		"in.txt:4: X: ns/op value 0 is not a positive time; value skipped",
		"in.txt:5: X: ns/op value -2 is not a positive time; value skipped",
		"in.txt:6: X: B/op value -1 is negative; value skipped",
		"in.txt:6: X: allocs/op value -1 is negative; value skipped",
		"in.txt:7: X: ns/op value 1e+200 is out of range (a magnitude of 1e-100 to 1e+100, or 0); value skipped",
		"in.txt:8: X: custom value 1e-120 is out of range (a magnitude of 1e-100 to 1e+100, or 0); value skipped",
		"in.txt:9: X: iteration count 0 is below 1; result skipped",
		"in.txt: 1 more results or values skipped for bad iteration counts or values (the first 10 are listed)",
	}
	if diff := cmp.Diff(want, warningsOf(ds, "value")); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	// A 0 MB/s is a B/s value, as the other lines' MB/s are.
	if diff := cmp.Diff([]string{"1 8 B/op", "11 1e-08 sec/op 0 B/s -3 delta 0 B/op"}, lines(ds)); diff != "" {
		t.Errorf("observations (-want +got):\n%s", diff)
	}
	for _, o := range ds.Observations {
		for _, v := range o.Values {
			if math.IsNaN(v.Value) || math.IsInf(v.Value, 0) {
				t.Errorf("line %d: value %v read", o.Line, v.Value)
			}
		}
	}
}

// TestBadValuesCounted checks that a file of many bad values lists the
// first ten and counts the rest in one warning.
func TestBadValuesCounted(t *testing.T) {
	data := "BenchmarkX 1 1 ns/op\n" + strings.Repeat("BenchmarkX 1 NaN ns/op\n", 25)
	ds, err := read(t, data)
	if err != nil {
		t.Fatal(err)
	}
	got := warningsOf(ds, "value")
	if len(got) != 11 || got[10] != "in.txt: 15 more results or values skipped for bad iteration counts or values (the first 10 are listed)" {
		t.Errorf("warnings = %q, want 10 listed and 15 counted", got)
	}
}

// TestNothingParses checks that the error of a file with no usable result
// quotes the first reasons with their lines.
func TestNothingParses(t *testing.T) {
	for _, tc := range []struct{ data, want string }{
		{
			"ncpu: 2\nBenchmarkA\tx\t1 ns/op\nBenchmarkB 10\nBenchmarkC 10 abc ns/op\nBenchmarkD 1 NaN ns/op\n",
			"no benchmark results in in.txt: in.txt:2: parsing iteration count: invalid syntax; in.txt:3: missing measurements; in.txt:4: parsing measurement: invalid syntax; and 1 more",
		},
		{"BenchmarkD 0 1 ns/op\n", "no benchmark results in in.txt: in.txt:1: D: iteration count 0 is below 1; result skipped"},
		{"goos: linux\n", "no benchmark results in in.txt"},
	} {
		_, err := read(t, tc.data)
		if err == nil || err.Error() != tc.want {
			t.Errorf("Read(%q) error = %v, want %s", tc.data, err, tc.want)
		}
	}
}
