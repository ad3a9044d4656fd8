// Package scaling fits scaling laws to benchmark results: numbers in, fits
// out. It knows nothing of benchmark files or reports.
//
// A series is one case and one concurrency model measured at several core
// counts N (GOMAXPROCS), with samples of throughput X(N) at each: a
// [Point] per core count, higher is better ([Throughputs] turns times per
// operation into throughputs). For a series, [Analyze] answers how far the
// model would scale:
//
//   - Amdahl's law (Amdahl, AFIPS 1967): S(N) = 1/(s + (1-s)/N) with
//     S(N) = X(N)/X(1). s, in [0, 1], is the serial fraction: the part
//     of the work that more cores do not speed up; the speedup can never
//     exceed 1/s.
//   - Gunther's Universal Scalability Law (Gunther, "Guerrilla Capacity
//     Planning", 2007): X(N) = lambda N / (1 + sigma (N-1) + kappa N (N-1)).
//     sigma >= 0 is contention (waiting for a shared resource: sigma
//     alone is Amdahl's law), kappa >= 0 coherency (the pairwise cost of
//     keeping shared state consistent). With kappa > 0 the throughput
//     peaks at N* = sqrt((1-sigma)/kappa) and falls beyond it.
//   - The Karp-Flatt metric (Karp and Flatt, CACM 33(5), 1990): e(N) =
//     (N/S - 1)/(N - 1) at each measured N >= 2, the serial fraction that
//     would explain the measured speedup. Constant under Amdahl's law, it
//     is sigma + kappa N, a straight line, under the USL (with lambda =
//     X(1)): a rising e(N) shows overheads that grow with the cores.
//   - COST (McSherry, Isard and Murray, "Scalability! But at what COST?",
//     HotOS 2015): the smallest core count at which the series beats the
//     best of a reference (the serial model) at any core count; see
//     [COST] for the rule, which takes the intervals into account.
//
// Every parameter and every derived value comes with a 95% bootstrap
// interval, and the fitted curves are evaluated, with pointwise
// intervals, at the core counts of a projection (by default up to 128).
//
// # Steps
//
// [Analyze] works in these steps:
//
//  1. Clean the points: sort them by N, pool the samples of a repeated
//     N, drop samples that are not positive, finite numbers and points
//     left with none, and N < 1; each with a note (Analysis.Notes).
//  2. Summarise each point by the median of its samples, as benchstat
//     does. The fits see medians scaled to a largest value of 1.
//  3. Decide what can be fitted, from the number of distinct core counts
//     P that are left. Amdahl's law and Karp-Flatt need the 1-core point
//     and at least one more (P >= 2): on two points Amdahl's fit is exact,
//     s = e(N), computed in closed form. The USL has three parameters and
//     needs P >= 3, with or without N = 1 (lambda is fitted); on three it
//     is exact. So a two-core machine gives Amdahl's law and Karp-Flatt
//     only. A model that cannot be fitted is listed in Analysis.Unfitted
//     with the reason; no fit is ever made up.
//  4. Fit by least squares: Amdahl's law on the speedups of the points N
//     > 1 (its only parameter, s, is held in [0, 1]), the USL on the
//     throughputs, with sigma and kappa held at 0 or above.
//  5. Bootstrap (Efron and Tibshirani, 1993): resample each point's
//     samples with replacement, take each point's median, and refit,
//     Options.Resamples times (DefaultResamples, 1000); the interval of
//     each value is the percentile interval of its replicates (the ranks
//     floor(R(1-c)/2) and R-1 minus that, for R replicates at confidence
//     c). A value that is a ratio of two medians (a speedup X(N)/X(1),
//     and so e(N), Amdahl's s on two points and its projection; a COST
//     ratio) needs no refit: its interval is the limit of the same
//     bootstrap as R grows without bound, computed exactly from the
//     distribution of the median of a resample, which depends only on
//     the ranks of the order statistics of uniform draws. This needs at
//     least two samples at every point. When some point has a single
//     sample, as in published data sets of one throughput per core
//     count, each fit with more points than parameters is bootstrapped
//     on its residuals instead (Davison and Hinkley, 1997);
//     [IntervalMethod] says which was used. The peak N* is reported only
//     when kappa's interval excludes 0.
//  6. Project: evaluate each fitted law at Options.Project, with the
//     pointwise percentiles of the replicates' curves as its band.
//  7. COST, when a [Reference] is given (see [NewReference]).
//  8. Check: any value that is not finite (only inputs near the limits
//     of float64 can cause one) drops its part of the result, with a
//     reason, so that the result always encodes as JSON.
//
// The bootstrap is seeded with Options.Seed (DefaultSeed unless set) for
// every series, so the same points always give the same result, in any
// order and on any goroutine: reports built from it can be compared with
// golden files.
//
// # Example
//
// A model measured at 1, 2, 4 and 8 cores, six times per operation at
// each (the package's Example runs this as a test):
//
//	var pts []scaling.Point
//	for i, t := range times { // times[i]: the samples at 2^i cores
//		pts = append(pts, scaling.Point{N: 1 << i, X: scaling.Throughputs(t)})
//	}
//	a, err := scaling.Analyze(pts, nil, scaling.Options{Project: []int{64, 128}})
//	// a.Amdahl.S, a.USL.Sigma, a.USL.Kappa, a.USL.Peak: values with
//	// intervals; a.KarpFlatt: e(N) per core count; a.USL.Projection: the
//	// curve at 64 and 128 cores with its band.
//
// For COST, build the reference once per case from the serial model's
// points and pass it to the analysis of every model (ExampleNewReference).
//
// # The solver, and why this package has its own
//
// The USL is fitted by variable projection (Golub and Pereyra, SIAM J.
// Numer. Anal. 10(2), 1973): lambda enters linearly, so for given sigma and
// kappa its best value is a closed form, and the search runs over (sigma,
// kappa) alone, by Levenberg-Marquardt with Marquardt's scaling, Nielsen's
// damping update (IMM, DTU, 1999), the exact Jacobian of the projected
// residuals and an active set that holds a parameter on its bound while
// the gradient points out of the box. The cold fit of the measured points
// starts from each of Gunther's linearised estimates (n/X(n) is a
// quadratic in n, fitted by weighted linear least squares, with and
// without each of sigma and kappa) and from (0, 0), and keeps the best;
// each bootstrap refit starts warm from that fit. Amdahl's fit is the
// same method in one dimension.
//
// gonum's optimize package (the well-kept choice in Go) has no
// Levenberg-Marquardt and no bounds, and its Minimize runs each search
// through goroutines and channels: on the same problems its BFGS and
// Nelder-Mead take some 0.2 to 0.8 ms per fit, against 4 to 12
// microseconds for a cold fit here and 1 to 2 for a warm one
// (BenchmarkFitUSL, 5 and 32 points), and the USL is refitted a thousand
// times per series. gonum is used in the tests instead, as an independent check:
// TestFitUSLAgainstGonum fits clean, noisy and pathological series and
// fails if gonum's Nelder-Mead, from several starts, finds a smaller sum
// of squares within the bounds.
//
// # Cost
//
// A report fits every case and model, most of them on two core counts,
// so the common path is cheap and has no loop over resamples at all:
// Amdahl's law on two points is a closed form, and so are its interval
// and projection band, because s, e(N) and S(N) are monotone in the
// measured speedup and percentile bounds commute with monotone maps. The
// speedup's own interval is exact: each median's bootstrap distribution
// (k(k+1)/2 cells for k samples) is tabulated once, and the tails of the
// ratio of two such distributions are walked in order with a small heap
// until they hold the tail's mass, visiting a few dozen cells. A
// [Reference] tabulates its best once, for every model of a case. The
// refits of the USL (and of Amdahl's law on more points) draw each
// median from its table with Walker's alias method (Vose, IEEE TSE
// 17(9), 1991), one random number per draw, start warm from the fit of
// the measured points and converge in a few steps; their percentiles are
// kept in two small heaps per value as the replicates come, without
// storing or sorting them.
package scaling
