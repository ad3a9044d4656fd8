package scaling

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/optimize"
)

// uslData returns throughputs of the USL at ns, each times (1 + noise e)
// with e standard normal, scaled to a largest value of 1.
func uslData(rng *rand.Rand, ns []float64, sigma, kappa, noise float64) []float64 {
	x := make([]float64, len(ns))
	top := 0.0
	for i, n := range ns {
		x[i] = 1000 * uslSpeedup(sigma, kappa, n) * math.Max(0.05, 1+noise*rng.NormFloat64())
		top = max(top, x[i])
	}
	for i := range x {
		x[i] /= top
	}
	return x
}

// gonumUSL minimises the same sum of squares with gonum's Nelder-Mead over
// (lambda, a, b), sigma = a^2 and kappa = b^2, from several starts, as an
// independent check of the solver: it shares no code with it.
func gonumUSL(t *testing.T, ns, xs []float64) (sigma, kappa, ss float64) {
	t.Helper()
	f, _ := gonumObjective(ns, xs)
	ss = math.Inf(1)
	for _, st := range [][]float64{{xs[0], 0.1, 0.01}, {xs[0], 0.3, 0.1}, {xs[0] / 2, 0.01, 0.001}, {1, 0.5, 0.3}, {xs[0], 1, 0.001}} {
		settings := &optimize.Settings{Converger: &optimize.FunctionConverge{Absolute: 1e-17, Relative: 1e-15, Iterations: 200}, MajorIterations: 10000}
		res, err := optimize.Minimize(optimize.Problem{Func: f}, st, settings, &optimize.NelderMead{})
		if err != nil && res == nil {
			t.Fatalf("gonum: %v", err)
		}
		if res.F < ss {
			sigma, kappa, ss = res.X[1]*res.X[1], res.X[2]*res.X[2], res.F
		}
	}
	return sigma, kappa, ss
}

// TestFitUSLAgainstGonum fits many series, clean, noisy and pathological,
// and checks that no start of an independent minimiser finds a smaller
// sum of squares than fitUSL within the bounds.
func TestFitUSLAgainstGonum(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	grids := [][]float64{
		{1, 2, 4},
		{1, 2, 4, 8},
		{1, 2, 3, 4, 5, 6, 7, 8},
		{1, 2, 4, 8, 16, 32},
		{2, 4, 8, 16},
	}
	type tc struct {
		name         string
		sigma, kappa float64
		noise        float64
	}
	cases := []tc{
		{"linear", 0, 0, 0},
		{"amdahl", 0.1, 0, 0},
		{"retrograde", 0.05, 0.01, 0},
		{"flat", 1, 0, 0},
		{"falling", 2, 0.1, 0},
	}
	for range 30 {
		cases = append(cases, tc{"random", rng.Float64() * 0.3, rng.Float64() * rng.Float64() * 0.02, rng.Float64() * 0.2})
	}
	for _, ns := range grids {
		for _, c := range cases {
			xs := uslData(rng, ns, c.sigma, c.kappa, c.noise)
			name := fmt.Sprintf("%v/%s/sigma=%.3g/kappa=%.3g/noise=%.2g", ns, c.name, c.sigma, c.kappa, c.noise)
			pr := newUSLProblem(ns, xs)
			p, ss, ok := fitUSL(pr, nil, pointIter)
			if !ok {
				t.Errorf("%s: did not converge", name)
			}
			if p[0] < 0 || p[1] < 0 {
				t.Errorf("%s: sigma, kappa = %v, outside the bounds", name, p)
			}
			if again, _, _ := pr.eval(p, false); math.Abs(again-ss) > 1e-15 {
				t.Errorf("%s: reported ss %v, recomputed %v", name, ss, again)
			}
			gs, gk, gss := gonumUSL(t, ns, xs)
			if ss > gss*(1+1e-6)+1e-18 {
				t.Errorf("%s: ss %.10g at (%.6g, %.6g), gonum found %.10g at (%.6g, %.6g)", name, ss, p[0], p[1], gss, gs, gk)
			}
			if c.noise == 0 && c.sigma < maxCoherency && ss > 1e-20 {
				t.Errorf("%s: exact data fitted with ss %v", name, ss)
			}
		}
	}
}

// TestFitUSLWarm checks that a warm start from a nearby fit reaches the
// same optimum as a cold fit, as the bootstrap relies on.
func TestFitUSLWarm(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	ns := []float64{1, 2, 4, 8, 16}
	base := uslData(rng, ns, 0.03, 0.001, 0.01)
	p0, _, _ := fitUSL(newUSLProblem(ns, base), nil, pointIter)
	for range 200 {
		xs := make([]float64, len(base))
		for i := range xs {
			xs[i] = base[i] * (1 + 0.03*rng.NormFloat64())
		}
		pr := newUSLProblem(ns, xs)
		_, cold, _ := fitUSL(pr, nil, pointIter)
		_, warm, ok := fitUSL(pr, &p0, replicateIter)
		if !ok || warm > cold*(1+1e-8)+1e-20 {
			t.Fatalf("warm start: ss %v (converged %v), cold %v", warm, ok, cold)
		}
	}
}

func TestGuntherExact(t *testing.T) {
	ns := []float64{1, 2, 4, 8, 16}
	xs := make([]float64, len(ns))
	for i, n := range ns {
		xs[i] = 0.5 * uslSpeedup(0.02, 0.0005, n)
	}
	s, k, ok := gunther(ns, xs, true, true)
	if !ok || math.Abs(s-0.02) > 1e-12 || math.Abs(k-0.0005) > 1e-12 {
		t.Errorf("gunther on exact data = %v, %v, %v; want 0.02, 0.0005", s, k, ok)
	}
}

// TestFitAmdahlGrid checks the one-parameter fit against a fine grid.
func TestFitAmdahlGrid(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	for i := range 200 {
		ns := []float64{2, 4, 8, 16}[:1+i%4]
		s := rng.Float64() * 1.2
		sp := make([]float64, len(ns))
		for j, n := range ns {
			sp[j] = amdahlSpeedup(min(s, 1), n) * (1 + 0.2*rng.NormFloat64())
			if i%10 == 0 {
				sp[j] = n * 1.3 // superlinear: s sits on 0
			}
		}
		pr := &amdahlProblem{n: ns, sp: sp}
		got, ss, _ := fitAmdahl(pr, -1, pointIter)
		if got < 0 || got > 1 {
			t.Fatalf("s = %v outside [0, 1]", got)
		}
		best := math.Inf(1)
		for g := range 100_001 {
			if gss, _, _ := pr.eval([2]float64{float64(g) / 100_000}, false); gss < best {
				best = gss
			}
		}
		if ss > best*(1+1e-9)+1e-15 {
			t.Errorf("speedups %v: s = %v with ss %v, the grid reaches %v", sp, got, ss, best)
		}
	}
}

// TestMinimizeKKT checks that a fit held on a bound is a KKT point: the
// gradient there points out of the box.
func TestMinimizeKKT(t *testing.T) {
	ns := []float64{1, 2, 4, 8}
	xs := []float64{0.1, 0.21, 0.45, 1} // superlinear
	pr := newUSLProblem(ns, xs)
	p, _, ok := fitUSL(pr, nil, pointIter)
	if !ok || p != [2]float64{0, 0} {
		t.Fatalf("superlinear series fitted at %v (converged %v), want the corner (0, 0)", p, ok)
	}
	_, g, _ := pr.eval(p, true)
	if g[0] <= 0 || g[1] <= 0 {
		t.Errorf("gradient %v at the corner: some parameter could still descend into the box", g)
	}
}

// BenchmarkFitUSL compares one cold fit of the USL by this package's
// solver with gonum's BFGS (analytic gradient, sigma = a^2 and kappa =
// b^2 for the bounds) and Nelder-Mead on the same sum of squares: the
// figures behind writing the solver (see the package documentation).
func BenchmarkFitUSL(b *testing.B) {
	rng := rand.New(rand.NewPCG(17, 18))
	for _, points := range []int{5, 32} {
		ns := make([]float64, points)
		for i := range ns {
			ns[i] = float64(i + 1)
			if points <= 8 {
				ns[i] = float64(int(1) << i)
			}
		}
		xs := uslData(rng, ns, 0.03, 0.0008, 0.02)
		b.Run(fmt.Sprintf("points=%d/solver=lm", points), func(b *testing.B) {
			pr := newUSLProblem(ns, xs)
			for b.Loop() {
				fitUSL(pr, nil, pointIter)
			}
		})
		p0, _, _ := fitUSL(newUSLProblem(ns, xs), nil, pointIter)
		b.Run(fmt.Sprintf("points=%d/solver=lm-warm", points), func(b *testing.B) {
			pr := newUSLProblem(ns, xs)
			start := [2]float64{p0[0] * 1.1, p0[1] * 0.9}
			for b.Loop() {
				fitUSL(pr, &start, replicateIter)
			}
		})
		f, grad := gonumObjective(ns, xs)
		for _, m := range []struct {
			name   string
			method func() optimize.Method
		}{{"gonum-bfgs", func() optimize.Method { return &optimize.BFGS{} }}, {"gonum-neldermead", func() optimize.Method { return &optimize.NelderMead{} }}} {
			b.Run(fmt.Sprintf("points=%d/solver=%s", points, m.name), func(b *testing.B) {
				var res *optimize.Result
				for b.Loop() {
					// BFGS ends with "linesearch: failed to converge" near
					// the optimum on these ill-conditioned problems, and
					// still returns its best point.
					res, _ = optimize.Minimize(optimize.Problem{Func: f, Grad: grad}, []float64{xs[0], 0.1, 0.01}, nil, m.method())
				}
				if res == nil {
					b.Fatal("gonum returned no result")
				}
				// gonum's sum of squares over this package's optimum.
				_, ss, _ := fitUSL(newUSLProblem(ns, xs), nil, pointIter)
				b.ReportMetric(res.F/ss, "ss/optimum")
			})
		}
	}
}

// gonumObjective is the USL's sum of squares over (lambda, a, b), sigma =
// a^2, kappa = b^2, and its gradient.
func gonumObjective(ns, xs []float64) (func([]float64) float64, func(grad, p []float64)) {
	f := func(p []float64) float64 {
		s, k := p[1]*p[1], p[2]*p[2]
		sum := 0.0
		for i, n := range ns {
			r := xs[i] - p[0]*n/(1+s*(n-1)+k*n*(n-1))
			sum += r * r
		}
		return sum
	}
	grad := func(g, p []float64) {
		s, k := p[1]*p[1], p[2]*p[2]
		g[0], g[1], g[2] = 0, 0, 0
		for i, n := range ns {
			d := 1 + s*(n-1) + k*n*(n-1)
			c := n / d
			r := xs[i] - p[0]*c
			dd := p[0] * c / d // -d(model)/d(d)
			g[0] += -2 * r * c
			g[1] += 2 * r * dd * (n - 1) * 2 * p[1]
			g[2] += 2 * r * dd * n * (n - 1) * 2 * p[2]
		}
	}
	return f, grad
}
