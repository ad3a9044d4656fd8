package results_test

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"concbench/report/results"
)

// TestNoInputs checks the error for an empty input list.
func TestNoInputs(t *testing.T) {
	if _, err := results.Read(nil, results.ReadOptions{}); err == nil || err.Error() != "no input files" {
		t.Errorf("Read(nil) error = %v, want \"no input files\"", err)
	}
}

// TestReadConfigAcrossInputs checks that Read, which skips comparing the
// configuration of a result on the line right after the last one, sees the
// configuration of each input even when two inputs share a name and a
// result of the second is on the line after the first's last result.
func TestReadConfigAcrossInputs(t *testing.T) {
	inputs := []results.Input{
		{Name: "same.txt", R: strings.NewReader("toolchain: go1.26.8\nBenchmarkX/model=serial 1 1 ns/op\n")},
		{Name: "same.txt", R: strings.NewReader("goos: linux\ntoolchain: go1.27.3\nBenchmarkX/model=serial 1 2 ns/op\n")},
		{Name: "other.txt", R: strings.NewReader("BenchmarkX/model=serial 1 3 ns/op\ntoolchain: go1.28.0\nBenchmarkX/model=serial 1 4 ns/op\nBenchmarkX/model=serial 1 5 ns/op\n")},
	}
	ds, err := results.Read(inputs, results.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	type obs struct {
		File      string
		Line      int
		Toolchain string
	}
	var got []obs
	for i := range ds.Observations {
		o := &ds.Observations[i]
		got = append(got, obs{o.File, o.Line, o.ConfigValue("toolchain")})
	}
	want := []obs{
		{"same.txt", 2, "go1.26.8"},
		{"same.txt", 3, "go1.27.3"},
		{"other.txt", 1, ""},
		{"other.txt", 3, "go1.28.0"},
		{"other.txt", 4, "go1.28.0"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("observations (-want +got):\n%s", diff)
	}
}

// TestReadSizes checks that Read keeps every observation in order whether
// its input tells its size (the slice starts at the estimated length) or
// not, for inputs of long and of short result lines.
func TestReadSizes(t *testing.T) {
	type obs struct {
		Line  int
		Model string
		Procs int
		Value float64
	}
	for _, tc := range []struct {
		name   string
		format string
	}{
		{"short lines", "BenchmarkX/model=m%d-%d 1 %d ns/op\n"},
		// Longer than the estimate per line: the slice never grows.
		{"long lines", "BenchmarkLongerName/model=m%d/input=%[1]d/items=64/label=abcdefghijklmnopqrstuvwxyz0123456789-%d 100 %d ns/op 12345 items/s 652 B/op 13 allocs/op\n"},
	} {
		var b strings.Builder
		var want []obs
		const n = 5000
		for i := range n {
			model, procs := i%7, 1+i%3
			fmt.Fprintf(&b, tc.format, model, procs, i+1)
			want = append(want, obs{i + 1, fmt.Sprint("m", model), procs, float64(i+1) * 1e-9})
		}
		// A -1 suffix is GOMAXPROCS 1, which a name writes without one;
		// benchfmt keeps it as written, so strip it from the input.
		data := strings.ReplaceAll(b.String(), "-1 ", " ")
		for _, r := range []struct {
			name string
			r    io.Reader
		}{
			{"sized", strings.NewReader(data)},
			{"unsized", struct{ io.Reader }{strings.NewReader(data)}},
		} {
			t.Run(tc.name+"/"+r.name, func(t *testing.T) {
				ds, err := results.Read([]results.Input{{Name: "in.txt", R: r.r}}, results.ReadOptions{})
				if err != nil {
					t.Fatal(err)
				}
				var got []obs
				for i := range ds.Observations {
					o := &ds.Observations[i]
					got = append(got, obs{o.Line, o.Model, o.Procs, o.Values[0].Value})
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("observations (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// TestSeriesKeys checks which key names each benchmark's series, and the
// case it then belongs to: /model when the name has it, else deploy and
// fanout when it has both, else nothing.
func TestSeriesKeys(t *testing.T) {
	type got struct {
		Case, Series, Baseline string
		Keys                   []string
	}
	for _, tc := range []struct {
		name, line string
		opts       results.ReadOptions
		want       got
	}{
		{"aggregate", "BenchmarkAggregate/deploy=single/fanout=serial/clients=64/delay=10ms-2 1 5 ns/op 7 req/s",
			results.ReadOptions{}, got{"Aggregate/clients=64/delay=10ms", "single+serial", "single+serial", []string{"deploy", "fanout"}}},
		{"keys in another order", "BenchmarkS/clients=1/fanout=concurrent/deploy=workers 1 5 ns/op",
			results.ReadOptions{}, got{"S/clients=1", "workers+concurrent", "single+serial", []string{"deploy", "fanout"}}},
		{"model kept", "BenchmarkS/model=pool/deploy=single/fanout=serial/clients=1 1 5 ns/op",
			results.ReadOptions{}, got{"S/deploy=single/fanout=serial/clients=1", "pool", "", nil}},
		{"one key only", "BenchmarkS/deploy=single/clients=1 1 5 ns/op",
			results.ReadOptions{}, got{"S/deploy=single/clients=1", "", "", nil}},
		{"plus in a value", "BenchmarkS/deploy=a+b/fanout=serial 1 5 ns/op",
			results.ReadOptions{}, got{"S/deploy=a+b/fanout=serial", "", "", nil}},
		{"key twice", "BenchmarkS/deploy=a/fanout=serial/deploy=b 1 5 ns/op",
			results.ReadOptions{}, got{"S/deploy=a/fanout=serial/deploy=b", "", "", nil}},
		{"no series keys", "BenchmarkS/deploy=single/fanout=serial 1 5 ns/op",
			results.ReadOptions{SeriesKeys: []results.SeriesKey{}}, got{"S/deploy=single/fanout=serial", "", "", nil}},
		{"other series keys", "BenchmarkS/queue=chan/n=1 1 5 ns/op",
			results.ReadOptions{SeriesKeys: []results.SeriesKey{{Key: "queue", Baseline: "cond"}}}, got{"S/n=1", "chan", "cond", []string{"queue"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ds, err := results.Read([]results.Input{{Name: "x.txt", R: strings.NewReader(tc.line + "\n")}}, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(ds.Observations) != 1 {
				t.Fatalf("%d observations, want 1 (warnings %v)", len(ds.Observations), ds.Warnings)
			}
			o := ds.Observations[0]
			name, params := ds.CaseName(o.Case)
			keys, base := ds.CaseSeries(o.Case)
			if diff := cmp.Diff(tc.want, got{name + params, o.Model, base, keys}); diff != "" {
				t.Errorf("series (-want +got):\n%s", diff)
			}
		})
	}
	for _, bad := range [][]results.SeriesKey{{{Key: "model", Baseline: "x"}}, {{Key: "a/b", Baseline: "x"}}, {{Key: "deploy"}}, {{Key: "deploy", Baseline: "a+b"}}} {
		if _, err := results.Read([]results.Input{{Name: "x.txt", R: strings.NewReader("BenchmarkS 1 5 ns/op\n")}}, results.ReadOptions{SeriesKeys: bad}); err == nil {
			t.Errorf("Read with series keys %+v: no error", bad)
		}
	}
}
