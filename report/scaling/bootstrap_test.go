package scaling

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// enumerateMedians returns the exact distribution of the median of a
// bootstrap resample of xs by visiting all len(xs)^len(xs) resamples.
func enumerateMedians(xs []float64) map[float64]float64 {
	k := len(xs)
	total := math.Pow(float64(k), float64(k))
	dist := map[float64]float64{}
	idx := make([]int, k)
	buf := make([]float64, k)
	for {
		for i, j := range idx {
			buf[i] = xs[j]
		}
		dist[median(buf)] += 1 / total
		i := 0
		for ; i < k; i++ {
			idx[i]++
			if idx[i] < k {
				break
			}
			idx[i] = 0
		}
		if i == k {
			return dist
		}
	}
}

// byValue sums the probabilities of equal values.
func byValue(val, prob []float64) map[float64]float64 {
	d := map[float64]float64{}
	for i, v := range val {
		d[v] += prob[i]
	}
	return d
}

// cellsByValue sums the probabilities of cells of equal values.
func cellsByValue(cells []cell) map[float64]float64 {
	d := map[float64]float64{}
	for _, c := range cells {
		d[c.v] += c.p
	}
	return d
}

func TestMedianDistributionExact(t *testing.T) {
	samples := [][]float64{
		{5},
		{1, 2},
		{1, 2, 4},
		{1, 2, 4, 8},
		{1, 2, 4, 8, 16},
		{1, 2, 4, 8, 16, 32},
		{1, 2, 4, 8, 16, 32, 64},
		{3, 3, 3, 3},       // identical
		{1, 1, 2, 5, 5, 9}, // ties
		{0.5, 0.5, 0.75, 0.75, 1},
	}
	for _, xs := range samples {
		t.Run(fmt.Sprint(xs), func(t *testing.T) {
			want := enumerateMedians(xs)
			got := cellsByValue(medianCells(xs))
			if len(got) != len(want) {
				t.Fatalf("%d distinct medians, want %d", len(got), len(want))
			}
			for v, p := range want {
				if math.Abs(got[v]-p) > 1e-12 {
					t.Errorf("P(median = %v) = %v, want %v", v, got[v], p)
				}
			}
		})
	}
}

// aliasProbabilities returns the probability of each cell implied by an
// alias table.
func aliasProbabilities(thr []uint64, alias []int32) []float64 {
	n := float64(len(thr))
	p := make([]float64, len(thr))
	for i, t := range thr {
		keep := float64(t) / (1 << 32)
		p[i] += keep / n
		p[alias[i]] += (1 - keep) / n
	}
	return p
}

func TestAliasTable(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for n := 1; n <= 300; n += 7 {
		cells := make([]cell, n)
		for i := range cells {
			cells[i].p = rng.ExpFloat64()
			if rng.IntN(5) == 0 {
				cells[i].p = 0 // cells that must never be drawn
			}
		}
		cells[rng.IntN(n)].p = 1 // at least one positive cell
		prob := make([]float64, n)
		for i, c := range normalized(cells) {
			prob[i] = c.p
		}
		thr, alias := aliasTable(prob)
		got := aliasProbabilities(thr, alias)
		for i := range prob {
			if math.Abs(got[i]-prob[i]) > 1e-9 {
				t.Fatalf("n=%d: cell %d has probability %v, want %v", n, i, got[i], prob[i])
			}
		}
	}
}

// TestMedianSamplerFrequencies draws from the alias sampler of exact
// median distributions and compares the frequencies with the
// probabilities, within 5 standard errors.
func TestMedianSamplerFrequencies(t *testing.T) {
	for _, k := range []int{1, 2, 5, 6, 7, 10, 66} {
		t.Run(fmt.Sprintf("k=%d", k), func(t *testing.T) {
			xs := make([]float64, k)
			for i := range xs {
				xs[i] = float64(i * i % 11) // ties included
			}
			slices.Sort(xs)
			d := medianDist(xs)
			s := newMedianSampler(d)
			rng := rand.NewPCG(5, 6)
			const draws = 200_000
			count := map[float64]int{}
			for range draws {
				count[s.pick(rng.Uint64())]++
			}
			want := byValue(d.val, d.prob)
			for v := range count {
				if _, ok := want[v]; !ok {
					t.Fatalf("drew %v, which no resample's median can be", v)
				}
			}
			for v, p := range want {
				f := float64(count[v]) / draws
				se := math.Sqrt(p * (1 - p) / draws)
				if math.Abs(f-p) > 5*se+1e-9 {
					t.Errorf("median %v drawn with frequency %.5f, want %.5f (se %.5f)", v, f, p, se)
				}
			}
		})
	}
}

// randomDist returns a distribution of n atoms drawn from a few values
// (so that ratios tie) with random probabilities.
func randomDist(rng *rand.Rand, n int) distribution {
	cells := make([]cell, n)
	for i := range cells {
		cells[i] = cell{float64(1 + rng.IntN(12)), rng.ExpFloat64() * rng.ExpFloat64()}
	}
	return merged(normalized(cells))
}

func TestMerged(t *testing.T) {
	d := merged([]cell{{3, 0.25}, {1, 0.25}, {3, 0.25}, {2, 0.25}, {5, 0}})
	want := distribution{val: []float64{1, 2, 3}, prob: []float64{0.25, 0.25, 0.5}}
	if !slices.Equal(d.val, want.val) || !slices.Equal(d.prob, want.prob) {
		t.Errorf("merged = %+v, want %+v", d, want)
	}
}

func TestMaxDist(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 20))
	for range 50 {
		ds := []distribution{randomDist(rng, 1+rng.IntN(6)), randomDist(rng, 1+rng.IntN(6)), randomDist(rng, 1+rng.IntN(6))}[:1+rng.IntN(3)]
		// Enumerate every combination.
		want := map[float64]float64{}
		var rec func(j int, best, p float64)
		rec = func(j int, best, p float64) {
			if j == len(ds) {
				want[best] += p
				return
			}
			for i, v := range ds[j].val {
				rec(j+1, max(best, v), p*ds[j].prob[i])
			}
		}
		rec(0, 0, 1)
		got := maxDist(ds)
		if !slices.IsSorted(got.val) {
			t.Fatalf("values not sorted: %v", got.val)
		}
		for v, p := range want {
			if i := slices.Index(got.val, v); i < 0 || math.Abs(got.prob[i]-p) > 1e-12 {
				t.Fatalf("P(max = %v) = %v, want %v (got %+v)", v, got.prob, p, got)
			}
		}
	}
}

// TestRatioBounds checks the tail walks against sorting every cell of the
// ratio table.
func TestRatioBounds(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for i := range 500 {
		num, den := randomDist(rng, 1+rng.IntN(8)), randomDist(rng, 1+rng.IntN(8))
		if i%50 == 0 {
			num = medianDist([]float64{1, 2, 2, 3, 5, 8}) // a real median's distribution
		}
		conf := []float64{0.95, 0.9, 0.5, 0.99}[i%4]
		type cell struct{ v, p float64 }
		var cells []cell
		for a, x := range den.val {
			for b, y := range num.val {
				cells = append(cells, cell{y / x, den.prob[a] * num.prob[b]})
			}
		}
		slices.SortFunc(cells, func(a, b cell) int { return cmp.Compare(a.v, b.v) })
		target := (1-conf)/2 - tailTol
		var want [2]float64
		mass := 0.0
		for _, c := range cells {
			if mass += c.p; mass >= target {
				want[0] = c.v
				break
			}
		}
		mass = 0
		for j := len(cells) - 1; j >= 0; j-- {
			if mass += cells[j].p; mass >= target {
				want[1] = cells[j].v
				break
			}
		}
		lo, hi := ratioBounds(num, den, conf)
		if lo != want[0] || hi != want[1] {
			t.Fatalf("ratioBounds(%+v, %+v, %v) = %v, %v, want %v, %v", num, den, conf, lo, hi, want[0], want[1])
		}
	}
}

// TestRatioBoundsMonteCarlo checks that the exact bounds are what the
// Monte Carlo bootstrap tends to: resample two samples' medians many
// times and take the percentile ranks.
func TestRatioBoundsMonteCarlo(t *testing.T) {
	xs := []float64{0.9, 1, 1.02, 1.05, 1.1, 1.3}
	ys := []float64{1.7, 1.8, 1.9, 1.95, 2, 2.4}
	lo, hi := ratioBounds(medianDist(ys), medianDist(xs), 0.95)
	rng := rand.New(rand.NewPCG(23, 24))
	const r = 400_000
	q := newQuantiles(1, r, 0.95)
	bx, by := make([]float64, 6), make([]float64, 6)
	for range r {
		for i := range bx {
			bx[i] = xs[rng.IntN(6)]
			by[i] = ys[rng.IntN(6)]
		}
		q[0].add(median(by) / median(bx))
	}
	mlo, mhi := q[0].bounds()
	if mlo != lo || mhi != hi {
		t.Errorf("exact bounds %v, %v; Monte Carlo with %d resamples %v, %v", lo, hi, r, mlo, mhi)
	}
}

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		xs   []float64
		want float64
	}{
		{[]float64{3}, 3},
		{[]float64{2, 1}, 1.5},
		{[]float64{5, 1, 3}, 3},
		{[]float64{4, 1, 3, 2}, 2.5},
		{[]float64{7, 7, 7, 7, 7, 7}, 7},
	} {
		if got := median(slices.Clone(tc.xs)); got != tc.want {
			t.Errorf("median(%v) = %v, want %v", tc.xs, got, tc.want)
		}
	}
}

func TestSelectNth(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{1, 2, 3, 10, 101, 1000, 4096} {
		for _, distinct := range []int{1, 3, n} {
			v := make([]float64, n)
			for i := range v {
				v[i] = float64(rng.IntN(distinct))
			}
			sorted := slices.Sorted(slices.Values(v))
			for _, k := range []int{0, n / 3, n / 2, n - 1} {
				w := slices.Clone(v)
				selectNth(w, k)
				if w[k] != sorted[k] {
					t.Fatalf("n=%d distinct=%d: selectNth(%d) = %v, want %v", n, distinct, k, w[k], sorted[k])
				}
				for i := range w {
					if (i < k && w[i] > w[k]) || (i > k && w[i] < w[k]) {
						t.Fatalf("n=%d: not partitioned around %d", n, k)
					}
				}
			}
		}
	}
}

func TestQuantiles(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, r := range []int{1, 2, 10, 39, 40, 999, 1000, 5000} {
		for _, conf := range []float64{0.95, 0.9, 0.5} {
			v := make([]float64, r)
			for i := range v {
				v[i] = math.Round(rng.NormFloat64() * 10) // ties
			}
			v[0] = math.Inf(1) // the peak's replicates may hold +Inf
			sorted := slices.Sorted(slices.Values(v))
			q := lowRank(r, conf)
			acc := newQuantiles(1, r, conf)
			for _, x := range v {
				acc[0].add(x)
			}
			lo, hi := acc[0].bounds()
			if lo != sorted[q] || hi != sorted[r-1-q] {
				t.Errorf("r=%d conf=%v: percentiles = %v, %v, want %v, %v", r, conf, lo, hi, sorted[q], sorted[r-1-q])
			}
		}
	}
	if got := lowRank(1000, 0.95); got != 25 {
		t.Errorf("lowRank(1000, 0.95) = %d, want 25", got)
	}
	if got := lowRank(1000, 0.9); got != 50 {
		t.Errorf("lowRank(1000, 0.9) = %d, want 50", got)
	}
}

// lowerTailAllRows is lowerTail as it was before it entered the rows
// lazily: every row's first cell is in the list from the start.
func lowerTailAllRows(num, den distribution, target float64) (row, col int) {
	h := make([]tailCell, 0, len(den.val))
	for i, d := range den.val {
		h = append(h, tailCell{v: num.val[0] / d, row: int32(i)})
	}
	mass := 0.0
	for {
		c := h[len(h)-1]
		mass += den.prob[c.row] * num.prob[c.col]
		if mass >= target {
			return int(c.row), int(c.col)
		}
		h = h[:len(h)-1]
		next := int(c.col) + 1
		if next == len(num.val) {
			if len(h) == 0 {
				return int(c.row), int(c.col)
			}
			continue
		}
		h = insertCell(h, tailCell{v: num.val[next] / den.val[c.row], row: c.row, col: int32(next)})
	}
}

// TestLowerTailCells checks that lowerTail stops at the very cell the walk
// over every row stops at, on distributions with many equal ratios (values
// on a small grid) and on medians' distributions, so that the bounds it
// gives, reciprocals included, are the same floating-point numbers.
func TestLowerTailCells(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	grid := func(n int) distribution {
		cells := make([]cell, n)
		for i := range cells {
			cells[i] = cell{float64(1 + rng.IntN(12)), rng.Float64()}
		}
		d := merged(cells)
		total := 0.0
		for _, p := range d.prob {
			total += p
		}
		for i := range d.prob {
			d.prob[i] /= total
		}
		return d
	}
	sample := func(n int) []float64 {
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = 100 + 10*rng.NormFloat64()
		}
		slices.Sort(xs)
		return xs
	}
	for i := range 3000 {
		var num, den distribution
		switch i % 3 {
		case 0:
			num, den = grid(1+rng.IntN(10)), grid(1+rng.IntN(10))
		case 1:
			num, den = medianDist(sample(2+rng.IntN(9))), medianDist(sample(2+rng.IntN(9)))
		default:
			num, den = randomDist(rng, 1+rng.IntN(8)), maxDist([]distribution{medianDist(sample(6)), medianDist(sample(6))})
		}
		target := []float64{0.025, 0.05, 0.25, 0.005, 0.5, 1}[i%6] - tailTol
		for _, d := range [][2]distribution{{num, den}, {den, num}} {
			wr, wc := lowerTailAllRows(d[0], d[1], target)
			gr, gc := lowerTail(d[0], d[1], target)
			if wr != gr || wc != gc {
				t.Fatalf("lowerTail(%+v, %+v, %v) = row %d, col %d; the walk over every row: row %d, col %d", d[0], d[1], target, gr, gc, wr, wc)
			}
		}
	}
}
