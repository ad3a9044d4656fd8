package gate

import (
	"fmt"
	"strings"

	"concbench/report"
)

// SetupKeys are the configuration keys that describe where and how results
// were measured: a baseline whose values of them differ from the new
// results' was measured on another machine or setup, and its times do not
// compare with theirs.
var SetupKeys = []string{"machine", "ncpu", "cpu", "goos", "goarch", "profile"}

// ToolchainKeys are the configuration keys of the Go toolchain. A baseline
// of another toolchain is compared, the way to check a new Go version, with
// a warning.
var ToolchainKeys = []string{"toolchain", "goversion"}

// A SetupError is Check's refusal to compare results of different
// machines or setups.
type SetupError struct{ msg string }

func (e *SetupError) Error() string { return e.msg }

// setupOf returns the values the run sets of keys; a key it does not set
// is left out.
func setupOf(rg *report.RunGroup, keys []string) map[string]string {
	out := map[string]string{}
	for _, k := range keys {
		if v, _ := rg.ConfigValue(k); v != "" {
			out[k] = v
		}
	}
	return out
}

// differences lists the keys, among keys, that both sides set to
// different values, as "key base ≠ new".
func differences(base, cur map[string]string, keys []string) []string {
	var out []string
	for _, k := range keys {
		b, okb := base[k]
		c, okc := cur[k]
		if okb && okc && b != c {
			out = append(out, fmt.Sprintf("%s %s ≠ %s", k, b, c))
		}
	}
	return out
}

// checkSetups compares the setups of a baseline run and the new run paired
// with it: it returns an error when they differ, unless allowed, and the
// warnings of the differences it lets through.
func checkSetups(base, cur *checkRun, allowed bool) (warnings []string, err error) {
	label := ""
	if cur.label != "" {
		label = " of new run " + cur.label
	}
	if diff := differences(base.setup, cur.setup, SetupKeys); len(diff) > 0 {
		msg := fmt.Sprintf("the baseline%s comes from another machine or setup (%s): its times do not compare with the new results'", label, strings.Join(diff, "; "))
		if !allowed {
			return nil, &SetupError{msg + "; give a baseline measured on the same machine with the same profile"}
		}
		warnings = append(warnings, msg+"; compared as asked")
	}
	if diff := differences(base.setup, cur.setup, ToolchainKeys); len(diff) > 0 {
		warnings = append(warnings, fmt.Sprintf("the baseline%s was run with another toolchain (%s): a change found is the toolchain's as much as the code's", label, strings.Join(diff, "; ")))
	}
	return warnings, nil
}
