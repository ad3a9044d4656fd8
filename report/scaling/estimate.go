package scaling

import (
	"math"
	"math/rand/v2"
)

// floats hands out pointers to float64 values from shared chunks, so that
// the interval bounds of an analysis cost a few allocations, not two each.
type floats struct{ buf []float64 }

// ptr returns a pointer to a new float64 holding v. A full chunk is never
// grown in place, so earlier pointers stay valid.
func (f *floats) ptr(v float64) *float64 {
	if len(f.buf) == cap(f.buf) {
		f.buf = make([]float64, 0, max(2*cap(f.buf), 32))
	}
	f.buf = append(f.buf, v)
	return &f.buf[len(f.buf)-1]
}

// estimate returns v with the interval [lo, hi] when has is set and both
// bounds are finite, and without one otherwise.
func (f *floats) estimate(v, lo, hi float64, has bool) Estimate {
	e := Estimate{Value: v}
	if has && finite(lo) && finite(hi) {
		e.Lo, e.Hi = f.ptr(lo), f.ptr(hi)
	}
	return e
}

// finite reports whether the estimate and its bounds are finite.
func (e Estimate) finite() bool {
	return finite(e.Value) && (e.Lo == nil || finite(*e.Lo)) && (e.Hi == nil || finite(*e.Hi))
}

func (a *Amdahl) finite() bool {
	ok := a.S.finite() && finite(a.RMSE)
	for _, p := range a.Projection {
		ok = ok && p.finite()
	}
	return ok
}

func (u *USL) finite() bool {
	ok := u.Lambda.finite() && u.Sigma.finite() && u.Kappa.finite() && finite(u.RMSE)
	if u.Peak != nil {
		ok = ok && u.Peak.finite()
	}
	for _, p := range u.Projection {
		ok = ok && p.finite()
	}
	return ok
}

func (p Projected) finite() bool {
	return p.Speedup.finite() && (p.Throughput == nil || p.Throughput.finite())
}

// finite reports whether v is neither NaN nor an infinity.
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// matrix returns rows slices of n float64s sharing one array.
func matrix(rows, n int) [][]float64 {
	buf := make([]float64, rows*n)
	m := make([][]float64, rows)
	for i := range m {
		m[i] = buf[i*n : (i+1)*n : (i+1)*n]
	}
	return m
}

// uniformIndex returns a uniform index in [0, n) (by a multiply-shift of
// 32 random bits; its bias, below n/2^32, is far under the Monte Carlo
// error of a bootstrap).
func uniformIndex(r *rand.PCG, n int) int {
	return int(((r.Uint64() >> 32) * uint64(n)) >> 32)
}

// residuals returns y - fitted, centred on their mean and scaled by
// sqrt(n/(n-params)), the usual correction for the variance the fit
// absorbed, for a residual bootstrap.
func residuals(y, fitted []float64, params int) []float64 {
	n := len(y)
	res := make([]float64, n)
	mean := 0.0
	for i := range y {
		res[i] = y[i] - fitted[i]
		mean += res[i]
	}
	mean /= float64(n)
	c := math.Sqrt(float64(n) / float64(n-params))
	for i := range res {
		res[i] = (res[i] - mean) * c
	}
	return res
}
