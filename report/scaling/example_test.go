package scaling_test

import (
	"fmt"

	"concbench/report/scaling"
)

// interval formats an estimate as "value [lo, hi]".
func interval(e scaling.Estimate) string {
	if e.Lo == nil {
		return fmt.Sprintf("%.3g (no interval)", e.Value)
	}
	return fmt.Sprintf("%.3g [%.3g, %.3g]", e.Value, *e.Lo, *e.Hi)
}

// Six times per operation, in microseconds, at 1, 2, 4 and 8 cores: the
// fits see their reciprocals, operations per microsecond.
func Example() {
	times := [][]float64{
		{1001.4, 1018.8, 986.0, 1014.9, 996.1, 996.1},
		{536.9, 523.2, 521.7, 527.7, 530.8, 521.8},
		{288.5, 281.8, 284.4, 284.1, 280.3, 279.5},
		{169.8, 173.4, 173.5, 173.2, 174.2, 170.5},
	}
	var pts []scaling.Point
	for i, t := range times {
		pts = append(pts, scaling.Point{N: 1 << i, X: scaling.Throughputs(t)})
	}
	a, err := scaling.Analyze(pts, nil, scaling.Options{Project: []int{64, 128}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("Amdahl s:", interval(a.Amdahl.S))
	fmt.Println("USL sigma:", interval(a.USL.Sigma))
	fmt.Println("USL kappa:", interval(a.USL.Kappa))
	if a.USL.Peak != nil {
		fmt.Println("USL peak N*:", interval(*a.USL.Peak))
	}
	for _, k := range a.KarpFlatt {
		fmt.Printf("e(%d): %s\n", k.N, interval(k.E))
	}
	for _, p := range a.USL.Projection {
		fmt.Printf("USL speedup at %d cores: %s\n", p.N, interval(p.Speedup))
	}
	// Output:
	// Amdahl s: 0.0545 [0.0495, 0.0562]
	// USL sigma: 0.0275 [0.0135, 0.0401]
	// USL kappa: 0.0032 [0.0016, 0.00459]
	// USL peak N*: 17.4 [14.7, 24.5]
	// e(2): 0.0522 [0.0297, 0.069]
	// e(4): 0.0444 [0.0362, 0.0493]
	// e(8): 0.0554 [0.0504, 0.057]
	// USL speedup at 64 cores: 4.09 [3.14, 6.38]
	// USL speedup at 128 cores: 2.27 [1.65, 4.01]
}

// Two core counts, as on a two-core laptop, give Amdahl's law and
// Karp-Flatt only; the USL needs a third.
func Example_twoCores() {
	pts := []scaling.Point{
		{N: 1, X: []float64{98, 100, 101, 99, 100, 102}},
		{N: 2, X: []float64{180, 178, 181, 182, 179, 180}},
	}
	a, _ := scaling.Analyze(pts, nil, scaling.Options{})
	fmt.Println("Amdahl s:", interval(a.Amdahl.S), "DOF", a.Amdahl.DOF)
	for _, u := range a.Unfitted {
		fmt.Printf("%s: %s\n", u.Model, u.Reason)
	}
	// Output:
	// Amdahl s: 0.111 [0.0939, 0.128] DOF 0
	// usl: 2 core counts: the USL has three parameters and needs at least three core counts
}

// COST against the serial model: the reference is built once per case and
// shared by the analyses of every model.
func ExampleNewReference() {
	serial := []scaling.Point{
		{N: 1, X: []float64{100, 101, 99, 100, 102, 98}},
		{N: 2, X: []float64{101, 100, 99, 100, 98, 102}},
	}
	pool := []scaling.Point{
		{N: 1, X: []float64{70, 71, 69, 70, 72, 68}},
		{N: 2, X: []float64{135, 137, 133, 136, 134, 138}},
	}
	procpool := []scaling.Point{
		{N: 1, X: []float64{20, 21, 19, 20, 22, 18}},
		{N: 2, X: []float64{38, 41, 39, 40, 37, 42}},
	}
	ref := scaling.NewReference(serial)
	for _, m := range []struct {
		name string
		pts  []scaling.Point
	}{{"pool", pool}, {"procpool", procpool}} {
		a, _ := scaling.Analyze(m.pts, ref, scaling.Options{})
		fmt.Printf("%s: COST %v\n", m.name, a.COST)
		for _, p := range a.COST.Points {
			fmt.Printf("  N=%d: %s times serial's best\n", p.N, interval(p.Ratio))
		}
	}
	// Output:
	// pool: COST 2 cores
	//   N=1: 0.7 [0.682, 0.714] times serial's best
	//   N=2: 1.35 [1.33, 1.38] times serial's best
	// procpool: COST unbounded
	//   N=1: 0.2 [0.185, 0.214] times serial's best
	//   N=2: 0.395 [0.374, 0.413] times serial's best
}
