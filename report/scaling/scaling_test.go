package scaling_test

import (
	"bufio"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"concbench/report/scaling"
)

// readReference reads testdata/usl-reference.csv: one throughput per
// core count, N = 1..32.
func readReference(t *testing.T) []scaling.Point {
	t.Helper()
	f, err := os.Open("testdata/usl-reference.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var pts []scaling.Point
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if strings.HasPrefix(text, "#") || text == "n,throughput" {
			continue
		}
		n, x, ok := strings.Cut(text, ",")
		if !ok {
			t.Fatalf("usl-reference.csv:%d: no comma", line)
		}
		ni, err1 := strconv.Atoi(n)
		xf, err2 := strconv.ParseFloat(x, 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("usl-reference.csv:%d: %v %v", line, err1, err2)
		}
		pts = append(pts, scaling.Point{N: ni, X: []float64{xf}})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(pts) != 32 {
		t.Fatalf("read %d points, want 32", len(pts))
	}
	return pts
}

// within reports whether got is within rel (relative) of want.
func within(got, want, rel float64) bool { return math.Abs(got-want) <= rel*math.Abs(want) }

// bounds returns an estimate's interval, failing the test when it has none.
func bounds(t *testing.T, what string, e scaling.Estimate) (lo, hi float64) {
	t.Helper()
	if e.Lo == nil || e.Hi == nil {
		t.Fatalf("%s: no interval", what)
	}
	return *e.Lo, *e.Hi
}

func analyze(t *testing.T, pts []scaling.Point, ref *scaling.Reference) scaling.Analysis {
	t.Helper()
	a, err := scaling.Analyze(pts, ref, scaling.Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkFinite(t, a)
	return a
}

// TestReferenceAll fits all 32 points of the reference data set; the
// file's header gives the published least-squares fit: sigma = 0.0267159,
// kappa = 7.69094e-4, lambda = 995.649, N* = 35.6.
func TestReferenceAll(t *testing.T) {
	a := analyze(t, readReference(t), nil)
	u := a.USL
	if u == nil {
		t.Fatalf("no USL fit: %v", a.Unfitted)
	}
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"sigma", u.Sigma.Value, 0.0267159},
		{"kappa", u.Kappa.Value, 7.69094e-4},
		{"lambda", u.Lambda.Value, 995.649},
	} {
		// The issue asks for 5%; the fit agrees with the published
		// figures to their last digit.
		if !within(c.got, c.want, 0.05) || !within(c.got, c.want, 1e-5) {
			t.Errorf("%s = %.7g, published %.7g", c.name, c.got, c.want)
		}
	}
	if u.Peak == nil || math.Abs(u.Peak.Value-35.6) > 0.05 {
		t.Errorf("peak = %+v, published 35.6", u.Peak)
	}
	if u.Interval != scaling.ResidualBootstrap {
		t.Errorf("interval by %q: one throughput per core count leaves only the residuals to resample", u.Interval)
	}
	for _, e := range []struct {
		name string
		e    scaling.Estimate
	}{{"sigma", u.Sigma}, {"kappa", u.Kappa}, {"lambda", u.Lambda}, {"peak", *u.Peak}} {
		lo, hi := bounds(t, e.name, e.e)
		if !(lo < e.e.Value && e.e.Value < hi) {
			t.Errorf("%s = %v outside its interval [%v, %v]", e.name, e.e.Value, lo, hi)
		}
	}
	if lo, _ := bounds(t, "kappa", u.Kappa); lo <= 0 {
		t.Errorf("kappa's interval reaches 0, yet the data peak at N = 27")
	}
}

// TestReferenceSubset fits N = 1, 2, 4, 8, 16. The header's figures for
// this subset (sigma ~ 0.015, kappa ~ 1.3e-3, N* ~ 27) are those of
// Gunther's linearised regression on C(N) = X(N)/X(1) (lambda = X(1));
// the least-squares fit of X with lambda free fits these points better
// and lands elsewhere, but its 95% intervals hold the published figures.
func TestReferenceSubset(t *testing.T) {
	all := readReference(t)
	var pts []scaling.Point
	for _, p := range all {
		if p.N&(p.N-1) == 0 && p.N <= 16 {
			pts = append(pts, p)
		}
	}
	a := analyze(t, pts, nil)
	u := a.USL
	if u == nil || u.Peak == nil {
		t.Fatalf("fit %+v without a peak; unfitted %v", u, a.Unfitted)
	}
	const pubSigma, pubKappa, pubPeak = 0.015, 1.3e-3, 27.0
	for _, c := range []struct {
		name string
		e    scaling.Estimate
		pub  float64
	}{{"sigma", u.Sigma, pubSigma}, {"kappa", u.Kappa, pubKappa}, {"peak", *u.Peak, pubPeak}} {
		lo, hi := bounds(t, c.name, c.e)
		if !(lo <= c.pub && c.pub <= hi) {
			t.Errorf("%s = %.4g [%.4g, %.4g] does not hold the published %.4g", c.name, c.e.Value, lo, hi, c.pub)
		}
	}
	// The fit is the least-squares optimum: the published parameters,
	// with their best lambda, leave larger residuals.
	ss := func(sigma, kappa float64) float64 {
		var xg, gg float64
		g := make([]float64, len(pts))
		for i, p := range pts {
			n := float64(p.N)
			g[i] = n / (1 + sigma*(n-1) + kappa*n*(n-1))
			xg += p.X[0] * g[i]
			gg += g[i] * g[i]
		}
		sum := 0.0
		for i, p := range pts {
			r := p.X[0] - xg/gg*g[i]
			sum += r * r
		}
		return sum
	}
	fitted := ss(u.Sigma.Value, u.Kappa.Value)
	if pub := ss(pubSigma, pubKappa); fitted >= pub {
		t.Errorf("sum of squares %v at the fit, %v at the published parameters", fitted, pub)
	}
	if rmse := math.Sqrt(fitted / 5); !within(u.RMSE, rmse, 1e-9) {
		t.Errorf("RMSE = %v, want %v", u.RMSE, rmse)
	}
	// Where the published figures come from: the quadratic through the
	// origin of N/C(N) - 1 = sigma (N-1) + kappa N (N-1).
	var a11, a12, a22, b1, b2 float64
	for _, p := range pts[1:] {
		n := float64(p.N)
		x1, x2 := n-1, n*(n-1)
		y := n/(p.X[0]/pts[0].X[0]) - 1
		a11, a12, a22 = a11+x1*x1, a12+x1*x2, a22+x2*x2
		b1, b2 = b1+x1*y, b2+x2*y
	}
	det := a11*a22 - a12*a12
	gs, gk := (b1*a22-b2*a12)/det, (a11*b2-a12*b1)/det
	if math.Abs(gs-pubSigma) > 0.0005 || math.Abs(gk-pubKappa) > 0.00005 || math.Abs(math.Sqrt((1-gs)/gk)-pubPeak) > 0.5 {
		t.Errorf("Gunther's linearisation gives sigma %.4g, kappa %.4g: not the published figures", gs, gk)
	}
}

// series builds points at core counts ns whose samples are f(n) times
// each of the factors.
func series(ns []int, f func(n float64) float64, factors ...float64) []scaling.Point {
	pts := make([]scaling.Point, len(ns))
	for i, n := range ns {
		xs := make([]float64, len(factors))
		for j, k := range factors {
			xs[j] = f(float64(n)) * k
		}
		pts[i] = scaling.Point{N: n, X: xs}
	}
	return pts
}

// six is the spread of six samples around a median of 1.
var six = []float64{0.98, 0.99, 1, 1, 1.01, 1.02}

func unfitted(a scaling.Analysis, model string) string {
	for _, u := range a.Unfitted {
		if u.Model == model {
			return u.Reason
		}
	}
	return ""
}

func TestOneCoreCount(t *testing.T) {
	a := analyze(t, series([]int{1}, func(float64) float64 { return 100 }, six...), nil)
	if a.Amdahl != nil || a.USL != nil || len(a.KarpFlatt) != 0 {
		t.Fatalf("fitted one core count: %+v", a)
	}
	for _, m := range []string{scaling.ModelAmdahl, scaling.ModelUSL, scaling.ModelKarpFlatt} {
		if r := unfitted(a, m); !strings.Contains(r, "one core count only") {
			t.Errorf("%s: reason %q does not say one core count only", m, r)
		}
	}
}

// TestTwoCoreCounts: two core counts give Amdahl (exactly, in closed
// form) and Karp-Flatt, not the USL.
func TestTwoCoreCounts(t *testing.T) {
	a := analyze(t, series([]int{1, 2}, func(n float64) float64 { return 100 * n / (1 + 0.25*(n-1)) }, six...), nil)
	if a.USL != nil || !strings.Contains(unfitted(a, scaling.ModelUSL), "2 core counts") {
		t.Errorf("USL on two core counts: %+v, reason %q", a.USL, unfitted(a, scaling.ModelUSL))
	}
	am := a.Amdahl
	if am == nil {
		t.Fatalf("no Amdahl fit: %v", a.Unfitted)
	}
	if !within(am.S.Value, 0.25, 1e-12) || am.DOF != 0 || am.RMSE > 1e-12 || am.Interval != scaling.SampleBootstrap {
		t.Errorf("Amdahl = %+v, want s = 0.25 exactly, DOF 0, by the sample bootstrap", am)
	}
	lo, hi := bounds(t, "s", am.S)
	if !(lo < 0.25 && 0.25 < hi) {
		t.Errorf("s interval [%v, %v] does not hold 0.25", lo, hi)
	}
	if len(a.KarpFlatt) != 1 || !within(a.KarpFlatt[0].E.Value, 0.25, 1e-12) {
		t.Errorf("Karp-Flatt = %+v, want e(2) = 0.25", a.KarpFlatt)
	}
	// On two points e(2) is s unclamped: the same interval.
	elo, ehi := bounds(t, "e(2)", a.KarpFlatt[0].E)
	if elo != lo || ehi != hi {
		t.Errorf("e(2) interval [%v, %v], s interval [%v, %v]", elo, ehi, lo, hi)
	}
	// The projection's band follows s's: S(N) decreases with s.
	for _, p := range am.Projection {
		plo, phi := bounds(t, "projection", p.Speedup)
		n := float64(p.N)
		if !within(plo, n/(1+hi*(n-1)), 1e-12) || !within(phi, n/(1+lo*(n-1)), 1e-12) || p.Throughput != nil {
			t.Errorf("projection at %d = %+v", p.N, p)
		}
	}
	// It follows from s exactly, so JSON leaves it out.
	js, err := json.Marshal(am)
	if err != nil {
		t.Fatal(err)
	}
	if len(am.Projection) == 0 || strings.Contains(string(js), "projection") {
		t.Errorf("%d projected points; JSON %s, want none there", len(am.Projection), js)
	}
}

func TestNoOneCorePoint(t *testing.T) {
	a := analyze(t, series([]int{2, 4, 8}, func(n float64) float64 { return 100 * n / (1 + 0.1*(n-1)) }, six...), nil)
	if a.Amdahl != nil || !strings.Contains(unfitted(a, scaling.ModelAmdahl), "no 1-core point") {
		t.Errorf("Amdahl without N=1: %+v, reason %q", a.Amdahl, unfitted(a, scaling.ModelAmdahl))
	}
	if a.USL == nil || !within(a.USL.Sigma.Value, 0.1, 1e-6) || a.USL.DOF != 0 {
		t.Errorf("USL on 2, 4, 8 = %+v, want sigma 0.1, DOF 0", a.USL)
	}
}

// TestLinear: a perfectly linear series has no contention and no
// coherency cost, and so no peak.
func TestLinear(t *testing.T) {
	linear := func(n float64) float64 { return 250 * n }
	for _, tc := range []struct {
		name    string
		factors []float64
	}{
		{"identical samples", []float64{1, 1, 1, 1, 1, 1}},
		{"symmetric noise", six},
		{"one sample", []float64{1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := analyze(t, series([]int{1, 2, 4, 8, 16}, linear, tc.factors...), nil)
			u := a.USL
			if u == nil || a.Amdahl == nil {
				t.Fatalf("unfitted: %v", a.Unfitted)
			}
			if math.Abs(u.Sigma.Value) > 1e-9 || math.Abs(u.Kappa.Value) > 1e-9 || a.Amdahl.S.Value > 1e-9 {
				t.Errorf("sigma %v, kappa %v, s %v; want 0", u.Sigma.Value, u.Kappa.Value, a.Amdahl.S.Value)
			}
			if u.Peak != nil {
				t.Errorf("peak %+v for a series that never turns down", u.Peak)
			}
			if !within(u.Lambda.Value, 250, 1e-9) {
				t.Errorf("lambda = %v, want 250", u.Lambda.Value)
			}
			for _, k := range a.KarpFlatt {
				if math.Abs(k.E.Value) > 1e-12 {
					t.Errorf("e(%d) = %v, want 0", k.N, k.E.Value)
				}
			}
		})
	}
}

// TestKarpFlattUSL: on exact USL data with lambda = X(1), e(N) = sigma +
// kappa N, a straight line in N.
func TestKarpFlattUSL(t *testing.T) {
	const sigma, kappa = 0.05, 0.002
	a := analyze(t, series([]int{1, 2, 4, 8, 16, 32}, func(n float64) float64 {
		return 10 * n / (1 + sigma*(n-1) + kappa*n*(n-1))
	}, six...), nil)
	for _, k := range a.KarpFlatt {
		if want := sigma + kappa*float64(k.N); !within(k.E.Value, want, 1e-9) {
			t.Errorf("e(%d) = %v, want %v", k.N, k.E.Value, want)
		}
		lo, hi := bounds(t, "e", k.E)
		if !(lo <= k.E.Value && k.E.Value <= hi) {
			t.Errorf("e(%d) = %v outside [%v, %v]", k.N, k.E.Value, lo, hi)
		}
	}
	u := a.USL
	if !within(u.Sigma.Value, sigma, 1e-6) || !within(u.Kappa.Value, kappa, 1e-6) {
		t.Errorf("sigma, kappa = %v, %v, want %v, %v", u.Sigma.Value, u.Kappa.Value, sigma, kappa)
	}
	if u.Peak == nil || !within(u.Peak.Value, math.Sqrt((1-sigma)/kappa), 1e-6) {
		t.Errorf("peak = %+v, want %v", u.Peak, math.Sqrt((1-sigma)/kappa))
	}
	// The projection at measured core counts follows the data.
	for _, p := range u.Projection {
		n := float64(p.N)
		want := 10 * n / (1 + sigma*(n-1) + kappa*n*(n-1))
		if p.Throughput == nil || !within(p.Throughput.Value, want, 1e-6) {
			t.Errorf("projected X(%d) = %+v, want %v", p.N, p.Throughput, want)
		}
		if lo, hi := bounds(t, "projection", *p.Throughput); !(lo <= hi) {
			t.Errorf("projected X(%d) interval [%v, %v]", p.N, lo, hi)
		}
	}
}

// TestNoisyWide: noisy points give wide intervals, shown, not hidden.
func TestNoisyWide(t *testing.T) {
	f := func(n float64) float64 { return 100 * n / (1 + 0.05*(n-1) + 0.001*n*(n-1)) }
	rng := rand.New(rand.NewPCG(21, 22))
	noisy := func(spread float64) []float64 {
		xs := make([]float64, 10)
		for i := range xs {
			xs[i] = math.Max(0.05, 1+spread*rng.NormFloat64())
		}
		return xs
	}
	ns := []int{1, 2, 4, 8, 16}
	quiet := make([]scaling.Point, len(ns))
	loud := make([]scaling.Point, len(ns))
	for i, n := range ns {
		quiet[i] = scaling.Point{N: n, X: series([]int{n}, f, noisy(0.005)...)[0].X}
		loud[i] = scaling.Point{N: n, X: series([]int{n}, f, noisy(0.3)...)[0].X}
	}
	q, l := analyze(t, quiet, nil), analyze(t, loud, nil)
	width := func(e scaling.Estimate) float64 {
		lo, hi := bounds(t, "estimate", e)
		return hi - lo
	}
	for _, c := range []struct {
		name        string
		quiet, loud scaling.Estimate
	}{
		{"s", q.Amdahl.S, l.Amdahl.S},
		{"sigma", q.USL.Sigma, l.USL.Sigma},
		{"kappa", q.USL.Kappa, l.USL.Kappa},
		{"e(16)", q.KarpFlatt[3].E, l.KarpFlatt[3].E},
	} {
		if wq, wl := width(c.quiet), width(c.loud); !(wl > 5*wq) {
			t.Errorf("%s: interval width %v with 30%% noise, %v with 0.5%%", c.name, wl, wq)
		}
	}
	if l.USL.Peak != nil {
		if lo, _ := bounds(t, "kappa", l.USL.Kappa); lo <= 0 {
			t.Errorf("peak shown although kappa's interval reaches 0")
		}
	}
}

func TestCOST(t *testing.T) {
	serial := series([]int{1, 2, 4}, func(float64) float64 { return 100 }, six...)
	ref := scaling.NewReference(serial)
	for _, tc := range []struct {
		name      string
		pts       []scaling.Point
		cores     int
		unbounded bool
	}{
		{"slower at every N", series([]int{1, 2, 4}, func(n float64) float64 { return 30 * n / (1 + 0.5*(n-1)) }, six...), 0, true},
		{"beats from 2 cores", series([]int{1, 2, 4}, func(n float64) float64 { return 80 * n }, six...), 2, false},
		{"beats at 1 core", series([]int{1, 2}, func(n float64) float64 { return 150 * n }, six...), 1, false},
		{"ties only", series([]int{1, 2}, func(float64) float64 { return 100 }, six...), 0, true},
		{"the reference itself", serial, 0, true},
		{"beats at 4 only, then falls", series([]int{1, 2, 4, 8}, func(n float64) float64 {
			return map[float64]float64{1: 50, 2: 90, 4: 130, 8: 60}[n]
		}, six...), 4, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := analyze(t, tc.pts, ref)
			c := a.COST
			if c == nil {
				t.Fatal("no COST")
			}
			if c.Cores != tc.cores || c.Unbounded != tc.unbounded || c.Reason != "" {
				t.Errorf("COST = %v (%+v), want %d cores, unbounded %v", c, c, tc.cores, tc.unbounded)
			}
			if c.Reference.Median != 100 {
				t.Errorf("reference best %+v, want a median of 100", c.Reference)
			}
			for _, p := range c.Points {
				lo, _ := bounds(t, "ratio", p.Ratio)
				if p.Beats != (lo > 1) {
					t.Errorf("N=%d: beats %v with ratio %+v", p.N, p.Beats, p.Ratio)
				}
			}
		})
	}
	// Without intervals nothing is decided.
	single := series([]int{1, 2}, func(n float64) float64 { return 500 * n }, 1)
	a := analyze(t, single, ref)
	if a.COST.Cores != 0 || a.COST.Unbounded || !strings.Contains(a.COST.Reason, "single sample") {
		t.Errorf("COST of single samples = %+v", a.COST)
	}
	if got := a.COST.String(); !strings.HasPrefix(got, "undecided: ") {
		t.Errorf("String() = %q", got)
	}
}

func TestOptions(t *testing.T) {
	pts := series([]int{1, 2, 4}, func(n float64) float64 { return n }, six...)
	for _, o := range []scaling.Options{{Confidence: 1}, {Confidence: -0.5}, {Project: []int{64, 0}}} {
		if _, err := scaling.Analyze(pts, nil, o); err == nil {
			t.Errorf("Analyze with %+v: no error", o)
		}
	}
	ref := scaling.NewReference(pts)
	a, err := scaling.Analyze(pts, ref, scaling.Options{Resamples: 200, Project: []int{3, 64}})
	if err != nil {
		t.Fatal(err)
	}
	if a.Resamples != 200 || a.Seed != scaling.DefaultSeed || a.Confidence != 0.95 || len(a.USL.Projection) != 2 || a.USL.Projection[1].N != 64 {
		t.Errorf("options not applied: %+v", a)
	}
	off, err := scaling.Analyze(pts, ref, scaling.Options{Resamples: -1})
	if err != nil {
		t.Fatal(err)
	}
	if off.Amdahl.Interval != scaling.NoInterval || off.USL.Interval != scaling.NoInterval || off.Amdahl.S.Lo != nil || off.USL.Peak != nil {
		t.Errorf("bootstrap off, yet intervals: %+v", off)
	}
	if off.COST.Cores != 0 || off.COST.Unbounded || !strings.Contains(off.COST.Reason, "bootstrap is off") {
		t.Errorf("bootstrap off, yet COST %+v", off.COST)
	}
	if got := scaling.DefaultProjection(); !slices.Equal(got, []int{1, 2, 4, 8, 16, 32, 64, 128}) {
		t.Errorf("DefaultProjection() = %v", got)
	}
}

// TestDeterministic: the same points give the same analysis, in any
// order and at any seed-free call order.
func TestDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	pts := series([]int{1, 2, 4, 8}, func(n float64) float64 { return 100 * n / (1 + 0.1*(n-1)) }, six...)
	for i := range pts {
		rng.Shuffle(len(pts[i].X), func(a, b int) { pts[i].X[a], pts[i].X[b] = pts[i].X[b], pts[i].X[a] })
	}
	ref := scaling.NewReference(pts[:2])
	first := analyze(t, pts, ref)
	shuffled := slices.Clone(pts)
	slices.Reverse(shuffled)
	for range 3 {
		if diff := cmp.Diff(first, analyze(t, shuffled, ref)); diff != "" {
			t.Fatalf("second analysis differs (-first +second):\n%s", diff)
		}
	}
	other, _ := scaling.Analyze(pts, nil, scaling.Options{Seed: 7})
	if cmp.Equal(first.USL.Sigma, other.USL.Sigma) {
		t.Error("another seed gave the same interval: is the seed used?")
	}
}

func TestThroughputs(t *testing.T) {
	got := scaling.Throughputs([]float64{0.5, 0.25, 0, -1})
	want := []float64{2, 4, math.Inf(1), -1}
	if !slices.Equal(got, want) {
		t.Errorf("Throughputs = %v, want %v", got, want)
	}
}

// TestDegenerate feeds inputs no benchmark should produce: none may panic,
// fail, or put a NaN or an infinity in the result, and every result must
// encode as JSON (encoding/json refuses NaN and infinities).
func TestDegenerate(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	ok := func(n int) scaling.Point {
		return scaling.Point{N: n, X: []float64{float64(n), float64(n) * 1.01, float64(n) * 0.99}}
	}
	cases := []struct {
		name string
		pts  []scaling.Point
		// what must still be fitted
		amdahl, usl bool
		note        string
	}{
		{"nil", nil, false, false, ""},
		{"no samples", []scaling.Point{{N: 1}, {N: 2, X: []float64{}}}, false, false, "no usable sample"},
		{"zero samples", []scaling.Point{{N: 1, X: []float64{0, 0}}, {N: 2, X: []float64{0}}}, false, false, "not positive"},
		{"negative samples", []scaling.Point{{N: 1, X: []float64{-1, -2}}, ok(2), ok(4), ok(8)}, false, true, "not positive"},
		{"NaN and Inf samples", []scaling.Point{{N: 1, X: []float64{nan, 1, inf, -inf}}, {N: 2, X: []float64{nan, 2, 2.1}}, ok(4)}, true, true, "dropped 3 of 4"},
		{"single sample per point", []scaling.Point{{N: 1, X: []float64{1}}, {N: 2, X: []float64{1.9}}, {N: 4, X: []float64{3.5}}, {N: 8, X: []float64{6}}}, true, true, "single sample"},
		{"single samples on two points", []scaling.Point{{N: 1, X: []float64{1}}, {N: 2, X: []float64{1.9}}}, true, false, "single sample"},
		{"identical samples", series([]int{1, 2, 4, 8}, func(n float64) float64 { return 7 }, 1, 1, 1, 1, 1, 1), true, true, ""},
		{"zero core count", []scaling.Point{{N: 0, X: []float64{5}}, ok(1), ok(2)}, true, false, "core counts start at 1"},
		{"negative core count", []scaling.Point{{N: -4, X: []float64{5}}, ok(1), ok(2), ok(3)}, true, true, "core counts start at 1"},
		{"duplicate core count", []scaling.Point{ok(1), ok(2), ok(2), ok(4)}, true, true, "pooled"},
		{"huge throughputs", series([]int{1, 2, 4, 8}, func(n float64) float64 { return 1e300 * n }, six...), true, true, ""},
		{"near the float64 limit", series([]int{1, 2, 4}, func(n float64) float64 { return 1e307 * n }, six...), true, false, ""},
		{"tiny throughputs", series([]int{1, 2, 4, 8}, func(n float64) float64 { return 1e-300 * n }, six...), true, true, ""},
		{"absurd range", []scaling.Point{{N: 1, X: []float64{1e-300, 1e-300}}, {N: 2, X: []float64{1e300, 1e300}}, {N: 4, X: []float64{1, 1}}}, false, false, ""},
		{"slower with cores", series([]int{1, 2, 4, 8}, func(n float64) float64 { return 100 / n / n }, six...), true, true, ""},
		{"one huge outlier", []scaling.Point{{N: 1, X: []float64{1, 1, 1, 1, 1, 1e12}}, ok(2), ok(4)}, true, true, ""},
		{"many samples", series([]int{1, 2, 4}, func(n float64) float64 { return n }, slices.Repeat(six, 20)...), true, true, ""},
		{"large core counts", series([]int{1, 1000, 100000, 10000000}, func(n float64) float64 { return n / (1 + 0.01*(n-1)) }, six...), true, true, ""},
	}
	serial := series([]int{1, 2}, func(float64) float64 { return 1 }, six...)
	ref := scaling.NewReference(serial)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, r := range []*scaling.Reference{nil, ref} {
				a := analyze(t, tc.pts, r)
				if (a.Amdahl != nil) != tc.amdahl || (a.USL != nil) != tc.usl {
					t.Errorf("amdahl %v, usl %v; want %v, %v; unfitted %v", a.Amdahl != nil, a.USL != nil, tc.amdahl, tc.usl, a.Unfitted)
				}
				if tc.note != "" && !slices.ContainsFunc(a.Notes, func(n string) bool { return strings.Contains(n, tc.note) }) {
					t.Errorf("no note saying %q: %q", tc.note, a.Notes)
				}
				if a.Amdahl == nil && unfitted(a, scaling.ModelAmdahl) == "" || a.USL == nil && unfitted(a, scaling.ModelUSL) == "" {
					t.Errorf("a model is missing without a reason: %+v", a.Unfitted)
				}
				if _, err := json.Marshal(a); err != nil {
					t.Errorf("encoding/json: %v", err)
				}
			}
			// The reference accepts the same inputs.
			if _, err := json.Marshal(scaling.NewReference(tc.pts).Best()); err != nil {
				t.Error(err)
			}
		})
	}
}

// checkFinite fails the test if any float64 reachable from v is NaN or
// infinite.
func checkFinite(t *testing.T, v any) {
	t.Helper()
	var walk func(path string, v reflect.Value)
	walk = func(path string, v reflect.Value) {
		switch v.Kind() {
		case reflect.Float64:
			if f := v.Float(); math.IsNaN(f) || math.IsInf(f, 0) {
				t.Errorf("%s = %v", path, f)
			}
		case reflect.Pointer, reflect.Interface:
			if !v.IsNil() {
				walk(path, v.Elem())
			}
		case reflect.Struct:
			for i := range v.NumField() {
				walk(path+"."+v.Type().Field(i).Name, v.Field(i))
			}
		case reflect.Slice, reflect.Array:
			for i := range v.Len() {
				walk(path+"["+strconv.Itoa(i)+"]", v.Index(i))
			}
		}
	}
	walk("analysis", reflect.ValueOf(v))
}
