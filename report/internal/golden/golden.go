// Package golden holds what the tests of the report's packages share: the
// repository's recorded results files (testdata/ at the repository root),
// large results files built from them, and the check of an output against a
// golden file, which go test -update rewrites instead.
package golden

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"concbench/report"
	"concbench/report/results"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// Check compares got with the golden file at path, relative to the test's
// package; with -update it writes got to the file instead.
func Check(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

// RepoRoot returns the repository root: the nearest folder above the test's
// package that holds go.mod.
func RepoRoot(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("no go.mod above the test's folder")
		}
		dir = parent
	}
}

// RepoFile reads a file named relative to the repository root, such as
// "testdata/results/factorize-2cpu.txt".
func RepoFile(tb testing.TB, name string) []byte {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join(RepoRoot(tb), filepath.FromSlash(name)))
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// Inputs returns the named repository files as inputs, each named as given,
// so that the names appear in reports as they do in the golden files.
func Inputs(tb testing.TB, names ...string) []results.Input {
	tb.Helper()
	var in []results.Input
	for _, n := range names {
		in = append(in, results.Input{Name: n, R: bytes.NewReader(RepoFile(tb, n))})
	}
	return in
}

// Large builds a results file of at least n benchmark result lines from the
// recorded factorize results: copy k of its lines gets the input
// n=10000000019+k, so that the file holds many cases of realistic shape
// (six samples per point, three core counts, six models) rather than a few
// cases with huge samples.
func Large(tb testing.TB, n int) []byte {
	tb.Helper()
	src := RepoFile(tb, "testdata/results/factorize-2cpu.txt")
	var config, lines []string
	sc := bufio.NewScanner(bytes.NewReader(src))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "Benchmark") {
			lines = append(lines, line)
		} else if !strings.HasPrefix(line, "PASS") && !strings.HasPrefix(line, "ok") {
			config = append(config, line)
		}
	}
	if len(lines) == 0 {
		tb.Fatal("no result lines in the recorded file")
	}
	const key = "/n=10000000019/"
	var b bytes.Buffer
	for _, c := range config {
		b.WriteString(c + "\n")
	}
	count := 0
	for k := 0; count < n; k++ {
		for _, r := range lines {
			if !strings.Contains(r, key) {
				tb.Fatalf("recorded line lacks %s: %s", key, r)
			}
			fmt.Fprintln(&b, strings.Replace(r, key, fmt.Sprintf("/n=%d/", 10000000019+k), 1))
			count++
		}
	}
	return b.Bytes()
}

// Analyze reads inputs with the default options and analyses them with the
// given analysers; a read error fails the test.
func Analyze(tb testing.TB, inputs []results.Input, analyzers ...report.Analyzer) (*report.Report, error) {
	tb.Helper()
	ds, err := results.Read(inputs, results.ReadOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	return report.Analyze(ds, report.AnalyzeOptions{Analyzers: analyzers})
}
