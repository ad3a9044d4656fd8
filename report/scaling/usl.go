package scaling

import (
	"math"
	"math/rand/v2"
)

// uslSpeedup is the USL's relative capacity C(n) = X(n)/lambda.
func uslSpeedup(sigma, kappa, n float64) float64 {
	return n / (1 + sigma*(n-1) + kappa*n*(n-1))
}

// peakOf is the core count of the USL's highest throughput,
// sqrt((1-sigma)/kappa), at least 1; 1 when sigma >= 1 (throughput never
// grows) and +Inf when kappa is 0 (it never turns down).
func peakOf(sigma, kappa float64) float64 {
	if sigma >= 1 {
		return 1
	}
	if kappa <= 0 {
		return math.Inf(1)
	}
	return max(math.Sqrt((1-sigma)/kappa), 1)
}

// maxCoherency bounds sigma and kappa above: far beyond any measured value
// (sigma = 1 is already "no gain at all"), it only keeps a fit that runs
// away from the data finite.
const maxCoherency = 1e9

// uslProblem is the least-squares fit of X(n) = lambda g(n), g(n) =
// n/(1 + sigma(n-1) + kappa n(n-1)), to throughputs x at core counts n,
// by variable projection (Golub and Pereyra): lambda enters linearly, so
// for each (sigma, kappa) it takes its optimal value (x.g)/(g.g) and the
// solver only searches the two constrained parameters. The Jacobian is
// the exact one of the projected residuals x - lambda(sigma, kappa) g.
type uslProblem struct {
	n, x      []float64
	g, gs, gk []float64 // scratch: g and its derivatives in sigma and kappa
}

func newUSLProblem(n, x []float64) *uslProblem {
	k := len(n)
	buf := make([]float64, 3*k)
	return &uslProblem{n: n, x: x, g: buf[:k], gs: buf[k : 2*k], gk: buf[2*k:]}
}

// lambda returns the optimal lambda at (sigma, kappa).
func (u *uslProblem) lambda(p [2]float64) float64 {
	var xg, gg float64
	for i, n := range u.n {
		g := uslSpeedup(p[0], p[1], n)
		xg += u.x[i] * g
		gg += g * g
	}
	return xg / gg
}

func (u *uslProblem) eval(p [2]float64, jac bool) (ss float64, grad [2]float64, h [2][2]float64) {
	sigma, kappa := p[0], p[1]
	var xg, gg, xgs, xgk, ggs, ggk float64
	for i, n := range u.n {
		d := 1 + sigma*(n-1) + kappa*n*(n-1)
		g := n / d
		x := u.x[i]
		u.g[i] = g
		xg += x * g
		gg += g * g
		if jac {
			gs := -g * (n - 1) / d
			gk := gs * n
			u.gs[i], u.gk[i] = gs, gk
			xgs += x * gs
			xgk += x * gk
			ggs += g * gs
			ggk += g * gk
		}
	}
	lam := xg / gg
	if !jac {
		for i, x := range u.x {
			r := x - lam*u.g[i]
			ss += r * r
		}
		return ss, grad, h
	}
	dls := (xgs - 2*lam*ggs) / gg
	dlk := (xgk - 2*lam*ggk) / gg
	for i, x := range u.x {
		g := u.g[i]
		r := x - lam*g
		j0 := -dls*g - lam*u.gs[i]
		j1 := -dlk*g - lam*u.gk[i]
		ss += r * r
		grad[0] += j0 * r
		grad[1] += j1 * r
		h[0][0] += j0 * j0
		h[0][1] += j0 * j1
		h[1][1] += j1 * j1
	}
	h[1][0] = h[0][1]
	return ss, grad, h
}

// uslBox keeps sigma and kappa non-negative.
func uslBox() box {
	return box{dim: 2, hi: [2]float64{maxCoherency, maxCoherency}}
}

// fitUSL returns the least-squares (sigma, kappa) and its sum of squares.
// With a warm start (a previous fit of nearby data) it runs one
// Levenberg-Marquardt search from there; without one it runs a search
// from each of Gunther's linearised estimates (all three coefficients,
// kappa = 0, sigma = 0) and from (0, 0), and keeps the best.
func fitUSL(pr *uslProblem, warm *[2]float64, maxIter int) (p [2]float64, ss float64, ok bool) {
	b := uslBox()
	if warm != nil {
		return minimize(pr, b, *warm, maxIter)
	}
	starts := [4][2]float64{{0, 0}}
	count := 1
	for _, cols := range [...][2]bool{{true, true}, {true, false}, {false, true}} {
		if s, k, lok := gunther(pr.n, pr.x, cols[0], cols[1]); lok {
			starts[count] = [2]float64{s, k}
			count++
		}
	}
	ss = math.Inf(1)
	for _, st := range starts[:count] {
		q, qss, qok := minimize(pr, b, st, maxIter)
		if qss < ss {
			p, ss, ok = q, qss, qok
		}
	}
	return p, ss, ok
}

// gunther is Gunther's linearisation of the USL: n/X(n) = a + b(n-1) +
// c n(n-1) with a = 1/lambda, b = sigma/lambda, c = kappa/lambda, a
// linear least-squares problem, weighted by X^4/n^2 so that each
// residual counts, to first order, as a residual in X. useB and useC
// choose the terms besides a. It returns (b/a, c/a) clamped at 0, and
// false when the system is singular, a is not positive or a throughput
// is not.
func gunther(ns, xs []float64, useB, useC bool) (sigma, kappa float64, ok bool) {
	var cols [3]bool
	cols[0], cols[1], cols[2] = true, useB, useC
	var a [3][3]float64
	var rhs [3]float64
	for i, n := range ns {
		x := xs[i]
		if !(x > 0) {
			return 0, 0, false
		}
		y := n / x
		w := (x * x / n) * (x * x / n)
		f := [3]float64{1, n - 1, n * (n - 1)}
		for r := range 3 {
			for c := range 3 {
				a[r][c] += w * f[r] * f[c]
			}
			rhs[r] += w * f[r] * y
		}
	}
	coef, ok := solveMasked(a, rhs, cols)
	if !ok || !(coef[0] > 0) {
		return 0, 0, false
	}
	sigma = max(coef[1]/coef[0], 0)
	kappa = max(coef[2]/coef[0], 0)
	if math.IsNaN(sigma) || math.IsNaN(kappa) || math.IsInf(sigma, 0) || math.IsInf(kappa, 0) {
		return 0, 0, false
	}
	return min(sigma, maxCoherency), min(kappa, maxCoherency), true
}

// solveMasked solves the normal equations a x = rhs restricted to the
// columns in use (the others are 0), by Gaussian elimination with partial
// pivoting after scaling each column to a unit diagonal.
func solveMasked(a [3][3]float64, rhs [3]float64, use [3]bool) (x [3]float64, ok bool) {
	idx := make([]int, 0, 3)
	for i, u := range use {
		if u {
			idx = append(idx, i)
		}
	}
	k := len(idx)
	var m [3][4]float64
	var scale [3]float64
	for r, i := range idx {
		if !(a[i][i] > 0) {
			return x, false
		}
		scale[r] = 1 / math.Sqrt(a[i][i])
	}
	for r, i := range idx {
		for c, j := range idx {
			m[r][c] = a[i][j] * scale[r] * scale[c]
		}
		m[r][k] = rhs[i] * scale[r]
	}
	for col := range k {
		piv := col
		for r := col + 1; r < k; r++ {
			if math.Abs(m[r][col]) > math.Abs(m[piv][col]) {
				piv = r
			}
		}
		if math.Abs(m[piv][col]) < 1e-13 {
			return x, false
		}
		m[col], m[piv] = m[piv], m[col]
		for r := col + 1; r < k; r++ {
			f := m[r][col] / m[col][col]
			for c := col; c <= k; c++ {
				m[r][c] -= f * m[col][c]
			}
		}
	}
	var sol [3]float64
	for r := k - 1; r >= 0; r-- {
		v := m[r][k]
		for c := r + 1; c < k; c++ {
			v -= m[r][c] * sol[c]
		}
		sol[r] = v / m[r][r]
	}
	for r, i := range idx {
		x[i] = sol[r] * scale[r]
	}
	return x, true
}

// uslIntervals accumulates the replicates of a USL fit: its parameters,
// its peak and its curve at each projected core count, each in the
// quantiles at the index given by the constants below.
type uslIntervals struct{ qs []quantiles }

// Indexes into uslIntervals.qs; the speedup at projected core count i is
// at uslCurve+2i, the throughput at uslCurve+2i+1.
const (
	uslLambda = iota
	uslSigma
	uslKappa
	uslPeak
	uslCurve
)

func newUSLIntervals(r int, conf float64, project []int) *uslIntervals {
	return &uslIntervals{qs: newQuantiles(uslCurve+2*len(project), r, conf)}
}

// add adds one replicate, lambda in the input's unit.
func (u *uslIntervals) add(lambda, sigma, kappa float64, project []int) {
	u.qs[uslLambda].add(lambda)
	u.qs[uslSigma].add(sigma)
	u.qs[uslKappa].add(kappa)
	u.qs[uslPeak].add(peakOf(sigma, kappa))
	for i, n := range project {
		g := uslSpeedup(sigma, kappa, float64(n))
		u.qs[uslCurve+2*i].add(g)
		u.qs[uslCurve+2*i+1].add(lambda * g)
	}
}

// finishUSL adds the intervals, the peak and the projection to the fit,
// from the sample bootstrap iv or a residual bootstrap.
func (f *fitter) finishUSL(iv *intervals, method IntervalMethod) {
	u := f.a.USL
	if u == nil {
		return
	}
	var acc *uslIntervals
	switch {
	case method == SampleBootstrap:
		acc = iv.usl
	case method == ResidualBootstrap && u.DOF > 0:
		acc = f.uslResiduals()
	default:
		method = NoInterval
	}
	u.Interval = method
	// est returns v with the bounds of quantity i, if there are any.
	est := func(v float64, i int) Estimate {
		if acc == nil {
			return Estimate{Value: v}
		}
		lo, hi := acc.qs[i].bounds()
		return f.fl.estimate(v, lo, hi, true)
	}
	sig, kap, lam := u.Sigma.Value, u.Kappa.Value, u.Lambda.Value
	u.Lambda = est(lam, uslLambda)
	u.Sigma = est(sig, uslSigma)
	u.Kappa = est(kap, uslKappa)
	u.Projection = make([]Projected, len(f.o.Project))
	for i, n := range f.o.Project {
		sp := uslSpeedup(sig, kap, float64(n))
		x := est(lam*sp, uslCurve+2*i+1)
		u.Projection[i] = Projected{N: n, Speedup: est(sp, uslCurve+2*i), Throughput: &x}
	}
	if u.Kappa.Lo != nil && *u.Kappa.Lo > 0 && sig < 1 && kap > 0 {
		if p := est(peakOf(sig, kap), uslPeak); p.Lo != nil && finite(p.Value) {
			u.Peak = &p
		}
	}
}

// uslResiduals returns the intervals of (lambda, sigma, kappa), the peak
// and the projection fitted to the fitted throughputs plus resampled
// residuals.
func (f *fitter) uslResiduals() *uslIntervals {
	pr, s, o := f.usl, f.s, f.o
	lam := pr.lambda(f.uHat)
	fitted := make([]float64, len(pr.n))
	for i, n := range pr.n {
		fitted[i] = lam * uslSpeedup(f.uHat[0], f.uHat[1], n)
	}
	res := residuals(pr.x, fitted, 3)
	boot := newUSLProblem(pr.n, make([]float64, len(pr.n)))
	rng := rand.NewPCG(o.Seed, streamUSLResiduals)
	acc := newUSLIntervals(o.Resamples, o.Confidence, o.Project)
	for range o.Resamples {
		for i := range boot.x {
			boot.x[i] = fitted[i] + res[uniformIndex(rng, len(res))]
		}
		q, _, _ := fitUSL(boot, &f.uHat, replicateIter)
		acc.add(boot.lambda(q)*s.scale, q[0], q[1], o.Project)
	}
	return acc
}
