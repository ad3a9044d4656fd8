// Package nobench has tests but no benchmarks; the runner must skip it.
package nobench

import "testing"

func TestNothing(t *testing.T) {}
