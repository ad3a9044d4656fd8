package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// dirFiles lists the names in dir with their contents.
func dirFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = string(data)
	}
	return files
}

// TestWriteOutputsAllOrNone checks that when one output cannot be renamed
// into place after the others were, those get their previous versions
// back, the one that had none is removed, and no temporary file is left.
func TestWriteOutputsAllOrNone(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"r.json", "r.md"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("old "+name), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	text := func(s string) func(io.Writer) error {
		return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
	}
	outputs := []output{
		{filepath.Join(dir, "r.json"), text("new json")},
		{filepath.Join(dir, "r.md"), text("new md")},
		{filepath.Join(dir, "new.html"), text("new html")},
	}
	names := make([]string, len(outputs))
	for i, o := range outputs {
		n, err := writeTemp(o.path, o.write)
		if err != nil {
			t.Fatal(err)
		}
		names[i] = n
	}
	// The last rename fails: its temporary file is gone.
	os.Remove(names[2])
	err := commit(outputs, names)
	if err == nil || !strings.HasPrefix(err.Error(), "writing "+outputs[2].path+": ") {
		t.Fatalf("commit error = %v, want one about %s", err, outputs[2].path)
	}
	for _, n := range names {
		if n != "" {
			temps.remove(n)
		}
	}
	want := map[string]string{"r.json": "old r.json", "r.md": "old r.md"}
	if diff := cmp.Diff(want, dirFiles(t, dir)); diff != "" {
		t.Errorf("files after a failed commit (-want +got):\n%s", diff)
	}

	// The same outputs, all written: every file new, no temporary file.
	outputs[2].path = filepath.Join(dir, "r.html")
	if err := writeOutputs(outputs); err != nil {
		t.Fatal(err)
	}
	want = map[string]string{"r.json": "new json", "r.md": "new md", "r.html": "new html"}
	if diff := cmp.Diff(want, dirFiles(t, dir)); diff != "" {
		t.Errorf("files after writing (-want +got):\n%s", diff)
	}
}

// TestTempSetRemoveAll checks that the signal handler's removal removes
// every temporary file registered, and only those.
func TestTempSetRemoveAll(t *testing.T) {
	dir := t.TempDir()
	var s tempSet
	if err := os.WriteFile(filepath.Join(dir, "keep"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		f, err := s.create(dir, "x.*.tmp")
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	s.removeAll()
	if diff := cmp.Diff(map[string]string{"keep": ""}, dirFiles(t, dir)); diff != "" {
		t.Errorf("files after removeAll (-want +got):\n%s", diff)
	}
	// Once removeAll has run, no temporary file is created any more: the
	// outputs still being written wait for the exit.
	created := make(chan struct{})
	go func() {
		if f, err := s.create(dir, "late.*.tmp"); err == nil {
			f.Close()
		}
		close(created)
	}()
	select {
	case <-created:
		t.Error("a temporary file was created after removeAll")
	case <-time.After(50 * time.Millisecond):
	}
}

// largeResults returns a results file of n distinct benchmarks.
func largeResults(n int) string {
	var b strings.Builder
	b.WriteString("goos: linux\nncpu: 2\n")
	for i := range n {
		fmt.Fprintf(&b, "BenchmarkCase%d/model=serial\t1000\t%d ns/op\t64 B/op\t3 allocs/op\n", i, 1000+i%977)
	}
	return b.String()
}
