package runner

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestIsResult(t *testing.T) {
	for _, tc := range []struct {
		line string
		want bool
	}{
		{"BenchmarkAlpha/model=serial-2   \t  118408\t       112.2 ns/op", true},
		{"BenchmarkBeta \t 7080915\t 1.828 ns/op\t 7080915 loops/op", true},
		{"BenchmarkBeta-2 \t--- FAIL: BenchmarkBeta-2", false},
		{"BenchmarkBeta", false},
		{"--- BENCH: BenchmarkAlpha", false},
		{"ok  \tfakesuite/alpha\t0.161s", false},
		{"pkg: fakesuite/alpha", false},
	} {
		if got := isResult(tc.line); got != tc.want {
			t.Errorf("isResult(%q) = %v, want %v", tc.line, got, tc.want)
		}
	}
}

func TestConfigLine(t *testing.T) {
	for _, tc := range []struct {
		line     string
		key, val string
		ok       bool
	}{
		{"pkg: fakesuite/alpha", "pkg", "fakesuite/alpha", true},
		{"cpu: AMD EPYC 7B13", "cpu", "AMD EPYC 7B13", true},
		{"ip-local-port-range: 32768-60999", "ip-local-port-range", "32768-60999", true},
		{"Toolchain: go1.26.8", "", "", false},
		{"some key: value", "", "", false},
		{"panic: boom", "panic", "boom", true}, // the format cannot tell; benchfmt reads it as config too
		{"PASS", "", "", false},
		{": value", "", "", false},
	} {
		key, val, ok := configLine(tc.line)
		if key != tc.key || val != tc.val || ok != tc.ok {
			t.Errorf("configLine(%q) = %q, %q, %v; want %q, %q, %v", tc.line, key, val, ok, tc.key, tc.val, tc.ok)
		}
	}
}

// fakeClock advances by step at every reading.
type fakeClock struct {
	t    time.Time
	step time.Duration
}

func (c *fakeClock) now() time.Time {
	c.t = c.t.Add(c.step)
	return c.t
}

func TestStreamPlain(t *testing.T) {
	var file, report strings.Builder
	clock := &fakeClock{t: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC), step: time.Second}
	p := &progress{w: &report, now: clock.now}
	p.begin(4)
	s := &stream{file: &file, prog: p}
	// go test prints a name before running it and the figures after;
	// writes do not respect line boundaries.
	chunks := []string{
		"goos: linux\npkg: fakesuite/alpha\n",
		"BenchmarkAlpha/model=serial   \t",
		"  100\t  112.2 ns/op\nBenchmarkAlpha/model=serial-2 \t 90\t 124.2 ns/op\n",
		"BenchmarkBeta \t--- FAIL: BenchmarkBeta\n    beta_test.go:21: beta failed on purpose\n",
		"FAIL\nexit status 1\nFAIL\tfakesuite/beta\t0.01s\n",
		"BenchmarkGamma \t 1\t 3 ns/op", // no final newline
	}
	for _, c := range chunks {
		if n, err := s.Write([]byte(c)); n != len(c) || err != nil {
			t.Fatalf("Write(%q) = %d, %v", c, n, err)
		}
	}
	s.flush()
	if diff := cmp.Diff(strings.Join(chunks, ""), file.String()); diff != "" {
		t.Errorf("results file (-want +got):\n%s", diff)
	}
	// The clock ticks a second at begin and at every estimate: after
	// the first result 1s has passed for 1 of 4, so 3s are left.
	want := `[1/4] BenchmarkAlpha/model=serial 100 112.2 ns/op (3s left)
[2/4] BenchmarkAlpha/model=serial-2 90 124.2 ns/op (2s left)
BenchmarkBeta 	--- FAIL: BenchmarkBeta
    beta_test.go:21: beta failed on purpose
FAIL
exit status 1
FAIL	fakesuite/beta	0.01s
[3/4] BenchmarkGamma 1 3 ns/op (1s left)
`
	if diff := cmp.Diff(want, report.String()); diff != "" {
		t.Errorf("progress report (-want +got):\n%s", diff)
	}
}

func TestStreamLive(t *testing.T) {
	var report strings.Builder
	clock := &fakeClock{t: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC), step: time.Second}
	p := &progress{w: &report, now: clock.now, live: true}
	p.begin(2)
	s := &stream{file: &strings.Builder{}, prog: p}
	for _, c := range []string{
		"BenchmarkAlpha/model=serial \t",
		" 100\t 112.2 ns/op\n",
		"--- BENCH: BenchmarkAlpha\n",
		"BenchmarkAlpha/model=pool \t",
	} {
		s.Write([]byte(c))
	}
	p.end()
	const clear = "\r\x1b[K"
	want := clear + "[0/2 0%, time left unknown] BenchmarkAlpha/model=serial" +
		clear + "[1/2 50%, 1s left] " +
		clear + "--- BENCH: BenchmarkAlpha\n" + clear + "[1/2 50%, 2s left] " +
		clear + "[1/2 50%, 3s left] BenchmarkAlpha/model=pool" +
		clear
	if diff := cmp.Diff(want, report.String()); diff != "" {
		t.Errorf("live report (-want +got):\n%s", diff)
	}
}

func TestLiveLineNeverWraps(t *testing.T) {
	var report strings.Builder
	p := &progress{w: &report, now: time.Now, live: true}
	p.begin(1)
	p.startBench("Benchmark" + strings.Repeat("X", 300))
	line := strings.TrimPrefix(report.String(), "\r\x1b[K")
	if n := len([]rune(line)); n > liveWidth {
		t.Errorf("live line has %d runes, want at most %d", n, liveWidth)
	}
}
