// Package report turns Go benchmark results into the concbench report: the
// speedup of each concurrency model against the number of cores it ran on.
// It is the core of the report's packages, split by concern as
// golang.org/x/perf is (benchfmt reads, benchproc groups, benchmath
// computes, benchtab presents):
//
//	report/results   reading results files into a Dataset (benchfmt, benchproc)
//	report           the core: grouping, statistics, the cases, the page (this package)
//	report/versions  the Go versions comparison and its section
//	report/history   the history of runs and its section
//	report/gate      the regression gate
//	report/answers   the summary, the decision tree, the tutorial's claims, the task-size sweep
//	report/scaling   scaling-law fits: numbers in, fits out (a leaf)
//	report/fits      those fits per case, their projections and their section
//	report/multitest adjusted p-values for multiple testing (a leaf)
//	report/stability drift, noise, outliers, samples and load checks (a leaf)
//	report/checks    the section on how far to trust the verdicts
//
// Dependencies go one way: results, then this package, then the feature
// packages, which import it and never each other; the leaves
// (report/scaling, report/multitest, report/stability) import none of
// them; the commands in tools/ sit on top.
//
// The pipeline has five steps:
//
//  1. [results.Read] parses one or more results files in the Go benchmark
//     format with golang.org/x/perf/benchfmt, filters them with a benchproc
//     filter and projects every result onto the report's keys: the case
//     (the benchmark name and its name keys other than its series' keys),
//     its series (the /model key, or in a name without one, the
//     [results.SeriesKey] values, such as deploy and fanout), /gomaxprocs
//     (a name without a -N suffix ran at GOMAXPROCS=1),
//     the split-by configuration keys (toolchain, machine, ...) and the
//     other configuration. The output is a [results.Dataset]: every
//     observation with its position in its file, and the warnings about
//     lines that could not be used.
//  2. [Group] gathers the observations into one [Grouping]: runs (one per
//     combination of the split-by keys, or per results file too for the
//     history), their cases, each case's benchmarks (a model at a core
//     count) and each benchmark's sample of every unit. It is the one
//     grouping every analysis reads, as benchtab's Builder feeds every
//     table of benchstat.
//  3. [Analyze] summarises every sample and compares them with one [Stats]
//     (the unit metadata, whose assume=exact it honours, the confidence
//     and the significance level): [Stats.Summarize] gives the median and
//     its interval, [Compare] the one [Comparison] of two samples, read as
//     a [Comparison.Ratio] (new over reference) or a [Comparison.Speedup].
//     Each sample's primary unit is checked by report/stability (drift
//     across the rounds, noise, outliers, too few samples), which flags its
//     [Point] and adds a warning. Every family of comparisons
//     ([Report.Families]) then has its p-values adjusted together
//     ([Family.Adjust], AnalyzeOptions.Correction), the cases' before the
//     analysers run and each analyser's as it returns.
//     It computes, for every case, model and core count, the speedup
//     against the baseline model at one core, the speedup against the
//     model's own one-core result and the parallel efficiency. The output
//     is a [Report], the one data structure every chart and table is drawn
//     from, written as report.json by [WriteJSON] (encoding/json).
//  4. Each [Analyzer] passed in [AnalyzeOptions] then reads the grouping and
//     the core analysis and stores its own data in Report.Extensions under
//     its name: the Go versions comparison, the history, and the analyses
//     to come.
//  5. [WriteHTML] and [WriteMarkdown] render the report as one
//     self-contained HTML page (the echarts library inlined, no request to
//     any other host) and as a Markdown summary. Each part of the page is a
//     [Section]; [DefaultSections] are the cases and the warnings, and a
//     feature package's section renders its extension.
//
// # Adding an analysis
//
// A new analysis is a package of its own under report/ (such as
// report/versions) that imports this package and follows one pattern:
//
//   - an Analysis type holding its data, with json tags: it is written
//     into report.json under its key;
//   - an Analyzer type whose Name returns the package's Key and whose
//     Analyze(g, rep) computes the Analysis from the [Grouping] (g.Runs[i]
//     is the run rep.Runs[i] analyses) and the core [Report], making every
//     summary and comparison with rep.Stats, so that a unit is tested as
//     it is in the cases;
//   - a From(rep) function returning the Analysis stored in the report
//     ([Extension]);
//   - a Section type whose HTML and Markdown render it, with the
//     rendering functions of this package: [Escape], [ChartDiv],
//     [Execute], [MarkdownText], the number formats ([FormatValue],
//     [FormatEstimate], [FormatPercent], [FormatFraction]) and the chart
//     builders on go-echarts ([NewLine], [NewBar], [NewBoxPlot],
//     [ChartGlobals], [AddLine], [AddPoints], [AddIdeal], [NewWhiskers],
//     [AddWhiskers], [AddBands], [NewChart]), which build the charts as
//     go-echarts' own constructors do, without their reflective defaults
//     per chart;
//   - when it draws on the cases' speedup charts, a DecorateSpeedup
//     method on the Analysis ([SpeedupDecorator]): [CasesSection] calls
//     it for every case, as report/fits does for its projections;
//   - when it makes comparisons, a Families method ([FamilyLister]), so
//     that [Report.Families] lists them for a correction for multiple
//     testing.
//
// A command wires it by adding its Analyzer to AnalyzeOptions.Analyzers
// and its Section to PageOptions.Sections (see tools/benchreport). A
// computation that needs nothing of the report, such as fitting scaling
// laws, belongs in a leaf package that imports none of these.
//
// Every string that comes from a results file (benchmark names, configuration
// values, file names) is treated as hostile: it reaches the page only as text.
package report
