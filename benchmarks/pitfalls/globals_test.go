package pitfalls_test

import (
	"context"
	"os"
	"testing"

	"concbench/benchmarks/models"

	"github.com/google/go-cmp/cmp"
)

// counter is the global of the pitfall: every process has its own copy.
// Only addToCounter changes it, from one goroutine at a time (the serial
// model in this process, one worker process for the process pool).
var counter int

// A counterSeen is what a task saw: which process it ran in and the value
// of counter after its change.
type counterSeen struct {
	PID   int
	Value int
}

// addToCounter adds its input to counter and reports the value it sees.
var addToCounter = models.Register(registry, models.Job[int, counterSeen]{
	Name: "add-to-counter",
	Run: func(ctx context.Context, n int) (counterSeen, error) {
		counter += n
		return counterSeen{PID: os.Getpid(), Value: counter}, nil
	},
})

// globalsInputs are what the tasks add to counter, one task each.
var globalsInputs = []int{1, 2, 3}

// addAll sets counter to 0 and adds each of globalsInputs to it under model
// m, one task at a time (a single worker), and returns what each task saw
// and the parent's counter afterwards.
func addAll(ctx context.Context, m models.Model) (seen []counterSeen, parent int, err error) {
	counter = 0
	seen, err = models.Map(ctx, m, addToCounter, globalsInputs, models.Options{Workers: 1})
	return seen, counter, err
}

func TestGlobalsNotSharedAcrossProcesses(t *testing.T) {
	// What one Map call showed.
	type outcome struct {
		Seen      []int // counter as each task saw it, sent back as its result
		Parent    int   // counter in this process afterwards
		InParent  bool  // whether the tasks ran in this process
		Processes int   // how many distinct processes ran them
	}
	tests := []struct {
		model models.Model
		want  outcome
	}{
		// In process, the tasks change this process's counter.
		{models.Serial, outcome{Seen: []int{1, 3, 6}, Parent: 6, InParent: true, Processes: 1}},
		// One worker process runs all three tasks: it sees its own changes,
		// and this process's copy stays 0.
		{models.ProcPool, outcome{Seen: []int{1, 3, 6}, Parent: 0, InParent: false, Processes: 1}},
	}
	for _, tc := range tests {
		t.Run("model="+string(tc.model), func(t *testing.T) {
			t.Cleanup(func() { counter = 0 })
			seen, parent, err := addAll(t.Context(), tc.model)
			if err != nil {
				t.Fatal(err)
			}
			got := outcome{Parent: parent, InParent: true}
			pids := make(map[int]bool)
			for _, s := range seen {
				got.Seen = append(got.Seen, s.Value)
				pids[s.PID] = true
				if s.PID != os.Getpid() {
					got.InParent = false
				}
			}
			got.Processes = len(pids)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// benchGlobals runs the tasks of TestGlobalsNotSharedAcrossProcesses in
// this process (serial) and in a worker process (procpool), once per
// operation, and reports seen-by-parent: the share of the tasks' additions
// to counter that this process's counter shows after Map returns.
func benchGlobals(b *testing.B) {
	total := 0
	for _, n := range globalsInputs {
		total += n
	}
	for _, m := range []models.Model{models.Serial, models.ProcPool} {
		b.Run("model="+string(m), func(b *testing.B) {
			b.Cleanup(func() { counter = 0 })
			var seen float64
			for b.Loop() {
				_, parent, err := addAll(b.Context(), m)
				if err != nil {
					b.Fatal(err)
				}
				seen += float64(parent) / float64(total)
			}
			b.ReportMetric(seen/float64(b.N), "seen-by-parent")
		})
	}
}
