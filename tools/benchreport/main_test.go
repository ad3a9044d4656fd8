package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/testscript"
)

var update = flag.Bool("update", false, "rewrite the expected outputs inside testdata/script/*.txtar")

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"benchreport": main})
}

// sharedInputs are the repository's recorded and hostile results files that
// every script finds under in/.
var sharedInputs = []string{
	"testdata/results/factorize-2cpu.txt",
	"testdata/results/factorize-toolchains-2cpu.txt",
	"testdata/results/factorize-base-2cpu.txt",
	"testdata/results/factorize-slowpool-2cpu.txt",
	"testdata/hostile/names.txt",
	"testdata/hostile/empty.txt",
	"testdata/hostile/nobench.txt",
	"testdata/hostile/malformed.txt",
	"testdata/hostile/mixedunits.txt",
	"testdata/hostile/noserial.txt",
	"testdata/hostile/single.txt",
	"testdata/hostile/nonfinite.txt",
	"testdata/hostile/badvalues.txt",
	"testdata/hostile/longline.txt",
	"testdata/hostile/unparsable.txt",
}

// TestScripts runs the command end to end on the txtar scripts in
// testdata/script; go test -update rewrites their expected outputs.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:           filepath.Join("testdata", "script"),
		UpdateScripts: *update,
		Setup: func(env *testscript.Env) error {
			dir := filepath.Join(env.WorkDir, "in")
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
			for _, name := range sharedInputs {
				data, err := os.ReadFile(filepath.Join("..", "..", filepath.FromSlash(name)))
				if err != nil {
					return err
				}
				if err := os.WriteFile(filepath.Join(dir, filepath.Base(name)), data, 0o644); err != nil {
					return err
				}
			}
			return nil
		},
	})
}

func TestExitCode(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"success", nil, 0},
		{"usage", usageError{"no results files given"}, 2},
		{"help", flag.ErrHelp, 2},
		{"bad flag", fmt.Errorf("%w: flag provided but not defined: -x", errFlagParse), 2},
		{"failure", errors.New("reading results: open x: no such file or directory"), 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, exitCode(tc.err)); diff != "" {
				t.Errorf("exitCode(%v) mismatch (-want +got):\n%s", tc.err, diff)
			}
		})
	}
}

// TestRunLeavesNoPartialOutput checks that a run that fails after reading
// leaves the previous outputs untouched and no temporary files behind.
func TestRunLeavesNoPartialOutput(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "report.html")
	if err := os.WriteFile(out, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "empty.txt")
	if err := os.WriteFile(bad, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	err := run([]string{"-o", out, bad}, io.Discard, io.Discard)
	if err == nil {
		t.Fatal("run on an empty file succeeded")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if diff := cmp.Diff([]string{"empty.txt", "report.html"}, names); diff != "" {
		t.Errorf("files after a failed run (-want +got):\n%s", diff)
	}
	if data, _ := os.ReadFile(out); string(data) != "old" {
		t.Errorf("report.html = %q after a failed run, want the old content", data)
	}
}

// TestRecordedSeedReport keeps testdata/results/seed-vm.md, the report of
// the recorded seed-profile run, equal to what benchreport writes for it
// today, every section included; go test -update rewrites it.
func TestRecordedSeedReport(t *testing.T) {
	t.Chdir(filepath.Join("..", ".."))
	out := t.TempDir()
	if err := run([]string{"-o", filepath.Join(out, "report.html"), "testdata/results/seed-vm.txt"}, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(out, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	const path = "testdata/results/seed-vm.md"
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s is not benchreport's report of its results (go test ./tools/benchreport -update rewrites it); -want +got:\n%s", path, diff)
	}
}
