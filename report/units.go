package report

import (
	"cmp"
	"strconv"
	"strings"

	"golang.org/x/perf/benchfmt"
)

// HigherIsBetter reports whether larger values of unit are improvements: from
// a "Unit ... better=higher" metadata line, else from benchfmt's defaults,
// else for any rate ("/s").
func HigherIsBetter(units benchfmt.UnitMetadataMap, unit string) bool {
	switch units.GetBetter(unit) {
	case 1:
		return true
	case -1:
		return false
	}
	return strings.HasSuffix(unit, "/s")
}

// IsAllocUnit reports whether unit counts allocations. Their tables carry
// no speedups: fewer bytes per operation is not a speedup, and leaving the
// comparisons out halves the work on a large results file.
func IsAllocUnit(unit string) bool { return unit == "B/op" || unit == "allocs/op" }

// CompareUnits orders time per operation first, then custom metrics by name,
// then the allocation units.
func CompareUnits(a, b string) int {
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
