package scaling

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
)

// A distribution is a discrete probability distribution: distinct values,
// ascending, each with a positive probability.
type distribution struct {
	val, prob []float64
}

// medianDist returns the exact distribution of the median of a bootstrap
// resample of the sorted sample xs: k draws with replacement from the k
// samples, then their median (the middle value, or the mean of the two
// middle values when k is even, as benchmath's median). It costs O(k^2)
// for k samples; TestMedianDistributionExact checks it against full
// enumeration.
func medianDist(xs []float64) distribution {
	return merged(medianCells(xs))
}

// A cell is a value and its probability.
type cell struct{ v, p float64 }

// merged sorts the cells by value, adds up the probabilities of equal
// values and drops the values of probability 0. It reorders cells.
func merged(cells []cell) distribution {
	if len(cells) <= 64 {
		// The cells of a median's distribution come in sorted runs: an
		// insertion sort beats the general one at this size.
		for i := 1; i < len(cells); i++ {
			for j := i; j > 0 && cells[j].v < cells[j-1].v; j-- {
				cells[j], cells[j-1] = cells[j-1], cells[j]
			}
		}
	} else {
		slices.SortFunc(cells, func(a, b cell) int { return cmp.Compare(a.v, b.v) })
	}
	buf := make([]float64, 2*len(cells))
	d := distribution{val: buf[:0:len(cells)], prob: buf[len(cells):len(cells)]}
	for _, c := range cells {
		if c.p <= 0 {
			continue
		}
		if n := len(d.val); n > 0 && d.val[n-1] == c.v {
			d.prob[n-1] += c.p
			continue
		}
		d.val = append(d.val, c.v)
		d.prob = append(d.prob, c.p)
	}
	return d
}

// maxDist returns the distribution of the largest of independent
// variables distributed as ds: P(max <= v) is the product of each
// P(X_j <= v).
func maxDist(ds []distribution) distribution {
	var all []float64
	for _, d := range ds {
		all = append(all, d.val...)
	}
	slices.Sort(all)
	all = slices.Compact(all)
	cdf := make([]float64, len(ds)) // P(X_j <= v) so far
	next := make([]int, len(ds))
	out := distribution{}
	prev := 0.0
	for _, v := range all {
		c := 1.0
		for j, d := range ds {
			for next[j] < len(d.val) && d.val[next[j]] <= v {
				cdf[j] += d.prob[next[j]]
				next[j]++
			}
			c *= min(cdf[j], 1)
		}
		if p := c - prev; p > 0 {
			out.val = append(out.val, v)
			out.prob = append(out.prob, p)
		}
		prev = c
	}
	return out
}

// tailTol absorbs the rounding of sums of probabilities when a tail's
// mass is compared with its target.
const tailTol = 1e-12

// ratioBounds returns the bounds of the percentile interval at confidence
// conf of num/den, for independent num and den with the distributions
// given: lo is the smallest value v with P(num/den <= v) >= (1-conf)/2,
// hi the largest with P(num/den >= v) >= (1-conf)/2. This is the
// bootstrap's percentile interval with infinitely many resamples (the
// ranks floor(R(1-conf)/2) and R-1 minus that of R replicates tend to
// these bounds), computed without resampling; the bounds are symmetric,
// so a monotone map of the ratio has the mapped bounds (swapped when it
// decreases).
//
// The ratios form a table, one row per value of den, increasing along
// each row; the lower bound walks the table's cells in increasing order,
// merging the rows, until their mass reaches the tail's. The
// upper bound is the same walk on den/num, whose lower tail is num/den's
// upper tail. The tails are light, so only a few cells are visited.
func ratioBounds(num, den distribution, conf float64) (lo, hi float64) {
	target := (1-conf)/2 - tailTol
	row, col := lowerTail(num, den, target)
	lo = num.val[col] / den.val[row]
	// The cell of den/num is den.val[col]/num.val[row]: num/den's is
	// its reciprocal, computed as num/den's other cells are.
	row, col = lowerTail(den, num, target)
	hi = num.val[row] / den.val[col]
	return lo, hi
}

// A tailCell is the next cell of one row of the ratio table.
type tailCell struct {
	v        float64 // num.val[col] / den.val[row]
	row, col int32
}

// lowerTail visits the cells of num/den from the smallest and returns the
// one at which their mass reaches target: the cell is num.val[col] /
// den.val[row].
//
// It keeps the next cell of every row it has entered in a list sorted by
// decreasing value, the smallest last, and enters the rows lazily: their
// first cells decrease down the table (den ascends), so a row is entered
// only when its first cell is below every cell of the list. The tails are
// light, so most rows are never entered, and putting a row's next cell in
// place moves only a few cells: at the size of a median's distribution
// (21 values for 6 samples) this beats a heap, and bisecting for the
// place. Among cells of equal value, the cell put in the list last is
// taken first, and a row not yet entered after the list's cells;
// lowerTailAllRows in the tests, which starts with every row in the
// list, visits the cells in the same order.
func lowerTail(num, den distribution, target float64) (row, col int) {
	var buf [64]tailCell
	h := buf[:0]
	if len(den.val) > len(buf) {
		h = make([]tailCell, 0, len(den.val))
	}
	enter := len(den.val) - 1 // the next row to enter, with the smallest first cell of those left
	mass := 0.0
	for {
		var c tailCell
		entered := false
		if enter >= 0 {
			if v := num.val[0] / den.val[enter]; len(h) == 0 || v < h[len(h)-1].v {
				c, entered = tailCell{v: v, row: int32(enter)}, true
				enter--
			}
		}
		if !entered {
			c = h[len(h)-1]
			h = h[:len(h)-1]
		}
		mass += den.prob[c.row] * num.prob[c.col]
		if mass >= target {
			return int(c.row), int(c.col)
		}
		next := int(c.col) + 1
		if next == len(num.val) {
			if len(h) == 0 && enter < 0 {
				return int(c.row), int(c.col) // every cell visited: only rounding kept the mass short
			}
			continue
		}
		h = insertCell(h, tailCell{v: num.val[next] / den.val[c.row], row: c.row, col: int32(next)})
	}
}

// insertCell puts nc in the list h, sorted by decreasing value, after
// every cell of at least its value, and returns the list.
func insertCell(h []tailCell, nc tailCell) []tailCell {
	j := len(h)
	h = append(h, nc)
	for j > 0 && h[j-1].v < nc.v {
		h[j] = h[j-1]
		j--
	}
	h[j] = nc
	return h
}

// A medianSampler draws from a distribution, in the bootstrap's refits,
// by Walker's alias method: one random number per draw, however many
// samples the point has.
type medianSampler struct {
	// Cell i holds val[i]; a draw picks a cell uniformly, keeps it when
	// the low 32 bits of the random number are below thr[i] and takes
	// alias[i] otherwise.
	val   []float64
	thr   []uint64
	alias []int32
}

func newMedianSampler(d distribution) *medianSampler {
	thr, alias := aliasTable(d.prob)
	return &medianSampler{val: d.val, thr: thr, alias: alias}
}

// pick returns the value chosen by the random number x: the cell from
// the high 32 bits by a multiply-shift (whose bias, at most len(val)/2^32
// per cell, is far below the Monte Carlo error of any bootstrap), then
// the cell or its alias by the low 32 bits. It is small enough to inline
// in the bootstrap's loop.
func (s *medianSampler) pick(x uint64) float64 {
	i := int(((x >> 32) * uint64(len(s.val))) >> 32)
	if x&0xffffffff >= s.thr[i] {
		i = int(s.alias[i])
	}
	return s.val[i]
}

// median returns the median of xs, reordering xs; xs must be non-empty.
func median(xs []float64) float64 {
	k := len(xs)
	m := k / 2
	selectNth(xs, m)
	if k%2 == 1 {
		return xs[m]
	}
	// The lower middle value is the largest of xs[:m].
	return (slices.Max(xs[:m]) + xs[m]) / 2
}

// medianCells returns the values the median of a bootstrap resample of
// the sorted sample xs can take and their probabilities, one cell per
// order statistic (or pair of them). With k = len(xs) and J(1) <= ... <=
// J(k) the sorted indices drawn (uniform on 1..k), the median is
// xs[J(m+1)] for k = 2m+1, and (xs[J(m)] + xs[J(m+1)])/2 for k = 2m.
// Equal samples give equal values in separate cells; merged adds them up.
func medianCells(xs []float64) []cell {
	k := len(xs)
	kf := float64(k)
	m := k / 2
	if k%2 == 1 {
		// P(J(m+1) <= j) = P(Binomial(k, j/k) >= m+1).
		cells := make([]cell, k)
		prev := 0.0
		for j := 1; j <= k; j++ {
			c := binomialTail(k, m+1, float64(j)/kf)
			cells[j-1] = cell{xs[j-1], max(c-prev, 0)}
			prev = c
		}
		return normalized(cells)
	}
	// Even k. For a < b, J(m) = a and J(m+1) = b exactly when m draws fall
	// in [1, a] with a among them and the other m in [b, k] with b among
	// them: C(k, m) ((a/k)^m - ((a-1)/k)^m) (((k-b+1)/k)^m - ((k-b)/k)^m).
	// P(J(m) = J(m+1) = a) is P(J(m) = a) less those cells.
	cells := make([]cell, 0, k*(k+1)/2)
	ckm := binomial(k, m)
	var small [65]float64
	pw := small[:0] // pw[i] = (i/k)^m
	if k >= len(small) {
		pw = make([]float64, 0, k+1)
	}
	for i := range k + 1 {
		pw = append(pw, math.Pow(float64(i)/kf, float64(m)))
	}
	prevJm := 0.0 // P(J(m) <= a-1)
	for a := 1; a <= k; a++ {
		cdf := binomialTail(k, m, float64(a)/kf) // P(J(m) <= a)
		pa := cdf - prevJm
		prevJm = cdf
		lower := pw[a] - pw[a-1]
		diag := len(cells)
		cells = append(cells, cell{v: xs[a-1]})
		off := 0.0
		for b := a + 1; b <= k; b++ {
			p := ckm * lower * (pw[k-b+1] - pw[k-b])
			off += p
			cells = append(cells, cell{(xs[a-1] + xs[b-1]) / 2, p})
		}
		cells[diag].p = max(pa-off, 0)
	}
	return normalized(cells)
}

// binomialTail returns P(Binomial(n, p) >= k), summing the terms from
// the top with the ratio of consecutive terms, so that it needs two
// powers rather than two per term.
func binomialTail(n, k int, p float64) float64 {
	if k <= 0 || p >= 1 {
		return 1
	}
	if p <= 0 || k > n {
		return 0
	}
	// term(i) = C(n, i) p^i (1-p)^(n-i); term(i-1) = term(i) i (1-p) / ((n-i+1) p).
	term := math.Pow(p, float64(n))
	sum := 0.0
	r := (1 - p) / p
	for i := n; i >= k; i-- {
		sum += term
		term *= float64(i) / float64(n-i+1) * r
	}
	return min(sum, 1)
}

// binomial returns the binomial coefficient C(n, k) as a float64.
func binomial(n, k int) float64 {
	k = min(k, n-k)
	c := 1.0
	for i := 1; i <= k; i++ {
		c = c * float64(n-k+i) / float64(i)
	}
	return c
}

// normalized scales the cells' probabilities in place to sum to 1 and
// returns the cells.
func normalized(cells []cell) []cell {
	sum := 0.0
	for _, c := range cells {
		sum += c.p
	}
	for i := range cells {
		cells[i].p /= sum
	}
	return cells
}

// aliasTable builds Walker's alias table for the distribution prob (Vose's
// construction): thresholds out of 2^32 and aliases, one per cell.
func aliasTable(prob []float64) (thr []uint64, alias []int32) {
	n := len(prob)
	thr = make([]uint64, n)
	alias = make([]int32, n)
	scaled := make([]float64, n)
	small := make([]int32, 0, n)
	large := make([]int32, 0, n)
	for i, p := range prob {
		scaled[i] = p * float64(n)
		alias[i] = int32(i)
		if scaled[i] < 1 {
			small = append(small, int32(i))
		} else {
			large = append(large, int32(i))
		}
	}
	for len(small) > 0 && len(large) > 0 {
		l := small[len(small)-1]
		small = small[:len(small)-1]
		g := large[len(large)-1]
		thr[l] = uint64(scaled[l] * (1 << 32))
		alias[l] = g
		scaled[g] += scaled[l] - 1
		if scaled[g] < 1 {
			large = large[:len(large)-1]
			small = append(small, g)
		}
	}
	// What is left keeps its own cell always (rounding leaves some cells
	// a hair off 1 on either list).
	for _, i := range large {
		thr[i] = 1 << 32
	}
	for _, i := range small {
		thr[i] = 1 << 32
	}
	return thr, alias
}

// selectNth reorders v so that v[n] is the value a sort would put there,
// with no larger value before it and no smaller one after it. It is
// Hoare's quickselect with a median-of-three pivot, falling back to a
// sort when the partitions stop shrinking.
func selectNth(v []float64, n int) {
	lo, hi := 0, len(v)-1
	for budget := 3*bits.Len(uint(len(v))) + 8; hi > lo; budget-- {
		if budget == 0 {
			slices.Sort(v[lo : hi+1])
			return
		}
		mid := lo + (hi-lo)/2
		if v[mid] < v[lo] {
			v[mid], v[lo] = v[lo], v[mid]
		}
		if v[hi] < v[lo] {
			v[hi], v[lo] = v[lo], v[hi]
		}
		if v[hi] < v[mid] {
			v[hi], v[mid] = v[mid], v[hi]
		}
		p := v[mid]
		i, j := lo, hi
		for i <= j {
			for v[i] < p {
				i++
			}
			for v[j] > p {
				j--
			}
			if i <= j {
				v[i], v[j] = v[j], v[i]
				i++
				j--
			}
		}
		switch {
		case n <= j:
			hi = j
		case n >= i:
			lo = i
		default:
			return // v[j+1 : i] all equal p
		}
	}
}

// A quantiles finds the bounds of a percentile interval of a stream of
// replicates without storing them: the values of rank q = floor(R(1-c)/2)
// and R-1-q of the R values added, counting from 0, at confidence c. It
// keeps the q+1 smallest and the q+1 largest values in two bounded
// max-heaps (the second holds the negated values), which start full of
// +Inf; for the usual q (25 of 1000 replicates) almost every value is
// turned away by one comparison with each top. The ranks are symmetric,
// so for a monotone map f the bounds of f(v) are f of the bounds of v (in
// swapped order when f decreases): the package relies on that.
type quantiles struct {
	small, large []float64
}

// newQuantiles returns n accumulators for r replicates each, sharing one
// array.
func newQuantiles(n, r int, conf float64) []quantiles {
	c := lowRank(r, conf) + 1
	buf := make([]float64, 2*c*n)
	for i := range buf {
		buf[i] = math.Inf(1)
	}
	qs := make([]quantiles, n)
	for i := range qs {
		b := buf[2*c*i : 2*c*(i+1)]
		qs[i] = quantiles{small: b[:c:c], large: b[c:]}
	}
	return qs
}

// add adds the replicate x. It is small enough to inline: the heaps
// change only for a few values.
func (q *quantiles) add(x float64) {
	if x < q.small[0] || -x < q.large[0] {
		q.insert(x)
	}
}

// insert puts x in the heaps that take it.
func (q *quantiles) insert(x float64) {
	if x < q.small[0] {
		q.small[0] = x
		siftDown(q.small, 0)
	}
	if -x < q.large[0] {
		q.large[0] = -x
		siftDown(q.large, 0)
	}
}

// bounds returns the interval's bounds; at least q+1 values must have
// been added.
func (q *quantiles) bounds() (lo, hi float64) { return q.small[0], -q.large[0] }

// siftDown restores the max-heap h after h[i] was lowered.
func siftDown(h []float64, i int) {
	for {
		big := i
		if l := 2*i + 1; l < len(h) && h[l] > h[big] {
			big = l
		}
		if r := 2*i + 2; r < len(h) && h[r] > h[big] {
			big = r
		}
		if big == i {
			return
		}
		h[i], h[big] = h[big], h[i]
		i = big
	}
}

// lowRank is the rank of the lower percentile bound among r replicates.
func lowRank(r int, conf float64) int {
	// The 1e-9 keeps 1-0.9 = 0.0999... from dropping a rank.
	return min(int(math.Floor(float64(r)*(1-conf)/2+1e-9)), (r-1)/2)
}
