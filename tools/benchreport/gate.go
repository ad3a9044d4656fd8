package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"concbench/report/gate"
	"concbench/report/results"
)

// maxFraction bounds a fraction flag: a slowdown of 1000 times is
// already no gate at all.
const maxFraction float64 = 1000

// fraction is a flag.Value for a fraction given as "5%" or "0.05", from 0
// to maxFraction.
type fraction float64

func (f *fraction) String() string {
	return strconv.FormatFloat(100*float64(*f), 'g', -1, 64) + "%"
}

func (f *fraction) Set(s string) error {
	t := strings.TrimSpace(s)
	scale := 1.0
	if rest, ok := strings.CutSuffix(t, "%"); ok {
		t, scale = strings.TrimSpace(rest), 0.01
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || !(v*scale >= 0 && v*scale <= maxFraction) {
		return fmt.Errorf("%q is not a fraction from 0 to %g such as 5%% or 0.05", s, maxFraction)
	}
	*f = fraction(v * scale)
	return nil
}

// readInputs reads the named results files.
func readInputs(names []string) ([]results.Input, error) {
	inputs := make([]results.Input, 0, len(names))
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("reading results: %w", err)
		}
		inputs = append(inputs, results.Input{Name: name, R: bytes.NewReader(data)})
	}
	return inputs, nil
}

// historyFiles lists the results files kept in dir: every *.txt file, in
// name order (the history orders runs by their date: lines, not by name).
// Unfinished runs (*.partial) and hidden files are left out.
func historyFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("reading history: %w", err)
	}
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() && filepath.Ext(e.Name()) == ".txt" && !strings.HasPrefix(e.Name(), ".") {
			names = append(names, filepath.Join(dir, e.Name()))
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("reading history: no results files (*.txt) in %s", dir)
	}
	slices.Sort(names)
	return names, nil
}

// regressionError is the error of a failed gate; its offenders have been
// printed.
type regressionError struct{ n int }

func (e regressionError) Error() string {
	if e.n == 1 {
		return "1 benchmark failed the regression gate"
	}
	return fmt.Sprintf("%d benchmarks failed the regression gate", e.n)
}

// runCheck runs the regression gate of the new files against the baseline
// file and prints its outcome on stdout: one FAIL line per offender, then a
// summary.
func runCheck(baseline string, news []string, filter string, opts gate.Options, stdout, stderr io.Writer) error {
	baseIn, err := readInputs([]string{baseline})
	if err != nil {
		return err
	}
	newIn, err := readInputs(news)
	if err != nil {
		return err
	}
	base, err := results.Read(baseIn, results.ReadOptions{Filter: filter})
	if err != nil {
		return fmt.Errorf("baseline: %w", err)
	}
	cur, err := results.Read(newIn, results.ReadOptions{Filter: filter})
	if err != nil {
		return fmt.Errorf("new results: %w", err)
	}
	res, err := gate.Check(base, cur, opts)
	if setupErr := (*gate.SetupError)(nil); errors.As(err, &setupErr) {
		return fmt.Errorf("checking: %w, or -allow-other-machine to compare anyway", err)
	}
	if err != nil {
		return fmt.Errorf("checking: %w", err)
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(stderr, "warning: %s\n", w)
	}
	for _, o := range res.Offenders {
		fmt.Fprintf(stdout, "FAIL %s\n", o)
	}
	eff := "off"
	if opts.MinEfficiency > 0 {
		eff = fmt.Sprintf("%d models at >= %s", res.EfficiencyChecked, strconv.FormatFloat(100*opts.MinEfficiency, 'g', -1, 64)+"%")
	}
	fmt.Fprintf(stdout, "check: %d benchmarks compared (%d significantly slower, %d faster, %d significant before the %s correction; tolerated slowdown %s, alpha %s); efficiency floor: %s",
		res.Compared, res.Slower, res.Faster, res.RawSignificant, res.Correction, strconv.FormatFloat(100*opts.MaxSlowdown, 'g', -1, 64)+"%", strconv.FormatFloat(opts.Alpha, 'g', -1, 64), eff)
	if res.OnlyBase+res.OnlyNew > 0 {
		fmt.Fprintf(stdout, "; %d only in the baseline, %d only in the new results", res.OnlyBase, res.OnlyNew)
	}
	fmt.Fprintln(stdout)
	if res.Note != "" {
		fmt.Fprintln(stdout, "note:", res.Note)
	}
	if res.Failed() {
		return regressionError{len(res.Offenders)}
	}
	fmt.Fprintln(stdout, "ok")
	return nil
}
