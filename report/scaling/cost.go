package scaling

import (
	"fmt"
	"math/rand/v2"
)

// A Reference is the series a COST is measured against: in McSherry,
// Isard and Murray's terms ("Scalability! But at what COST?", HotOS
// 2015), a competent single-threaded implementation; in this project the
// serial model. It holds the reference's best point, the highest median
// throughput at any core count, and the bootstrap replicates of that
// best, drawn once and shared by every series compared with it.
//
// A Reference is read-only once built: several goroutines may pass it to
// Analyze at the same time.
type Reference struct {
	best   Summary
	inv    []float64 // 1 over the best median of each resample; nil when no interval
	reason string    // why there is no COST, when inv is nil
	notes  []string

	resamples  int
	seed       uint64
	confidence float64
}

// NewReference builds the reference for COST from its points, with the
// same options as the [Analyze] calls it will be passed to (Analyze
// fails on a mismatch). The reference's best is, in each resample, the
// highest of its points' resampled medians, so that choosing the best
// point is part of what the interval accounts for. The error is non-nil
// only for invalid options.
func NewReference(points []Point, opt Options) (*Reference, error) {
	o, err := opt.resolved()
	if err != nil {
		return nil, err
	}
	s := newSeries(points)
	r := &Reference{notes: s.notes, resamples: o.Resamples, seed: o.Seed, confidence: o.Confidence}
	if len(s.pts) == 0 {
		r.reason = "the reference has no point with a positive, finite sample"
		return r, nil
	}
	for i, p := range s.pts {
		if m := s.med[i] * s.scale; m > r.best.Median {
			r.best = Summary{N: p.n, Samples: len(p.xs), Median: m}
		}
	}
	switch {
	case o.Resamples < 0:
		r.reason = "the bootstrap is off: no interval to decide COST with"
		return r, nil
	case !s.multi:
		r.reason = "a point of the reference has a single sample: no interval to decide COST with"
		return r, nil
	}
	samplers := make([]*medianSampler, len(s.pts))
	for i, p := range s.pts {
		samplers[i] = newMedianSampler(p.xs)
	}
	rng := rand.NewPCG(o.Seed, streamReference)
	r.inv = make([]float64, o.Resamples)
	for k := range r.inv {
		best := 0.0
		for _, sm := range samplers {
			best = max(best, sm.draw(rng))
		}
		r.inv[k] = 1 / (best * s.scale)
	}
	return r, nil
}

// Best returns the reference's best point: the highest median throughput.
// Its Median is 0 when the reference has no usable point.
func (r *Reference) Best() Summary { return r.best }

// Notes lists what was dropped from the reference's points.
func (r *Reference) Notes() []string { return r.notes }

// A COST is the core count a series needs to beat the reference's best
// (McSherry, Isard and Murray, HotOS 2015), decided on the measured core
// counts with their intervals:
//
//   - at each core count N, Ratio is the series' median throughput over
//     the reference's best median (> 1: faster than the reference at its
//     best), with the bootstrap percentile interval of that ratio;
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

// finishCOST compares the series with ref.
func (f *fitter) finishCOST(ref *Reference, iv *intervals, method IntervalMethod) {
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
	for i, p := range s.pts {
		v := s.med[i] * s.scale / ref.best.Median
		var lo, hi float64
		if has {
			lo, hi = iv.cost[i].bounds()
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
