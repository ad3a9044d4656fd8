package scaling

import (
	"math"
	"math/rand/v2"
)

// amdahlSpeedup is Amdahl's law: the speedup on n cores of a program whose
// serial fraction is s.
func amdahlSpeedup(s, n float64) float64 { return n / (1 + s*(n-1)) }

// amdahlFromSpeedup is the serial fraction that gives speedup sp on n > 1
// cores, (n/sp - 1)/(n - 1): Karp and Flatt's e(n), and the exact Amdahl
// fit of two points, 1 and n. It is not clamped to [0, 1].
func amdahlFromSpeedup(sp, n float64) float64 { return (n/sp - 1) / (n - 1) }

// amdahlProblem is the least-squares fit of Amdahl's law to measured
// speedups sp at core counts n (every n > 1): residuals sp - n/(1+s(n-1)).
type amdahlProblem struct {
	n, sp []float64
}

func (a *amdahlProblem) eval(p [2]float64, jac bool) (ss float64, g [2]float64, h [2][2]float64) {
	s := p[0]
	for i, n := range a.n {
		d := 1 + s*(n-1)
		f := n / d
		r := a.sp[i] - f
		ss += r * r
		if jac {
			j := f * (n - 1) / d // d r / d s
			g[0] += j * r
			h[0][0] += j * j
		}
	}
	return ss, g, h
}

// fitAmdahl returns the serial fraction in [0, 1] that minimises the
// squared speedup residuals, with their sum. One point gives the closed
// form (clamped); more start Levenberg-Marquardt from warm (a previous
// fit, or a negative value for "none"), or else from the linearised
// least-squares estimate, and keep the best of its result and the two
// bounds.
func fitAmdahl(pr *amdahlProblem, warm float64, maxIter int) (s, ss float64, ok bool) {
	if len(pr.n) == 1 {
		s = min(max(amdahlFromSpeedup(pr.sp[0], pr.n[0]), 0), 1)
		ss, _, _ = pr.eval([2]float64{s}, false)
		return s, ss, true
	}
	start := warm
	if start < 0 {
		start = amdahlLinearised(pr)
	}
	// The box keeps the serial fraction in [0, 1].
	p, ss, ok := minimize(pr, box{dim: 1, hi: [2]float64{1}}, [2]float64{start}, maxIter)
	s = p[0]
	for _, bound := range [...]float64{0, 1} {
		if bss, _, _ := pr.eval([2]float64{bound}, false); bss < ss {
			s, ss = bound, bss
		}
	}
	return s, ss, ok
}

// amdahlLinearised is the weighted linear least-squares estimate of s from
// 1/sp - 1/n = s (1 - 1/n), each point weighted by sp^4 so that its
// residual is measured, to first order, in speedup as the fit's.
func amdahlLinearised(pr *amdahlProblem) float64 {
	var num, den float64
	for i, n := range pr.n {
		sp := pr.sp[i]
		w := sp * sp * sp * sp
		y := 1/sp - 1/n
		x := 1 - 1/n
		num += w * x * y
		den += w * x * x
	}
	if !(den > 0) || math.IsInf(num, 0) || math.IsNaN(num) {
		return 0
	}
	return min(max(num/den, 0), 1)
}

// finishAmdahl adds S's interval and the projection to the fit: on two
// points from the exact bounds of the speedup, on more from the sample
// bootstrap's refits iv or a residual bootstrap.
func (f *fitter) finishAmdahl(iv *intervals, method IntervalMethod) {
	am := f.a.Amdahl
	if am == nil {
		return
	}
	var lo, hi float64
	switch {
	case method == SampleBootstrap && len(f.amdahl.n) == 1:
		// s = clamp(e(N)) decreases with the speedup, and percentiles
		// commute with monotone maps: the bounds of s are those of the
		// speedup, mapped and swapped, with no fit per replicate.
		n := f.amdahl.n[0]
		lo = min(max(amdahlFromSpeedup(f.ratioHi[1], n), 0), 1)
		hi = min(max(amdahlFromSpeedup(f.ratioLo[1], n), 0), 1)
	case method == SampleBootstrap:
		lo, hi = iv.s[0].bounds()
	case method == ResidualBootstrap && am.DOF > 0:
		q := f.amdahlResiduals()
		lo, hi = q.bounds()
	default:
		method = NoInterval
	}
	has := method != NoInterval
	am.Interval = method
	am.S = f.fl.estimate(f.sHat, lo, hi, has)
	am.Projection = make([]Projected, len(f.o.Project))
	for i, n := range f.o.Project {
		// The speedup decreases with s: its bounds are those of s, swapped.
		nf := float64(n)
		am.Projection[i] = Projected{N: n, Speedup: f.fl.estimate(amdahlSpeedup(f.sHat, nf), amdahlSpeedup(hi, nf), amdahlSpeedup(lo, nf), has)}
	}
}

// amdahlResiduals returns the interval of the serial fractions fitted to
// the fitted speedups plus resampled residuals.
func (f *fitter) amdahlResiduals() *quantiles {
	pr := f.amdahl
	fitted := make([]float64, len(pr.n))
	for i, n := range pr.n {
		fitted[i] = amdahlSpeedup(f.sHat, n)
	}
	res := residuals(pr.sp, fitted, 1)
	boot := &amdahlProblem{n: pr.n, sp: make([]float64, len(pr.n))}
	rng := rand.NewPCG(f.o.Seed, streamAmdahlResiduals)
	q := newQuantiles(1, f.o.Resamples, f.o.Confidence)
	for range f.o.Resamples {
		for i := range boot.sp {
			boot.sp[i] = fitted[i] + res[uniformIndex(rng, len(res))]
		}
		sk, _, _ := fitAmdahl(boot, f.sHat, replicateIter)
		q[0].add(sk)
	}
	return &q[0]
}
