package scaling

import "fmt"

// A Reference is the series a COST is measured against: in McSherry,
// Isard and Murray's terms ("Scalability! But at what COST?", HotOS
// 2015), a competent single-threaded implementation; in this project the
// serial model. It holds the reference's best point, the highest median
// throughput at any core count, and the bootstrap distribution of that
// best, computed once and shared by every series compared with it.
//
// A Reference is read-only once built: several goroutines may pass it to
// Analyze at the same time.
type Reference struct {
	best   Summary
	dist   distribution // of the best median, in units of scale; empty when no interval
	scale  float64
	reason string // why there is no COST, when dist is empty
	notes  []string
}

// NewReference builds the reference for COST from its points, cleaned as
// [Analyze] cleans a series'. The distribution of its best is that of the
// highest of its points' bootstrap medians (each point resampled
// independently), so that choosing the best point is part of what the
// interval accounts for. It needs at least two samples at every point;
// otherwise the COST of every series compared with it is undecided, with
// the reason.
func NewReference(points []Point) *Reference {
	s := newSeries(points)
	r := &Reference{notes: s.notes, scale: s.scale}
	if len(s.pts) == 0 {
		r.reason = "the reference has no point with a positive, finite sample"
		return r
	}
	for i, p := range s.pts {
		if m := s.med[i] * s.scale; m > r.best.Median {
			r.best = Summary{N: p.n, Samples: len(p.xs), Median: m}
		}
	}
	if !s.multi {
		r.reason = "a point of the reference has a single sample: no interval to decide COST with"
		return r
	}
	ds := make([]distribution, len(s.pts))
	for i, p := range s.pts {
		ds[i] = medianDist(p.xs)
	}
	r.dist = maxDist(ds)
	return r
}

// Best returns the reference's best point: the highest median throughput
// (at the smallest core count among equals). Its Median is 0 when the
// reference has no usable point.
func (r *Reference) Best() Summary { return r.best }

// Notes lists what was dropped from the reference's points.
func (r *Reference) Notes() []string { return r.notes }

// A COST is the core count a series needs to beat the reference's best
// (McSherry, Isard and Murray, HotOS 2015), decided on the measured core
// counts with their intervals:
//
//   - at each core count N, Ratio is the series' median throughput over
//     the reference's best median (> 1: faster than the reference at its
//     best), with the bootstrap percentile interval of that ratio
//     (exact, see [SampleBootstrap]; the reference's best is resampled
//     as the highest of its points' resampled medians);
//   - the series beats the reference at N when the whole interval lies
//     above 1 (Lo > 1): faster, beyond the noise;
//   - Cores is the smallest such N.
//
// When no measured N beats the reference, Unbounded is set and Cores is
// 0: on the measured range the series never pays for its parallelism.
// When there are no intervals, nothing is decided: Cores is 0, Unbounded
// false and Reason says why. A series compared with itself as the
// reference can only tie at its best and comes out Unbounded, so the
// report should label the reference as such rather than show its COST.
type COST struct {
	// Cores is the COST: the smallest core count that beats the
	// reference; 0 when Unbounded or undecided.
	Cores int `json:"cores"`
	// Unbounded is set when no measured core count beats the reference.
	Unbounded bool `json:"unbounded"`
	// Reason says why COST is undecided; empty otherwise.
	Reason string `json:"reason,omitempty"`
	// Reference is the reference's best point.
	Reference Summary `json:"reference"`
	// Points holds the ratio at every measured core count of the series.
	Points []CostPoint `json:"points"`
}

// A CostPoint compares one core count of a series with the reference's
// best.
type CostPoint struct {
	N int `json:"n"`
	// Ratio is the series' median throughput over the reference's best
	// median, with its interval.
	Ratio Estimate `json:"ratio"`
	// Beats is set when the interval lies above 1.
	Beats bool `json:"beats"`
}

// finishCOST compares the series with ref: the interval of each ratio is
// the exact bootstrap interval of the series' median over the reference's
// best.
func (f *fitter) finishCOST(ref *Reference, method IntervalMethod) {
	s := f.s
	c := &COST{Reference: ref.best}
	f.a.COST = c
	switch {
	case ref.reason != "":
		c.Reason = ref.reason
	case method == NoInterval:
		c.Reason = "the bootstrap is off: no interval to decide COST with"
	case method != SampleBootstrap:
		c.Reason = "a point of the series has a single sample: no interval to decide COST with"
	}
	if ref.best.Median == 0 {
		return
	}
	has := c.Reason == ""
	c.Points = make([]CostPoint, 0, len(s.pts))
	for i, p := range s.pts {
		v := s.med[i] * s.scale / ref.best.Median
		var lo, hi float64
		if has {
			lo, hi = ratioBounds(f.dists[i], ref.dist, f.o.Confidence)
			lo, hi = lo*s.scale/ref.scale, hi*s.scale/ref.scale
		}
		pt := CostPoint{N: p.n, Ratio: f.fl.estimate(v, lo, hi, has), Beats: has && lo > 1}
		if pt.Beats && c.Cores == 0 {
			c.Cores = p.n
		}
		c.Points = append(c.Points, pt)
	}
	if has && c.Cores == 0 {
		c.Unbounded = true
	}
}

// String formats c as "N cores", "unbounded" or "undecided: reason".
func (c COST) String() string {
	switch {
	case c.Cores > 0:
		return fmt.Sprintf("%d cores", c.Cores)
	case c.Unbounded:
		return "unbounded"
	}
	return "undecided: " + c.Reason
}
