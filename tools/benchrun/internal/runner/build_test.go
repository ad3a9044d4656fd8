package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"

	"concbench/tools/benchrun/internal/bundle"

	"github.com/google/go-cmp/cmp"
)

// built is the fake suite's bundle, built once for all the tests of this
// package (see fakeBundle) and removed after them.
var built struct {
	once sync.Once
	dir  string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(filepath.Dir(built.dir))
	}
	os.Exit(code)
}

// fakeBundle returns a fresh copy of the fake suite's bundle for the
// caller to change.
func fakeBundle(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		tmp, err := os.MkdirTemp("", "benchrun-bundle-")
		if err != nil {
			built.err = err
			return
		}
		built.dir = filepath.Join(tmp, "bundle")
		_, built.err = Build(context.Background(), BuildOptions{Dir: suite, Out: built.dir})
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	dst := filepath.Join(t.TempDir(), "bundle")
	// CopyFS keeps the binaries executable.
	if err := os.CopyFS(dst, os.DirFS(built.dir)); err != nil {
		t.Fatal(err)
	}
	return dst
}

func readManifest(t *testing.T, dir string) *bundle.Manifest {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, bundle.ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	var m bundle.Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return &m
}

func writeManifest(t *testing.T, dir string, m *bundle.Manifest) {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, bundle.ManifestName), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestBuild(t *testing.T) {
	t.Parallel()
	dir := fakeBundle(t)
	m := readManifest(t, dir)
	var paths []string
	for _, p := range m.Packages {
		paths = append(paths, p.Path+" "+p.Dir+"/"+p.Binary)
	}
	// nobench has tests but no benchmark: it is left out.
	want := []string{"fakesuite/alpha alpha/alpha.test", "fakesuite/beta beta/beta.test", "fakesuite/gamma gamma/gamma.test"}
	if diff := cmp.Diff(want, paths); diff != "" {
		t.Errorf("bundle packages (-want +got):\n%s", diff)
	}
	if m.Format != bundle.Format || m.GOOS != runtime.GOOS || m.GOARCH != runtime.GOARCH || m.Toolchain != goVersion(t) {
		t.Errorf("manifest says %s %s/%s %s, want %s %s/%s %s", m.Format, m.GOOS, m.GOARCH, m.Toolchain,
			bundle.Format, runtime.GOOS, runtime.GOARCH, goVersion(t))
	}
	if m.Commit == "" || len(m.Revision) < 40 {
		t.Errorf("manifest commit %q, revision %q: want both, from git", m.Commit, m.Revision)
	}
	var profiles []bundle.Profile
	for _, p := range Profiles() {
		profiles = append(profiles, bundle.Profile{Name: p.Name, Count: p.Count, Benchtime: p.Benchtime})
	}
	if diff := cmp.Diff(profiles, m.Profiles); diff != "" {
		t.Errorf("manifest profiles (-want +got):\n%s", diff)
	}
}

// TestBuildCrossPlatform builds for another platform: the binaries are
// built (they cannot run here) and the manifest names that platform.
func TestBuildCrossPlatform(t *testing.T) {
	t.Parallel()
	goarch := "arm64"
	if runtime.GOARCH == "arm64" {
		goarch = "amd64"
	}
	// A relative folder is relative to this one, not to the suite's.
	cwd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	out, err := filepath.Rel(cwd, filepath.Join(t.TempDir(), "bundle"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := Build(t.Context(), BuildOptions{Dir: suite, Out: out,
		Env: append(withEnv(os.Environ(), "GOOS", "linux"), "GOARCH="+goarch)})
	if err != nil {
		t.Fatal(err)
	}
	if m.GOOS != "linux" || m.GOARCH != goarch {
		t.Errorf("manifest platform %s/%s, want linux/%s", m.GOOS, m.GOARCH, goarch)
	}
	if got := readManifest(t, out); got.GOARCH != goarch {
		t.Errorf("manifest file says %s, want %s", got.GOARCH, goarch)
	}
	for _, p := range m.Packages {
		if _, err := os.Stat(p.Exe(out)); err != nil {
			t.Errorf("package %s: %v", p.Path, err)
		}
	}
	// This machine refuses it before running anything.
	if runtime.GOOS == "linux" {
		opts := testOptions(t, t.TempDir())
		opts.Bundle = out
		_, err := Run(t.Context(), opts)
		want := "is built for linux/" + goarch + ", this machine is linux/" + runtime.GOARCH
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Run of a %s bundle: error %v, want %q", goarch, err, want)
		}
	}
}

// TestRunBundle runs a bundle with no go command on PATH and checks that
// its results are what go test's would be: the same rounds, core counts
// and config lines.
func TestRunBundle(t *testing.T) {
	t.Parallel()
	dir := fakeBundle(t)
	m := readManifest(t, dir)
	var report bytes.Buffer
	opts := testOptions(t, t.TempDir())
	opts.Bundle, opts.Progress, opts.Bench = dir, &report, "Alpha|Beta"
	opts.Env = withEnv(opts.Env, "PATH", t.TempDir()) // no go, no git
	opts.Dir = filepath.Join(t.TempDir(), "nosuchsuite")
	path, err := Run(t.Context(), opts)
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, &report)
	}
	got, config := readResults(t, path)
	want := wantQuick(m.Toolchain, "alpha", "beta")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
	for key, want := range map[string]string{"commit": m.Commit, "machine": "testbox", "count": "2", "benchtime": "100x", "kernel": "Linux 6.8.0"} {
		if config[key] != want {
			t.Errorf("config %s = %q, want %q", key, config[key], want)
		}
	}
	if !strings.Contains(report.String(), "[12/12] BenchmarkBeta-2 ") {
		t.Errorf("progress report lacks the last of 12 results:\n%s", &report)
	}
	checkEverySampleAtItsGOMAXPROCS(t, path)
}

// TestRunBundleProfile checks that the bundle's own profile table, not
// this program's, gives a profile's count and benchtime.
func TestRunBundleProfile(t *testing.T) {
	t.Parallel()
	dir := fakeBundle(t)
	m := readManifest(t, dir)
	for i := range m.Profiles {
		if m.Profiles[i].Name == "seed" {
			m.Profiles[i].Count, m.Profiles[i].Benchtime = 1, "7x"
		}
	}
	writeManifest(t, dir, m)
	opts := testOptions(t, t.TempDir())
	opts.Bundle, opts.Bench, opts.CPUs = dir, "Alpha", []int{1}
	opts.Profile, opts.Count, opts.Benchtime = Profile{Name: "seed"}, 0, ""
	path, err := Run(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	got, config := readResults(t, path)
	if config["count"] != "1" || config["benchtime"] != "7x" || len(got) != 2 {
		t.Errorf("count %s, benchtime %s, %d results; want the bundle's seed profile: 1, 7x, 2 results", config["count"], config["benchtime"], len(got))
	}
	for _, r := range got {
		if !strings.HasSuffix(r.Name, "/items=3") {
			t.Errorf("%s: want the seed profile's items=3", r.Name)
		}
	}
}

func TestRunBundleBadInput(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		edit    func(t *testing.T, dir string, o *Options)
		wantErr string // a regexp
	}{
		{"not a bundle", func(t *testing.T, dir string, o *Options) { o.Bundle = t.TempDir() },
			`^.*manifest.json not found: not a bundle \(make one with benchrun -build\)$`},
		{"corrupted manifest", func(t *testing.T, dir string, o *Options) {
			b, _ := os.ReadFile(filepath.Join(dir, bundle.ManifestName))
			os.WriteFile(filepath.Join(dir, bundle.ManifestName), b[:len(b)/2], 0o644)
		}, `manifest.json: corrupt manifest: truncated$`},
		{"manifest of random bytes", func(t *testing.T, dir string, o *Options) {
			os.WriteFile(filepath.Join(dir, bundle.ManifestName), []byte("{\n\"format\": \x00\x01"), 0o644)
		}, `manifest.json:2: corrupt manifest: invalid character`},
		{"another platform", func(t *testing.T, dir string, o *Options) {
			m := readManifest(t, dir)
			m.GOOS = "plan9"
			writeManifest(t, dir, m)
		}, `is built for plan9/\w+, this machine is ` + runtime.GOOS + `/` + runtime.GOARCH + `: build one for it \(GOOS=`},
		{"another commit", func(t *testing.T, dir string, o *Options) {
			o.Revision = strings.Repeat("f", 40)
		}, `^bundle .* was built from commit [0-9a-f]{12} \(.*\), this benchrun from ffffffffffff: build both from one commit`},
		{"missing binary", func(t *testing.T, dir string, o *Options) {
			os.Remove(filepath.Join(dir, "beta", "beta.test"))
		}, `package fakesuite/beta: binary .*beta.test is missing \(copy the whole bundle folder\)$`},
		{"truncated binary", func(t *testing.T, dir string, o *Options) {
			name := filepath.Join(dir, "alpha", "alpha.test")
			b, _ := os.ReadFile(name)
			os.WriteFile(name, b[:len(b)-1], 0o755)
		}, `package fakesuite/alpha: binary .*alpha.test is not the one built \(sha256 [0-9a-f]+, want [0-9a-f]+\): copied incompletely or changed`},
		{"binary outside the bundle", func(t *testing.T, dir string, o *Options) {
			m := readManifest(t, dir)
			m.Packages[0].Dir = "../../bin"
			writeManifest(t, dir, m)
		}, `manifest.json: package fakesuite/alpha: dir "../../bin" is not a folder of its own inside the bundle$`},
		{"format of another version", func(t *testing.T, dir string, o *Options) {
			m := readManifest(t, dir)
			m.Format = "concbench-bundle/9"
			writeManifest(t, dir, m)
		}, `manifest.json: format "concbench-bundle/9", want "concbench-bundle/1"`},
		{"profile not in the bundle", func(t *testing.T, dir string, o *Options) {
			m := readManifest(t, dir)
			m.Profiles = m.Profiles[:1]
			writeManifest(t, dir, m)
			o.Profile = Profile{Name: "seed"}
		}, `^unknown profile "seed" \(the bundle has quick\)$`},
		{"toolchains", func(t *testing.T, dir string, o *Options) { o.Toolchains = []string{"go1.27.3"} },
			`^a bundle holds the binaries of one toolchain, its own: -toolchain and -toolchains do not apply to -bin$`},
		{"bench matches nothing", func(t *testing.T, dir string, o *Options) { o.Bench = "NoSuchCase" },
			`^-bench "NoSuchCase" matches no benchmark in bundle `},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := fakeBundle(t)
			opts := testOptions(t, t.TempDir())
			opts.Bundle = dir
			tc.edit(t, dir, &opts)
			checkRefused(t, opts, tc.wantErr)
		})
	}
}

func TestBuildBadInput(t *testing.T) {
	t.Parallel()
	notBundle := t.TempDir()
	if err := os.WriteFile(filepath.Join(notBundle, "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		opts    BuildOptions
		wantErr string // a regexp
	}{
		{"folder of other files", BuildOptions{Dir: suite, Out: notBundle}, `holds files but no bundle .*: give a new or empty folder$`},
		{"suite without benchmarks", BuildOptions{Dir: filepath.Join(suite, "nobench"), Out: t.TempDir()}, `^building bundle .*: no package in .*nobench has a benchmark$`},
		{"unknown toolchain", BuildOptions{Dir: suite, Out: t.TempDir(), Toolchain: "nosuchgo"}, `^toolchain "nosuchgo": go: invalid GOTOOLCHAIN "nosuchgo"$`},
		{"unknown platform", BuildOptions{Dir: suite, Out: t.TempDir(), Env: withEnv(os.Environ(), "GOOS", "nosuchos")}, `^building bundle .*: GOOS/GOARCH nosuchos/\w+ is not a platform that go builds for \(see go tool dist list\)$`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Build(t.Context(), tc.opts)
			if err == nil || !regexp.MustCompile(tc.wantErr).MatchString(err.Error()) {
				t.Errorf("Build error = %v, want match for %q", err, tc.wantErr)
			}
		})
	}
	if b, err := os.ReadFile(filepath.Join(notBundle, "notes.txt")); err != nil || string(b) != "mine" {
		t.Errorf("Build touched a folder that was not a bundle: %q, %v", b, err)
	}
}
