// Command benchrun runs the concbench benchmark suite across core counts
// (GOMAXPROCS) and Go toolchains, and writes the results in the Go
// benchmark format, headed by config lines describing the toolchain and
// the machine, for benchreport and benchstat to read.
//
// Usage:
//
//	benchrun [flags]
//
// It prints the path of the results file on standard output and its
// progress on standard error. The file is written as NAME.partial while
// the run goes on and renamed to NAME when every package has passed.
//
// Examples:
//
//	benchrun                                  # quick profile, cores 1, 2, 4, ... NumCPU
//	benchrun -profile full -cpu 1,4,8
//	benchrun -bench Factorize -count 10
//	benchrun -toolchains go1.26.8,go1.27.3    # interleaved rounds, one file
//
// To measure on a machine without Go, build the suite's test binaries
// once into a bundle (GOOS and GOARCH choose its platform), copy it there
// with a benchrun built for it, and run the bundle instead of go test:
//
//	GOARCH=arm64 benchrun -build out/bundle   # here; prints the folder
//	benchrun -bin bundle -profile full        # there, with the usual flags
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"concbench/tools/benchrun/internal/runner"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "benchrun:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("benchrun", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var profiles []string
	for _, p := range runner.Profiles() {
		profiles = append(profiles, fmt.Sprintf("%s (count %d, benchtime %s: %s)", p.Name, p.Count, p.Benchtime, p.About))
	}
	var (
		profile    = fs.String("profile", runner.Profiles()[0].Name, "input sizes, count and benchtime: `name`, one of\n"+strings.Join(profiles, "\n"))
		cpu        = fs.String("cpu", "", "comma-separated GOMAXPROCS `list` to sweep, each from 1 to 4 times the CPU count (default 1,2,4,... up to the CPU count)")
		count      = fs.Int("count", 0, "samples per benchmark and core count `n`, 1 to 1000 (default the profile's)")
		benchtime  = fs.String("benchtime", "", "go test -benchtime of one sample: a duration up to 10m or a count up to 1000000000x (default the profile's)")
		bench      = fs.String("bench", ".", "run only benchmarks matching `regexp`, as go test -bench")
		output     = fs.String("o", "", "results `file`, replaced if it exists (default OUTDIR/PROFILE-TOOLCHAIN-DATE.txt, never replaced: a run in the same second gets NAME-2.txt)")
		outDir     = fs.String("outdir", "out/results", "`folder` for default-named results files")
		toolchain  = fs.String("toolchain", "", "GOTOOLCHAIN `value` to run with (default the installed go)")
		toolchains = fs.String("toolchains", "", "comma-separated GOTOOLCHAIN `values` to compare in interleaved rounds (local = the installed go)")
		machine    = fs.String("machine", "", "`name` of this machine in the results (default the host name)")
		dir        = fs.String("suite", "benchmarks", "the benchmark module `folder`")
		build      = fs.String("build", "", "build the suite's test binaries, for the GOOS and GOARCH of the environment, into a bundle `folder` to run with -bin where Go is not installed")
		bin        = fs.String("bin", "", "run the test binaries of the bundle `folder` made by -build instead of go test: no Go needed")
	)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q (flags only; see -help)", fs.Args())
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	// On a signal that would end benchrun (Ctrl-C, kill, a closed
	// terminal) the runner stops every process it started, at once, and
	// keeps what was measured in the .partial file.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()

	if set["build"] {
		return runBuild(ctx, set, *build, *dir, *toolchain, stdout, stderr)
	}
	p, err := runner.LookupProfile(*profile)
	if set["bin"] {
		// The bundle's own table gives the profile's defaults.
		p, err = runner.Profile{Name: *profile}, nil
		for _, name := range []string{"suite", "toolchain", "toolchains"} {
			if set[name] {
				return fmt.Errorf("-bin runs a bundle's binaries, built from one suite with one toolchain: -%s does not apply", name)
			}
		}
	}
	if err != nil {
		return err
	}
	opts := runner.Options{
		Dir:       *dir,
		Profile:   p,
		Bench:     *bench,
		Count:     *count,
		Benchtime: *benchtime,
		Output:    *output,
		OutDir:    *outDir,
		Machine:   *machine,
		Progress:  stderr,
		Live:      isTerminal(stderr),
		Bundle:    *bin,
		Revision:  buildRevision(),
	}
	// -count 0 is out of range, not the profile's count, which only an
	// absent -count means.
	if set["count"] {
		if err := runner.CheckCount(*count); err != nil {
			return err
		}
	}
	if *cpu != "" {
		if opts.CPUs, err = runner.ParseCPUs(*cpu); err != nil {
			return err
		}
	}
	switch {
	case *toolchain != "" && *toolchains != "":
		return errors.New("give -toolchain or -toolchains, not both")
	case *toolchain != "":
		opts.Toolchains = []string{*toolchain}
	case *toolchains != "":
		opts.Toolchains = runner.ParseToolchains(*toolchains)
	}
	path, err := runner.Run(ctx, opts)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, path)
	return err
}

// runBuild runs benchrun -build: it prints the bundle's folder on standard
// output once the bundle is complete.
func runBuild(ctx context.Context, set map[string]bool, out, suite, toolchain string, stdout, stderr io.Writer) error {
	if set["bin"] {
		return errors.New("give -build or -bin, not both: build here, run there")
	}
	for _, name := range []string{"profile", "cpu", "count", "benchtime", "bench", "o", "outdir", "toolchains", "machine"} {
		if set[name] {
			return fmt.Errorf("-build builds every benchmark package, for every profile: -%s does not apply (give it to -bin)", name)
		}
	}
	if out == "" {
		return errors.New("-build needs a folder")
	}
	m, err := runner.Build(ctx, runner.BuildOptions{Dir: suite, Out: out, Toolchain: toolchain, Progress: stderr})
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "benchrun: bundle of %d packages for %s/%s, built with %s at %s\n", len(m.Packages), m.GOOS, m.GOARCH, m.Toolchain, m.Commit)
	_, err = fmt.Fprintln(stdout, out)
	return err
}

// buildRevision returns the commit this program was built from, as the
// go command recorded it, or "" (go run and go test record none).
func buildRevision() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" {
			return s.Value
		}
	}
	return ""
}

// isTerminal reports whether w is a character device, such as a terminal,
// where a status line can be redrawn in place.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
