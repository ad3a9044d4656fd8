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
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"concbench/report"
	"concbench/report/internal/golden"
	"concbench/report/results"
	"concbench/report/versions"
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

// TestWriteJSONIsEncodingJSON checks that WriteJSON, which encodes the
// cases in parallel and splices them in, writes the bytes encoding/json
// writes for the whole report: on the recorded results read together
// (several runs, the Go versions data), and on reports whose strings and
// extensions hold the token the cases are spliced at.
func TestWriteJSONIsEncodingJSON(t *testing.T) {
	var inputs []results.Input
	for _, name := range goldenInputs(t) {
		inputs = append(inputs, results.Input{Name: name, R: bytes.NewReader(golden.RepoFile(t, name))})
	}
	ds, err := results.Read(inputs, results.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	recorded, err := report.Analyze(ds, report.AnalyzeOptions{Analyzers: []report.Analyzer{versions.Analyzer{}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(recorded.Runs) < 2 || len(recorded.Extensions) == 0 {
		t.Fatalf("the recorded results give %d runs and %d extensions; want several runs and an extension", len(recorded.Runs), len(recorded.Extensions))
	}
	const token = `"cases":null`
	for _, tc := range []struct {
		name string
		rep  *report.Report
	}{
		{"recorded", recorded},
		{"empty", &report.Report{}},
		{"token in strings and extensions", &report.Report{
			Inputs: []results.InputSummary{{File: token}},
			Config: []results.ConfigEntry{{Key: token, Values: []string{token}}},
			Runs: []report.Run{
				{ID: token, Env: []results.KeyValue{{Key: token, Value: token}}},
				{ID: "r2", Cases: []report.Case{}},
				{ID: "r3", NCPUSource: token, Cases: []report.Case{{ID: token, Name: token, Params: token}, {ID: "c2"}}},
			},
			Extensions: map[string]any{"cases": nil, "x": map[string]any{"cases": nil}},
			Warnings:   []results.Warning{{Kind: token, Msg: token}},
		}},
		{"strings to escape", &report.Report{Runs: []report.Run{{ID: "r1", Cases: []report.Case{{
			ID: "c1", Name: "<script>&\"\\\n\t\b\f\x01\x7f\xff\u2028\u2029é", Params: "/k=\"v\"",
			Units: []report.UnitTable{{Unit: "a<b>/op", Models: []report.ModelSeries{{Model: "m&n", Points: []report.Point{{}}}}}},
		}}}}}},
		{"floats and nils", &report.Report{Runs: []report.Run{{ID: "r1", Cases: []report.Case{{
			ID: "c1", Procs: []int{}, Units: []report.UnitTable{
				{Unit: "sec/op"},
				{Unit: "x", Models: []report.ModelSeries{{Model: "m"}, {Model: "n", Points: []report.Point{
					{Procs: 1, N: 6, Median: 1.5e-9, Lo: ptr(1e-7), Hi: ptr(2e21), Oversubscribed: true,
						VsBaseline:     &report.Speedup{Value: 1, Test: report.Test{P: 1}, Reference: true},
						VsSelf:         &report.Speedup{Value: 0.000001, Lo: ptr(-0.0), Hi: ptr(1e20), Test: report.Test{P: 0.002, Significant: true}},
						Efficiency:     ptr(123456789.125),
						SelfEfficiency: ptr(-3e-300)},
				}}}},
			},
		}}}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, err := json.Marshal(tc.rep)
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, '\n')
			var got bytes.Buffer
			if err := report.WriteJSON(&got, tc.rep); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), got.String()); diff != "" {
				t.Errorf("WriteJSON differs from encoding/json (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCaseJSONFields pins the fields and json tags of the types WriteJSON
// encodes by hand (a case and everything in it): a field added, renamed or
// retagged there must be added to the encoder in page.go too, and then
// here.
func TestCaseJSONFields(t *testing.T) {
	want := map[string][]string{
		"Case":        {`ID json:"id"`, `Name json:"name"`, `Params json:"params"`, `HasBaseline json:"hasBaseline"`, `Procs json:"procs"`, `Units json:"units"`},
		"UnitTable":   {`Unit json:"unit"`, `HigherIsBetter json:"higherIsBetter"`, `Models json:"models"`},
		"ModelSeries": {`Model json:"model"`, `Points json:"points"`},
		"Point": {`Procs json:"procs"`, `Oversubscribed json:"oversubscribed,omitempty"`, `N json:"n"`, `Median json:"median"`, `Lo json:"lo"`, `Hi json:"hi"`,
			`VsBaseline json:"vsBaseline,omitempty"`, `VsSelf json:"vsSelf,omitempty"`, `Efficiency json:"efficiency,omitempty"`, `SelfEfficiency json:"selfEfficiency,omitempty"`},
		"Speedup": {`Value json:"value"`, `Lo json:"lo"`, `Hi json:"hi"`, `Test `, `Reference json:"reference,omitempty"`},
	}
	got := map[string][]string{}
	for _, v := range []any{report.Case{}, report.UnitTable{}, report.ModelSeries{}, report.Point{}, report.Speedup{}} {
		typ := reflect.TypeOf(v)
		fields := []string{}
		for i := range typ.NumField() {
			f := typ.Field(i)
			fields = append(fields, f.Name+" "+string(f.Tag))
		}
		got[typ.Name()] = fields
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("fields of the hand-encoded types (-want +got):\n%s", diff)
	}
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

func ptr[T any](v T) *T { return &v }
