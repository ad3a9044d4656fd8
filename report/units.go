package report

import (
	"cmp"
	"strconv"
	"strings"
)

// isAllocUnit reports whether unit counts allocations. Their tables carry
// no speedups: fewer bytes per operation is not a speedup, and leaving the
// comparisons out halves the work on a large results file.
func isAllocUnit(unit string) bool { return unit == "B/op" || unit == "allocs/op" }

// compareUnits orders time per operation first, then custom metrics by name,
// then the allocation units.
func compareUnits(a, b string) int {
	rank := func(u string) int {
		switch u {
		case "sec/op":
			return 0
		case "B/op":
			return 2
		case "allocs/op":
			return 3
		}
		return 1
	}
	if c := cmp.Compare(rank(a), rank(b)); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

// PrimaryUnit returns the unit a benchmark or a case is judged by, given
// the units it reports: time per operation when it has it, else the first
// unit, by name, that does not count allocations (B/op, allocs/op); ""
// when it reports only allocations. The cases' charts, the Go versions
// section, the history and the regression gate all read this one unit.
func PrimaryUnit(units []string) string {
	best := ""
	for _, u := range units {
		if !isAllocUnit(u) && (best == "" || compareUnits(u, best) < 0) {
			best = u
		}
	}
	return best
}

// CompareModels orders the baseline model first, then by name.
func CompareModels(a, b, baseline string) int {
	if (a == baseline) != (b == baseline) {
		if a == baseline {
			return -1
		}
		return 1
	}
	return strings.Compare(a, b)
}

// BenchmarkName returns the full name of one model of a case at one core
// count as the results file and benchstat write it: the case's name, the
// model key, the other name keys and the -N suffix of GOMAXPROCS, which a
// benchmark at GOMAXPROCS=1 has none of ("Factorize/model=pool/n=7-2").
func BenchmarkName(name, model, params string, procs int) string {
	return name + modelPart(model) + params + procsSuffix(procs)
}

func modelPart(m string) string {
	if m == "" {
		return ""
	}
	return "/model=" + m
}

func procsSuffix(p int) string {
	if p == 1 {
		return ""
	}
	return "-" + strconv.Itoa(p)
}
