package runner

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
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
