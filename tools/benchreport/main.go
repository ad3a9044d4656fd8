// Command benchreport turns Go benchmark results files into the concbench
// report: an HTML page of the speedup of each concurrency model against the
// number of cores, a Markdown summary and the analysed data as JSON.
//
// Usage:
//
//	benchreport [-o out/report.html] [-filter EXPR] [-base TOOLCHAIN] [-correction holm|bh|none] FILE...
//	benchreport -history DIR [-o out/history.html] [-filter EXPR]
//	benchreport -check BASELINE [-max-slowdown 5%] [-min-efficiency 0] [-alpha 0.05] [-correction holm|bh|none] [-filter EXPR] NEW...
//
// It writes the HTML file named by -o and, beside it, the same name with the
// extensions .md and .json. The three are replaced all or none: each is
// written to a temporary file in the same folder, and they are renamed into
// place only when all are complete. SIGINT, SIGTERM and SIGHUP remove the
// temporary files before benchreport exits, and a run removes those that a
// killed run left. The page draws at most report.MaxHTMLCases cases and
// says how many it left out; the JSON holds them all. -filter
// keeps the results matching a benchstat filter expression ("go doc
// golang.org/x/perf/benchproc/syntax").
//
// When the results hold more than one toolchain, the report has a "Go
// versions" section comparing each toolchain with the baseline, the first
// toolchain in the files or the one named by -base; with one toolchain it
// prints a note saying why there is no such section.
//
// -history DIR reads every results file (*.txt) kept in DIR, each one run
// with its date:, commit:, toolchain: and machine: lines, and writes a
// report whose first section draws each benchmark's time over the runs,
// one line per toolchain or machine; the rest of the page is the report of
// the latest run.
//
// -check BASELINE is the regression gate for CI: it compares the NEW files
// with the BASELINE file and exits with status 1, printing a FAIL line for
// each offender, when a benchmark got significantly slower (Mann-Whitney
// U, its p-value adjusted over every benchmark compared below -alpha) by
// more than -max-slowdown, or when a model's parallel
// efficiency at the largest core count that is not oversubscribed is below
// -min-efficiency (off unless set). It writes no report. It refuses a
// baseline from another machine or setup (its machine, ncpu, cpu, goos,
// goarch or profile configuration differs) unless -allow-other-machine is
// given, and warns of a baseline of another toolchain.
//
// -correction chooses the correction for multiple testing of every family
// of comparisons (each case's speedups, each Go versions table, the gate):
// holm (the default, Holm-Bonferroni: at most -alpha chance of any false
// positive in a family), bh (Benjamini-Hochberg: on average at most a
// fraction -alpha of the significant results are false) or none. The raw
// p-value is shown beside the adjusted one.
//
// Problems that leave the rest of the input usable (a malformed or overlong
// line, a value that is not finite or out of range for its unit, an
// iteration count below 1, an empty file, too few samples for an interval)
// are printed to standard error as file:line warnings (the first 100) and
// listed in the report. Numeric flags are checked against their ranges
// before anything is read. benchreport exits with
// status 1 on an error, such as a missing file or no results at all, and 2
// on a usage error.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"concbench/report"
	"concbench/report/answers"
	"concbench/report/checks"
	"concbench/report/fits"
	"concbench/report/gate"
	"concbench/report/history"
	"concbench/report/multitest"
	"concbench/report/results"
	"concbench/report/sweep"
	"concbench/report/versions"
)

func main() {
	// The data read stays live until the report is written, so with the
	// default GOGC the collector marks it again and again; a larger heap
	// goal between collections saves about a sixth of the CPU time on
	// 100,000 result lines, for half as much peak memory again (270 MB
	// rather than 180 MB). GOGC set in the environment still wins.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	// The larger heap goal gives way to a soft limit, so that a large
	// input is collected more often rather than outgrowing the machine.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	removeTempsOnSignal()
	err := run(os.Args[1:], os.Stdout, os.Stderr)
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "benchreport:", err)
	}
	os.Exit(exitCode(err))
}

// gcPercent is the garbage collector's heap growth target when GOGC is
// not set.
const gcPercent = 400

// memoryLimit is the soft memory limit when GOMEMLIMIT is not set.
const memoryLimit = 1 << 30

// exitCode maps run's error to the exit status: 0 on success, 2 for a usage
// error (including -h and an unknown flag), 1 for any other error.
func exitCode(err error) int {
	var usage usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &usage), errors.Is(err, flag.ErrHelp), errors.Is(err, errFlagParse):
		return 2
	}
	return 1
}

// errFlagParse marks an error from parsing the flags.
var errFlagParse = errors.New("bad flags")

// usageError marks an error in the command line.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("benchreport", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", filepath.Join("out", "report.html"), "write the HTML report to `file`; the .md and .json files go beside it")
	filter := fs.String("filter", "", "keep only the results matching `expr` (benchstat filter syntax)")
	title := fs.String("title", "", "the report's `title` (default \"concbench report\")")
	baseTC := fs.String("base", "", "the baseline `toolchain` of the Go versions section (default the first in the files)")
	historyDir := fs.String("history", "", "report the history of the results files kept in `dir`")
	check := fs.String("check", "", "regression gate: compare the files with the `baseline` results file")
	maxSlowdown := fraction(gate.DefaultMaxSlowdown)
	fs.Var(&maxSlowdown, "max-slowdown", "-check: the largest tolerated significant slowdown, as `fraction` (5% or 0.05)")
	var minEfficiency fraction
	fs.Var(&minEfficiency, "min-efficiency", "-check: the floor of each model's parallel efficiency at the largest core count, as `fraction` (0: off)")
	alpha := fs.Float64("alpha", 0.05, "-check: the significance `level` of the family of Mann-Whitney U tests, between 0 and 1")
	otherMachine := fs.Bool("allow-other-machine", false, "-check: compare a baseline from another machine or setup (machine, ncpu, cpu, goos, goarch or profile differ), with a warning, rather than refuse")
	correction := fs.String("correction", string(multitest.Holm), "the correction for multiple testing of every family of comparisons: `method` holm, bh or none")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: benchreport [-o out/report.html] [-filter EXPR] [-title TITLE] FILE...")
		fmt.Fprintln(fs.Output(), "       benchreport -history DIR [-o out/history.html]")
		fmt.Fprintln(fs.Output(), "       benchreport -check BASELINE [-max-slowdown 5%] [-min-efficiency 0] NEW...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		// The flag package has printed the problem and the usage.
		return fmt.Errorf("%w: %v", errFlagParse, err)
	}
	// Every numeric flag is checked before anything is read.
	if !(*alpha > 0 && *alpha < 1) {
		return usageError{fmt.Sprintf("-alpha %v is not between 0 and 1", *alpha)}
	}
	if minEfficiency > 1 {
		return usageError{fmt.Sprintf("-min-efficiency %s is above 100%%", minEfficiency.String())}
	}
	method, err := multitest.ParseMethod(*correction)
	if err != nil {
		return usageError{"-correction: " + err.Error()}
	}
	if *check != "" {
		if *historyDir != "" {
			return usageError{"-check and -history do not go together"}
		}
		if fs.NArg() == 0 {
			fs.Usage()
			return usageError{"-check: no new results files given"}
		}
		return runCheck(*check, fs.Args(), *filter, gate.Options{
			MaxSlowdown:       float64(maxSlowdown),
			MinEfficiency:     float64(minEfficiency),
			Alpha:             *alpha,
			Correction:        method,
			AllowOtherMachine: *otherMachine,
		}, stdout, stderr)
	}
	names := fs.Args()
	readOpts := results.ReadOptions{Filter: *filter}
	analyzers := []report.Analyzer{answers.Analyzer{}, versions.Analyzer{Base: *baseTC}, sweep.Analyzer{}, fits.Analyzer{}}
	sections := append(answers.Sections(), versions.Section{}, report.CasesSection{}, fits.Section{}, sweep.Section{}, checks.Section{}, report.WarningsSection{})
	if *historyDir != "" {
		if fs.NArg() > 0 {
			return usageError{"-history reads its folder: give no results files"}
		}
		oSet := false
		fs.Visit(func(f *flag.Flag) { oSet = oSet || f.Name == "o" })
		if !oSet {
			*out = filepath.Join("out", "history.html")
		}
	}
	if len(names) == 0 && *historyDir == "" {
		fs.Usage()
		return usageError{"no results files given"}
	}
	if filepath.Ext(*out) != ".html" {
		return usageError{fmt.Sprintf("-o %s: the output file name must end in .html", *out)}
	}
	if *historyDir != "" {
		// The history draws every run; the rest of the page is the
		// latest run's report.
		all, err := historyFiles(*historyDir)
		if err != nil {
			return err
		}
		allIn, err := readInputs(all)
		if err != nil {
			return err
		}
		runs, err := results.Read(allIn, readOpts)
		if err != nil {
			return err
		}
		names = []string{history.Latest(runs)}
		analyzers = append(analyzers, history.Analyzer{Runs: runs})
		sections = append([]report.Section{history.Section{}}, sections...)
	}

	inputs, err := readInputs(names)
	if err != nil {
		return err
	}
	ds, err := results.Read(inputs, readOpts)
	if err != nil {
		return err
	}
	rep, err := report.Analyze(ds, report.AnalyzeOptions{Analyzers: analyzers, Correction: method})
	if err != nil {
		return err
	}
	printWarnings(stderr, rep.Warnings, *out)
	if v := versions.From(rep); v != nil && v.Note != "" {
		fmt.Fprintln(stderr, "note:", v.Note)
	}

	page := report.PageOptions{Title: *title, Sections: sections}
	base := strings.TrimSuffix(*out, ".html")
	outputs := []output{
		{base + ".json", func(w io.Writer) error { return report.WriteJSON(w, rep) }},
		{base + ".md", func(w io.Writer) error { return report.WriteMarkdown(w, rep, page) }},
		{*out, func(w io.Writer) error { return report.WriteHTML(w, rep, page) }},
	}
	if dir := filepath.Dir(*out); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("creating output folder: %w", err)
		}
	}
	if err := writeOutputs(outputs); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s, %s, %s\n", *out, base+".md", base+".json")
	return nil
}

// maxPrintedWarnings bounds the warnings printed on standard error; the
// report lists them all.
const maxPrintedWarnings = 100

// printWarnings prints the first warnings on w and counts the rest.
func printWarnings(w io.Writer, warnings []results.Warning, out string) {
	for i, wr := range warnings {
		if i == maxPrintedWarnings {
			fmt.Fprintf(w, "warning: … and %d more warnings, all listed in %s\n", len(warnings)-i, strings.TrimSuffix(out, ".html")+".json")
			break
		}
		fmt.Fprintln(w, "warning:", wr)
	}
}
