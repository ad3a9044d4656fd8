package report_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"concbench/report"
	"concbench/report/internal/golden"
	"concbench/report/results"
)

// benchLines is the size of the results file the speed benchmark analyses.
const benchLines = 100_000

// goBuild builds a command into dir and returns its path.
func goBuild(b *testing.B, dir, name, pkg string) string {
	b.Helper()
	goCmd, err := exec.LookPath("go")
	if err != nil {
		b.Fatalf("building %s: %v", pkg, err)
	}
	out := filepath.Join(dir, name)
	cmd := exec.Command(goCmd, "build", "-o", out, pkg)
	if msg, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("go build %s: %v\n%s", pkg, err, msg)
	}
	return out
}

// BenchmarkReport measures analysing and rendering 100,000 result lines:
// in process (library), as the benchreport command writing its three
// files, and, for comparison on the same file, go tool benchstat.
//
// It takes tens of seconds even at -benchtime 1x (two builds, three large
// runs), so -short skips it.
func BenchmarkReport(b *testing.B) {
	if testing.Short() {
		b.Skip("the 100,000-line speed benchmark is skipped in -short mode")
	}
	dir := b.TempDir()
	data := golden.Large(b, benchLines)
	input := filepath.Join(dir, "results.txt")
	if err := os.WriteFile(input, data, 0o644); err != nil {
		b.Fatal(err)
	}
	benchreport := goBuild(b, dir, "benchreport", "concbench/tools/benchreport")
	benchstat := goBuild(b, dir, "benchstat", "golang.org/x/perf/cmd/benchstat")

	b.Run(fmt.Sprintf("lines=%d/tool=library", benchLines), func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			ds, err := results.Read([]results.Input{{Name: "results.txt", R: bytes.NewReader(data)}}, results.ReadOptions{})
			if err != nil {
				b.Fatal(err)
			}
			rep, err := report.Analyze(ds, report.AnalyzeOptions{})
			if err != nil {
				b.Fatal(err)
			}
			if err := report.WriteJSON(io.Discard, rep); err != nil {
				b.Fatal(err)
			}
			if err := report.WriteMarkdown(io.Discard, rep, report.PageOptions{}); err != nil {
				b.Fatal(err)
			}
			if err := report.WriteHTML(io.Discard, rep, report.PageOptions{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	// run times a command; besides the wall time it reports the command's
	// CPU time (user + system), which a busy shared machine disturbs far
	// less than the wall time.
	run := func(b *testing.B, name string, args ...string) {
		var cpu time.Duration
		for b.Loop() {
			cmd := exec.Command(name, args...)
			cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
			if err := cmd.Run(); err != nil {
				b.Fatalf("%s %s: %v", name, strings.Join(args, " "), err)
			}
			cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		}
		b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-sec/op")
	}
	out := filepath.Join(dir, "out", "report.html")
	b.Run(fmt.Sprintf("lines=%d/tool=benchreport", benchLines), func(b *testing.B) {
		run(b, benchreport, "-o", out, input)
	})
	b.Run(fmt.Sprintf("lines=%d/tool=benchstat", benchLines), func(b *testing.B) {
		run(b, benchstat, input)
	})
}

// TestWriteJSONNonFinite checks that WriteJSON, like encoding/json, fails
// on a value JSON cannot hold and writes nothing.
func TestWriteJSONNonFinite(t *testing.T) {
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		rep := &report.Report{Runs: []report.Run{{ID: "r1", Cases: []report.Case{{ID: "c1", Units: []report.UnitTable{{
			Unit: "sec/op", Models: []report.ModelSeries{{Model: "serial", Points: []report.Point{{Procs: 1, Median: f}}}},
		}}}}}}}
		if _, err := json.Marshal(rep); err == nil {
			t.Fatalf("encoding/json encodes %v", f)
		}
		var b bytes.Buffer
		err := report.WriteJSON(&b, rep)
		if err == nil || b.Len() > 0 {
			t.Errorf("WriteJSON with a median of %v: error %v, %d bytes written; want an error and nothing", f, err, b.Len())
		}
	}
}
