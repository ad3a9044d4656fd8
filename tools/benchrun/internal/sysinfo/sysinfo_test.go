package sysinfo

import (
	"context"
	"errors"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func noSysctl(context.Context, string) (string, error) { return "", errors.New("no sysctl") }

func TestCollect(t *testing.T) {
	linux := fstest.MapFS{
		"proc/sys/kernel/ostype":                {Data: []byte("Linux\n")},
		"proc/sys/kernel/osrelease":             {Data: []byte("6.8.0-45-generic\n")},
		"proc/cpuinfo":                          {Data: []byte("processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7B13\n\nprocessor\t: 1\nmodel name\t: AMD EPYC 7B13\n")},
		"proc/loadavg":                          {Data: []byte("0.52 0.61 0.70 1/458 9231\n")},
		"proc/sys/net/core/somaxconn":           {Data: []byte("4096\n")},
		"proc/sys/net/ipv4/ip_local_port_range": {Data: []byte("32768\t60999\n")},
	}
	with := func(base fstest.MapFS, extra fstest.MapFS) fstest.MapFS {
		m := fstest.MapFS{}
		for k, v := range base {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	linuxWant := Facts{
		Kernel:    "Linux 6.8.0-45-generic",
		CPU:       "AMD EPYC 7B13",
		LoadAvg:   "0.52 0.61 0.70",
		NoFile:    "1048576",
		Somaxconn: "4096",
		PortRange: "32768-60999",
	}
	for _, tc := range []struct {
		name   string
		fs     fstest.MapFS
		sysctl func(context.Context, string) (string, error)
		want   func(Facts) Facts
		warns  int
	}{
		{
			name: "cgroup v2 limited",
			fs: with(linux, fstest.MapFS{
				"proc/self/cgroup": {Data: []byte("0::/user.slice/bench.scope\n")},
				"sys/fs/cgroup/user.slice/bench.scope/cpu.max": {Data: []byte("150000 100000\n")},
			}),
			want: func(f Facts) Facts { f.CPUQuota = "1.50 (150000/100000)"; return f },
		},
		{
			name: "cgroup v2 unlimited",
			fs: with(linux, fstest.MapFS{
				"proc/self/cgroup":      {Data: []byte("0::/\n")},
				"sys/fs/cgroup/cpu.max": {Data: []byte("max 100000\n")},
			}),
			want: func(f Facts) Facts { f.CPUQuota = "none"; return f },
		},
		{
			name: "cgroup v1 hybrid, unlimited",
			fs: with(linux, fstest.MapFS{
				"proc/self/cgroup":                    {Data: []byte("4:memory:/x\n1:cpu:/\n0::/\n")},
				"sys/fs/cgroup/cpu/cpu.cfs_quota_us":  {Data: []byte("-1\n")},
				"sys/fs/cgroup/cpu/cpu.cfs_period_us": {Data: []byte("100000\n")},
			}),
			want: func(f Facts) Facts { f.CPUQuota = "none"; return f },
		},
		{
			name: "cgroup v1 cpu,cpuacct limited",
			fs: with(linux, fstest.MapFS{
				"proc/self/cgroup": {Data: []byte("3:cpu,cpuacct:/docker/abc\n")},
				"sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_quota_us":  {Data: []byte("200000\n")},
				"sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_period_us": {Data: []byte("100000\n")},
			}),
			want: func(f Facts) Facts { f.CPUQuota = "2.00 (200000/100000)"; return f },
		},
		{
			name:  "no cgroup file",
			fs:    linux,
			want:  func(f Facts) Facts { return f },
			warns: 1,
		},
		{
			name: "macOS through sysctl",
			fs:   fstest.MapFS{},
			sysctl: func(_ context.Context, name string) (string, error) {
				v, ok := map[string]string{
					"kern.ostype":                 "Darwin",
					"kern.osrelease":              "24.1.0",
					"machdep.cpu.brand_string":    "Apple M2",
					"vm.loadavg":                  "{ 1.20 1.31 1.40 }",
					"kern.ipc.somaxconn":          "128",
					"net.inet.ip.portrange.first": "49152",
					"net.inet.ip.portrange.last":  "65535",
				}[name]
				if !ok {
					return "", errors.New("unknown oid")
				}
				return v, nil
			},
			want: func(Facts) Facts {
				return Facts{Kernel: "Darwin 24.1.0", CPU: "Apple M2", LoadAvg: "1.20 1.31 1.40", NoFile: "1048576", Somaxconn: "128", PortRange: "49152-65535"}
			},
			warns: 1, // no cgroup
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sysctl := tc.sysctl
			if sysctl == nil {
				sysctl = noSysctl
			}
			got := Collect(t.Context(), Options{
				FS:     tc.fs,
				Sysctl: sysctl,
				NoFile: func() (uint64, error) { return 1048576, nil },
			})
			if len(got.Warnings) != tc.warns {
				t.Errorf("warnings = %q, want %d of them", got.Warnings, tc.warns)
			}
			if diff := cmp.Diff(tc.want(linuxWant), got, cmpopts.IgnoreFields(Facts{}, "Warnings")); diff != "" {
				t.Errorf("Collect (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCollectReal(t *testing.T) {
	// The running system: whatever it lacks must come back as a warning,
	// never as a made-up value.
	got := Collect(t.Context(), Options{})
	fields := map[string]string{"kernel": got.Kernel, "cpu model": got.CPU, "load average": got.LoadAvg}
	for what, v := range fields {
		if v != "" {
			continue
		}
		found := false
		for _, w := range got.Warnings {
			if len(w) > len(what) && w[:len(what)] == what {
				found = true
			}
		}
		if !found {
			t.Errorf("%s is empty but no warning says why (warnings %q)", what, got.Warnings)
		}
	}
}
