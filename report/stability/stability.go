// Package stability checks whether a benchmark's sample can be trusted, in
// the spirit of pyperf's "check" command: whether its values drift over
// the rounds they were measured in, how noisy they are, whether some lie
// far from the rest, whether there are enough of them, and whether the
// machine was busy when the run began. Each finding says what to do about
// it. It needs nothing of the report.
//
// The tests:
//
//   - Drift: the Mann-Kendall trend test (Mann 1945, "Nonparametric tests
//     against trend", Econometrica 13(3):245–259; Kendall 1975, Rank
//     Correlation Methods) of the values against the round they were
//     measured in, with Sen's slope (Sen 1968, "Estimates of the regression
//     coefficient based on Kendall's tau", JASA 63(324):1379–1389), the
//     median of the pairwise slopes, as the size of the drift. Without ties
//     the p-value is exact (the distribution of Kendall's S over every
//     order of the values); with ties it is the normal approximation with
//     the tie-corrected variance and a continuity correction.
//   - Noise: the coefficient of variation (the standard deviation over the
//     mean) above a threshold, 10% by default as pyperf's check.
//   - Outliers: values beyond Tukey's fences (Tukey 1977, Exploratory Data
//     Analysis), 1.5 interquartile ranges beyond the quartiles. They are
//     flagged, never removed: the median and its interval already resist
//     them.
//   - Samples: fewer values than a 95% interval around the median needs.
//   - Load: a load average at the start above half the CPUs.
package stability

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// A Kind names what a finding is about.
type Kind string

// The kinds of finding.
const (
	Drift    Kind = "drift"
	Noise    Kind = "noise"
	Outliers Kind = "outliers"
	Samples  Kind = "samples"
	Load     Kind = "load"
)

// Join lists kinds as "drift, noise".
func Join(kinds []Kind) string {
	s := make([]string, len(kinds))
	for i, k := range kinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

// A Finding is one reason to distrust a sample or a run.
type Finding struct {
	// Kind names the check that found it.
	Kind Kind `json:"kind"`
	// Msg gives the figures and says what to do, such as "rose 12% over
	// 6 rounds (...): rerun on a quieter machine": Detail and Advice in
	// one sentence.
	Msg string `json:"msg"`
	// Detail gives the figures alone, as short as they can be read
	// beside the check's name ("15.1%" for the coefficient of variation,
	// "1 of 6: 0.0271" for the outliers); Advice says what to do, such as
	// "rerun with a larger -count".
	Detail string `json:"-"`
	Advice string `json:"-"`
}

// finding makes a finding whose message is prefix, detail and advice.
func finding(k Kind, prefix, detail, advice string) Finding {
	return Finding{Kind: k, Msg: prefix + detail + ": " + advice, Detail: detail, Advice: advice}
}

// Options configures [Check]. The zero value uses the documented defaults.
type Options struct {
	// Alpha is the significance level of the trend test; 0 means 0.05.
	Alpha float64
	// MaxCV is the largest coefficient of variation not flagged as noise;
	// 0 means 0.10.
	MaxCV float64
	// MinSamples is the fewest values not flagged as too few; 0 means 6,
	// the fewest for which x/perf's benchmath gives a 95% interval around
	// the median.
	MinSamples int
	// Fence is the multiple of the interquartile range beyond the
	// quartiles past which a value is an outlier; 0 means 1.5.
	Fence float64
}

// Check runs the checks of one sample: values in the order they were
// measured and, for each, the round it was measured in (nil, or a round of
// 0, means the position in values). It returns the findings in the order
// samples, drift, noise, outliers; none for a sample that passes.
func Check(values []float64, rounds []int, opts Options) []Finding {
	alpha := cmp.Or(opts.Alpha, 0.05)
	maxCV := cmp.Or(opts.MaxCV, 0.10)
	minN := cmp.Or(opts.MinSamples, 6)
	fence := cmp.Or(opts.Fence, 1.5)
	var out []Finding
	n := len(values)
	if n < minN {
		f := finding(Samples, "", fmt.Sprintf("only %d sample(s); need >= %d for a 95%% interval", n, minN), "")
		f.Advice = fmt.Sprintf("run with -count %d or more", minN)
		f.Msg = f.Detail + " (" + f.Advice + ")"
		out = append(out, f)
	}
	if n < 3 {
		return out
	}
	t := Trend(values, rounds)
	if t.P < alpha && t.Slope != 0 {
		mean := Mean(values)
		dir := "rose"
		if t.Slope < 0 {
			dir = "fell"
		}
		size := ""
		if mean != 0 {
			size = " " + strconv.FormatFloat(100*math.Abs(t.Slope*float64(t.Span)/mean), 'f', 0, 64) + "%"
		}
		out = append(out, finding(Drift, "drifts: ", fmt.Sprintf("its values %s%s over %d rounds (Mann-Kendall S=%d, p=%.2g; Sen's slope %s%% of the mean a round)", dir, size, t.Span+1, t.S, t.P, signed(100*t.Slope/mean)), "the machine changed during the run; rerun on a quieter machine"))
	}
	if cv := CV(values); cv > maxCV {
		f := finding(Noise, "", fmt.Sprintf("%.1f%%", 100*cv), "rerun with a larger -benchtime or on a quieter machine")
		f.Msg = fmt.Sprintf("noisy: coefficient of variation %s (above %.0f%%): %s", f.Detail, 100*maxCV, f.Advice)
		out = append(out, f)
	}
	if idx := TukeyOutliers(values, fence); len(idx) > 0 {
		vs := make([]string, len(idx))
		for i, j := range idx {
			vs[i] = strconv.FormatFloat(values[j], 'g', 4, 64)
		}
		f := finding(Outliers, "", fmt.Sprintf("%d of %d: %s", len(idx), n, strings.Join(vs, ", ")), "rerun with a larger -count")
		f.Msg = fmt.Sprintf("%d of %d values beyond Tukey's fences (%s; kept, the median resists them): %s", len(idx), n, strings.Join(vs, ", "), f.Advice)
		out = append(out, f)
	}
	return out
}

func signed(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "?"
	}
	s := strconv.FormatFloat(v, 'f', 1, 64)
	if !strings.HasPrefix(s, "-") {
		s = "+" + s
	}
	return s
}

// CheckLoad checks the load average at the start of a run, as a
// "loadavg:" configuration line gives it ("0.52 0.40 0.31": the 1, 5 and
// 15 minute averages), against the machine's ncpu CPUs: a 1-minute average
// above half of them is a finding. It reports false when there is no
// finding or the value does not parse.
func CheckLoad(loadavg string, ncpu int) (Finding, bool) {
	fields := strings.Fields(loadavg)
	if len(fields) == 0 || ncpu < 1 {
		return Finding{}, false
	}
	load, err := strconv.ParseFloat(fields[0], 64)
	if err != nil || load <= float64(ncpu)/2 {
		return Finding{}, false
	}
	return finding(Load, "", fmt.Sprintf("the load average at the start was %s, above half the %d CPUs", fields[0], ncpu), "other work shared the machine; rerun on a quieter machine"), true
}

// A TrendTest is the outcome of the Mann-Kendall test of values against
// their rounds.
type TrendTest struct {
	// N is the number of values.
	N int
	// S is Kendall's S: the pairs ordered the same way by round and by
	// value, less those ordered the opposite way. Pairs tied in either
	// count for nothing.
	S int
	// Tau is S over the number of pairs, from -1 to 1.
	Tau float64
	// P is the two-sided p-value of no trend.
	P float64
	// Slope is Sen's slope: the median over pairs of different rounds of
	// the change of value per round.
	Slope float64
	// Span is the last round less the first.
	Span int
}

// Trend tests values against their rounds (nil, or a round of 0, means
// the position in values) with the Mann-Kendall test. Values of one round
// are ordered as given.
func Trend(values []float64, rounds []int) TrendTest {
	n := len(values)
	t := make([]int, n)
	for i := range t {
		t[i] = i + 1
		if i < len(rounds) && rounds[i] > 0 {
			t[i] = rounds[i]
		}
	}
	res := TrendTest{N: n, P: 1}
	if n < 2 {
		return res
	}
	tmin, tmax := slices.Min(t), slices.Max(t)
	res.Span = tmax - tmin
	var slopes []float64
	tiedTimes := false
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			dt := t[j] - t[i]
			dv := values[j] - values[i]
			if dt == 0 {
				tiedTimes = true
				continue
			}
			slopes = append(slopes, dv/float64(dt))
			res.S += sign(float64(dt)) * sign(dv)
		}
	}
	pairs := n * (n - 1) / 2
	res.Tau = float64(res.S) / float64(pairs)
	if len(slopes) > 0 {
		res.Slope = median(slopes)
	}
	ties := tieGroups(values)
	if !tiedTimes && len(ties) == 0 && n <= exactMax {
		res.P = exactP(n, res.S)
		return res
	}
	// The variance of S under no trend, corrected for tied values and
	// tied rounds (Kendall 1975).
	v := float64(n*(n-1)*(2*n+5)) / 18
	for _, g := range ties {
		v -= float64(g*(g-1)*(2*g+5)) / 18
	}
	for _, g := range tieGroupsInt(t) {
		v -= float64(g*(g-1)*(2*g+5)) / 18
	}
	if v <= 0 || res.S == 0 {
		return res
	}
	z := (math.Abs(float64(res.S)) - 1) / math.Sqrt(v)
	res.P = min(1, math.Erfc(z/math.Sqrt2))
	return res
}

// exactMax is the largest sample whose p-value is computed exactly.
const exactMax = 60

// exactP returns the two-sided p-value of Kendall's S for n values with no
// ties: the chance, over the n! equally likely orders, of an |S| at least
// as large. S = pairs - 2·inversions, and the number of orders with k
// inversions is the Mahonian number, built one value at a time: the m-th
// value inserted adds 0 to m-1 inversions.
func exactP(n, s int) float64 {
	maxInv := n * (n - 1) / 2
	dist := make([]float64, maxInv+1)
	dist[0] = 1
	next := make([]float64, maxInv+1)
	for m := 2; m <= n; m++ {
		clear(next)
		top := m * (m - 1) / 2
		// next[k] = (dist[k] + dist[k-1] + ... + dist[k-m+1]) / m, a
		// running sum, kept as probabilities so that nothing overflows.
		run := 0.0
		for k := 0; k <= top; k++ {
			run += dist[k]
			if k-m >= 0 {
				run -= dist[k-m]
			}
			next[k] = run / float64(m)
		}
		dist, next = next, dist
	}
	// |S| >= |s| means inversions <= (pairs-|s|)/2 or >= (pairs+|s|)/2.
	a := abs(s)
	lo := (maxInv - a) / 2
	p := 0.0
	for k := 0; k <= lo; k++ {
		p += dist[k]
	}
	// The distribution is symmetric.
	p *= 2
	if a == 0 {
		return 1
	}
	return min(1, p)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func sign(x float64) int {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}

// tieGroups returns the sizes of the groups of equal values (of two or
// more).
func tieGroups(values []float64) []int {
	s := slices.Clone(values)
	slices.Sort(s)
	var out []int
	for i := 0; i < len(s); {
		j := i + 1
		for j < len(s) && s[j] == s[i] {
			j++
		}
		if j-i > 1 {
			out = append(out, j-i)
		}
		i = j
	}
	return out
}

func tieGroupsInt(t []int) []int {
	f := make([]float64, len(t))
	for i, v := range t {
		f[i] = float64(v)
	}
	return tieGroups(f)
}

// Mean returns the mean of values; NaN for none.
func Mean(values []float64) float64 {
	if len(values) == 0 {
		return math.NaN()
	}
	sum := 0.0
	for _, v := range values {
		sum += v
	}
	return sum / float64(len(values))
}

// CV returns the coefficient of variation of values: the sample standard
// deviation (n-1 in the denominator) over the absolute mean; 0 for fewer
// than two values or a mean of 0.
func CV(values []float64) float64 {
	n := len(values)
	if n < 2 {
		return 0
	}
	mean := Mean(values)
	if mean == 0 {
		return 0
	}
	ss := 0.0
	for _, v := range values {
		ss += (v - mean) * (v - mean)
	}
	return math.Sqrt(ss/float64(n-1)) / math.Abs(mean)
}

// Quantile returns the q-quantile of values by linear interpolation between
// order statistics (R's default, type 7); NaN for none.
func Quantile(values []float64, q float64) float64 {
	s := slices.Clone(values)
	slices.Sort(s)
	return quantileSorted(s, q)
}

func quantileSorted(s []float64, q float64) float64 {
	if len(s) == 0 {
		return math.NaN()
	}
	h := q * float64(len(s)-1)
	lo := int(math.Floor(h))
	if lo >= len(s)-1 {
		return s[len(s)-1]
	}
	return s[lo] + (h-float64(lo))*(s[lo+1]-s[lo])
}

func median(values []float64) float64 { return Quantile(values, 0.5) }

// TukeyOutliers returns the indices, ascending, of the values beyond
// Tukey's fences: below Q1 - k·IQR or above Q3 + k·IQR, with the quartiles
// of [Quantile]. It needs four values or more.
func TukeyOutliers(values []float64, k float64) []int {
	if len(values) < 4 {
		return nil
	}
	s := slices.Clone(values)
	slices.Sort(s)
	q1, q3 := quantileSorted(s, 0.25), quantileSorted(s, 0.75)
	iqr := q3 - q1
	lo, hi := q1-k*iqr, q3+k*iqr
	var out []int
	for i, v := range values {
		if v < lo || v > hi {
			out = append(out, i)
		}
	}
	return out
}
