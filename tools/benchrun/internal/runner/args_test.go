package runner

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDefaultCPUs(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want []int
	}{
		{0, []int{1}},
		{1, []int{1}},
		{2, []int{1, 2}},
		{3, []int{1, 2, 3}},
		{4, []int{1, 2, 4}},
		{6, []int{1, 2, 4, 6}},
		{16, []int{1, 2, 4, 8, 16}},
	} {
		if diff := cmp.Diff(tc.want, DefaultCPUs(tc.n)); diff != "" {
			t.Errorf("DefaultCPUs(%d) (-want +got):\n%s", tc.n, diff)
		}
	}
}

func TestParseCPUs(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    []int
		wantErr string
	}{
		{in: "1", want: []int{1}},
		{in: "1,2,4", want: []int{1, 2, 4}},
		{in: " 4, 1 ", want: []int{4, 1}},
		{in: "", wantErr: `empty -cpu list`},
		{in: "1,,2", wantErr: `bad -cpu list "1,,2": "" is not a positive integer`},
		{in: "0", wantErr: `bad -cpu list "0": "0" is not a positive integer`},
		{in: "-1", wantErr: `bad -cpu list "-1": "-1" is not a positive integer`},
		{in: "two", wantErr: `bad -cpu list "two": "two" is not a positive integer`},
		{in: "2,1,2", wantErr: `bad -cpu list "2,1,2": 2 appears twice`},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseCPUs(tc.in)
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if diff := cmp.Diff(tc.wantErr, gotErr); diff != "" {
				t.Errorf("ParseCPUs(%q) error (-want +got):\n%s", tc.in, diff)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ParseCPUs(%q) (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

func TestParseToolchains(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"go1.26.8,go1.27.3", []string{"go1.26.8", "go1.27.3"}},
		{"local go1.27.3", []string{"local", "go1.27.3"}},
		{" go1.26.8 , local,", []string{"go1.26.8", "local"}},
		{"", []string{}},
	} {
		if diff := cmp.Diff(tc.want, ParseToolchains(tc.in)); diff != "" {
			t.Errorf("ParseToolchains(%q) (-want +got):\n%s", tc.in, diff)
		}
	}
}

func TestLookupProfile(t *testing.T) {
	for _, p := range Profiles() {
		got, err := LookupProfile(p.Name)
		if err != nil || got != p {
			t.Errorf("LookupProfile(%q) = %+v, %v; want %+v", p.Name, got, err, p)
		}
		// Six samples is the least for which benchstat gives a 95% interval.
		if p.Count < 6 {
			t.Errorf("profile %s has count %d, want at least 6", p.Name, p.Count)
		}
	}
	if _, err := LookupProfile("fast"); err == nil || err.Error() != `unknown profile "fast" (want quick, full, seed)` {
		t.Errorf("LookupProfile(fast) error = %v", err)
	}
}

func TestParseGoVersion(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		wantErr  bool
	}{
		{in: "go version go1.26.8 linux/amd64\n", want: "go1.26.8"},
		{in: "go version go1.27.3 darwin/arm64", want: "go1.27.3"},
		{in: "go version go1.26.8 X:nocoverageredesign linux/amd64", want: "go1.26.8 X:nocoverageredesign"},
		{in: "go version devel go1.27-abcdef Tue Nov 3 10:00:00 2026 +0000 linux/amd64", want: "devel go1.27-abcdef Tue Nov 3 10:00:00 2026 +0000"},
		{in: "go: downloading go1.27.3", wantErr: true},
		{in: "", wantErr: true},
	} {
		got, err := parseGoVersion(tc.in)
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("parseGoVersion(%q) = %q, %v; want %q, error %v", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
}

func TestBusy(t *testing.T) {
	for _, tc := range []struct {
		loadavg string
		ncpu    int
		want    bool
	}{
		{"0.52 0.61 0.70", 2, false},
		{"1.00 0.61 0.70", 2, false},
		{"1.01 0.61 0.70", 2, true},
		{"12.31 10.94 8.89", 2, true},
		{"12.31 10.94 8.89", 32, false},
		{"", 2, false},
		{"n/a", 2, false},
	} {
		if _, got := busy(tc.loadavg, tc.ncpu); got != tc.want {
			t.Errorf("busy(%q, %d) = %v, want %v", tc.loadavg, tc.ncpu, got, tc.want)
		}
	}
}

func TestCheckCPUs(t *testing.T) {
	for _, tc := range []struct {
		cpus    []int
		ncpu    int
		wantErr string
	}{
		{cpus: []int{1, 2, 8}, ncpu: 2},
		{cpus: []int{9}, ncpu: 2, wantErr: `bad -cpu list "9": 9 is over 8, 4 times this machine's 2 CPUs (more GOMAXPROCS only adds threads that take turns on the same cores)`},
		{cpus: []int{4}, ncpu: 1},
		{cpus: []int{0}, ncpu: 1, wantErr: `bad -cpu list "0": 0 is not a positive integer`},
	} {
		gotErr := ""
		if err := CheckCPUs(tc.cpus, tc.ncpu); err != nil {
			gotErr = err.Error()
		}
		if diff := cmp.Diff(tc.wantErr, gotErr); diff != "" {
			t.Errorf("CheckCPUs(%v, %d) error (-want +got):\n%s", tc.cpus, tc.ncpu, diff)
		}
	}
}
