package runner

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The valid ranges of the numeric settings, checked before anything runs.
const (
	// MaxOversubscription bounds a GOMAXPROCS value to this many times
	// the machine's CPU count. More only adds threads that take turns on
	// the same cores, and far more (-cpu 99999) exhausts the runtime's
	// thread limit.
	MaxOversubscription = 4
	// MaxCount bounds -count, the samples (rounds) per benchmark and core
	// count.
	MaxCount = 1000
	// GoTestTimeout is the time one go test process (one package at one
	// core count, one sample of each benchmark) may take, as go test's
	// own default -timeout; longer means a benchmark hangs.
	GoTestTimeout = 10 * time.Minute
	// maxBenchIters bounds an -benchtime count ("100x"): testing's own
	// bound on b.N when it picks the count.
	maxBenchIters = 1_000_000_000
)

// DefaultCPUs returns the core counts to sweep on a machine with n CPUs:
// 1, 2, 4, ... up to n, always ending with n itself.
func DefaultCPUs(n int) []int {
	if n < 1 {
		n = 1
	}
	var cpus []int
	for c := 1; c < n; c *= 2 {
		cpus = append(cpus, c)
	}
	return append(cpus, n)
}

// ParseCPUs parses a comma-separated list of core counts such as "1,2,4",
// as go test -cpu takes it. Each must be a positive integer, given once.
func ParseCPUs(s string) ([]int, error) {
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("empty -cpu list")
	}
	var cpus []int
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("bad -cpu list %q: %q is not a positive integer", s, f)
		}
		if slices.Contains(cpus, n) {
			return nil, fmt.Errorf("bad -cpu list %q: %d appears twice", s, n)
		}
		cpus = append(cpus, n)
	}
	return cpus, nil
}

// ParseToolchains splits a list of GOTOOLCHAIN values separated by commas
// or spaces, such as "go1.26.8,go1.27.3" or "local go1.27.3".
// CheckCPUs checks that each core count is from 1 to MaxOversubscription
// times ncpu, the machine's CPU count.
func CheckCPUs(cpus []int, ncpu int) error {
	most := MaxOversubscription * max(ncpu, 1)
	for _, c := range cpus {
		if c < 1 {
			return fmt.Errorf("bad -cpu list %q: %d is not a positive integer", formatCPUs(cpus), c)
		}
		if c > most {
			return fmt.Errorf("bad -cpu list %q: %d is over %d, %d times this machine's %d CPUs (more GOMAXPROCS only adds threads that take turns on the same cores)",
				formatCPUs(cpus), c, most, MaxOversubscription, ncpu)
		}
	}
	return nil
}

// CheckCount checks a -count: from 1 to MaxCount.
func CheckCount(n int) error {
	if n < 1 || n > MaxCount {
		return fmt.Errorf("bad -count %d: want 1 to %d samples per benchmark and core count", n, MaxCount)
	}
	return nil
}

// checkBenchtime accepts what go test -benchtime does, within range: a
// duration from 1ns to GoTestTimeout, or a count of iterations from 1x to
// 1000000000x.
func checkBenchtime(s string) error {
	if n, ok := strings.CutSuffix(s, "x"); ok {
		v, err := strconv.ParseInt(n, 10, 64)
		if err == nil && v > 0 && v <= maxBenchIters {
			return nil
		}
		if err == nil || errors.Is(err, strconv.ErrRange) {
			return fmt.Errorf("bad -benchtime %q: want 1x to %dx iterations", s, maxBenchIters)
		}
	} else if d, err := time.ParseDuration(s); err == nil {
		if d > 0 && d <= GoTestTimeout {
			return nil
		}
		return fmt.Errorf("bad -benchtime %q: want a duration above 0 and at most %v, the time one go test may run", s, GoTestTimeout)
	}
	return fmt.Errorf("bad -benchtime %q: want a duration such as 100ms or a count such as 10x", s)
}

// benchtimeDuration returns the duration of a -benchtime such as "100ms",
// and false for a count such as "10x".
func benchtimeDuration(s string) (time.Duration, bool) {
	d, err := time.ParseDuration(s)
	return d, err == nil
}

func ParseToolchains(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
}

func formatCPUs(cpus []int) string {
	s := make([]string, len(cpus))
	for i, c := range cpus {
		s[i] = strconv.Itoa(c)
	}
	return strings.Join(s, ",")
}
