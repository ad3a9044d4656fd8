package runner

import (
	"fmt"
	"strings"
)

// A Profile is a named trade between run time and precision. The name is
// passed to the benchmarks, which choose their input sizes from it
// (package concbench/benchmarks/profile); the count and benchtime are
// passed to go test.
type Profile struct {
	// Name is the value of CONCBENCH_PROFILE: quick, full or seed.
	Name string
	// Count is go test's -count: samples per benchmark and core count.
	// Six is the fewest for which benchstat gives a 95% interval.
	Count int
	// Benchtime is go test's -benchtime for one sample.
	Benchtime string
	// About says what the profile is for, for -help and the README.
	About string
}

// Profiles returns the profiles, the default first. This table is the
// only place their counts and benchtimes are written down.
func Profiles() []Profile {
	return []Profile{
		{Name: "quick", Count: 6, Benchtime: "100ms", About: "small inputs; the whole suite in minutes on 2 cores"},
		{Name: "full", Count: 10, Benchtime: "1s", About: "larger inputs and more samples, for careful measurements"},
		{Name: "seed", Count: 6, Benchtime: "1s", About: "the seed tutorial's own sizes (5 x 1 s delays, 8 x 112272535095293)"},
	}
}

// LookupProfile returns the profile called name.
func LookupProfile(name string) (Profile, error) {
	var names []string
	for _, p := range Profiles() {
		if p.Name == name {
			return p, nil
		}
		names = append(names, p.Name)
	}
	return Profile{}, fmt.Errorf("unknown profile %q (want %s)", name, strings.Join(names, ", "))
}
