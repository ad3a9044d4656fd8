package report_test

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"concbench/report"
	"concbench/report/internal/golden"
	"concbench/report/results"
)

// readReport reads and analyses the named files, given relative to the
// repository root (the names appear in the report as given).
func readReport(t testing.TB, opts results.ReadOptions, names ...string) (*report.Report, error) {
	t.Helper()
	var inputs []results.Input
	for _, name := range names {
		data := golden.RepoFile(t, name)
		inputs = append(inputs, results.Input{Name: name, R: bytes.NewReader(data)})
	}
	ds, err := results.Read(inputs, opts)
	if err != nil {
		return nil, err
	}
	return report.Analyze(ds, report.AnalyzeOptions{})
}

// goldenInputs lists the recorded results and the hostile inputs that still
// give a report.
func goldenInputs(t *testing.T) []string {
	t.Helper()
	names := recordedInputs(t)
	for _, h := range []string{"names", "malformed", "mixedunits", "noserial", "single"} {
		names = append(names, "testdata/hostile/"+h+".txt")
	}
	return names
}

// recordedInputs lists the recorded result sets under testdata/results.
func recordedInputs(t *testing.T) []string {
	t.Helper()
	root := golden.RepoRoot(t)
	recorded, err := filepath.Glob(filepath.Join(root, "testdata", "results", "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(recorded) == 0 {
		t.Fatal("no recorded results in testdata/results")
	}
	var names []string
	for _, p := range recorded {
		rel, err := filepath.Rel(root, p)
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, filepath.ToSlash(rel))
	}
	return names
}

// TestGolden checks report.json and report.md of every recorded result set
// and every hostile input that still gives a report against golden files.
func TestGolden(t *testing.T) {
	for _, name := range goldenInputs(t) {
		base := strings.ReplaceAll(strings.TrimSuffix(strings.TrimPrefix(name, "testdata/"), ".txt"), "/", "-")
		t.Run(base, func(t *testing.T) {
			rep, err := readReport(t, results.ReadOptions{}, name)
			if err != nil {
				t.Fatal(err)
			}
			var js, md bytes.Buffer
			if err := report.WriteJSON(&js, rep); err != nil {
				t.Fatal(err)
			}
			if err := report.WriteMarkdown(&md, rep, report.PageOptions{}); err != nil {
				t.Fatal(err)
			}
			// Indented, so that a change shows as a readable diff.
			var indented bytes.Buffer
			if err := json.Indent(&indented, js.Bytes(), "", "  "); err != nil {
				t.Fatalf("report.json is not valid JSON: %v", err)
			}
			golden.Check(t, filepath.Join("testdata", "golden", base+".json"), indented.Bytes())
			golden.Check(t, filepath.Join("testdata", "golden", base+".md"), md.Bytes())
		})
	}
}

// TestDeterministic renders the same input twice and expects the same bytes.
func TestDeterministic(t *testing.T) {
	names := goldenInputs(t)
	render := func() []byte {
		rep, err := readReport(t, results.ReadOptions{}, names...)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := report.WriteHTML(&b, rep, report.PageOptions{}); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	first, second := render(), render()
	if !bytes.Equal(first, second) {
		t.Error("two renderings of the same input differ")
	}
}
