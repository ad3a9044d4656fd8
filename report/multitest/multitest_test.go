package multitest_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"concbench/report/multitest"
)

// TestAdjustKnown checks the adjusted p-values against R's p.adjust, whose
// definitions are, for n p-values p and their order o:
// holm: pmin(1, cummax((n - i + 1) * p[o]))[order(o)];
// BH: pmin(1, cummin(n / i * p[o[n:1]]))[order(o[n:1])].
func TestAdjustKnown(t *testing.T) {
	tests := []struct {
		name   string
		method multitest.Method
		p      []float64
		want   []float64
	}{
		{"holm, sorted", multitest.Holm, []float64{0.01, 0.02, 0.03, 0.04, 0.05}, []float64{0.05, 0.08, 0.09, 0.09, 0.09}},
		{"BH, sorted", multitest.BH, []float64{0.01, 0.02, 0.03, 0.04, 0.05}, []float64{0.05, 0.05, 0.05, 0.05, 0.05}},
		{"holm, unsorted with ties", multitest.Holm, []float64{0.04, 0.001, 0.03, 0.2, 0.001}, []float64{0.09, 0.005, 0.09, 0.2, 0.005}},
		{"BH, unsorted with ties", multitest.BH, []float64{0.04, 0.001, 0.03, 0.2, 0.001}, []float64{0.05, 0.0025, 0.05, 0.2, 0.0025}},
		{"holm caps at 1", multitest.Holm, []float64{0.5, 0.6}, []float64{1, 1}},
		{"the zero method is holm", "", []float64{0.01, 0.02}, []float64{0.02, 0.02}},
		{"none", multitest.None, []float64{0.04, 0.001}, []float64{0.04, 0.001}},
		{"one test is left alone", multitest.Holm, []float64{0.03}, []float64{0.03}},
		{"NaN counts as 1", multitest.Holm, []float64{math.NaN(), 0.01}, []float64{1, 0.02}},
		{"none at all", multitest.BH, nil, []float64{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := multitest.Adjust(tc.method, tc.p)
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
				t.Errorf("Adjust(%s, %v) (-want +got):\n%s", tc.method, tc.p, diff)
			}
		})
	}
}

// TestBenjaminiHochberg1995 replays the example of Benjamini and Hochberg
// (1995, section 4.1): of 15 p-values at level 0.05 their procedure
// rejects 4 hypotheses, a Bonferroni-type procedure such as Holm's 3.
func TestBenjaminiHochberg1995(t *testing.T) {
	p := []float64{0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.000}
	for _, tc := range []struct {
		method multitest.Method
		want   int
	}{{multitest.BH, 4}, {multitest.Holm, 3}, {multitest.None, 9}} {
		n := 0
		for _, q := range multitest.Adjust(tc.method, p) {
			if q < 0.05 {
				n++
			}
		}
		if n != tc.want {
			t.Errorf("%s rejects %d, want %d", tc.method, n, tc.want)
		}
	}
}

// TestAdjustProperties checks on random families that every adjusted
// p-value lies between the raw one and 1, that the order of the raw
// p-values is kept, and that BH never adjusts above Holm.
func TestAdjustProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		p := make([]float64, 1+rng.IntN(40))
		for i := range p {
			p[i] = rng.Float64() * rng.Float64()
		}
		holm, bh := multitest.Adjust(multitest.Holm, p), multitest.Adjust(multitest.BH, p)
		for i := range p {
			if holm[i] < p[i] || holm[i] > 1 || bh[i] < p[i] || bh[i] > 1 {
				t.Fatalf("p %v: holm %v, bh %v out of [p, 1]", p[i], holm[i], bh[i])
			}
			if bh[i] > holm[i]+1e-15 {
				t.Fatalf("p %v: bh %v above holm %v", p[i], bh[i], holm[i])
			}
			for j := range p {
				if p[i] < p[j] && (holm[i] > holm[j] || bh[i] > bh[j]) {
					t.Fatalf("order not kept: p %v < %v but holm %v, %v and bh %v, %v", p[i], p[j], holm[i], holm[j], bh[i], bh[j])
				}
			}
		}
	}
}

func TestParseMethod(t *testing.T) {
	for _, s := range []string{"", "holm", "bh", "none"} {
		m, err := multitest.ParseMethod(s)
		if err != nil {
			t.Errorf("ParseMethod(%q): %v", s, err)
		}
		if want := s; want != "" && string(m) != want {
			t.Errorf("ParseMethod(%q) = %q", s, m)
		}
	}
	if _, err := multitest.ParseMethod("bonferroni"); err == nil {
		t.Error("ParseMethod(bonferroni) succeeded")
	}
	if got := multitest.Method("").Title(); got != "Holm-Bonferroni" {
		t.Errorf("zero method's title %q", got)
	}
}
