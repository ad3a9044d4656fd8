package runner

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"

	"concbench/tools/benchrun/internal/bundle"
)

// BuildOptions configures Build. Zero fields take the documented defaults.
type BuildOptions struct {
	// Dir is the benchmark module; default "benchmarks".
	Dir string
	// Out is the bundle folder to write: new, empty or an older bundle.
	Out string
	// Toolchain is the GOTOOLCHAIN value to build with; empty means the
	// go command as found.
	Toolchain string
	// Go is the go command; default "go".
	Go string
	// Env is the environment of every command, where GOOS and GOARCH
	// choose the platform; default os.Environ().
	Env []string
	// Progress receives the progress report; default io.Discard.
	Progress io.Writer
}

// Build compiles the suite's benchmark packages into a bundle, one static
// test binary (CGO_ENABLED=0) per package for the platform that GOOS and
// GOARCH name, with a manifest giving the toolchain, the commit and the
// profiles' defaults, for Run with Options.Bundle to run on a machine
// without Go. It returns the manifest.
func Build(ctx context.Context, opts BuildOptions) (*bundle.Manifest, error) {
	if opts.Out == "" {
		return nil, errors.New("no bundle folder")
	}
	r := &runner{opts: Options{Dir: opts.Dir, Go: opts.Go, Env: opts.Env}}
	if r.opts.Dir == "" {
		r.opts.Dir = "benchmarks"
	}
	if r.opts.Go == "" {
		r.opts.Go = "go"
	}
	if r.opts.Env == nil {
		r.opts.Env = os.Environ()
	}
	if opts.Progress == nil {
		opts.Progress = io.Discard
	}
	r.prog = &progress{w: opts.Progress, now: time.Now}
	if opts.Toolchain != "" {
		r.opts.Toolchains = []string{opts.Toolchain}
	}
	tcs, err := r.resolveToolchains(ctx)
	if err != nil {
		return nil, err
	}
	commit, err := r.commit(ctx)
	if err != nil {
		r.prog.logf("warning: %v (the bundle's results will have no commit line)", err)
	}
	revision, _ := r.revision(ctx)
	var profiles []bundle.Profile
	for _, p := range Profiles() {
		profiles = append(profiles, bundle.Profile{Name: p.Name, Count: p.Count, Benchtime: p.Benchtime})
	}
	m, err := bundle.Build(ctx, bundle.BuildOptions{
		Suite: r.opts.Dir, Out: opts.Out, Go: r.opts.Go, Env: tcs[0].env,
		Toolchain: tcs[0].version, Commit: commit, Revision: revision, Profiles: profiles,
		Log: r.prog.logf,
	})
	if err != nil {
		return nil, fmt.Errorf("building bundle %s: %w", opts.Out, err)
	}
	return m, nil
}

// revision returns the full hash of the suite's checked-out commit.
func (r *runner) revision(ctx context.Context) (string, error) {
	cmd := exec.CommandContext(ctx, "git", "rev-parse", "HEAD")
	var stderr bytes.Buffer
	cmd.Dir, cmd.Env, cmd.Stderr = r.opts.Dir, r.opts.Env, &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("git rev-parse: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(string(out)), nil
}

// openBundle opens the bundle in dir and checks that it was built from
// the commit this program was (when both are known).
func openBundle(dir, revision string) (*bundle.Manifest, error) {
	m, err := bundle.Open(dir)
	if err != nil {
		return nil, err
	}
	if revision != "" && m.Revision != "" && revision != m.Revision {
		return nil, fmt.Errorf("bundle %s was built from commit %s (%s), this benchrun from %s: build both from one commit (make bundle puts a benchrun in the bundle)",
			dir, short(m.Revision), m.Commit, short(revision))
	}
	return m, nil
}

func short(rev string) string { return rev[:min(len(rev), 12)] }

// lookupProfile returns the profile called name: from the bundle m when
// there is one (the defaults it was built with), else from Profiles.
func lookupProfile(name string, m *bundle.Manifest) (Profile, error) {
	if m == nil {
		return LookupProfile(name)
	}
	var names []string
	for _, p := range m.Profiles {
		if p.Name == name {
			return Profile{Name: p.Name, Count: p.Count, Benchtime: p.Benchtime}, nil
		}
		names = append(names, p.Name)
	}
	return Profile{}, fmt.Errorf("unknown profile %q (the bundle has %s)", name, strings.Join(names, ", "))
}
