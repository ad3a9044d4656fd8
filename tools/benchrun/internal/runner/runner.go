// Package runner runs the concbench benchmark suite and writes its results
// in the Go benchmark format, headed by config lines that describe the
// toolchain and the machine.
//
// A run goes in four steps:
//
//  1. Check the input: the profile, the -cpu list, the -bench regexp, and
//     each toolchain, by asking it for "go version" before any benchmark
//     runs (an unknown name fails here). Create the results file.
//  2. List the benchmarks: run every selected benchmark once (-benchtime
//     1x -count 1 -cpu 1) per toolchain. This proves the -bench regexp
//     matches something, finds the packages to run, gives the total for
//     the progress report, and fails early on a broken package.
//  3. Measure in rounds: each round runs every package once (-count 1) at
//     each GOMAXPROCS value, in its own go test process, under each
//     toolchain in turn (A B A B ...), streaming the output into the
//     results file as it comes; -count rounds give -count samples. Drift
//     of the machine over time (other load, heat, the host's own
//     neighbours) then lands on every benchmark, core count and toolchain
//     alike, and widens their intervals instead of biasing whichever ran
//     in a slow stretch. A config line "round: N" precedes each round's
//     results, so that a drift can also be found, as a trend over rounds.
//  4. Finish: the file is written as NAME.partial and renamed to NAME only
//     when every package passed. A failing package stops the run with its
//     output shown; the .partial file keeps what was measured so far and
//     cannot be mistaken for a complete result. A cancelled context stops
//     the run the same way, ending every process it started (see
//     [command]).
package runner

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"concbench/tools/benchrun/internal/bundle"
	"concbench/tools/benchrun/internal/sysinfo"
)

// ProfileEnv is the environment variable through which the benchmarks
// learn the profile (package concbench/benchmarks/profile reads it).
const ProfileEnv = "CONCBENCH_PROFILE"

// FetchURLEnv points the fetch case at another HTTP server (package
// concbench/benchmarks/fetch reads it); when set, the results say so.
const FetchURLEnv = "CONCBENCH_FETCH_URL"

// RoundKey is the config line ("round: 3") that precedes each round's
// results: the round, from 1 to the count, of every sample that follows
// it. benchstat splits its tables by it unless told -ignore round.
const RoundKey = "round"

// PartialSuffix marks a results file whose run has not completed.
const PartialSuffix = ".partial"

// Options configures Run. Zero fields take the documented defaults.
type Options struct {
	// Dir is the benchmark module to run; default "benchmarks".
	Dir string
	// Profile sets the inputs, the count and the benchtime; default quick.
	Profile Profile
	// Bench selects benchmarks, as go test -bench; default ".".
	Bench string
	// CPUs are the GOMAXPROCS values to sweep (go test -cpu); default
	// DefaultCPUs(runtime.NumCPU()).
	CPUs []int
	// Count, when not zero, overrides the profile's count; it must be
	// from 1 to MaxCount.
	Count int
	// Benchtime overrides the profile's benchtime when not empty.
	Benchtime string
	// Toolchains are GOTOOLCHAIN values ("go1.27.3", "local", ...), run
	// in interleaved rounds when there are several. Empty means the go
	// command as found, with the environment's GOTOOLCHAIN.
	Toolchains []string
	// Output is the results file. Empty means a name made of the profile,
	// the toolchains and the date, in OutDir.
	Output string
	// OutDir is the folder of default-named results; default "out/results".
	OutDir string
	// Machine names this machine in the results; default the host name.
	Machine string
	// Go is the go command; default "go".
	Go string
	// Env is the environment of every command; default os.Environ().
	Env []string
	// Progress receives the progress report; default io.Discard.
	Progress io.Writer
	// Live redraws one status line in place (for a terminal) instead of
	// printing a line per result.
	Live bool
	// Now returns the current time; default time.Now.
	Now func() time.Time
	// Facts describes the machine; default sysinfo.Collect.
	Facts func(context.Context) sysinfo.Facts

	// Bundle, when set, is a bundle folder (made by Build) whose test
	// binaries run instead of go test: no Go is needed. Its manifest
	// gives the toolchain and commit lines, and the profiles' counts and
	// benchtimes by name; Dir and Toolchains do not apply.
	Bundle string
	// Revision is the commit hash this program was built from. A bundle
	// built from another commit is refused; empty skips the check.
	Revision string
}

// A toolchain is one resolved GOTOOLCHAIN value.
type toolchain struct {
	name    string   // as given; "" for the environment's own
	version string   // from go version, e.g. "go1.27.3"
	env     []string // the environment that selects it
}

// A pkgBenches lists the benchmarks of one package found by the listing pass.
type pkgBenches struct {
	path  string
	names []string
}

type runner struct {
	opts      Options
	count     int
	benchtime string
	prog      *progress
	// bundle is the manifest of Options.Bundle, nil for go test; its
	// packages by import path are in bundlePkgs.
	bundle     *bundle.Manifest
	bundlePkgs map[string]bundle.Package
}

// Run runs the suite as opts says and returns the path of the results
// file. On failure after the results file was created, the error names
// the incomplete file kept.
func Run(ctx context.Context, opts Options) (string, error) {
	r, err := newRunner(opts)
	if err != nil {
		return "", err
	}
	return r.run(ctx)
}

func newRunner(opts Options) (*runner, error) {
	if opts.Dir == "" {
		opts.Dir = "benchmarks"
	}
	var m *bundle.Manifest
	if opts.Bundle != "" {
		if len(opts.Toolchains) > 0 {
			return nil, errors.New("a bundle holds the binaries of one toolchain, its own: -toolchain and -toolchains do not apply to -bin")
		}
		var err error
		if m, err = openBundle(opts.Bundle, opts.Revision); err != nil {
			return nil, err
		}
	}
	if opts.Profile.Name == "" {
		opts.Profile = Profiles()[0]
	}
	known, err := lookupProfile(opts.Profile.Name, m)
	if err != nil {
		return nil, err
	}
	if opts.Profile.Count <= 0 {
		opts.Profile.Count = known.Count
	}
	if opts.Profile.Benchtime == "" {
		opts.Profile.Benchtime = known.Benchtime
	}
	if opts.Bench == "" {
		opts.Bench = "."
	}
	if _, err := regexp.Compile(opts.Bench); err != nil {
		return nil, fmt.Errorf("bad -bench regexp: %w", err)
	}
	if len(opts.CPUs) == 0 {
		opts.CPUs = DefaultCPUs(runtime.NumCPU())
	}
	if _, err := ParseCPUs(formatCPUs(opts.CPUs)); err != nil {
		return nil, err
	}
	if err := CheckCPUs(opts.CPUs, runtime.NumCPU()); err != nil {
		return nil, err
	}
	if opts.Count != 0 {
		if err := CheckCount(opts.Count); err != nil {
			return nil, err
		}
	}
	if opts.OutDir == "" {
		opts.OutDir = filepath.Join("out", "results")
	}
	if opts.Go == "" {
		opts.Go = "go"
	}
	if opts.Env == nil {
		opts.Env = os.Environ()
	}
	if opts.Progress == nil {
		opts.Progress = io.Discard
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Facts == nil {
		opts.Facts = func(ctx context.Context) sysinfo.Facts { return sysinfo.Collect(ctx, sysinfo.Options{}) }
	}
	if opts.Machine == "" {
		host, err := os.Hostname()
		if err != nil {
			return nil, fmt.Errorf("naming the machine: %w (use -machine)", err)
		}
		opts.Machine = host
	}
	r := &runner{
		opts:      opts,
		count:     opts.Profile.Count,
		benchtime: opts.Profile.Benchtime,
		prog:      &progress{w: opts.Progress, live: opts.Live, now: opts.Now},
		bundle:    m,
	}
	if m != nil {
		r.bundlePkgs = map[string]bundle.Package{}
		for _, p := range m.Packages {
			r.bundlePkgs[p.Path] = p
		}
	}
	if opts.Count > 0 {
		r.count = opts.Count
	}
	if opts.Benchtime != "" {
		r.benchtime = opts.Benchtime
	}
	if err := checkBenchtime(r.benchtime); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *runner) run(ctx context.Context) (string, error) {
	start := r.opts.Now()
	date := start.UTC()
	facts := r.opts.Facts(ctx) // the load average is read before any benchmark runs

	// Step 1: toolchains, then the results file.
	tcs, err := r.resolveToolchains(ctx)
	if err != nil {
		return "", err
	}
	out := r.opts.Output
	if out == "" {
		out = filepath.Join(r.opts.OutDir, defaultName(r.opts.Profile.Name, tcs, date))
	}
	if st, err := os.Stat(out); err == nil && st.IsDir() {
		return "", fmt.Errorf("results file %s is a folder", out)
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o777); err != nil {
		return "", fmt.Errorf("results folder: %w", err)
	}
	chosen := r.opts.Output != ""
	f, err := createPartial(out, chosen)
	if err != nil {
		return "", err
	}
	defer f.Close()
	partial := f.Name()

	// Step 2: list.
	lists := make([][]pkgBenches, len(tcs))
	goPrintsCPU := false
	total := 0
	for i, tc := range tcs {
		r.prog.logf("listing benchmarks matching %q with %s (each runs once)", r.opts.Bench, tc.version)
		pkgs, printsCPU, err := r.list(ctx, tc)
		if err != nil {
			f.Close()
			os.Remove(partial) // nothing was measured
			return "", err
		}
		if err := r.checkFits(pkgs); err != nil {
			f.Close()
			os.Remove(partial)
			return "", err
		}
		lists[i] = pkgs
		goPrintsCPU = goPrintsCPU || printsCPU
		for _, p := range pkgs {
			total += len(p.names) * len(r.opts.CPUs) * r.count
		}
	}

	// Step 3: measure.
	commit, err := r.commit(ctx)
	if err != nil {
		facts.Warnings = append(facts.Warnings, err.Error())
	}
	for _, w := range facts.Warnings {
		r.prog.logf("warning: %s (left out of the results)", w)
	}
	if load, ok := busy(facts.LoadAvg, runtime.NumCPU()); ok {
		r.prog.logf("warning: load average %.2f on %d CPUs: other programs are running, and the results will be noisy", load, runtime.NumCPU())
	}
	hdr := headerLines(headerInfo{
		toolchains: tcs, profile: r.opts.Profile.Name, count: r.count, benchtime: r.benchtime,
		commit: commit, date: date, machine: r.opts.Machine, facts: facts,
		ncpu: runtime.NumCPU(), gomaxprocs: runtime.GOMAXPROCS(0), cpuLine: !goPrintsCPU,
		fetchURL: lookupEnv(r.opts.Env, FetchURLEnv),
	})
	if err := writeLines(f, hdr); err != nil {
		return "", fmt.Errorf("writing %s: %w", partial, err)
	}
	r.prog.logf("%d results to take (cpu %s, count %d, benchtime %s), into %s",
		total, formatCPUs(r.opts.CPUs), r.count, r.benchtime, out)
	r.prog.begin(total)
	err = r.measure(ctx, f, tcs, lists)
	r.prog.end()
	if err != nil {
		return "", fmt.Errorf("%w\nresults so far kept, incomplete, in %s", err, partial)
	}

	// Step 4: finish.
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("writing %s: %w", partial, err)
	}
	if out, err = finish(partial, chosen); err != nil {
		return "", err
	}
	r.prog.logf("done in %s: %s", r.opts.Now().Sub(start).Round(time.Second), out)
	return out, nil
}

// busy reports whether the 1-minute load average (the first field of
// loadavg) shows other work taking more than half of the ncpu CPUs.
func busy(loadavg string, ncpu int) (float64, bool) {
	f := strings.Fields(loadavg)
	if len(f) == 0 {
		return 0, false
	}
	load, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		return 0, false
	}
	return load, load > float64(ncpu)/2
}

// checkFits fails when a package's benchmarks, each running for at least
// a duration -benchtime, cannot all finish in the GoTestTimeout that one
// process at one core count has.
func (r *runner) checkFits(pkgs []pkgBenches) error {
	d, ok := benchtimeDuration(r.benchtime)
	if !ok {
		return nil // a count of iterations takes as long as it takes
	}
	for _, p := range pkgs {
		if least := time.Duration(len(p.names)) * d; least >= GoTestTimeout {
			return fmt.Errorf("bad -benchtime %s: the %d benchmarks of %s take at least %v at that, past the %v one go test may run; give a shorter -benchtime or fewer benchmarks with -bench",
				r.benchtime, len(p.names), p.path, least, GoTestTimeout)
		}
	}
	return nil
}

// resolveToolchains asks each toolchain for its version. It is the check
// that a name is valid and can be had, done before any benchmark runs. A
// bundle's toolchain is the one that built it.
func (r *runner) resolveToolchains(ctx context.Context) ([]toolchain, error) {
	if r.bundle != nil {
		return []toolchain{{version: r.bundle.Toolchain, env: r.opts.Env}}, nil
	}
	names := r.opts.Toolchains
	if len(names) == 0 {
		names = []string{""}
	}
	var tcs []toolchain
	for _, name := range names {
		tc := toolchain{name: name, env: r.opts.Env}
		if name != "" {
			if name == "local" {
				r.prog.logf("checking toolchain local")
			} else {
				r.prog.logf("checking toolchain %s (the go command downloads it on first use)", name)
			}
			tc.env = withEnv(r.opts.Env, "GOTOOLCHAIN", name)
		}
		var stdout, stderr bytes.Buffer
		cmd := exec.CommandContext(ctx, r.opts.Go, "version")
		cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = r.opts.Dir, tc.env, &stdout, &stderr
		if err := cmd.Run(); err != nil {
			what := "the go command"
			if name != "" {
				what = fmt.Sprintf("toolchain %q", name)
			}
			if msg := strings.TrimSpace(stderr.String()); msg != "" {
				return nil, fmt.Errorf("%s: %s", what, msg)
			}
			return nil, fmt.Errorf("%s: go version: %w", what, err)
		}
		v, err := parseGoVersion(stdout.String())
		if err != nil {
			return nil, err
		}
		tc.version = v
		for _, prev := range tcs {
			if prev.version == v {
				return nil, fmt.Errorf("toolchains %q and %q are both %s: give each toolchain once", prev.name, name, v)
			}
		}
		tcs = append(tcs, tc)
	}
	return tcs, nil
}

// parseGoVersion takes the version out of "go version go1.26.8 linux/amd64"
// (keeping any words between, such as a devel build or an experiment).
func parseGoVersion(out string) (string, error) {
	f := strings.Fields(out)
	if len(f) < 4 || f[0] != "go" || f[1] != "version" {
		return "", fmt.Errorf("unexpected go version output %q", strings.TrimSpace(out))
	}
	return strings.Join(f[2:len(f)-1], " "), nil
}

// list runs each selected benchmark once and returns them by package, in
// go test's order, and whether go test printed a cpu: line itself.
func (r *runner) list(ctx context.Context, tc toolchain) ([]pkgBenches, bool, error) {
	flags := []benchFlag{{"run", "^$"}, {"bench", r.opts.Bench}, {"benchtime", "1x"}, {"count", "1"}, {"cpu", "1"}}
	// go test lists every package in one process; a bundle has one
	// binary per package.
	pkgs := []string{"./..."}
	if r.bundle != nil {
		pkgs = pkgs[:0]
		for _, p := range r.bundle.Packages {
			pkgs = append(pkgs, p.Path)
		}
	}
	var out bytes.Buffer
	for _, pkg := range pkgs {
		cmd := r.benchCmd(ctx, pkg, flags)
		cmd.Env, cmd.Stdout, cmd.Stderr = r.env(tc), &out, &out
		if err := runGroup(ctx, cmd); err != nil {
			if ctx.Err() != nil {
				return nil, false, stopped(ctx)
			}
			r.prog.passthrough(strings.TrimRight(out.String(), "\n"))
			return nil, false, fmt.Errorf("listing benchmarks with %s: %s: %w", tc.version, r.what(pkg), err)
		}
	}
	return r.parseListing(out.String())
}

// parseListing reads the output of the listing pass: the benchmarks by
// package, in the order they ran, and whether the test binaries printed a
// cpu: line themselves.
func (r *runner) parseListing(out string) ([]pkgBenches, bool, error) {
	var pkgs []pkgBenches
	printsCPU := false
	for _, line := range strings.Split(out, "\n") {
		if key, val, ok := configLine(line); ok {
			switch key {
			case "pkg":
				pkgs = append(pkgs, pkgBenches{path: val})
			case "cpu":
				printsCPU = true
			}
			continue
		}
		if isResult(line) && len(pkgs) > 0 {
			p := &pkgs[len(pkgs)-1]
			p.names = append(p.names, strings.Fields(line)[0])
		}
	}
	pkgs = slices.DeleteFunc(pkgs, func(p pkgBenches) bool { return len(p.names) == 0 })
	if len(pkgs) == 0 {
		return nil, false, fmt.Errorf("-bench %q matches no benchmark in %s", r.opts.Bench, r.suiteName())
	}
	return pkgs, printsCPU, nil
}

// measure runs the suite proper, writing into f.
func (r *runner) measure(ctx context.Context, f io.Writer, tcs []toolchain, lists [][]pkgBenches) error {
	for round := 1; round <= r.count; round++ {
		// Each sample's round, for a trend test to find benchmarks
		// that drift during the run (RoundKey).
		if _, err := fmt.Fprintf(f, "\n%s: %d\n", RoundKey, round); err != nil {
			return fmt.Errorf("writing results: %w", err)
		}
		for i, tc := range tcs {
			r.prog.logf("round %d of %d: %s", round, r.count, tc.version)
			if len(tcs) > 1 {
				// Re-state the toolchain before its block: the config
				// line holds for the results that follow it.
				if _, err := fmt.Fprintf(f, "\ntoolchain: %s\n", tc.version); err != nil {
					return fmt.Errorf("writing results: %w", err)
				}
			}
			for _, p := range lists[i] {
				if err := r.goTest(ctx, f, tc, p.path, 1); err != nil {
					return fmt.Errorf("round %d of %d: %w", round, r.count, err)
				}
			}
		}
	}
	return nil
}

// goTest runs the benchmarks of one package, streaming the output: one go
// test process per GOMAXPROCS value, started with that value in its
// environment. go test's own -cpu list is not used for the sweep: it runs
// the first sample of every sub-benchmark at the GOMAXPROCS the previous
// sub-benchmark left behind, the last value of the list
// (https://go.dev/issue/49980), so the first "1-core" sample of a
// parallel model would have run on all cores.
func (r *runner) goTest(ctx context.Context, f io.Writer, tc toolchain, pkg string, count int) error {
	for _, cpu := range r.opts.CPUs {
		if err := r.goTestAt(ctx, f, tc, pkg, count, cpu); err != nil {
			return err
		}
	}
	return nil
}

// goTestAt runs the benchmarks of one package at one GOMAXPROCS.
func (r *runner) goTestAt(ctx context.Context, f io.Writer, tc toolchain, pkg string, count, cpu int) error {
	out := &stream{file: f, prog: r.prog}
	errs := &lineWriter{fn: r.prog.passthrough}
	procs := strconv.Itoa(cpu)
	cmd := r.benchCmd(ctx, pkg, []benchFlag{{"run", "^$"}, {"bench", r.opts.Bench},
		{"benchtime", r.benchtime}, {"count", strconv.Itoa(count)}, {"cpu", procs},
		{"timeout", GoTestTimeout.String()}})
	cmd.Env, cmd.Stdout, cmd.Stderr = withEnv(r.env(tc), "GOMAXPROCS", procs), out, errs
	err := runGroup(ctx, cmd)
	out.flush()
	errs.flush()
	if ctx.Err() != nil {
		return stopped(ctx)
	}
	if err != nil {
		return fmt.Errorf("%s at GOMAXPROCS=%d with %s: %w", r.what(pkg), cpu, tc.version, err)
	}
	return nil
}

// stopped is the error of a run stopped by ctx, naming the cause: the
// signal, for a run that main stopped on one.
func stopped(ctx context.Context) error {
	return fmt.Errorf("stopped: %w", context.Cause(ctx))
}

func (r *runner) env(tc toolchain) []string {
	return withEnv(tc.env, ProfileEnv, r.opts.Profile.Name)
}

// commit describes the checked-out commit of the suite, marked -dirty
// when tracked files have changed; a bundle's, the commit it was built
// from.
func (r *runner) commit(ctx context.Context) (string, error) {
	if r.bundle != nil {
		return r.bundle.Commit, nil
	}
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "git", "describe", "--always", "--dirty", "--abbrev=12")
	cmd.Dir, cmd.Env, cmd.Stderr = r.opts.Dir, r.opts.Env, &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return "", fmt.Errorf("commit: git describe: %s", msg)
	}
	return strings.TrimSpace(string(out)), nil
}

// lookupEnv returns the last value of key in env, or "".
func lookupEnv(env []string, key string) string {
	v := ""
	for _, kv := range env {
		if k, val, ok := strings.Cut(kv, "="); ok && k == key {
			v = val
		}
	}
	return v
}

// withEnv returns env with key set to value, replacing any earlier value.
func withEnv(env []string, key, value string) []string {
	out := slices.DeleteFunc(slices.Clone(env), func(kv string) bool {
		return strings.HasPrefix(kv, key+"=")
	})
	return append(out, key+"="+value)
}

// defaultName names a results file by profile, toolchains and UTC date,
// e.g. quick-go1.26.8-20261127T103000Z.txt.
func defaultName(profile string, tcs []toolchain, date time.Time) string {
	vs := make([]string, len(tcs))
	for i, tc := range tcs {
		vs[i] = tc.version
	}
	name := fmt.Sprintf("%s-%s-%s", profile, strings.Join(vs, "-vs-"), date.UTC().Format("20060102T150405Z"))
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			return r
		}
		return '_'
	}, name) + ".txt"
}

// headerInfo is what the config lines at the top of a results file say.
type headerInfo struct {
	toolchains []toolchain
	profile    string
	count      int
	benchtime  string
	commit     string
	date       time.Time
	machine    string
	facts      sysinfo.Facts
	ncpu       int
	gomaxprocs int
	// cpuLine asks for a cpu: line, for when go test does not print one.
	cpuLine bool
	// fetchURL is the server of the fetch case, when not its own.
	fetchURL string
}

// A config is one config line.
type config struct{ key, value string }

// headerLines returns the config lines that head a results file, leaving
// out those with no value. With several toolchains the toolchain line is
// written before each block instead.
func headerLines(h headerInfo) []config {
	var c []config
	add := func(k, v string) {
		// A value is one line; a newline would end it early.
		v = strings.Join(strings.Fields(v), " ")
		if v != "" {
			c = append(c, config{k, v})
		}
	}
	if len(h.toolchains) == 1 {
		add("toolchain", h.toolchains[0].version)
	}
	add("profile", h.profile)
	add("count", strconv.Itoa(h.count))
	add("benchtime", h.benchtime)
	add("commit", h.commit)
	add("date", h.date.UTC().Format(time.RFC3339))
	add("machine", h.machine)
	add("ncpu", strconv.Itoa(h.ncpu))
	add("gomaxprocs-default", strconv.Itoa(h.gomaxprocs))
	add("kernel", h.facts.Kernel)
	if h.cpuLine {
		add("cpu", h.facts.CPU)
	}
	add("cgroup-cpu-quota", h.facts.CPUQuota)
	add("loadavg", h.facts.LoadAvg)
	add("ulimit-nofile", h.facts.NoFile)
	add("somaxconn", h.facts.Somaxconn)
	add("ip-local-port-range", h.facts.PortRange)
	add("fetch-url", h.fetchURL)
	return c
}

func writeLines(w io.Writer, c []config) error {
	var b strings.Builder
	for _, kv := range c {
		fmt.Fprintf(&b, "%s: %s\n", kv.key, kv.value)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
