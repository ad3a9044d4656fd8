package report_test

import (
	"strings"
	"testing"

	"concbench/report/results"

	"github.com/google/go-cmp/cmp"
)

// TestBadInput checks that each kind of bad input gives a clear error (and
// no report) when nothing can be analysed, and warnings naming the file and
// line when the rest can go on.
func TestBadInput(t *testing.T) {
	tests := []struct {
		name    string
		files   []string
		filter  string
		wantErr string
		// wantWarnings lists the expected warnings as Kind + " " + String().
		wantWarnings []string
	}{
		{
			name:    "empty file",
			files:   []string{"testdata/hostile/empty.txt"},
			wantErr: "no benchmark results in testdata/hostile/empty.txt",
		},
		{
			name:    "no benchmark lines",
			files:   []string{"testdata/hostile/nobench.txt"},
			wantErr: "no benchmark results in testdata/hostile/nobench.txt",
		},
		{
			name:    "empty and no benchmark lines together",
			files:   []string{"testdata/hostile/empty.txt", "testdata/hostile/nobench.txt"},
			wantErr: "no benchmark results in testdata/hostile/empty.txt, testdata/hostile/nobench.txt",
		},
		{
			name:  "empty file beside a good one",
			files: []string{"testdata/hostile/empty.txt", "testdata/hostile/noserial.txt"},
			wantWarnings: []string{
				"empty testdata/hostile/empty.txt: no benchmark results",
				"baseline NoSerial: no serial model; speedups are against each model's own 1-core result only",
			},
		},
		{
			name:  "malformed lines",
			files: []string{"testdata/hostile/malformed.txt"},
			wantWarnings: []string{
				"syntax testdata/hostile/malformed.txt:10: parsing iteration count: invalid syntax",
				"syntax testdata/hostile/malformed.txt:11: missing units",
				"syntax testdata/hostile/malformed.txt:12: parsing measurement: invalid syntax",
			},
		},
		{
			name:  "mixed units for one benchmark",
			files: []string{"testdata/hostile/mixedunits.txt"},
			wantWarnings: []string{
				"units testdata/hostile/mixedunits.txt:10: Mix/model=serial-2: sec/op is reported by 3 of its 6 result lines",
				"samples testdata/hostile/mixedunits.txt:10: Mix/model=serial-2: only 3 sample(s); need >= 6 for a 95% interval (run with -count 6 or more)",
				"units testdata/hostile/mixedunits.txt:10: Mix/model=serial-2: items/s is reported by 3 of its 6 result lines",
				"units testdata/hostile/mixedunits.txt:13: Mix/model=serial-2: ms/op is reported by 3 of its 6 result lines",
			},
		},
		{
			name:  "a case without serial",
			files: []string{"testdata/hostile/noserial.txt"},
			wantWarnings: []string{
				"baseline NoSerial: no serial model; speedups are against each model's own 1-core result only",
			},
		},
		{
			// Cases with no /model key (syncprims, prodcons) compare no
			// models and miss no baseline; RateLimit and Inflight have
			// models, none of them serial.
			name:  "the whole suite, cases with and without models",
			files: []string{"testdata/results/suite-2cpu.txt"},
			wantWarnings: []string{
				"baseline RateLimit/requests=100/workers=10/delay=50ms: no serial model; speedups are against each model's own 1-core result only",
				"baseline Inflight/requests=1000/transport=default/delay=500ms: no serial model; speedups are against each model's own 1-core result only",
				"baseline Inflight/requests=1000/transport=tuned/delay=500ms: no serial model; speedups are against each model's own 1-core result only",
			},
		},
		{
			name:  "a single sample",
			files: []string{"testdata/hostile/single.txt"},
			wantWarnings: []string{
				"samples testdata/hostile/single.txt:4: Single/model=serial: only 1 sample(s); need >= 6 for a 95% interval (run with -count 6 or more)",
				"samples testdata/hostile/single.txt:5: Single/model=pool-2: only 1 sample(s); need >= 6 for a 95% interval (run with -count 6 or more)",
			},
		},
		{
			name:    "a filter matching nothing",
			files:   []string{"testdata/hostile/noserial.txt"},
			filter:  "/model:nosuchmodel",
			wantErr: `no benchmark results in testdata/hostile/noserial.txt match filter "/model:nosuchmodel"`,
		},
		{
			name:    "a filter that does not parse",
			files:   []string{"testdata/hostile/noserial.txt"},
			filter:  "/model:(",
			wantErr: "parsing filter:",
		},
		{
			name:   "a filter keeping one model",
			files:  []string{"testdata/hostile/noserial.txt"},
			filter: "/model:pool",
			wantWarnings: []string{
				"baseline NoSerial: no serial model; speedups are against each model's own 1-core result only",
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := readReport(t, results.ReadOptions{Filter: tc.filter}, tc.files...)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got error %v, want one containing %q", err, tc.wantErr)
				}
				if rep != nil {
					t.Error("got a report along with the error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := []string{}
			for _, w := range rep.Warnings {
				// The stability checks are tested on their own
				// (TestStabilityWarnings).
				if w.Kind == "unstable" || w.Kind == "load" {
					continue
				}
				got = append(got, w.Kind+" "+w.String())
			}
			want := tc.wantWarnings
			if want == nil {
				want = []string{}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("warnings mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
