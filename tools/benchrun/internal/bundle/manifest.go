// Package bundle builds and opens bundles: the benchmark packages of the
// suite compiled once into static test binaries, one per package, with a
// manifest beside them, so that the suite can be measured on a machine
// without Go (benchrun -build DIR here, benchrun -bin DIR there).
//
// A bundle is a folder:
//
//	manifest.json            what was built, by what, for which platform
//	factorize/factorize.test the test binary of concbench/benchmarks/factorize
//	factorize/testdata/      a copy of the package's testdata, if it has any
//	...
//
// Each binary runs in its own folder, as go test runs a test binary in its
// package's source folder, so a benchmark finds its testdata where it
// expects it.
package bundle

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
)

// ManifestName is the manifest's file name in a bundle.
const ManifestName = "manifest.json"

// Format names the manifest's layout; a manifest of another format is
// refused rather than half understood.
const Format = "concbench-bundle/1"

// maxManifest bounds the manifest read: a real one is a few kilobytes.
const maxManifest = 1 << 20

// A Manifest describes a bundle.
type Manifest struct {
	// Format is [Format].
	Format string `json:"format"`
	// Toolchain is the Go version that built the binaries, e.g.
	// "go1.26.8": the toolchain: config line of the results.
	Toolchain string `json:"toolchain"`
	// Commit describes the suite's commit (git describe, -dirty marking
	// local changes): the commit: config line of the results.
	Commit string `json:"commit,omitempty"`
	// Revision is the full commit hash. A benchrun built from another
	// commit refuses the bundle.
	Revision string `json:"revision,omitempty"`
	// GOOS and GOARCH are the platform the binaries run on.
	GOOS   string `json:"goos"`
	GOARCH string `json:"goarch"`
	// Profiles are the profiles' counts and benchtimes at that commit.
	Profiles []Profile `json:"profiles"`
	// Packages are the benchmark packages, in the suite's order.
	Packages []Package `json:"packages"`
}

// A Profile is one profile's defaults, as benchrun's table had them.
type Profile struct {
	Name      string `json:"name"`
	Count     int    `json:"count"`
	Benchtime string `json:"benchtime"`
}

// A Package is one benchmark package of a bundle.
type Package struct {
	// Path is the import path, e.g. "concbench/benchmarks/factorize".
	Path string `json:"path"`
	// Dir is the package's folder in the bundle, slash-separated, where
	// its binary runs.
	Dir string `json:"dir"`
	// Binary is the file name of the test binary in Dir.
	Binary string `json:"binary"`
	// SHA256 is the binary's hash, hex-encoded: a binary copied
	// incompletely or changed is refused.
	SHA256 string `json:"sha256"`
}

// Exe returns the path of the package's binary in the bundle folder dir.
func (p Package) Exe(dir string) string {
	return filepath.Join(dir, filepath.FromSlash(p.Dir), p.Binary)
}

// WorkDir returns the folder in dir that the package's binary runs in.
func (p Package) WorkDir(dir string) string {
	return filepath.Join(dir, filepath.FromSlash(p.Dir))
}

// Open reads and checks the bundle in folder dir before anything runs: a
// readable manifest of this format, built for this platform, whose every
// binary is there, unchanged.
func Open(dir string) (*Manifest, error) {
	name := filepath.Join(dir, ManifestName)
	m, err := readManifest(name)
	if err != nil {
		return nil, err
	}
	if m.GOOS != runtime.GOOS || m.GOARCH != runtime.GOARCH {
		return nil, fmt.Errorf("bundle %s is built for %s/%s, this machine is %s/%s: build one for it (GOOS=%s GOARCH=%s make bundle)",
			dir, m.GOOS, m.GOARCH, runtime.GOOS, runtime.GOARCH, runtime.GOOS, runtime.GOARCH)
	}
	for _, p := range m.Packages {
		if err := verify(p.Exe(dir), p.SHA256); err != nil {
			return nil, fmt.Errorf("bundle %s: package %s: %w", dir, p.Path, err)
		}
	}
	return m, nil
}

// readManifest reads and validates a manifest file.
func readManifest(name string) (*Manifest, error) {
	f, err := os.Open(name)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s not found: not a bundle (make one with benchrun -build)", name)
		}
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxManifest+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	if len(data) > maxManifest {
		return nil, fmt.Errorf("%s: over %d bytes, not a manifest", name, maxManifest)
	}
	m, err := parseManifest(data)
	if err != nil {
		return nil, fmt.Errorf("%s%w", name, err)
	}
	return m, nil
}

// parseManifest decodes and validates a manifest. Its errors begin with
// ":LINE: " or ": " to follow the file name.
func parseManifest(data []byte) (*Manifest, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var m Manifest
	if err := dec.Decode(&m); err != nil {
		var syntax *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syntax):
			return nil, fmt.Errorf(":%d: corrupt manifest: %v", lineAt(data, syntax.Offset), err)
		case errors.As(err, &typ):
			return nil, fmt.Errorf(":%d: corrupt manifest: %v", lineAt(data, typ.Offset), err)
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			return nil, fmt.Errorf(": corrupt manifest: truncated")
		}
		return nil, fmt.Errorf(": corrupt manifest: %v", err)
	}
	if dec.More() {
		return nil, fmt.Errorf(":%d: corrupt manifest: data after the manifest", lineAt(data, dec.InputOffset()))
	}
	if err := m.validate(); err != nil {
		return nil, fmt.Errorf(": %w", err)
	}
	return &m, nil
}

// lineAt returns the line number of byte offset off in data.
func lineAt(data []byte, off int64) int {
	off = min(max(off, 0), int64(len(data)))
	return 1 + bytes.Count(data[:off], []byte("\n"))
}

// validate checks what Open relies on: a known format, a platform, a
// toolchain, profiles, and packages whose files lie inside the bundle.
func (m *Manifest) validate() error {
	if m.Format != Format {
		return fmt.Errorf("format %q, want %q (a bundle from another version of benchrun?)", m.Format, Format)
	}
	for _, f := range []struct{ name, value string }{{"toolchain", m.Toolchain}, {"goos", m.GOOS}, {"goarch", m.GOARCH}} {
		if strings.TrimSpace(f.value) == "" || strings.ContainsAny(f.value, "\n\r") {
			return fmt.Errorf("no %s", f.name)
		}
	}
	if strings.ContainsAny(m.Commit, "\n\r") {
		return fmt.Errorf("commit %q is not one line", m.Commit)
	}
	if len(m.Profiles) == 0 {
		return errors.New("no profiles")
	}
	seen := map[string]bool{}
	for _, p := range m.Profiles {
		if p.Name == "" || seen["profile "+p.Name] {
			return fmt.Errorf("profile %q: empty or given twice", p.Name)
		}
		seen["profile "+p.Name] = true
		if p.Count < 1 || p.Benchtime == "" {
			return fmt.Errorf("profile %q: count %d, benchtime %q", p.Name, p.Count, p.Benchtime)
		}
	}
	if len(m.Packages) == 0 {
		return errors.New("no packages")
	}
	for _, p := range m.Packages {
		switch {
		case p.Path == "" || seen["path "+p.Path]:
			return fmt.Errorf("package %q: empty or given twice", p.Path)
		case !localDir(p.Dir) || seen["dir "+p.Dir]:
			return fmt.Errorf("package %s: dir %q is not a folder of its own inside the bundle", p.Path, p.Dir)
		case p.Binary == "" || p.Binary != path.Base(p.Binary) || strings.ContainsAny(p.Binary, `/\`) || p.Binary == "." || p.Binary == "..":
			return fmt.Errorf("package %s: binary %q is not a file name", p.Path, p.Binary)
		}
		if b, err := hex.DecodeString(p.SHA256); err != nil || len(b) != sha256.Size {
			return fmt.Errorf("package %s: sha256 %q is not a SHA-256 hash", p.Path, p.SHA256)
		}
		seen["path "+p.Path], seen["dir "+p.Dir] = true, true
	}
	return nil
}

// localDir reports whether dir is a clean, slash-separated relative path
// below the bundle's folder (not the folder itself).
func localDir(dir string) bool {
	return dir != "" && dir != "." && path.Clean(dir) == dir && !strings.Contains(dir, `\`) && filepath.IsLocal(filepath.FromSlash(dir))
}

// verify checks that the file exe is a regular file with the given hash.
func verify(exe, want string) error {
	f, err := os.Open(exe)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("binary %s is missing (copy the whole bundle folder)", exe)
		}
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("binary %s is not a regular file", exe)
	}
	got, err := hashFile(f)
	if err != nil {
		return fmt.Errorf("reading %s: %w", exe, err)
	}
	if got != want {
		return fmt.Errorf("binary %s is not the one built (sha256 %s, want %s): copied incompletely or changed; copy the bundle again", exe, got, want)
	}
	if runtime.GOOS != "windows" && st.Mode().Perm()&0o100 == 0 {
		return fmt.Errorf("binary %s is not executable (chmod +x, or copy with modes kept: scp -rp, rsync -a)", exe)
	}
	return nil
}

func hashFile(r io.Reader) (string, error) {
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
