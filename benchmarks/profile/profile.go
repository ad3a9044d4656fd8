// Package profile selects the input sizes of the benchmark suite.
//
// A profile is named by the CONCBENCH_PROFILE environment variable, which
// the runner (tools/benchrun) sets and a user may set by hand:
//
//	quick  small inputs, the default: the whole suite in minutes on 2 cores
//	full   larger inputs, for careful measurements
//	seed   the seed tutorial's own sizes (5 x 1 s delays, 8 x 112272535095293),
//	       so results can be read against the timings it prints
//
// Each case keeps its sizes in one place, its own benchmark file, and picks
// among them with [Pick]; the runner passes only the name.
package profile

import (
	"fmt"
	"os"
	"testing"
)

// EnvVar is the environment variable that names the profile.
const EnvVar = "CONCBENCH_PROFILE"

// Name is the name of a profile.
type Name string

// The profiles, from the smallest to the largest inputs.
const (
	Quick Name = "quick"
	Full  Name = "full"
	Seed  Name = "seed"
)

// Names lists every profile, in the order of [Quick], [Full], [Seed].
func Names() []Name { return []Name{Quick, Full, Seed} }

// Parse returns the profile called s. The empty string means [Quick].
func Parse(s string) (Name, error) {
	switch Name(s) {
	case "":
		return Quick, nil
	case Quick, Full, Seed:
		return Name(s), nil
	}
	return "", fmt.Errorf("unknown profile %q (want quick, full or seed)", s)
}

// Current returns the profile named by the environment.
func Current() (Name, error) {
	return Parse(os.Getenv(EnvVar))
}

// Pick returns quick, full or seed according to the current profile.
// It stops the benchmark with b.Fatal when the environment names no known
// profile, so a typo never runs the wrong sizes silently.
func Pick[T any](b testing.TB, quick, full, seed T) T {
	b.Helper()
	name, err := Current()
	if err != nil {
		b.Fatalf("%s: %v", EnvVar, err)
	}
	switch name {
	case Full:
		return full
	case Seed:
		return seed
	}
	return quick
}
