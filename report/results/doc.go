// Package results reads Go benchmark results files into one [Dataset]: every
// result line as an [Observation], projected with golang.org/x/perf/benchproc
// onto the keys the report groups by (the benchmark's case, its series: the
// /model key or the [SeriesKey] values; its GOMAXPROCS, the split-by configuration keys and the other
// configuration), with its position in its file, and the problems met on the
// way as [Warning] values.
//
// It is the first step of the report's pipeline (see package
// concbench/report) and imports nothing of the report: it is to the report
// what golang.org/x/perf/benchfmt and benchproc are to benchstat.
package results
