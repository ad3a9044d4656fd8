package runner

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"concbench/tools/benchrun/internal/sysinfo"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/perf/benchfmt"
)

// suite is a tiny benchmark module standing in for the real suite, so that
// these tests do not depend on its duration: alpha has two sub-benchmarks,
// beta one (failing on demand), gamma one (hanging on demand), nobench none.
const suite = "testdata/suite"

var fixedDate = time.Date(2026, 11, 27, 10, 30, 0, 0, time.UTC)

// testOptions returns options that run the fake suite quickly into dir.
func testOptions(t *testing.T, dir string) Options {
	t.Helper()
	quick, err := LookupProfile("quick")
	if err != nil {
		t.Fatal(err)
	}
	return Options{
		Dir:       suite,
		Profile:   quick,
		CPUs:      []int{1, 2},
		Count:     2,
		Benchtime: "100x",
		OutDir:    dir,
		Machine:   "testbox",
		Env:       withEnv(os.Environ(), FetchURLEnv, ""),
		Now:       func() time.Time { return fixedDate },
		Facts: func(context.Context) sysinfo.Facts {
			return sysinfo.Facts{Kernel: "Linux 6.8.0", CPU: "Test CPU", CPUQuota: "none", LoadAvg: "0.10 0.20 0.30",
				NoFile: "1048576", Somaxconn: "4096", PortRange: "32768-60999"}
		},
	}
}

// result is what a test checks of one benchmark result.
type result struct {
	Toolchain, Profile, Round, Pkg, Name string
}

// readResults parses a results file with x/perf's reader, as the report
// and benchstat do.
func readResults(t *testing.T, path string) (results []result, config map[string]string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := benchfmt.NewReader(f, path)
	config = map[string]string{}
	for r.Scan() {
		switch rec := r.Result(); rec := rec.(type) {
		case *benchfmt.SyntaxError:
			t.Errorf("%v", rec)
		case *benchfmt.Result:
			results = append(results, result{
				Toolchain: rec.GetConfig("toolchain"),
				Profile:   rec.GetConfig("profile"),
				Round:     rec.GetConfig(RoundKey),
				Pkg:       rec.GetConfig("pkg"),
				Name:      string(rec.Name.Full()),
			})
			for _, c := range rec.Config {
				config[c.Key] = string(c.Value)
			}
		}
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	return results, config
}

// wantQuick returns the results that the fake suite's packages give in
// the quick profile at GOMAXPROCS 1 and 2, in two rounds, with toolchain v.
func wantQuick(v string, pkgs ...string) []result {
	names := map[string][]string{
		"alpha": {"Alpha/model=serial/items=1", "Alpha/model=pool/items=1", "Alpha/model=serial/items=1-2", "Alpha/model=pool/items=1-2"},
		"beta":  {"Beta", "Beta-2"},
		"gamma": {"Gamma", "Gamma-2"},
	}
	var want []result
	for round := range 2 {
		for _, pkg := range pkgs {
			for _, name := range names[pkg] {
				want = append(want, result{v, "quick", strconv.Itoa(round + 1), "fakesuite/" + pkg, name})
			}
		}
	}
	return want
}

func TestRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var report bytes.Buffer
	opts := testOptions(t, dir)
	opts.Progress = &report
	path, err := Run(t.Context(), opts)
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, &report)
	}
	v := goVersion(t)
	if want := filepath.Join(dir, "quick-"+v+"-20261127T103000Z.txt"); path != want {
		t.Errorf("Run wrote %s, want %s", path, want)
	}
	if _, err := os.Stat(path + PartialSuffix); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s%s left behind (stat: %v)", path, PartialSuffix, err)
	}
	got, config := readResults(t, path)
	// x/perf names a benchmark without its "Benchmark" prefix. Each of the
	// two rounds runs every package once per GOMAXPROCS value.
	want := wantQuick(v, "alpha", "beta", "gamma")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
	for key, want := range map[string]string{
		"machine": "testbox", "date": "2026-11-27T10:30:00Z", "count": "2", "benchtime": "100x",
		"kernel": "Linux 6.8.0", "cgroup-cpu-quota": "none", "loadavg": "0.10 0.20 0.30",
		"ulimit-nofile": "1048576", "somaxconn": "4096", "ip-local-port-range": "32768-60999",
	} {
		if config[key] != want {
			t.Errorf("config %s = %q, want %q", key, config[key], want)
		}
	}
	for _, key := range []string{"ncpu", "gomaxprocs-default", "goos", "goarch", "cpu"} {
		if config[key] == "" {
			t.Errorf("config %s missing", key)
		}
	}
	if v, ok := config["fetch-url"]; ok {
		t.Errorf("config fetch-url: %s, want none when %s is unset", v, FetchURLEnv)
	}
	if !strings.Contains(report.String(), "[16/16] BenchmarkGamma-2 ") {
		t.Errorf("progress report lacks the last of 16 results:\n%s", &report)
	}
}

// TestRunEverySampleAtItsGOMAXPROCS checks that each sample ran at the
// GOMAXPROCS its name gives, the first sample of every sub-benchmark too,
// which go test's own -cpu 1,2 gets wrong (https://go.dev/issue/49980).
func TestRunEverySampleAtItsGOMAXPROCS(t *testing.T) {
	t.Parallel()
	opts := testOptions(t, t.TempDir())
	opts.Bench = "Alpha"
	opts.CPUs, opts.Count = []int{2, 1}, 3
	path, err := Run(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if n := checkEverySampleAtItsGOMAXPROCS(t, path); n != 12 {
		t.Errorf("got %d results, want 12", n)
	}
}

// checkEverySampleAtItsGOMAXPROCS checks the gomaxprocs metric of every
// result of the fake suite in the file path, and returns how many it saw.
func checkEverySampleAtItsGOMAXPROCS(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	for r := benchfmt.NewReader(f, path); r.Scan(); {
		res, ok := r.Result().(*benchfmt.Result)
		if !ok {
			continue
		}
		got, ok := res.Value("gomaxprocs")
		if !ok {
			continue // not alpha, which reports it
		}
		// The last name part of "Alpha/model=pool/items=1-2" is
		// "/items=1-2", its GOMAXPROCS suffix "-2"; none means 1.
		_, parts := res.Name.Parts()
		procs := 1
		if last := string(parts[len(parts)-1]); strings.HasPrefix(last, "-") {
			procs, _ = strconv.Atoi(last[1:])
		}
		if int(got) != procs {
			t.Errorf("%s: ran at GOMAXPROCS=%v, want %d", res.Name.Full(), got, procs)
		}
		n++
	}
	return n
}

func TestRunProfileReachesBenchmarks(t *testing.T) {
	t.Parallel()
	opts := testOptions(t, t.TempDir())
	opts.Profile, _ = LookupProfile("seed")
	opts.Bench = "Alpha"
	opts.CPUs, opts.Count = []int{1}, 1
	path, err := Run(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := readResults(t, path)
	for _, r := range got {
		if r.Profile != "seed" || !strings.HasSuffix(r.Name, "/items=3") {
			t.Errorf("result %+v: want profile seed and the seed's items=3", r)
		}
	}
	if len(got) != 2 {
		t.Errorf("got %d results, want 2", len(got))
	}
}

func TestRunBadInput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	notDir := filepath.Join(dir, "file")
	if err := os.WriteFile(notDir, nil, 0o666); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		edit    func(*Options)
		wantErr string // a regexp
	}{
		{"unknown profile", func(o *Options) { o.Profile = Profile{Name: "fast"} }, `^unknown profile "fast" \(want quick, full, seed\)$`},
		{"bench matches nothing", func(o *Options) { o.Bench = "NoSuchCase" }, `^-bench "NoSuchCase" matches no benchmark in testdata/suite$`},
		{"bad bench regexp", func(o *Options) { o.Bench = "Alpha[" }, `^bad -bench regexp: error parsing regexp`},
		{"unknown toolchain", func(o *Options) { o.Toolchains = []string{"nosuchgo"} }, `^toolchain "nosuchgo": go: invalid GOTOOLCHAIN "nosuchgo"$`},
		{"toolchain not available", func(o *Options) {
			o.Toolchains = []string{"go1.99.1"}
			o.Env = withEnv(o.Env, "GOPROXY", "off") // no download attempt from a test
		}, `^toolchain "go1.99.1": .*go1.99.1`},
		{"same toolchain twice", func(o *Options) { o.Toolchains = []string{"local", "local"} }, `^toolchains "local" and "local" are both go1`},
		{"unwritable results folder", func(o *Options) { o.OutDir = filepath.Join(notDir, "results") }, `^results folder: mkdir .*: not a directory$`},
		{"unwritable results file", func(o *Options) { o.Output = dir }, `^results file .* is a folder$`},
		{"bad cpu list", func(o *Options) { o.CPUs = []int{1, 0} }, `^bad -cpu list "1,0": "0" is not a positive integer$`},
		{"negative count", func(o *Options) { o.Count = -1 }, `^bad -count -1: want 1 to 1000 samples per benchmark and core count$`},
		{"huge count", func(o *Options) { o.Count = MaxCount + 1 }, `^bad -count 1001: want 1 to 1000`},
		{"huge cpu", func(o *Options) { o.CPUs = []int{1, 99999} }, `^bad -cpu list "1,99999": 99999 is over \d+, 4 times this machine's \d+ CPUs`},
		{"cpu just over the bound", func(o *Options) { o.CPUs = []int{MaxOversubscription*runtime.NumCPU() + 1} }, `^bad -cpu list "\d+": \d+ is over`},
		{"benchtime over go test's timeout", func(o *Options) { o.Benchtime = "10m1s" }, `^bad -benchtime "10m1s": want a duration above 0 and at most 10m0s`},
		{"package past go test's timeout", func(o *Options) { o.Benchtime = "5m" }, `^bad -benchtime 5m: the 2 benchmarks of fakesuite/alpha take at least 10m0s at that, past the 10m0s one go test may run`},
		{"bad benchtime", func(o *Options) { o.Benchtime = "1 second" }, `^bad -benchtime "1 second": want a duration such as 100ms or a count such as 10x$`},
		{"zero benchtime", func(o *Options) { o.Benchtime = "0x" }, `^bad -benchtime "0x"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			opts := testOptions(t, t.TempDir())
			tc.edit(&opts)
			checkRefused(t, opts, tc.wantErr)
		})
	}
}

// checkRefused checks that Run refuses opts with an error matching the
// regexp wantErr, before anything is measured or written.
func checkRefused(t *testing.T, opts Options, wantErr string) {
	t.Helper()
	var report bytes.Buffer
	opts.Progress = &report
	path, err := Run(t.Context(), opts)
	if err == nil {
		t.Fatalf("Run succeeded, wrote %s", path)
	}
	if !regexp.MustCompile(wantErr).MatchString(err.Error()) {
		t.Errorf("Run error = %q, want match for %q", err, wantErr)
	}
	if strings.Contains(report.String(), "results to take") {
		t.Errorf("benchmarks ran despite bad input:\n%s", &report)
	}
	if entries, _ := os.ReadDir(opts.OutDir); len(entries) > 0 {
		t.Errorf("results folder holds %d files, want none", len(entries))
	}
}

func TestRunFailingPackage(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var report bytes.Buffer
	opts := testOptions(t, dir)
	opts.Progress = &report
	opts.Env = withEnv(opts.Env, "FAKESUITE_FAIL", "beta")
	_, err := Run(t.Context(), opts)
	if err == nil {
		t.Fatal("Run succeeded with a failing package")
	}
	for _, want := range []string{"go test fakesuite/beta at GOMAXPROCS=1 with go1", "exit status 1", "incomplete", PartialSuffix} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	// The failure is shown as it happens.
	if !strings.Contains(report.String(), "beta failed on purpose") {
		t.Errorf("progress report does not show the failure:\n%s", &report)
	}
	// What was measured is kept, under a name that says it is incomplete.
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || !strings.HasSuffix(entries[0].Name(), ".txt"+PartialSuffix) {
		t.Fatalf("results folder holds %v, want one .txt%s file", entries, PartialSuffix)
	}
	got, _ := readResults(t, filepath.Join(dir, entries[0].Name()))
	// The first round's alpha results: two models at two core counts.
	if n := len(got); n != 4 {
		t.Errorf("partial file holds %d results, want alpha's 4", n)
	}
}

func TestRunCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	opts := testOptions(t, t.TempDir())
	if _, err := Run(ctx, opts); err == nil {
		t.Fatal("Run succeeded with a cancelled context")
	}
}

// fakeToolchains puts on PATH a go command for each version given: it
// reports that version and runs the installed go. The go command looks a
// GOTOOLCHAIN name up on PATH before downloading it, so these stand in
// for other Go releases without the network.
func fakeToolchains(t *testing.T, env []string, versions ...string) []string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("fake toolchains are shell scripts")
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	for _, v := range versions {
		script := `#!/bin/sh
if [ "$1" = version ]; then echo "go version ` + v + ` $(` + goCmd + ` env GOOS)/$(` + goCmd + ` env GOARCH)"; exit 0; fi
unset GOTOOLCHAIN_INTERNAL_SWITCH_COUNT GOTOOLCHAIN_INTERNAL_SWITCH_VERSION
GOTOOLCHAIN=local exec ` + goCmd + ` "$@"
`
		if err := os.WriteFile(filepath.Join(bin, v), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return withEnv(env, "PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
}

func TestRunToolchainsInterleaved(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var report bytes.Buffer
	opts := testOptions(t, dir)
	opts.Progress = &report
	opts.Count = 3
	opts.Bench = "Beta"
	opts.Env = fakeToolchains(t, opts.Env, "go1.26.97", "go1.26.98")
	opts.Toolchains = []string{"go1.26.97", "go1.26.98"}
	path, err := Run(t.Context(), opts)
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, &report)
	}
	if want := filepath.Join(dir, "quick-go1.26.97-vs-go1.26.98-20261127T103000Z.txt"); path != want {
		t.Errorf("Run wrote %s, want %s", path, want)
	}
	got, _ := readResults(t, path)
	var order []string
	for _, r := range got {
		block := "round " + r.Round + " " + r.Toolchain
		if len(order) == 0 || order[len(order)-1] != block {
			order = append(order, block)
		}
	}
	want := []string{
		"round 1 go1.26.97", "round 1 go1.26.98",
		"round 2 go1.26.97", "round 2 go1.26.98",
		"round 3 go1.26.97", "round 3 go1.26.98",
	}
	if diff := cmp.Diff(want, order); diff != "" {
		t.Errorf("toolchain blocks (-want +got):\n%s", diff)
	}
	if len(got) != 12 {
		t.Errorf("got %d results, want 2 toolchains x 2 cpus x 3 rounds = 12", len(got))
	}

	// What benchstat makes of it: one table, one column per toolchain.
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(t.Context(), "go", "tool", "benchstat", "-col", "toolchain", "-ignore", RoundKey, path)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("benchstat: %v\n%s", err, &stderr)
	}
	out := stdout.String()
	header := regexp.MustCompile(`(?m)^\s+│\s+go1\.26\.97\s+│\s+go1\.26\.98\s+│$`)
	if n := len(header.FindAllString(out, -1)); n != 2 { // sec/op and loops/op
		t.Errorf("benchstat -col toolchain: want 2 tables headed go1.26.97 | go1.26.98, found %d:\n%s", n, out)
	}
	if strings.Contains(out, "toolchain:") {
		t.Errorf("benchstat split tables by toolchain instead of columns:\n%s", out)
	}
}

func TestHeaderLines(t *testing.T) {
	info := headerInfo{
		toolchains: []toolchain{{version: "go1.26.8"}},
		profile:    "quick", count: 6, benchtime: "100ms", commit: "cb6727f-dirty",
		date: fixedDate, machine: "box", ncpu: 2, gomaxprocs: 2, cpuLine: true, fetchURL: "https://httpbin.org",
		facts: sysinfo.Facts{Kernel: "Linux 6.8.0", CPU: "AMD EPYC\n7B13", LoadAvg: "0.1 0.2 0.3", NoFile: "1024"},
	}
	want := []config{
		{"toolchain", "go1.26.8"}, {"profile", "quick"}, {"count", "6"}, {"benchtime", "100ms"},
		{"commit", "cb6727f-dirty"}, {"date", "2026-11-27T10:30:00Z"}, {"machine", "box"},
		{"ncpu", "2"}, {"gomaxprocs-default", "2"}, {"kernel", "Linux 6.8.0"}, {"cpu", "AMD EPYC 7B13"},
		{"loadavg", "0.1 0.2 0.3"}, {"ulimit-nofile", "1024"}, {"fetch-url", "https://httpbin.org"},
	}
	if diff := cmp.Diff(want, headerLines(info), cmp.AllowUnexported(config{})); diff != "" {
		t.Errorf("headerLines (-want +got):\n%s", diff)
	}
	// With several toolchains each block states its own; go test's cpu:
	// line is not repeated.
	info.toolchains = append(info.toolchains, toolchain{version: "go1.27.3"})
	info.cpuLine = false
	for _, c := range headerLines(info) {
		if c.key == "toolchain" || c.key == "cpu" {
			t.Errorf("header has %s: %s", c.key, c.value)
		}
	}
}

func goVersion(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	v, err := parseGoVersion(string(out))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestRunBenchstatIgnoresRound checks what benchstat makes of the round
// lines: with -ignore round, the tables of a file without them; without
// it, a table per round.
func TestRunBenchstatIgnoresRound(t *testing.T) {
	t.Parallel()
	opts := testOptions(t, t.TempDir())
	opts.Bench, opts.Count = "Beta", 3
	path, err := Run(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rounds := regexp.MustCompile(`(?m)^round: \d+\n`)
	if n := len(rounds.FindAll(data, -1)); n != 3 {
		t.Fatalf("%d round lines, want 3:\n%s", n, data)
	}
	without := filepath.Join(t.TempDir(), "without.txt")
	if err := os.WriteFile(without, rounds.ReplaceAll(data, nil), 0o666); err != nil {
		t.Fatal(err)
	}
	benchstat := func(args ...string) string {
		t.Helper()
		var stdout, stderr bytes.Buffer
		cmd := exec.CommandContext(t.Context(), "go", append([]string{"tool", "benchstat"}, args...)...)
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("benchstat %q: %v\n%s", args, err, &stderr)
		}
		return stdout.String()
	}
	// One label for both files, so that the column headers match.
	want := benchstat("r=" + without)
	if got := benchstat("-ignore", RoundKey, "r="+path); got != want {
		t.Errorf("benchstat -ignore round:\n%s\nwant, as without round lines:\n%s", got, want)
	}
	if got := benchstat("r=" + path); !strings.Contains(got, "round: 3") {
		t.Errorf("benchstat without -ignore round: want a table per round, got:\n%s", got)
	}
}
