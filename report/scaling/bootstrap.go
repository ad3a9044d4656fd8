package scaling

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
)

// maxTable is the largest sample for which a medianSampler tabulates the
// exact distribution of the bootstrap median (k(k+1)/2 cells for an even
// k, k for an odd one); larger samples are resampled directly.
const maxTable = 64

// A medianSampler draws the median of a bootstrap resample of one point's
// samples: k draws with replacement from the k samples, then their median
// (the middle value, or the mean of the two middle values when k is even,
// as benchmath's median).
//
// Up to maxTable samples it does not draw k values and sort them: the
// distribution of that median is known exactly (it depends only on the
// ranks of the order statistics of k uniform indices), so it is tabulated
// once per point and sampled with Walker's alias method, one random
// number per draw. The draws have the same distribution as resampling;
// TestMedianSamplerExact checks the table against full enumeration.
type medianSampler struct {
	sorted []float64 // the samples, ascending

	// The alias table: cell i holds val[i]; a draw picks a cell
	// uniformly, keeps it when the low 32 bits of the random number are
	// below thr[i] and takes alias[i] otherwise.
	val   []float64
	thr   []uint64
	alias []int32

	scratch []float64 // for direct resampling above maxTable
}

// newMedianSampler returns a sampler for xs, which must be sorted
// ascending and non-empty. It keeps xs.
func newMedianSampler(xs []float64) *medianSampler {
	s := &medianSampler{sorted: xs}
	k := len(xs)
	if k > maxTable {
		s.scratch = make([]float64, k)
		return s
	}
	val, prob := medianDistribution(xs)
	s.val = val
	s.thr, s.alias = aliasTable(prob)
	return s
}

// draw returns the median of one bootstrap resample.
func (s *medianSampler) draw(r *rand.PCG) float64 {
	if s.val == nil {
		return s.resample(r)
	}
	return s.pick(r.Uint64())
}

// pick returns the tabulated median chosen by the random number x: the
// cell from the high 32 bits by a multiply-shift (whose bias, at most
// len(val)/2^32 per cell, is far below the Monte Carlo error of any
// bootstrap), then the cell or its alias by the low 32 bits. It is small
// enough to inline in the bootstrap's loop.
func (s *medianSampler) pick(x uint64) float64 {
	i := int(((x >> 32) * uint64(len(s.val))) >> 32)
	if x&0xffffffff >= s.thr[i] {
		i = int(s.alias[i])
	}
	return s.val[i]
}

// resample draws k samples with replacement and returns their median.
func (s *medianSampler) resample(r *rand.PCG) float64 {
	k := len(s.sorted)
	for i := range s.scratch {
		s.scratch[i] = s.sorted[uniformIndex(r, k)]
	}
	return median(s.scratch)
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

// medianDistribution returns the values the median of a bootstrap resample
// of the sorted sample xs can take and their probabilities. With k = len(xs)
// and J(1) <= ... <= J(k) the sorted indices drawn (uniform on 1..k), the
// median is xs[J(m+1)] for k = 2m+1, and (xs[J(m)] + xs[J(m+1)])/2 for k = 2m.
// Equal samples give equal values in separate cells, which is harmless.
func medianDistribution(xs []float64) (val, prob []float64) {
	k := len(xs)
	kf := float64(k)
	m := k / 2
	if k%2 == 1 {
		// P(J(m+1) <= j) = P(Binomial(k, j/k) >= m+1).
		val = make([]float64, k)
		prob = make([]float64, k)
		prev := 0.0
		for j := 1; j <= k; j++ {
			c := binomialTail(k, m+1, float64(j)/kf)
			val[j-1] = xs[j-1]
			prob[j-1] = max(c-prev, 0)
			prev = c
		}
		return val, normalized(prob)
	}
	// Even k. For a < b, J(m) = a and J(m+1) = b exactly when m draws fall
	// in [1, a] with a among them and the other m in [b, k] with b among
	// them: C(k, m) ((a/k)^m - ((a-1)/k)^m) ((k-b+1)/k)^m - ((k-b)/k)^m).
	// P(J(m) = J(m+1) = a) is P(J(m) = a) less those cells.
	cells := k * (k + 1) / 2
	val = make([]float64, 0, cells)
	prob = make([]float64, 0, cells)
	ckm := binomial(k, m)
	pw := func(i int) float64 { return math.Pow(float64(i)/kf, float64(m)) }
	lower := make([]float64, k+1) // lower[a] = (a/k)^m - ((a-1)/k)^m
	upper := make([]float64, k+1) // upper[b] = ((k-b+1)/k)^m - ((k-b)/k)^m
	for i := 1; i <= k; i++ {
		lower[i] = pw(i) - pw(i-1)
		upper[i] = pw(k-i+1) - pw(k-i)
	}
	prevJm := 0.0 // P(J(m) <= a-1)
	for a := 1; a <= k; a++ {
		cdf := binomialTail(k, m, float64(a)/kf) // P(J(m) <= a)
		pa := cdf - prevJm
		prevJm = cdf
		diag := len(val)
		val = append(val, xs[a-1])
		prob = append(prob, 0)
		off := 0.0
		for b := a + 1; b <= k; b++ {
			p := ckm * lower[a] * upper[b]
			off += p
			val = append(val, (xs[a-1]+xs[b-1])/2)
			prob = append(prob, p)
		}
		prob[diag] = max(pa-off, 0)
	}
	return val, normalized(prob)
}

// binomialTail returns P(Binomial(n, p) >= k).
func binomialTail(n, k int, p float64) float64 {
	if k <= 0 {
		return 1
	}
	if p >= 1 {
		return 1
	}
	if p <= 0 {
		return 0
	}
	sum := 0.0
	for i := k; i <= n; i++ {
		sum += binomial(n, i) * math.Pow(p, float64(i)) * math.Pow(1-p, float64(n-i))
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

// normalized scales p in place to sum to 1 and returns it.
func normalized(p []float64) []float64 {
	sum := 0.0
	for _, v := range p {
		sum += v
	}
	for i := range p {
		p[i] /= sum
	}
	return p
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

// percentiles returns the bounds of the percentile interval of the
// replicates v (see quantiles); v must be non-empty.
func percentiles(v []float64, conf float64) (lo, hi float64) {
	q := newQuantiles(1, len(v), conf)
	for _, x := range v {
		q[0].add(x)
	}
	return q[0].bounds()
}

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
