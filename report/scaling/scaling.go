package scaling

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
)

// Defaults of [Options].
const (
	// DefaultResamples is the number of bootstrap resamples of the
	// refits: enough for the 2.5th and 97.5th percentiles to rest on 25
	// replicates each.
	DefaultResamples = 1000
	// DefaultSeed seeds every bootstrap, so that the same points always
	// give the same intervals, whatever the order or the goroutine in
	// which series are analysed.
	DefaultSeed uint64 = 0x5ca1ab1e
	// DefaultConfidence is the confidence level of every interval.
	DefaultConfidence = 0.95
	// DefaultMaxProjection is the largest core count of the default
	// projection, [DefaultProjection].
	DefaultMaxProjection = 128
)

// The random streams of the bootstraps, one per kind of resampling, each
// seeded with (Options.Seed, stream).
const (
	streamSamples uint64 = iota + 1
	streamAmdahlResiduals
	streamUSLResiduals
)

// Iteration limits of the solver: the fit of the measured points starts
// cold (several starts), the refits of the bootstrap start warm from it.
const (
	pointIter     = 200
	replicateIter = 100
)

// DefaultProjection returns the core counts a projection is evaluated at
// when [Options].Project is nil: 1, 2, 4, ... up to DefaultMaxProjection.
func DefaultProjection() []int {
	var ns []int
	for n := 1; n <= DefaultMaxProjection; n *= 2 {
		ns = append(ns, n)
	}
	return ns
}

// Options configures [Analyze]. The zero value asks for the defaults.
type Options struct {
	// Resamples is the number of bootstrap resamples for the refits of
	// Amdahl's law on more than two points and of the USL (the ratios of
	// two medians need none, see [IntervalMethod]): 0 means
	// DefaultResamples, a negative value turns the bootstrap off (no
	// intervals at all, no peak, no COST).
	Resamples int
	// Seed seeds the bootstrap; 0 means DefaultSeed.
	Seed uint64
	// Confidence is the level of every interval, in (0, 1); 0 means
	// DefaultConfidence.
	Confidence float64
	// Project lists the core counts the fitted curves are evaluated at,
	// each at least 1, in the order given; nil means DefaultProjection.
	Project []int
}

// resolved returns o with its defaults filled in, or an error.
func (o Options) resolved() (Options, error) {
	if o.Resamples == 0 {
		o.Resamples = DefaultResamples
	}
	if o.Seed == 0 {
		o.Seed = DefaultSeed
	}
	if o.Confidence == 0 {
		o.Confidence = DefaultConfidence
	}
	if !(o.Confidence > 0 && o.Confidence < 1) {
		return o, fmt.Errorf("confidence %v is not in (0, 1)", o.Confidence)
	}
	if o.Project == nil {
		o.Project = DefaultProjection()
	}
	for _, n := range o.Project {
		if n < 1 {
			return o, fmt.Errorf("projection to %d cores: core counts start at 1", n)
		}
	}
	return o, nil
}

// A Point is one core count of a series (one case and model) with its
// samples of throughput: operations, items or requests per unit of time,
// higher is better, in any unit as long as it is the same at every point.
// For times per operation, pass [Throughputs](times).
type Point struct {
	// N is the core count (GOMAXPROCS), at least 1.
	N int
	// X holds the samples, one per measurement. Samples that are not
	// positive, finite numbers are dropped with a note.
	X []float64
}

// Throughputs returns the throughputs 1/t of the times per operation t, in
// the reciprocal unit (1/(sec/op) = op/sec). A time that is not positive
// and finite gives a throughput that [Analyze] drops.
func Throughputs(times []float64) []float64 {
	xs := make([]float64, len(times))
	for i, t := range times {
		xs[i] = 1 / t
	}
	return xs
}

// An Estimate is a fitted or derived value with its bootstrap percentile
// interval at the analysis' confidence level.
type Estimate struct {
	Value float64 `json:"value"`
	// Lo and Hi bound the interval; both are nil when there is none
	// (see the model's Interval).
	Lo *float64 `json:"lo"`
	Hi *float64 `json:"hi"`
}

// An IntervalMethod says how the intervals of a model were obtained.
type IntervalMethod string

// The interval methods.
const (
	// NoInterval: the bootstrap was off, or there were no more points
	// than parameters and some point had a single sample.
	NoInterval IntervalMethod = "none"
	// SampleBootstrap resamples each point's samples with replacement,
	// takes each point's median and refits, Options.Resamples times;
	// the interval is the percentile interval of the replicates. It is
	// used when every point has at least two samples. A value that is a
	// ratio of two medians (a speedup X(N)/X(1), e(N), Amdahl's s on two
	// points and its projection, a COST ratio) needs no refit: its
	// interval is the limit of the same bootstrap with infinitely many
	// resamples, computed exactly from the distribution of each median.
	SampleBootstrap IntervalMethod = "samples"
	// ResidualBootstrap adds residuals of the fit, drawn with replacement
	// (centred and scaled by sqrt(n/(n-p)) for n residuals and p
	// parameters), to the fitted values and refits. It is used when some
	// point has a single sample, as in published data sets of one
	// throughput per core count, and there are more points than
	// parameters.
	ResidualBootstrap IntervalMethod = "residuals"
)

// A Summary is one point as used by the fits.
type Summary struct {
	N int `json:"n"`
	// Samples counts the samples kept.
	Samples int `json:"samples"`
	// Median is the median of those samples, in the unit of the input.
	Median float64 `json:"median"`
}

// A Projected is a fitted curve evaluated at one core count.
type Projected struct {
	N int `json:"n"`
	// Speedup is the model's speedup S(N): against the measured 1-core
	// median for Amdahl, against lambda (the fitted 1-core throughput)
	// for the USL.
	Speedup Estimate `json:"speedup"`
	// Throughput is the fitted X(N), in the unit of the input; only the
	// USL has one (for Amdahl, X(N) is the 1-core median times Speedup).
	Throughput *Estimate `json:"throughput,omitempty"`
}

// An Amdahl is a fit of Amdahl's law S(N) = 1/(s + (1-s)/N) to the
// measured speedups S(N) = X(N)/X(1).
type Amdahl struct {
	// S is the serial fraction, in [0, 1]: the part of the work that
	// does not speed up. 0 means perfect scaling (a superlinear series
	// sits on this bound too), 1 no gain from more cores (as does a
	// series that slows down: see RMSE for how badly it fits).
	S Estimate `json:"s"`
	// RMSE is the root mean square of the speedup residuals over the
	// points N > 1; 0 for an exact fit.
	RMSE float64 `json:"rmse"`
	// DOF is the number of points less the 1-core point (which fixes the
	// scale) less one parameter; 0 means two points, fitted exactly.
	DOF int `json:"dof"`
	// Interval says how S's interval was obtained.
	Interval IntervalMethod `json:"interval"`
	// Converged is false when the solver stopped at its iteration limit
	// on the measured points; the fit is then the best point it reached.
	Converged bool `json:"converged"`
	// Projection evaluates the fitted law at Options.Project, with its
	// pointwise interval. It is left out of JSON, where it would be the
	// largest part of the fit and says nothing S does not: S(N) =
	// N/(1 + s(N - 1)), its interval [S(N) at s's Hi, S(N) at s's Lo].
	Projection []Projected `json:"-"`
}

// A USL is a fit of Gunther's Universal Scalability Law X(N) = lambda N /
// (1 + sigma (N-1) + kappa N (N-1)) to the measured throughputs.
type USL struct {
	// Lambda is the fitted throughput at one core, in the unit of the
	// input.
	Lambda Estimate `json:"lambda"`
	// Sigma (contention, >= 0) is the cost of serialisation: alone it
	// gives Amdahl's law with s = sigma.
	Sigma Estimate `json:"sigma"`
	// Kappa (coherency, >= 0) is the cost of keeping shared state
	// consistent between each pair of cores: when it is positive the
	// throughput peaks and then falls.
	Kappa Estimate `json:"kappa"`
	// Peak is N* = sqrt((1 - sigma)/kappa), the core count of the highest
	// throughput, with its interval; nil unless kappa's interval excludes
	// 0 and sigma < 1. It is at least 1 (a series that is fastest on one
	// core peaks there), and may lie beyond the measured core counts,
	// where it is an extrapolation.
	Peak *Estimate `json:"peak"`
	// RMSE is the root mean square of the throughput residuals, in the
	// unit of the input; 0 for an exact fit.
	RMSE float64 `json:"rmse"`
	// DOF is the number of points less the three parameters; 0 means
	// three points, fitted exactly.
	DOF int `json:"dof"`
	// Interval says how the intervals were obtained.
	Interval IntervalMethod `json:"interval"`
	// Converged is false when the solver stopped at its iteration limit
	// on the measured points; the fit is then the best point it reached.
	Converged bool `json:"converged"`
	// Projection evaluates the fitted law at Options.Project, with its
	// pointwise intervals.
	Projection []Projected `json:"projection"`
}

// A KarpFlatt is the Karp-Flatt metric at one measured core count N >= 2:
// the experimentally determined serial fraction e(N) = (N/S - 1)/(N - 1)
// with S = X(N)/X(1), with exact bootstrap intervals (see
// [SampleBootstrap]). A constant e(N) points to a serial part (Amdahl);
// an e(N) that grows with N points to overheads that grow with the cores
// (under the USL with lambda = X(1) it is the straight line sigma +
// kappa N).
type KarpFlatt struct {
	N int `json:"n"`
	// Speedup is the ratio of the medians X(N)/X(1).
	Speedup Estimate `json:"speedup"`
	// E is e(N); negative for a superlinear speedup.
	E Estimate `json:"e"`
}

// Names of the models in [Unfitted].
const (
	ModelAmdahl    = "amdahl"
	ModelUSL       = "usl"
	ModelKarpFlatt = "karp-flatt"
)

// An Unfitted is a model that was not fitted, and why: the report shows
// the reason instead of a curve.
type Unfitted struct {
	Model  string `json:"model"`
	Reason string `json:"reason"`
}

// An Analysis holds the fits of one series.
type Analysis struct {
	// Points lists the points used, by ascending N.
	Points []Summary `json:"points"`
	// Amdahl is nil when the law could not be fitted (see Unfitted).
	Amdahl *Amdahl `json:"amdahl"`
	// USL is nil when the law could not be fitted (see Unfitted).
	USL *USL `json:"usl"`
	// KarpFlatt holds e(N) for every N >= 2; empty without a 1-core
	// point.
	KarpFlatt []KarpFlatt `json:"karpFlatt"`
	// COST is the series' COST against the reference; nil when Analyze
	// was given none.
	COST *COST `json:"cost,omitempty"`
	// Unfitted lists the models not fitted, with the reason.
	Unfitted []Unfitted `json:"unfitted"`
	// Notes lists what was dropped or could not be estimated, as
	// sentences.
	Notes []string `json:"notes"`
	// Resamples, Seed and Confidence are the bootstrap's settings
	// (Resamples and Seed apply to the refits).
	Resamples  int     `json:"resamples"`
	Seed       uint64  `json:"seed"`
	Confidence float64 `json:"confidence"`
}

// A series is the cleaned form of the points of one series.
type series struct {
	pts   []cleanPoint
	notes []string
	scale float64   // the largest median: fits see throughputs in (0, 1]
	n     []float64 // core counts
	med   []float64 // medians, divided by scale
	multi bool      // every point has at least two samples
}

type cleanPoint struct {
	n  int
	xs []float64 // sorted ascending, divided by the series' scale
}

// newSeries sorts the points by N, pools the samples of equal N, drops
// what cannot be used (with a note) and scales the samples so that the
// largest median is 1.
func newSeries(points []Point) *series {
	s := &series{multi: true, pts: make([]cleanPoint, 0, len(points))}
	sorted := slices.Clone(points)
	slices.SortStableFunc(sorted, func(a, b Point) int { return cmp.Compare(a.N, b.N) })
	total := 0
	for _, p := range sorted {
		total += len(p.X)
	}
	buf := make([]float64, 0, total) // every point's samples, in turn
	for i := 0; i < len(sorted); {
		n := sorted[i].N
		start := len(buf)
		given, bad, runs := 0, 0, 0
		for ; i < len(sorted) && sorted[i].N == n; i++ {
			runs++
			for _, x := range sorted[i].X {
				given++
				if x > 0 && !math.IsInf(x, 1) {
					buf = append(buf, x)
				} else {
					bad++ // NaN fails x > 0 too
				}
			}
		}
		switch {
		case n < 1:
			s.notes = append(s.notes, fmt.Sprintf("dropped the point at N=%d: core counts start at 1", n))
			continue
		case runs > 1:
			s.notes = append(s.notes, fmt.Sprintf("N=%d was given %d times: its samples are pooled", n, runs))
		}
		if bad > 0 {
			s.notes = append(s.notes, fmt.Sprintf("N=%d: dropped %d of %d samples that are not positive, finite throughputs", n, bad, given))
		}
		xs := buf[start:len(buf):len(buf)]
		if len(xs) == 0 {
			s.notes = append(s.notes, fmt.Sprintf("N=%d: no usable sample, point dropped", n))
			continue
		}
		slices.Sort(xs)
		s.pts = append(s.pts, cleanPoint{n: n, xs: xs})
	}
	s.n = make([]float64, 0, len(s.pts))
	s.med = make([]float64, 0, len(s.pts))
	for _, p := range s.pts {
		m := median(slices.Clone(p.xs))
		s.n = append(s.n, float64(p.n))
		s.med = append(s.med, m)
		s.scale = max(s.scale, m)
		if len(p.xs) < 2 {
			s.multi = false
		}
	}
	for i, p := range s.pts {
		s.med[i] /= s.scale
		for j := range p.xs {
			p.xs[j] /= s.scale
		}
	}
	return s
}

// hasOne reports whether the series has a 1-core point (the first).
func (s *series) hasOne() bool { return len(s.pts) > 0 && s.pts[0].n == 1 }

// Analyze fits Amdahl's law and the USL to the points of one series,
// computes the Karp-Flatt metric at every N >= 2, evaluates the fits at
// the projection's core counts and, when ref is not nil, the series' COST
// against it. The points should be the ones that are not oversubscribed.
//
// What is fitted depends on the distinct core counts with a usable sample:
//   - Amdahl and Karp-Flatt need the 1-core point and at least one more
//     (S(N) = X(N)/X(1) needs X(1)); on exactly two the fit is the closed
//     form s = e(N), exact, with DOF 0;
//   - the USL has three parameters and needs at least three core counts
//     (N = 1 is not required: lambda is fitted); on exactly three it is
//     exact, with DOF 0.
//
// Otherwise the model is listed in Unfitted with its reason. Intervals
// come from the bootstrap (see [IntervalMethod]) with Options.Resamples
// replicates seeded with Options.Seed, so that the result depends only on
// the points and the options. The error is non-nil only for invalid
// options or a ref built with other options; no input of points makes
// Analyze fail, panic or return a NaN or an infinity.
func Analyze(points []Point, ref *Reference, opt Options) (Analysis, error) {
	o, err := opt.resolved()
	if err != nil {
		return Analysis{}, err
	}
	s := newSeries(points)
	a := Analysis{Points: make([]Summary, 0, len(s.pts)), Notes: s.notes, Resamples: o.Resamples, Seed: o.Seed, Confidence: o.Confidence}
	for _, p := range s.pts {
		a.Points = append(a.Points, Summary{N: p.n, Samples: len(p.xs), Median: s.med[len(a.Points)] * s.scale})
	}
	f := fitter{s: s, o: o, a: &a}
	f.run(ref)
	return a, nil
}

// A fitter holds the state of one Analyze call.
type fitter struct {
	s  *series
	o  Options
	a  *Analysis
	fl floats

	amdahl *amdahlProblem // nil when not fitted
	sHat   float64
	usl    *uslProblem // nil when not fitted
	uHat   [2]float64

	// With the sample bootstrap: each point's exact bootstrap median
	// distribution, and the bounds of each speedup median(N_i)/median(1)
	// (index i >= 1, when Amdahl is fitted).
	dists            []distribution
	ratioLo, ratioHi []float64
}

// run fits, bootstraps and fills in f.a.
func (f *fitter) run(ref *Reference) {
	s, a := f.s, f.a
	p := len(s.pts)
	if reason := s.unusable(); reason != "" {
		a.Unfitted = append(a.Unfitted, Unfitted{ModelAmdahl, reason}, Unfitted{ModelUSL, reason}, Unfitted{ModelKarpFlatt, reason})
		if ref != nil {
			a.COST = &COST{Reference: ref.best, Reason: reason}
		}
		return
	}
	switch {
	case !s.hasOne():
		reason := fmt.Sprintf("no 1-core point: the speedup S(N) = X(N)/X(1) needs X(1) (the first core count is %d)", s.pts[0].n)
		a.Unfitted = append(a.Unfitted, Unfitted{ModelAmdahl, reason}, Unfitted{ModelKarpFlatt, reason})
	case p < 2:
		reason := "one core count only (N=1): Amdahl's law and Karp-Flatt need N=1 and at least one more"
		a.Unfitted = append(a.Unfitted, Unfitted{ModelAmdahl, reason}, Unfitted{ModelKarpFlatt, reason})
	default:
		f.fitAmdahl()
	}
	if p < 3 {
		a.Unfitted = append(a.Unfitted, Unfitted{ModelUSL, countCores(p) + ": the USL has three parameters and needs at least three core counts"})
	} else {
		f.fitUSL()
	}

	method := SampleBootstrap
	switch {
	case f.o.Resamples < 0:
		method = NoInterval
		a.Notes = append(a.Notes, "the bootstrap is off: no intervals, no peak, no COST")
	case !s.multi:
		method = ResidualBootstrap
		a.Notes = append(a.Notes, "some point has a single sample: intervals come from the residuals of each fit where it has more points than parameters; Karp-Flatt and COST have none")
	}
	var iv *intervals
	if method == SampleBootstrap {
		f.exactRatios()
		if f.usl != nil || (f.amdahl != nil && len(f.amdahl.n) > 1) {
			iv = f.sampleBootstrap()
		}
	}
	f.finishAmdahl(iv, method)
	f.finishUSL(iv, method)
	f.finishKarpFlatt()
	if ref != nil {
		f.finishCOST(ref, method)
	}
	f.dropNonFinite()
}

// maxRange bounds the ratio of the largest to the smallest median of a
// series: beyond it squared residuals could overflow. Real throughputs
// of one benchmark never come near it.
const maxRange = 1e100

// unusable returns why the series cannot be fitted at all, or "".
func (s *series) unusable() string {
	if len(s.pts) == 0 {
		return "no point has a positive, finite sample"
	}
	if slices.Min(s.med) < 1/maxRange {
		return "the medians span more than 100 orders of magnitude"
	}
	return ""
}

// dropNonFinite removes any part of the analysis holding a NaN or an
// infinity, with a reason, so that no such value ever reaches a caller
// (or a JSON encoder). Only inputs near the limits of float64, such as
// throughputs of 1e307 projected to 128 cores, can overflow.
func (f *fitter) dropNonFinite() {
	a := f.a
	const reason = "a fitted value overflows float64"
	if a.Amdahl != nil && !a.Amdahl.finite() {
		a.Amdahl = nil
		a.Unfitted = append(a.Unfitted, Unfitted{ModelAmdahl, reason})
	}
	if a.USL != nil && !a.USL.finite() {
		a.USL = nil
		a.Unfitted = append(a.Unfitted, Unfitted{ModelUSL, reason})
	}
	for _, k := range a.KarpFlatt {
		if !k.Speedup.finite() || !k.E.finite() {
			a.KarpFlatt = nil
			a.Unfitted = append(a.Unfitted, Unfitted{ModelKarpFlatt, reason})
			break
		}
	}
	if c := a.COST; c != nil {
		for _, p := range c.Points {
			if !p.Ratio.finite() {
				c.Points, c.Cores, c.Unbounded, c.Reason = nil, 0, false, "a ratio overflows float64"
				break
			}
		}
	}
}

// countCores says "one core count only" or "n core counts".
func countCores(n int) string {
	if n == 1 {
		return "one core count only"
	}
	return strconv.Itoa(n) + " core counts"
}

func (f *fitter) fitAmdahl() {
	s := f.s
	pr := &amdahlProblem{n: s.n[1:], sp: make([]float64, len(s.n)-1)}
	for i := range pr.sp {
		pr.sp[i] = s.med[i+1] / s.med[0]
	}
	sHat, ss, ok := fitAmdahl(pr, -1, pointIter)
	f.amdahl, f.sHat = pr, sHat
	dof := len(pr.n) - 1
	f.a.Amdahl = &Amdahl{
		S:         Estimate{Value: sHat},
		RMSE:      math.Sqrt(ss / float64(len(pr.n))),
		DOF:       dof,
		Converged: ok,
	}
	if !ok {
		f.a.Notes = append(f.a.Notes, "Amdahl: the solver reached its iteration limit; the fit is its best point")
	}
}

func (f *fitter) fitUSL() {
	s := f.s
	pr := newUSLProblem(s.n, slices.Clone(s.med))
	p, ss, ok := fitUSL(pr, nil, pointIter)
	f.usl, f.uHat = pr, p
	f.a.USL = &USL{
		Lambda:    Estimate{Value: pr.lambda(p) * s.scale},
		Sigma:     Estimate{Value: p[0]},
		Kappa:     Estimate{Value: p[1]},
		RMSE:      math.Sqrt(ss/float64(len(s.n))) * s.scale,
		DOF:       len(s.n) - 3,
		Converged: ok,
	}
	if !ok {
		f.a.Notes = append(f.a.Notes, "USL: the solver reached its iteration limit; the fit is its best point")
	}
}

// exactRatios computes each point's bootstrap median distribution and the
// exact bounds of the speedups, which Karp-Flatt and the two-point Amdahl
// fit map.
func (f *fitter) exactRatios() {
	s := f.s
	f.dists = make([]distribution, len(s.pts))
	for i, p := range s.pts {
		f.dists[i] = medianDist(p.xs)
	}
	if f.amdahl == nil {
		return
	}
	f.ratioLo = make([]float64, len(s.pts))
	f.ratioHi = make([]float64, len(s.pts))
	for i := 1; i < len(s.pts); i++ {
		f.ratioLo[i], f.ratioHi[i] = ratioBounds(f.dists[i], f.dists[0], f.o.Confidence)
	}
}

// intervals accumulates the replicates of the sample bootstrap's refits.
type intervals struct {
	s   []quantiles // one: Amdahl's s, when fitted on more than two points
	usl *uslIntervals
}

// sampleBootstrap draws Options.Resamples resamples of every point's
// median and refits Amdahl's law (on more than two points) and the USL on
// each, streaming the replicates into their intervals.
func (f *fitter) sampleBootstrap() *intervals {
	s, o := f.s, f.o
	p := len(s.pts)
	samplers := make([]*medianSampler, p)
	for i, d := range f.dists {
		samplers[i] = newMedianSampler(d)
	}
	iv := &intervals{}
	var amdahl *amdahlProblem
	if f.amdahl != nil && len(f.amdahl.n) > 1 {
		iv.s = newQuantiles(1, o.Resamples, o.Confidence)
		amdahl = &amdahlProblem{n: f.amdahl.n, sp: make([]float64, len(f.amdahl.n))}
	}
	var usl *uslProblem
	if f.usl != nil {
		usl = newUSLProblem(s.n, make([]float64, p))
		iv.usl = newUSLIntervals(o.Resamples, o.Confidence, o.Project)
	}
	rng := rand.NewPCG(o.Seed, streamSamples)
	m := make([]float64, p)
	for range o.Resamples {
		for i, sm := range samplers {
			m[i] = sm.pick(rng.Uint64())
		}
		if amdahl != nil {
			for i := 1; i < p; i++ {
				amdahl.sp[i-1] = m[i] / m[0]
			}
			sk, _, _ := fitAmdahl(amdahl, f.sHat, replicateIter)
			iv.s[0].add(sk)
		}
		if usl != nil {
			copy(usl.x, m)
			q, _, _ := fitUSL(usl, &f.uHat, replicateIter)
			iv.usl.add(usl.lambda(q)*s.scale, q[0], q[1], o.Project)
		}
	}
	return iv
}
