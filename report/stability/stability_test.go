package stability_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"concbench/report/stability"
)

// TestTrendExactTable checks the exact p-values of Kendall's S against the
// one-sided probabilities tabled in Kendall (1975, Appendix Table 1) and
// Conover (1999, Table A11), P(S >= s) for n values: the two-sided p-value
// is twice that.
func TestTrendExactTable(t *testing.T) {
	tests := []struct {
		n, s int
		one  float64
	}{
		{4, 6, 0.042}, {4, 4, 0.167},
		{5, 10, 0.0083}, {5, 8, 0.042}, {5, 6, 0.117},
		{6, 15, 0.0014}, {6, 13, 0.0083}, {6, 11, 0.028}, {6, 9, 0.068},
		{8, 28, 0.000025}, {8, 22, 0.0028}, {8, 20, 0.0071},
	}
	for _, tc := range tests {
		// A series with exactly S = s: the sorted values with
		// (pairs - s)/2 adjacent swaps from the top.
		values := make([]float64, tc.n)
		for i := range values {
			values[i] = float64(i)
		}
		inv := (tc.n*(tc.n-1)/2 - tc.s) / 2
		for k := 0; k < inv; k++ {
			// Each pass of bubbles adds one inversion.
			i := k % (tc.n - 1)
			values[i], values[i+1] = values[i+1], values[i]
		}
		got := stability.Trend(values, nil)
		if got.S != tc.s {
			t.Fatalf("n=%d: series %v has S=%d, want %d", tc.n, values, got.S, tc.s)
		}
		if math.Abs(got.P/2-tc.one) > 0.0006*max(1, tc.one*20) {
			t.Errorf("n=%d S=%d: two-sided p %v, want twice the tabled %v", tc.n, tc.s, got.P, tc.one)
		}
	}
}

// TestTrendTies checks the normal approximation used with ties against a
// hand computation: for 1, 2, 2, 3, 4, S = 9 (one tied pair), Var(S) =
// (5·4·15 - 2·1·9)/18 = 15.667, z = (9-1)/sqrt(15.667) = 2.021, p = 0.0433.
func TestTrendTies(t *testing.T) {
	got := stability.Trend([]float64{1, 2, 2, 3, 4}, nil)
	if got.S != 9 {
		t.Fatalf("S = %d, want 9", got.S)
	}
	if math.Abs(got.P-0.0433) > 0.0005 {
		t.Errorf("p = %v, want 0.0433", got.P)
	}
}

// TestSenSlope checks that Sen's slope is the slope of a line, in units per
// round, and is not moved by one wild value.
func TestSenSlope(t *testing.T) {
	line := []float64{1, 3, 5, 7, 9, 11, 13}
	if got := stability.Trend(line, nil).Slope; got != 2 {
		t.Errorf("slope of a line = %v, want 2", got)
	}
	line[3] = 1000
	if got := stability.Trend(line, nil).Slope; got != 2 {
		t.Errorf("slope with an outlier = %v, want 2", got)
	}
	// Rounds 2 apart: the slope is per round.
	if got := stability.Trend([]float64{1, 5, 9}, []int{1, 3, 5}).Slope; got != 2 {
		t.Errorf("slope over rounds 1, 3, 5 = %v, want 2", got)
	}
}

// TestPlantedDrift plants a drift in a noisy sample, the values rising by
// 2% a round over 10 rounds, and checks that it is flagged; then that the
// same values in a random order mostly are not: over 1,000 shuffles the
// exact test flags at most its level, 5%, give or take the chance of 1,000
// draws.
func TestPlantedDrift(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 15))
	values := make([]float64, 10)
	rounds := make([]int, 10)
	for i := range values {
		rounds[i] = i + 1
		values[i] = 1e-3 * (1 + 0.02*float64(i)) * (1 + 0.01*rng.NormFloat64())
	}
	findings := stability.Check(values, rounds, stability.Options{})
	if len(findings) == 0 || findings[0].Kind != stability.Drift {
		t.Fatalf("planted drift: findings %v, want a drift first", findings)
	}
	t.Logf("planted drift: %s", findings[0].Msg)
	if !strings.Contains(findings[0].Msg, "rose") || !strings.Contains(findings[0].Msg, "rerun on a quieter machine") {
		t.Errorf("drift message %q does not say it rose and what to do", findings[0].Msg)
	}

	shuffled := append([]float64(nil), values...)
	rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	if f := stability.Check(shuffled, rounds, stability.Options{}); hasKind(f, stability.Drift) {
		t.Errorf("the same values shuffled (%v) are flagged as drifting: %v", shuffled, f)
	}
	flagged := 0
	const shuffles = 1000
	for range shuffles {
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		if hasKind(stability.Check(shuffled, rounds, stability.Options{}), stability.Drift) {
			flagged++
		}
	}
	t.Logf("shuffled: %d of %d orders flagged as drifting (the test's level is 5%%)", flagged, shuffles)
	// Binomial(1000, 0.05) has mean 50 and standard deviation 6.9.
	if flagged > 75 {
		t.Errorf("%d of %d shuffles flagged as drifting, want about 5%%", flagged, shuffles)
	}
}

// TestTrendFollowsRounds checks that the trend is over the rounds, not
// over the order the values were read in.
func TestTrendFollowsRounds(t *testing.T) {
	// Read in the order 3, 1, 2, 6, 4, 5: rising with the round.
	values := []float64{3, 1, 2, 6, 4, 5}
	rounds := []int{3, 1, 2, 6, 4, 5}
	if got := stability.Trend(values, rounds); got.S != 15 {
		t.Errorf("S over rounds = %d, want 15", got.S)
	}
	if got := stability.Trend(values, nil); got.S == 15 {
		t.Errorf("S over read order = 15, want less")
	}
}

func hasKind(fs []stability.Finding, k stability.Kind) bool {
	for _, f := range fs {
		if f.Kind == k {
			return true
		}
	}
	return false
}

func TestChecks(t *testing.T) {
	steady := []float64{100, 101, 99, 100, 102, 98}
	tests := []struct {
		name   string
		values []float64
		want   []stability.Kind
	}{
		{"steady", steady, nil},
		{"too few", []float64{100, 101, 99}, []stability.Kind{stability.Samples}},
		{"noisy", []float64{100, 140, 70, 120, 90, 130}, []stability.Kind{stability.Noise}},
		{"one outlier", []float64{100, 101, 99, 100, 102, 98, 100, 160}, []stability.Kind{stability.Noise, stability.Outliers}},
		{"a drift", []float64{100, 101, 102, 103, 104, 105}, []stability.Kind{stability.Drift}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []stability.Kind
			for _, f := range stability.Check(tc.values, nil, stability.Options{}) {
				got = append(got, f.Kind)
				if !strings.Contains(f.Msg, "rerun") && !strings.Contains(f.Msg, "run with") {
					t.Errorf("%s finding %q says nothing of what to do", f.Kind, f.Msg)
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

func TestStatistics(t *testing.T) {
	if got := stability.TukeyOutliers([]float64{1, 2, 3, 4, 100}, 1.5); !cmp.Equal(got, []int{4}) {
		t.Errorf("Tukey outliers of 1, 2, 3, 4, 100 = %v, want [4]", got)
	}
	// R: quantile(c(1, 2, 3, 4, 100), c(0.25, 0.75)) gives 2 and 4.
	if q1, q3 := stability.Quantile([]float64{4, 1, 100, 3, 2}, 0.25), stability.Quantile([]float64{1, 2, 3, 4, 100}, 0.75); q1 != 2 || q3 != 4 {
		t.Errorf("quartiles %v, %v, want 2, 4", q1, q3)
	}
	// R: sd(c(2, 4, 4, 4, 5, 5, 7, 9)) / mean(...) = 2.13809 / 5.
	if got := stability.CV([]float64{2, 4, 4, 4, 5, 5, 7, 9}); !cmp.Equal(got, 2.138090/5, cmpopts.EquateApprox(1e-6, 0)) {
		t.Errorf("CV = %v, want %v", got, 2.138090/5)
	}
}

func TestCheckLoad(t *testing.T) {
	for _, tc := range []struct {
		loadavg string
		ncpu    int
		want    bool
	}{
		{"1.52 0.40 0.31", 2, true},
		{"0.90 3.00 3.00", 2, false},
		{"1.00 0.2 0.1", 2, false},
		{"busy", 2, false},
		{"", 2, false},
		{"5.0 1 1", 0, false},
	} {
		f, ok := stability.CheckLoad(tc.loadavg, tc.ncpu)
		if ok != tc.want {
			t.Errorf("CheckLoad(%q, %d) = %v, want %v", tc.loadavg, tc.ncpu, ok, tc.want)
		}
		if ok && !strings.Contains(f.Msg, "quieter machine") {
			t.Errorf("load finding %q says nothing of what to do", f.Msg)
		}
	}
}
