package pitfalls_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"concbench/benchmarks/models"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"
)

// registry holds every job the tests send to a procpool worker. The worker
// is this test binary, re-executed: TestMain serves the registry before
// any test runs.
var registry = models.NewRegistry()

// childEnv names the program a re-executed test binary runs instead of the
// tests: the pitfalls that end the process are shown in a child process.
const childEnv = "CONCBENCH_PITFALLS_CHILD"

// childPanicInGoroutine is the name of the child program of
// TestExceptionsSwallowedByPool.
const childPanicInGoroutine = "panic-in-goroutine"

// patience bounds how long a test waits for something that should happen
// at once. Reaching it is a failure, reported as such, instead of a hang.
const patience = time.Minute

func TestMain(m *testing.M) {
	models.Serve(registry)
	if name := os.Getenv(childEnv); name != "" {
		runChild(name)
	}
	goleak.VerifyTestMain(m)
}

// runChild runs the child program called name. Every program is expected
// to end the process itself; one that returns exits with status 0, which
// its test reports as the pitfall not happening.
func runChild(name string) {
	switch name {
	case childPanicInGoroutine:
		panicInBareGoroutine()
	default:
		fmt.Fprintf(os.Stderr, "unknown child program %q\n", name)
		os.Exit(100)
	}
	fmt.Println("child program returned")
	os.Exit(0)
}

// startChild re-executes the test binary to run the child program called
// name, and returns its combined output and exit status.
func startChild(t *testing.T, name string) (output string, status int) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatalf("finding the test binary: %v", err)
	}
	return runProgram(t, exe, childEnv+"="+name)
}

// runProgram runs the program exe with env added to the environment, and
// returns its combined output and exit status.
func runProgram(t *testing.T, exe string, env ...string) (output string, status int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), patience)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe)
	cmd.Env = append(os.Environ(), env...)
	cmd.Env = append(cmd.Env,
		// The whole traceback of a crash is not needed, only its first
		// lines; and a binary built with -race would pause 1 s at exit.
		"GOTRACEBACK=single",
		"GORACE="+strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("%s still running after %v; output so far:\n%s", filepath.Base(exe), patience, out)
	}
	if err == nil {
		return string(out), 0
	}
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		t.Fatalf("running %s: %v", filepath.Base(exe), err)
	}
	return string(out), exit.ExitCode()
}

// goroutineStates returns the scheduler state ("chan receive", "IO wait",
// "syscall", ...) of the goroutines whose stacks hold one of the functions
// of this package named in funcs, by function name.
func goroutineStates(funcs []string) map[string]string {
	buf := make([]byte, 64<<10)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	states := make(map[string]string)
	for _, g := range strings.Split(string(buf), "\n\n") {
		// A goroutine's record starts "goroutine 7 [chan receive, 2 minutes]:".
		header, frames, _ := strings.Cut(g, "\n")
		_, state, ok := strings.Cut(header, " [")
		if !ok {
			continue
		}
		state, _, _ = strings.Cut(state, "]")
		state, _, _ = strings.Cut(state, ",")
		for _, f := range funcs {
			if strings.Contains(frames, "pitfalls_test."+f+"(") {
				states[f] = state
			}
		}
	}
	return states
}

// waitForStates waits until the goroutines running the functions named in
// want are in the states want gives, yielding the processor in between so
// that they can get there even at GOMAXPROCS=1.
func waitForStates(t testing.TB, want map[string]string) {
	t.Helper()
	funcs := make([]string, 0, len(want))
	for f := range want {
		funcs = append(funcs, f)
	}
	slices.Sort(funcs)
	deadline := time.Now().Add(patience)
	for {
		got := goroutineStates(funcs)
		diff := cmp.Diff(want, got)
		if diff == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("goroutine states after %v (-want +got):\n%s", patience, diff)
		}
		runtime.Gosched()
	}
}

// setGOMAXPROCS sets GOMAXPROCS for the rest of the test.
func setGOMAXPROCS(t *testing.T, n int) {
	prev := runtime.GOMAXPROCS(n)
	t.Cleanup(func() { runtime.GOMAXPROCS(prev) })
}

// errorTexts returns the text of each error, "" for nil.
func errorTexts(errs []error) []string {
	texts := make([]string, len(errs))
	for i, err := range errs {
		if err != nil {
			texts[i] = err.Error()
		}
	}
	return texts
}

// joined returns the errors err joins (errors.Join), or err alone.
func joined(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// BenchmarkPitfall measures the observable of each of the seed's five
// pitfalls, one sub-benchmark per pitfall and variant, so that a verdict
// can be read from a results file. The package documentation gives each
// pitfall's variants and metrics beside its test.
func BenchmarkPitfall(b *testing.B) {
	b.Run("pitfall=globals", benchGlobals)
	b.Run("pitfall=blocking", benchBlocking)
	b.Run("pitfall=swallowed", benchSwallowed)
	b.Run("pitfall=picklable", benchPicklable)
	b.Run("pitfall=gather", benchGather)
}
