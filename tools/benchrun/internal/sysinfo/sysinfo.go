// Package sysinfo gathers the facts about a machine that shape benchmark
// results: its kernel, CPU model, CPU quota, load and the limits that bound
// the I/O cases. Each fact becomes one config line of a results file.
//
// Facts are read from the proc and sys file systems on Linux and from
// sysctl elsewhere; a fact that cannot be read on this system is left out
// rather than guessed, and the reason is kept as a warning.
package sysinfo

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"strconv"
	"strings"
)

// Facts holds what Collect learned. An empty field was not available.
type Facts struct {
	// Kernel is the operating system and kernel release, e.g. "Linux 6.8.0".
	Kernel string
	// CPU is the processor model name.
	CPU string
	// CPUQuota is the cgroup CPU limit of this process: "none" when the
	// cgroup sets no limit, or the number of CPUs it allows with the raw
	// quota and period, e.g. "1.50 (150000/100000)".
	CPUQuota string
	// LoadAvg is the 1, 5 and 15 minute load averages, e.g. "0.52 0.61 0.70".
	LoadAvg string
	// NoFile is the open-file limit the benchmarks run with. Go programs
	// raise their soft limit to the hard limit at start, so this is the
	// hard limit.
	NoFile string
	// Somaxconn is the kernel's cap on a listen backlog.
	Somaxconn string
	// PortRange is the range of local ports for outgoing connections,
	// e.g. "32768-60999".
	PortRange string
	// Warnings lists the facts that could not be read, and why.
	Warnings []string
}

// Options configures Collect. The zero value reads the running system.
type Options struct {
	// FS is the file system rooted at "/" that holds proc and sys.
	// Nil means the real root, os.DirFS("/").
	FS fs.FS
	// Sysctl runs "sysctl -n NAME" and returns its trimmed output. It is
	// consulted where proc has no answer (macOS, BSD). Nil means run the
	// sysctl command; tests supply a fake.
	Sysctl func(ctx context.Context, name string) (string, error)
	// NoFile returns the hard open-file limit. Nil means the limit of
	// this process, where the platform has one.
	NoFile func() (uint64, error)
}

// Collect gathers the facts of this machine. It never fails: what it
// cannot read is left empty and named in Facts.Warnings.
func Collect(ctx context.Context, opts Options) Facts {
	fsys := opts.FS
	if fsys == nil {
		fsys = os.DirFS("/")
	}
	sysctl := opts.Sysctl
	if sysctl == nil {
		sysctl = runSysctl
	}
	nofile := opts.NoFile
	if nofile == nil {
		nofile = hardNoFile
	}
	var f Facts
	warn := func(what string, err error) {
		f.Warnings = append(f.Warnings, fmt.Sprintf("%s: %v", what, err))
	}
	var err error
	if f.Kernel, err = kernel(ctx, fsys, sysctl); err != nil {
		warn("kernel", err)
	}
	if f.CPU, err = cpuModel(ctx, fsys, sysctl); err != nil {
		warn("cpu model", err)
	}
	if f.CPUQuota, err = cpuQuota(fsys); err != nil {
		warn("cgroup cpu quota", err)
	}
	if f.LoadAvg, err = loadAvg(ctx, fsys, sysctl); err != nil {
		warn("load average", err)
	}
	if n, err := nofile(); err != nil {
		warn("open-file limit", err)
	} else {
		f.NoFile = strconv.FormatUint(n, 10)
	}
	if f.Somaxconn, err = firstOf(ctx, fsys, sysctl, "proc/sys/net/core/somaxconn", "kern.ipc.somaxconn"); err != nil {
		warn("somaxconn", err)
	}
	if f.PortRange, err = portRange(ctx, fsys, sysctl); err != nil {
		warn("local port range", err)
	}
	return f
}

func runSysctl(ctx context.Context, name string) (string, error) {
	out, err := exec.CommandContext(ctx, "sysctl", "-n", name).Output()
	if err != nil {
		return "", fmt.Errorf("sysctl -n %s: %w", name, err)
	}
	return strings.TrimSpace(string(out)), nil
}

func readTrimmed(fsys fs.FS, name string) (string, error) {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}

// firstOf reads a proc file, falling back to a sysctl name.
func firstOf(ctx context.Context, fsys fs.FS, sysctl func(context.Context, string) (string, error), file, name string) (string, error) {
	v, ferr := readTrimmed(fsys, file)
	if ferr == nil && v != "" {
		return v, nil
	}
	v, serr := sysctl(ctx, name)
	if serr == nil && v != "" {
		return v, nil
	}
	return "", errors.Join(ferr, serr)
}

func kernel(ctx context.Context, fsys fs.FS, sysctl func(context.Context, string) (string, error)) (string, error) {
	osType, err1 := firstOf(ctx, fsys, sysctl, "proc/sys/kernel/ostype", "kern.ostype")
	release, err2 := firstOf(ctx, fsys, sysctl, "proc/sys/kernel/osrelease", "kern.osrelease")
	if err1 != nil || err2 != nil {
		return "", errors.Join(err1, err2)
	}
	return osType + " " + release, nil
}

func cpuModel(ctx context.Context, fsys fs.FS, sysctl func(context.Context, string) (string, error)) (string, error) {
	b, ferr := fs.ReadFile(fsys, "proc/cpuinfo")
	if ferr == nil {
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			// x86 says "model name", arm64 kernels may say "Model" or
			// only "CPU implementer"; take the first that names a model.
			key, val, ok := strings.Cut(sc.Text(), ":")
			if !ok {
				continue
			}
			switch strings.TrimSpace(key) {
			case "model name", "Model", "cpu model":
				if v := strings.TrimSpace(val); v != "" {
					return v, nil
				}
			}
		}
		ferr = errors.New("proc/cpuinfo names no model")
	}
	v, serr := sysctl(ctx, "machdep.cpu.brand_string")
	if serr == nil && v != "" {
		return v, nil
	}
	return "", errors.Join(ferr, serr)
}

// cpuQuota reads the CPU limit of this process's cgroup: cpu.max under
// cgroup v2, cpu.cfs_quota_us and cpu.cfs_period_us under v1.
func cpuQuota(fsys fs.FS) (string, error) {
	b, err := fs.ReadFile(fsys, "proc/self/cgroup")
	if err != nil {
		return "", err
	}
	var v2Path, v1Path string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		// Each line is "hierarchy-ID:controller-list:cgroup-path".
		parts := strings.SplitN(sc.Text(), ":", 3)
		if len(parts) != 3 {
			continue
		}
		if parts[0] == "0" && parts[1] == "" {
			v2Path = parts[2]
			continue
		}
		for _, c := range strings.Split(parts[1], ",") {
			if c == "cpu" {
				v1Path = parts[2]
			}
		}
	}
	var errs []error
	if v2Path != "" {
		name := path.Join("sys/fs/cgroup", v2Path, "cpu.max")
		s, err := readTrimmed(fsys, name)
		if err == nil {
			quota, period, ok := strings.Cut(s, " ")
			if !ok {
				return "", fmt.Errorf("%s: malformed %q", name, s)
			}
			if quota == "max" {
				return "none", nil
			}
			return formatQuota(quota, period)
		}
		errs = append(errs, err)
	}
	if v1Path != "" {
		for _, dir := range []string{"sys/fs/cgroup/cpu", "sys/fs/cgroup/cpu,cpuacct"} {
			quota, err := readTrimmed(fsys, path.Join(dir, v1Path, "cpu.cfs_quota_us"))
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if quota == "-1" {
				return "none", nil
			}
			period, err := readTrimmed(fsys, path.Join(dir, v1Path, "cpu.cfs_period_us"))
			if err != nil {
				return "", err
			}
			return formatQuota(quota, period)
		}
	}
	if len(errs) == 0 {
		return "", errors.New("no cpu cgroup in proc/self/cgroup")
	}
	return "", errors.Join(errs...)
}

func formatQuota(quota, period string) (string, error) {
	q, err := strconv.ParseFloat(quota, 64)
	if err != nil {
		return "", fmt.Errorf("cpu quota %q: %w", quota, err)
	}
	p, err := strconv.ParseFloat(period, 64)
	if err != nil || p <= 0 {
		return "", fmt.Errorf("cpu period %q: not a positive number", period)
	}
	return fmt.Sprintf("%.2f (%s/%s)", q/p, quota, period), nil
}

func loadAvg(ctx context.Context, fsys fs.FS, sysctl func(context.Context, string) (string, error)) (string, error) {
	s, ferr := readTrimmed(fsys, "proc/loadavg")
	if ferr == nil {
		if f := strings.Fields(s); len(f) >= 3 {
			return strings.Join(f[:3], " "), nil
		}
		ferr = fmt.Errorf("proc/loadavg: malformed %q", s)
	}
	// BSD and macOS print "{ 1.20 1.31 1.40 }".
	s, serr := sysctl(ctx, "vm.loadavg")
	if serr == nil {
		if f := strings.Fields(strings.Trim(s, "{} ")); len(f) >= 3 {
			return strings.Join(f[:3], " "), nil
		}
		serr = fmt.Errorf("vm.loadavg: malformed %q", s)
	}
	return "", errors.Join(ferr, serr)
}

func portRange(ctx context.Context, fsys fs.FS, sysctl func(context.Context, string) (string, error)) (string, error) {
	s, ferr := readTrimmed(fsys, "proc/sys/net/ipv4/ip_local_port_range")
	if ferr == nil {
		if f := strings.Fields(s); len(f) == 2 {
			return f[0] + "-" + f[1], nil
		}
		ferr = fmt.Errorf("ip_local_port_range: malformed %q", s)
	}
	first, serr1 := sysctl(ctx, "net.inet.ip.portrange.first")
	last, serr2 := sysctl(ctx, "net.inet.ip.portrange.last")
	if serr1 == nil && serr2 == nil {
		return first + "-" + last, nil
	}
	return "", errors.Join(ferr, serr1, serr2)
}
