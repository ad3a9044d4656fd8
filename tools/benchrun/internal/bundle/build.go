package bundle

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// BuildOptions configures Build. Every field but Log is required.
type BuildOptions struct {
	// Suite is the benchmark module's folder.
	Suite string
	// Out is the bundle's folder: new, empty, or an older bundle, which
	// is replaced.
	Out string
	// Go is the go command, and Env its environment; GOOS and GOARCH
	// there choose the platform. Build adds CGO_ENABLED=0, for static
	// binaries that run on any machine of that platform.
	Go  string
	Env []string
	// Toolchain, Commit and Revision go into the manifest as they are:
	// the caller has asked the go command and git for them.
	Toolchain, Commit, Revision string
	// Profiles are the profiles' defaults for the manifest.
	Profiles []Profile
	// Log reports each step; nil means silence.
	Log func(format string, args ...any)
}

// Build compiles every benchmark package of the suite (every package with
// a Benchmark function in its tests) into one static test binary in its
// own folder of opts.Out, copies the package's testdata beside it, and
// writes the manifest last, so that a folder with a manifest holds a
// complete bundle. It returns the manifest.
func Build(ctx context.Context, opts BuildOptions) (*Manifest, error) {
	logf := opts.Log
	if logf == nil {
		logf = func(string, ...any) {}
	}
	env := append(withoutKey(opts.Env, "CGO_ENABLED"), "CGO_ENABLED=0")
	goCmd := func(args ...string) ([]byte, error) {
		var stdout, stderr bytes.Buffer
		cmd := exec.CommandContext(ctx, opts.Go, args...)
		cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = opts.Suite, env, &stdout, &stderr
		if err := cmd.Run(); err != nil {
			if msg := strings.TrimSpace(stderr.String()); msg != "" {
				return nil, fmt.Errorf("go %s: %s", args[0], msg)
			}
			return nil, fmt.Errorf("go %s: %w", args[0], err)
		}
		return stdout.Bytes(), nil
	}

	out, err := goCmd("env", "GOOS", "GOARCH")
	if err != nil {
		return nil, err
	}
	platform := strings.Fields(string(out))
	if len(platform) != 2 {
		return nil, fmt.Errorf("go env GOOS GOARCH printed %q", out)
	}
	out, err = goCmd("tool", "dist", "list")
	if err != nil {
		return nil, err
	}
	if pair := platform[0] + "/" + platform[1]; !slices.Contains(strings.Fields(string(out)), pair) {
		return nil, fmt.Errorf("GOOS/GOARCH %s is not a platform that go builds for (see go tool dist list)", pair)
	}
	m := &Manifest{
		Format: Format, Toolchain: opts.Toolchain, Commit: opts.Commit, Revision: opts.Revision,
		GOOS: platform[0], GOARCH: platform[1], Profiles: opts.Profiles,
	}

	out, err = goCmd("list", "-json=ImportPath,Name,Dir,TestGoFiles,XTestGoFiles,Module", "./...")
	if err != nil {
		return nil, err
	}
	pkgs, err := benchPackages(out)
	if err != nil {
		return nil, err
	}
	if len(pkgs) == 0 {
		return nil, fmt.Errorf("no package in %s has a benchmark", opts.Suite)
	}
	if err := prepareOut(opts.Out); err != nil {
		return nil, err
	}
	for _, p := range pkgs {
		pkg := Package{Path: p.ImportPath, Dir: p.bundleDir(), Binary: path.Base(p.ImportPath) + ".test"}
		logf("building %s for %s/%s", pkg.Path, m.GOOS, m.GOARCH)
		exe := pkg.Exe(opts.Out)
		if err := os.MkdirAll(filepath.Dir(exe), 0o777); err != nil {
			return nil, err
		}
		// The go command runs in the suite's folder.
		abs, err := filepath.Abs(exe)
		if err != nil {
			return nil, err
		}
		if _, err := goCmd("test", "-c", "-trimpath", "-o", abs, pkg.Path); err != nil {
			return nil, err
		}
		if err := copyTestdata(filepath.Join(p.Dir, "testdata"), filepath.Join(pkg.WorkDir(opts.Out), "testdata")); err != nil {
			return nil, fmt.Errorf("package %s: %w", pkg.Path, err)
		}
		f, err := os.Open(exe)
		if err != nil {
			return nil, err
		}
		pkg.SHA256, err = hashFile(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", exe, err)
		}
		m.Packages = append(m.Packages, pkg)
	}
	if err := m.validate(); err != nil {
		return nil, fmt.Errorf("the manifest built: %w", err)
	}
	if err := writeManifest(opts.Out, m); err != nil {
		return nil, err
	}
	return m, nil
}

// A listedPackage is what go list says of a package.
type listedPackage struct {
	ImportPath, Name, Dir     string
	TestGoFiles, XTestGoFiles []string
	Module                    *struct{ Path, Dir string }
}

// bundleDir is the package's folder in a bundle: its folder in the
// module, or its name for the module's root package.
func (p listedPackage) bundleDir() string {
	if p.Module != nil {
		if rel, err := filepath.Rel(p.Module.Dir, p.Dir); err == nil && rel != "." && filepath.IsLocal(rel) {
			return filepath.ToSlash(rel)
		}
	}
	return path.Base(p.ImportPath)
}

// benchPackages decodes go list -json output and keeps the packages whose
// test files declare a benchmark.
func benchPackages(listed []byte) ([]listedPackage, error) {
	var pkgs []listedPackage
	dec := json.NewDecoder(bytes.NewReader(listed))
	for {
		var p listedPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, fmt.Errorf("reading go list output: %w", err)
		}
		has, err := hasBenchmark(p.Dir, append(p.TestGoFiles, p.XTestGoFiles...))
		if err != nil {
			return nil, err
		}
		if has {
			pkgs = append(pkgs, p)
		}
	}
	return pkgs, nil
}

// hasBenchmark reports whether any of the files declares a benchmark as
// go test finds one: func BenchmarkXxx(b *testing.B), Xxx not starting
// with a lower-case letter.
func hasBenchmark(dir string, files []string) (bool, error) {
	fset := token.NewFileSet()
	for _, name := range files {
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.SkipObjectResolution)
		if err != nil {
			return false, err
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if ok && fn.Recv == nil && isBenchmark(fn) {
				return true, nil
			}
		}
	}
	return false, nil
}

func isBenchmark(fn *ast.FuncDecl) bool {
	rest, ok := strings.CutPrefix(fn.Name.Name, "Benchmark")
	if !ok {
		return false
	}
	if r, _ := utf8.DecodeRuneInString(rest); rest != "" && unicode.IsLower(r) {
		return false
	}
	params := fn.Type.Params.List
	if len(params) != 1 || len(params[0].Names) > 1 {
		return false
	}
	star, ok := params[0].Type.(*ast.StarExpr)
	if !ok {
		return false
	}
	sel, ok := star.X.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "B"
}

// prepareOut makes out ready for a new bundle: a new or empty folder, or
// an older bundle, whose manifest and package folders it removes first
// (so that a failed build leaves no manifest describing stale binaries).
// A folder holding other files is refused.
func prepareOut(out string) error {
	entries, err := os.ReadDir(out)
	if errors.Is(err, os.ErrNotExist) {
		return os.MkdirAll(out, 0o777)
	}
	if err != nil {
		return fmt.Errorf("bundle folder: %w", err)
	}
	if len(entries) == 0 {
		return nil
	}
	old, err := readManifest(filepath.Join(out, ManifestName))
	if err != nil {
		return fmt.Errorf("bundle folder %s holds files but no bundle (%v): give a new or empty folder", out, err)
	}
	if err := os.Remove(filepath.Join(out, ManifestName)); err != nil {
		return err
	}
	for _, p := range old.Packages {
		if err := os.RemoveAll(p.WorkDir(out)); err != nil {
			return err
		}
	}
	return nil
}

// copyTestdata copies the folder src, if it exists, to dst.
func copyTestdata(src, dst string) error {
	if _, err := os.Stat(src); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		return fmt.Errorf("copying testdata: %w", err)
	}
	return nil
}

// writeManifest writes m into the folder out, atomically.
func writeManifest(out string, m *Manifest) error {
	data, err := json.MarshalIndent(m, "", "\t")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(out, ".manifest-*.json")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(append(data, '\n'))
	merr := tmp.Chmod(0o644) // CreateTemp makes it private
	cerr := tmp.Close()
	if err := errors.Join(werr, merr, cerr); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("writing the manifest: %w", err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(out, ManifestName)); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("writing the manifest: %w", err)
	}
	return nil
}

// withoutKey returns env without its entries for key.
func withoutKey(env []string, key string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, key+"=") {
			out = append(out, kv)
		}
	}
	return out
}
