package scaling

import "math"

// A problem is a nonlinear least-squares problem in one or two parameters.
type problem interface {
	// eval returns the sum of squared residuals at p; when jac is set, it
	// also returns the gradient J'r and the Gauss-Newton matrix J'J of the
	// residuals r and their Jacobian J.
	eval(p [2]float64, jac bool) (ss float64, grad [2]float64, jtj [2][2]float64)
}

// A box bounds each of the dim parameters of a problem.
type box struct {
	dim    int
	lo, hi [2]float64
}

func (b box) clamp(p [2]float64) [2]float64 {
	for j := range b.dim {
		p[j] = min(max(p[j], b.lo[j]), b.hi[j])
	}
	return p
}

// The limits of minimize: it has converged when a step would (by the
// Gauss-Newton model) or did decrease the sum of squares by less than a
// fraction ftol of it, or when the sum of squares falls below ssFloor
// (an exact fit, the data being scaled to at most 1), or when the damping
// exceeds muMax (no step decreases the sum of squares any more).
const (
	ftol    = 1e-12
	ssFloor = 1e-28
	muMax   = 1e16
)

// minimize returns the parameters in b that minimise pr's sum of squares,
// from the start p0, by Levenberg-Marquardt with Marquardt's diagonal
// scaling and Nielsen's update of the damping, and an active set for the
// bounds: a parameter on a bound whose gradient points out of the box is
// held there for the step, the others take the damped Gauss-Newton step,
// and the result is projected back into the box. maxIter bounds the
// number of trial steps; ok is false when they ran out before the
// convergence test was met, p and ss are then the best point reached
// (every accepted step decreases ss).
func minimize(pr problem, b box, p0 [2]float64, maxIter int) (p [2]float64, ss float64, ok bool) {
	p = b.clamp(p0)
	ss, g, h := pr.eval(p, true)
	mu, nu := 1e-3, 2.0
	reject := func() bool {
		mu *= nu
		nu *= 2
		return mu > muMax
	}
	for range maxIter {
		if ss <= ssFloor {
			return p, ss, true
		}
		var free [2]bool
		nfree := 0
		for j := range b.dim {
			out := (p[j] <= b.lo[j] && g[j] > 0) || (p[j] >= b.hi[j] && g[j] < 0)
			free[j] = !out && (g[j] != 0 || h[j][j] != 0)
			if free[j] {
				nfree++
			}
		}
		if nfree == 0 {
			return p, ss, true // a KKT point: every gradient points out of the box
		}
		step, solved := dampedStep(g, h, free, mu, max(h[0][0], h[1][1]))
		if !solved {
			if reject() {
				return p, ss, true
			}
			continue
		}
		var full, trial, d [2]float64
		for j := range b.dim {
			full[j] = p[j] + step[j]
		}
		trial = b.clamp(full)
		if trial == p {
			return p, ss, true // the step no longer changes p
		}
		for j := range b.dim {
			d[j] = trial[j] - p[j]
		}
		// The decrease the Gauss-Newton model predicts for the step taken.
		// A step cut short by a bound is no model step: it is tried, and
		// the next iteration holds the parameter on the bound if the
		// gradient says so.
		pred := -(g[0]*d[0] + g[1]*d[1]) - 0.5*(d[0]*(h[0][0]*d[0]+h[0][1]*d[1])+d[1]*(h[1][0]*d[0]+h[1][1]*d[1]))
		if trial == full && pred <= ftol*ss && mu <= 1 {
			return p, ss, true
		}
		// Most trial steps are accepted: evaluating the Jacobian with the
		// residuals saves a second pass over the points on each.
		tss, tg, th := pr.eval(trial, true)
		if !(tss < ss) {
			if reject() {
				return p, ss, true
			}
			continue
		}
		rho := 1.0
		if pred > 0 && trial == full {
			rho = (ss - tss) / pred
		}
		old := ss
		p, ss, g, h = trial, tss, tg, th
		mu = max(mu*max(1.0/3, 1-math.Pow(2*rho-1, 3)), 1e-15)
		nu = 2
		if old-ss <= ftol*old {
			return p, ss, true
		}
	}
	return p, ss, false
}

// dampedStep solves (J'J + mu D) step = -grad over the free parameters,
// with D the diagonal of J'J floored at a tiny fraction of its largest
// entry dmax, so that a parameter the residuals barely depend on still
// gets a bounded step.
func dampedStep(g [2]float64, h [2][2]float64, free [2]bool, mu, dmax float64) (step [2]float64, ok bool) {
	floor := max(dmax*1e-12, 1e-300)
	d0 := h[0][0] + mu*max(h[0][0], floor)
	d1 := h[1][1] + mu*max(h[1][1], floor)
	switch {
	case free[0] && free[1]:
		det := d0*d1 - h[0][1]*h[1][0]
		if !(det > 0) || math.IsInf(det, 0) {
			return step, false
		}
		step[0] = (-g[0]*d1 + g[1]*h[0][1]) / det
		step[1] = (-g[1]*d0 + g[0]*h[1][0]) / det
	case free[0]:
		if !(d0 > 0) {
			return step, false
		}
		step[0] = -g[0] / d0
	case free[1]:
		if !(d1 > 0) {
			return step, false
		}
		step[1] = -g[1] / d1
	}
	for _, s := range step {
		if math.IsNaN(s) || math.IsInf(s, 0) {
			return [2]float64{}, false
		}
	}
	return step, true
}
