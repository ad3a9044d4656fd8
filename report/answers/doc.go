// Package answers adds the report's answers to the questions a reader
// brings, computed from the results, above the tables that are their
// evidence:
//
//  1. the summary: per case, the fastest model at 1 core and at the
//     largest core count that is not oversubscribed, its speedup against
//     the baseline with its interval, and the models that tie with it (the
//     core's comparison, [report.Compare]: Mann-Whitney U at the report's
//     significance level, as benchstat decides);
//  2. the task-size sweep (BenchmarkTaskSize/model=M/work=W/items=K): each
//     model's speedup against the serial model's time per task, and the
//     smallest task size from which it beats serial;
//  3. the seed tutorial's decision tree (its section 8), with this
//     machine's numbers on each branch;
//  4. the tutorial's claims, one row each: the tutorial's figure, the
//     measured one and a verdict.
//
// The tutorial's own figures live in one data file, tutorial.json,
// embedded, each with the section it comes from. Every measured figure is
// read from the results; absolute figures are compared only with results
// at the tutorial's inputs (the seed profile's), and a row says so where
// the inputs differ.
//
// [Analyzer] computes an [Analysis] per run (a machine and toolchain),
// stored in report.json under [Key]; [Sections] render it in HTML and
// Markdown.
package answers
