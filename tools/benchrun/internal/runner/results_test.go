package runner

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRunSameSecond runs two runs into one folder at once, both named by
// the same date, as two shells started in one second would: each keeps
// its own results under its own name.
func TestRunSameSecond(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	benches := []string{"Alpha", "Beta"}
	paths := make([]string, len(benches))
	errs := make([]error, len(benches))
	var wg sync.WaitGroup
	for i, bench := range benches {
		wg.Go(func() {
			opts := testOptions(t, dir)
			opts.Bench, opts.CPUs, opts.Count = bench, []int{1}, 1
			paths[i], errs[i] = Run(t.Context(), opts)
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
	}
	if paths[0] == paths[1] {
		t.Fatalf("both runs wrote %s", paths[0])
	}
	for i, path := range paths {
		got, _ := readResults(t, path)
		if len(got) == 0 {
			t.Errorf("%s holds no results", path)
		}
		for _, r := range got {
			if !strings.HasPrefix(r.Name, benches[i]) {
				t.Errorf("%s, the results of -bench %s, holds %s", path, benches[i], r.Name)
			}
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	v := goVersion(t)
	want := []string{"quick-" + v + "-20261127T103000Z-2.txt", "quick-" + v + "-20261127T103000Z.txt"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("results folder (-want +got):\n%s", diff)
	}
}

func TestCreatePartial(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := filepath.Join(dir, "r.txt")
	write := func(name, data string) {
		t.Helper()
		if err := os.WriteFile(name, []byte(data), 0o666); err != nil {
			t.Fatal(err)
		}
	}
	// r.txt is a finished run's, r-2.txt.partial a running one's.
	write(out, "finished")
	write(filepath.Join(dir, "r-2.txt.partial"), "running")
	f, err := createPartial(out, false)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if want := filepath.Join(dir, "r-3.txt.partial"); f.Name() != want {
		t.Errorf("createPartial took %s, want %s", f.Name(), want)
	}

	// A chosen name whose .partial exists is refused.
	_, err = createPartial(filepath.Join(dir, "r-2.txt"), true)
	if err == nil || !strings.Contains(err.Error(), "r-2.txt.partial exists: another run is writing it, or an interrupted run kept its results there") {
		t.Errorf("createPartial of a held -o name: error %v", err)
	}
}

// TestFinishNeverReplaces checks the last step of a run whose name another
// run took meanwhile: the other's file stays, this one moves on.
func TestFinishNeverReplaces(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := filepath.Join(dir, "r.txt")
	f, err := createPartial(out, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("mine"); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := os.WriteFile(out, []byte("theirs"), 0o666); err != nil {
		t.Fatal(err)
	}
	got, err := finish(f.Name(), false)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "r-2.txt"); got != want {
		t.Errorf("finish named the file %s, want %s", got, want)
	}
	for name, want := range map[string]string{out: "theirs", got: "mine"} {
		if b, err := os.ReadFile(name); err != nil || string(b) != want {
			t.Errorf("%s holds %q (%v), want %q", name, b, err, want)
		}
	}
	if _, err := os.Stat(f.Name()); !os.IsNotExist(err) {
		t.Errorf("%s left behind (stat: %v)", f.Name(), err)
	}

	// A chosen name (-o) replaces an older file, as asked.
	chosen := filepath.Join(dir, "chosen.txt")
	if err := os.WriteFile(chosen, []byte("old"), 0o666); err != nil {
		t.Fatal(err)
	}
	f, err = createPartial(chosen, true)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("new")
	f.Close()
	if got, err := finish(f.Name(), true); err != nil || got != chosen {
		t.Fatalf("finish(-o) = %s, %v; want %s", got, err, chosen)
	}
	if b, _ := os.ReadFile(chosen); string(b) != "new" {
		t.Errorf("%s holds %q, want the new run's", chosen, b)
	}
}

func TestCandidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		k    int
		want string
	}{
		{"out/q.txt", 1, "out/q.txt"},
		{"out/q.txt", 2, "out/q-2.txt"},
		{"out.d/q", 3, "out.d/q-3"},
	} {
		if got := candidate(tc.name, tc.k); got != tc.want {
			t.Errorf("candidate(%q, %d) = %q, want %q", tc.name, tc.k, got, tc.want)
		}
	}
}
