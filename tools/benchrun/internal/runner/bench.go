package runner

import (
	"context"
	"os/exec"
)

// A benchFlag is one flag of a benchmark run, by go test's name for it:
// "bench", "count", ...
type benchFlag struct{ name, value string }

// benchCmd returns the command that runs the benchmarks of package pkg
// ("./..." for all of them) with flags: go test in the suite's folder or,
// from a bundle, the package's test binary in its own folder, given the
// flags as go test would pass them to it.
func (r *runner) benchCmd(ctx context.Context, pkg string, flags []benchFlag) *exec.Cmd {
	if r.bundle == nil {
		args := []string{"test"}
		for _, f := range flags {
			args = append(args, "-"+f.name, f.value)
		}
		cmd := command(ctx, r.opts.Go, append(args, pkg)...)
		cmd.Dir = r.opts.Dir
		return cmd
	}
	p := r.bundlePkgs[pkg]
	args := []string{"-test.paniconexit0"}
	for _, f := range flags {
		args = append(args, "-test."+f.name+"="+f.value)
	}
	cmd := command(ctx, p.Exe(r.opts.Bundle), args...)
	cmd.Dir = p.WorkDir(r.opts.Bundle)
	return cmd
}

// what names the command that runs pkg, for messages.
func (r *runner) what(pkg string) string {
	if r.bundle == nil {
		if pkg == "./..." {
			return "go test in " + r.opts.Dir
		}
		return "go test " + pkg
	}
	return "the test binary of " + pkg
}

// suiteName names what the benchmarks come from, for messages.
func (r *runner) suiteName() string {
	if r.bundle == nil {
		return r.opts.Dir
	}
	return "bundle " + r.opts.Bundle
}
