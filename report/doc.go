// Package report turns Go benchmark results into the concbench report: the
// speedup of each concurrency model against the number of cores it ran on.
//
// The pipeline has three steps, each with its own function:
//
//  1. [Read] parses one or more results files in the Go benchmark format with
//     golang.org/x/perf/benchfmt, filters them with a benchproc filter and
//     groups every result by benchproc projections: the benchmark name, the
//     /model key, the other name keys, /gomaxprocs (a name without a -N suffix
//     ran at GOMAXPROCS=1) and the configuration keys that separate runs
//     (toolchain, machine, ...). The output is a [results.Dataset]: every observation
//     with its position in its file and its configuration, and the warnings
//     about lines that could not be used.
//  2. [Analyze] summarises each group with golang.org/x/perf/benchmath (the
//     median and its 95% interval, Mann-Whitney U tests for comparisons) and
//     computes, for every case, model and core count, the speedup against the
//     serial model at one core, the speedup against the model's own one-core
//     result and the parallel efficiency. The output is a [Report], the one
//     data structure every chart and table is drawn from; it is also written
//     as report.json by [WriteJSON]. [Analyzer] values add their own analysed
//     data to it without changes here.
//  3. [WriteHTML] and [WriteMarkdown] render the [Report] as one self-contained
//     HTML page (the echarts library inlined, no request to any other host)
//     and as a Markdown summary. Each part of the page is a [Section]; new
//     parts are added by passing more sections.
//
// Every string that comes from a results file (benchmark names, configuration
// values, file names) is treated as hostile: it reaches the page only as text.
package report
