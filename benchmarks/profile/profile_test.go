package profile

import "testing"

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    Name
		wantErr bool
	}{
		{"", Quick, false},
		{"quick", Quick, false},
		{"full", Full, false},
		{"seed", Seed, false},
		{"Quick", "", true},
		{"fast", "", true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := Parse(tc.in)
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Errorf("Parse(%q) = %q, %v; want %q, error %v", tc.in, got, err, tc.want, tc.wantErr)
			}
		})
	}
}

func TestPick(t *testing.T) {
	for _, tc := range []struct {
		env  string
		want int
	}{
		{"", 1},
		{"quick", 1},
		{"full", 2},
		{"seed", 3},
	} {
		t.Run(tc.env, func(t *testing.T) {
			t.Setenv(EnvVar, tc.env)
			if got := Pick(t, 1, 2, 3); got != tc.want {
				t.Errorf("Pick with %s=%q = %d, want %d", EnvVar, tc.env, got, tc.want)
			}
		})
	}
}
