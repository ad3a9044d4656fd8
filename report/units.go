package report

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// isAllocUnit reports whether unit counts allocations. Their tables carry
// no speedups: fewer bytes per operation is not a speedup, and leaving the
// comparisons out halves the work on a large results file.
func isAllocUnit(unit string) bool { return unit == "B/op" || unit == "allocs/op" }

// compareUnits orders a throughput in requests per second first, then time
// per operation, then custom metrics by name, then the allocation units.
func compareUnits(a, b string) int {
	rank := func(u string) int {
		switch u {
		case "req/s":
			return -1
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
// the units it reports: the requests answered per second (req/s) of a
// service under load when it has it, since the time of one operation of a
// closed loop of clients is the mean latency of its answers, not what the
// service is deployed for; else time per operation; else the first unit,
// by name, that does not count allocations (B/op, allocs/op); "" when it
// reports only allocations. The cases' charts, the Go versions
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

// CompanionUnit returns the unit drawn beside a case's primary unit, given
// the units it reports: the 99th-percentile latency (p99-latency-ns,
// which benchfmt tidies to p99-latency-sec) of a case judged by its
// requests per second, whose tail its throughput does not show; ""
// otherwise.
func CompanionUnit(units []string) string {
	if PrimaryUnit(units) == "req/s" && slices.Contains(units, "p99-latency-sec") {
		return "p99-latency-sec"
	}
	return ""
}

// BenchmarkName returns the full name of one model of a case at one core
// count as the results file and benchstat write it: the case's name, the
// model key, the other name keys and the -N suffix of GOMAXPROCS, which a
// benchmark at GOMAXPROCS=1 has none of ("Factorize/model=pool/n=7-2").
// A case whose series are named by other keys writes them with
// [Case.BenchmarkName].
func BenchmarkName(name, model, params string, procs int) string {
	return seriesBenchmarkName(name, nil, model, params, procs)
}

// seriesBenchmarkName returns the full name of the series of a case whose
// series are named by keys (nil: the /model key): each key with its value
// from the series, in order, after the case's name, as results.SeriesKey
// cuts them.
func seriesBenchmarkName(name string, keys []string, series, params string, procs int) string {
	return name + seriesPart(keys, series) + params + procsSuffix(procs)
}

func seriesPart(keys []string, series string) string {
	if series == "" {
		return ""
	}
	if len(keys) == 0 {
		return "/model=" + series
	}
	values := strings.SplitN(series, "+", len(keys))
	var b strings.Builder
	for i, v := range values {
		b.WriteString("/" + keys[i] + "=" + v)
	}
	return b.String()
}

func procsSuffix(p int) string {
	if p == 1 {
		return ""
	}
	return "-" + strconv.Itoa(p)
}
