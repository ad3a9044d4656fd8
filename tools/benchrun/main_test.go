package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// suite is the runner's tiny stand-in for the benchmark module.
const suite = "internal/runner/testdata/suite"

// mainEnv makes this test binary run as benchrun, for the tests that need
// benchrun as a process of its own.
const mainEnv = "BENCHRUN_TEST_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(mainEnv) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestRunUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"unknown profile", []string{"-profile", "fast"}, `unknown profile "fast" (want quick, full, seed)`},
		{"bad cpu list", []string{"-cpu", "1,two"}, `bad -cpu list "1,two": "two" is not a positive integer`},
		{"negative count", []string{"-count", "-3"}, `bad -count -3: want 1 to 1000 samples per benchmark and core count`},
		{"zero count", []string{"-count", "0"}, `bad -count 0: want 1 to 1000 samples per benchmark and core count`},
		{"huge count", []string{"-count", "1001"}, `bad -count 1001: want 1 to 1000 samples per benchmark and core count`},
		{"count not a number", []string{"-count", "many"}, `invalid value "many" for flag -count: parse error`},
		{"huge cpu", []string{"-cpu", "1,99999"}, fmt.Sprintf(`bad -cpu list "1,99999": 99999 is over %d, 4 times this machine's %d CPUs (more GOMAXPROCS only adds threads that take turns on the same cores)`, 4*runtime.NumCPU(), runtime.NumCPU())},
		{"zero benchtime", []string{"-benchtime", "0s"}, `bad -benchtime "0s": want a duration above 0 and at most 10m0s, the time one go test may run`},
		{"negative benchtime", []string{"-benchtime", "-1s"}, `bad -benchtime "-1s": want a duration above 0 and at most 10m0s, the time one go test may run`},
		{"long benchtime", []string{"-benchtime", "11m"}, `bad -benchtime "11m": want a duration above 0 and at most 10m0s, the time one go test may run`},
		{"zero iterations", []string{"-benchtime", "0x"}, `bad -benchtime "0x": want 1x to 1000000000x iterations`},
		{"too many iterations", []string{"-benchtime", "99999999999999999999x"}, `bad -benchtime "99999999999999999999x": want 1x to 1000000000x iterations`},
		{"both toolchain flags", []string{"-toolchain", "local", "-toolchains", "local,go1.27.3"}, `give -toolchain or -toolchains, not both`},
		{"stray argument", []string{"./..."}, `unexpected arguments ["./..."] (flags only; see -help)`},
		{"build with a run flag", []string{"-build", "b", "-cpu", "1"}, `-build builds every benchmark package, for every profile: -cpu does not apply (give it to -bin)`},
		{"build and bin", []string{"-build", "b", "-bin", "b"}, `give -build or -bin, not both: build here, run there`},
		{"build without a folder", []string{"-build", ""}, `-build needs a folder`},
		{"bin with a toolchain", []string{"-bin", "b", "-toolchain", "local"}, `-bin runs a bundle's binaries, built from one suite with one toolchain: -toolchain does not apply`},
		{"bin with a suite", []string{"-bin", "b", "-suite", "benchmarks"}, `-bin runs a bundle's binaries, built from one suite with one toolchain: -suite does not apply`},
		{"bin without a bundle", []string{"-bin", "nosuchbundle"}, `nosuchbundle/manifest.json not found: not a bundle (make one with benchrun -build)`},
		{"unknown flag", []string{"-fast"}, `flag provided but not defined: -fast`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(tc.args, &stdout, &stderr)
			if err == nil || err.Error() != tc.wantErr {
				t.Errorf("run(%q) error = %v, want %q", tc.args, err, tc.wantErr)
			}
			if stdout.Len() > 0 {
				t.Errorf("stdout = %q, want nothing", &stdout)
			}
		})
	}
}

func TestRunHelp(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if err := run([]string{"-help"}, &stdout, &stderr); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("run(-help) = %v, want flag.ErrHelp", err)
	}
	for _, want := range []string{"-profile", "quick (count 6", "-toolchains", "-machine"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("usage lacks %q:\n%s", want, &stderr)
		}
	}
}

func TestRunWritesPath(t *testing.T) {
	out := filepath.Join(t.TempDir(), "r.txt")
	var stdout, stderr bytes.Buffer
	args := []string{"-suite", suite, "-bench", "Beta", "-cpu", "1", "-count", "1", "-benchtime", "10x", "-machine", "m1", "-o", out}
	if err := run(args, &stdout, &stderr); err != nil {
		t.Fatalf("run: %v\n%s", err, &stderr)
	}
	// Standard output carries only the path, for make to pick up.
	if got := stdout.String(); got != out+"\n" {
		t.Errorf("stdout = %q, want %q", got, out+"\n")
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"machine: m1\n", "profile: quick\n", "pkg: fakesuite/beta\n", "BenchmarkBeta "} {
		if !bytes.Contains(data, []byte(want)) {
			t.Errorf("results lack %q:\n%s", want, data)
		}
	}
}
