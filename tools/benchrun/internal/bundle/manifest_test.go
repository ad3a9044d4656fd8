package bundle

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// good is a valid manifest, as Build writes one.
const good = `{
	"format": "concbench-bundle/1",
	"toolchain": "go1.26.8",
	"commit": "0123456789ab-dirty",
	"revision": "0123456789abcdef0123456789abcdef01234567",
	"goos": "linux",
	"goarch": "arm64",
	"profiles": [{"name": "quick", "count": 6, "benchtime": "100ms"}],
	"packages": [
		{"path": "concbench/benchmarks/factorize", "dir": "factorize", "binary": "factorize.test",
		 "sha256": "0937e078e061c0ba9de74a9cd7e80240579b7a5cacfad5100c11fd645721c0e6"}
	]
}
`

func TestParseManifest(t *testing.T) {
	m, err := parseManifest([]byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if m.GOARCH != "arm64" || len(m.Packages) != 1 || m.Packages[0].Exe("b") != "b/factorize/factorize.test" {
		t.Errorf("parsed %+v", m)
	}
	edit := func(old, new string) string {
		if !strings.Contains(good, old) {
			t.Fatalf("the good manifest lacks %q", old)
		}
		return strings.Replace(good, old, new, 1)
	}
	for _, tc := range []struct {
		name, data, wantErr string
	}{
		{"empty", "", ": corrupt manifest: truncated"},
		{"truncated", good[:200], ": corrupt manifest: truncated"},
		{"syntax error on line 3", edit(`"toolchain": "go1.26.8",`, `"toolchain": go1.26.8,`), ":3: corrupt manifest: invalid character 'g' looking for beginning of value"},
		{"wrong type", edit(`"count": 6`, `"count": "6"`), ":8: corrupt manifest: json: cannot unmarshal string into Go struct field Profile.profiles.count of type int"},
		{"unknown field", edit(`"goos"`, `"os": "x", "goos"`), `: corrupt manifest: json: unknown field "os"`},
		{"two manifests", good + good, ":14: corrupt manifest: data after the manifest"},
		{"other format", edit(`bundle/1`, `bundle/2`), `: format "concbench-bundle/2", want "concbench-bundle/1" (a bundle from another version of benchrun?)`},
		{"no toolchain", edit(`"go1.26.8"`, `""`), ": no toolchain"},
		{"no platform", edit(`"arm64"`, `" "`), ": no goarch"},
		{"no profiles", edit(`[{"name": "quick", "count": 6, "benchtime": "100ms"}]`, `[]`), ": no profiles"},
		{"zero count", edit(`"count": 6`, `"count": 0`), `: profile "quick": count 0, benchtime "100ms"`},
		{"no packages", good[:strings.Index(good, `"packages"`)] + `"packages": []}`, ": no packages"},
		{"absolute dir", edit(`"dir": "factorize"`, `"dir": "/usr/bin"`), `: package concbench/benchmarks/factorize: dir "/usr/bin" is not a folder of its own inside the bundle`},
		{"dir of the bundle itself", edit(`"dir": "factorize"`, `"dir": "."`), `: package concbench/benchmarks/factorize: dir "." is not a folder of its own inside the bundle`},
		{"unclean dir", edit(`"dir": "factorize"`, `"dir": "a/../factorize"`), `: package concbench/benchmarks/factorize: dir "a/../factorize" is not a folder of its own inside the bundle`},
		{"binary with a path", edit(`"binary": "factorize.test"`, `"binary": "../factorize.test"`), `: package concbench/benchmarks/factorize: binary "../factorize.test" is not a file name`},
		{"bad hash", edit(`0937e078`, `zz37e078`), `: package concbench/benchmarks/factorize: sha256 "zz37e078e061c0ba9de74a9cd7e80240579b7a5cacfad5100c11fd645721c0e6" is not a SHA-256 hash`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseManifest([]byte(tc.data))
			got := ""
			if err != nil {
				got = err.Error()
			}
			if diff := cmp.Diff(tc.wantErr, got); diff != "" {
				t.Errorf("parseManifest error (-want +got):\n%s", diff)
			}
		})
	}
}

// TestHostileManifests reads the repository's hostile manifests: each is
// refused, naming the file and what is wrong.
func TestHostileManifests(t *testing.T) {
	for name, want := range map[string]string{
		"manifest-escape.json": `: package concbench/benchmarks/factorize: dir "../../../usr/bin" is not a folder of its own inside the bundle`,
		"manifest-inject.json": `: commit "0123456789ab\nBenchmarkFactorize/model=serial 1 1 ns/op" is not one line`,
	} {
		path := "../../../../testdata/hostile/" + name
		_, err := readManifest(path)
		if err == nil || err.Error() != path+want {
			t.Errorf("readManifest(%s) = %v, want %q", name, err, path+want)
		}
	}
}

func TestIsBenchmark(t *testing.T) {
	const src = `package p_test
import ("testing"; t2 "testing")
func BenchmarkA(b *testing.B) {}
func Benchmark(b *testing.B) {}
func Benchmark_x(b *t2.B) {}
func Benchmarkx(b *testing.B) {}
func BenchmarkNoArg() {}
func BenchmarkT(t *testing.T) {}
func BenchmarkTwo(b, c *testing.B) {}
func Helper(b *testing.B) {}
type s struct{}
func (s) BenchmarkM(b *testing.B) {}
`
	f, err := parser.ParseFile(token.NewFileSet(), "p_test.go", src, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range f.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil && isBenchmark(fn) {
			got = append(got, fn.Name.Name)
		}
	}
	if diff := cmp.Diff([]string{"BenchmarkA", "Benchmark", "Benchmark_x"}, got); diff != "" {
		t.Errorf("benchmarks found (-want +got):\n%s", diff)
	}
}

func TestPrepareOutReplacesOldBundle(t *testing.T) {
	out := t.TempDir()
	for name, data := range map[string]string{
		ManifestName:           good,
		"factorize/old.test":   "old",
		"benchrun":             "the runner, kept",
		"factorize/testdata/x": "old testdata",
	} {
		if err := os.MkdirAll(out+"/"+name[:strings.LastIndexByte(name, '/')+1], 0o777); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(out+"/"+name, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := prepareOut(out); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(out)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if diff := cmp.Diff([]string{"benchrun"}, names); diff != "" {
		t.Errorf("left in the folder (-want +got):\n%s", diff)
	}
}
