package aggregate_test

import (
	"errors"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"

	"concbench/benchmarks/aggregate"

	"github.com/google/go-cmp/cmp"
)

// deploy starts a deployment that the test's end stops.
func deploy(t *testing.T, d aggregate.Deploy, k int, opts aggregate.Options) *aggregate.Deployment {
	t.Helper()
	dep, err := aggregate.Start(d, k, aggregate.Config{Options: opts})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dep.Stop() })
	return dep
}

// TestSIGTERM sends SIGTERM to a service process with a request in
// flight: the process closes its listener at once (a new connection is
// refused), answers the request in flight, and exits cleanly with its
// counters.
func TestSIGTERM(t *testing.T) {
	dep := deploy(t, aggregate.Single, 1, aggregate.Options{User: heldURL(4), Order: heldURL(4), Stock: heldURL(4)})
	resetDownstream(t)
	answered := make(chan int, 1)
	go func() {
		code, _ := get(t, newClient(t), dep.URL+"/aggregate")
		answered <- code
	}()
	waitDownstream(t, 3)
	began, err := dep.Shutdown(t.Context(), syscall.SIGTERM)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]aggregate.Counters{{Requests: 1, InFlight: 1}}, began); diff != "" {
		t.Errorf("counters when the shutdown began (-want +got):\n%s", diff)
	}
	addr := strings.TrimPrefix(dep.URL, "http://")
	if _, err := net.Dial("tcp", addr); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("a new connection after SIGTERM: %v, want it refused", err)
	}
	release(t, 4)
	if code := <-answered; code != http.StatusOK {
		t.Errorf("the request in flight at SIGTERM was answered %d, want 200", code)
	}
	final, err := dep.Stop()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]aggregate.Counters{{Requests: 1, OK: 1}}, final); diff != "" {
		t.Errorf("counters at exit (-want +got):\n%s", diff)
	}
	settle(t)
}

// TestWorkers starts two worker processes on one port and sends requests
// on new connections until both have answered some: the kernel spreads
// the connections among the listeners.
func TestWorkers(t *testing.T) {
	if !aggregate.ReusePortSupported {
		t.Skip(aggregate.ErrNoReusePort)
	}
	dep := deploy(t, aggregate.Workers, 2, aggregate.Options{User: okURL(), Order: okURL(), Stock: okURL()})
	if got := len(dep.Pids()); got != 2 {
		t.Fatalf("%d processes, want 2", got)
	}
	// Each connection lands on either listener with probability 1/2 or
	// so: 64 connections all on one would happen once in 2^63 runs.
	tr := &http.Transport{DisableKeepAlives: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: hangGuard}
	const n = 64
	for range n {
		code, _ := get(t, client, dep.URL+"/aggregate")
		if code != http.StatusOK {
			t.Fatalf("status %d, want 200", code)
		}
	}
	final, err := dep.Stop()
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	for i, c := range final {
		if c.OK == 0 {
			t.Errorf("worker %d answered no request of %d", i, n)
		}
		total += c.OK
	}
	if total != n {
		t.Errorf("the workers answered %d requests, want %d", total, n)
	}
}

// TestStartErrors checks that a deployment with bad options fails before
// any process starts, with the option named.
func TestStartErrors(t *testing.T) {
	ok := okURL()
	for _, tc := range []struct {
		name   string
		deploy aggregate.Deploy
		k      int
		opts   aggregate.Options
		want   string
	}{
		{"bad URL", aggregate.Single, 1, aggregate.Options{User: ok, Order: "order", Stock: ok}, "order URL"},
		{"no cores", aggregate.Single, 0, aggregate.Options{User: ok, Order: ok, Stock: ok}, "want at least 1"},
		{"unknown deployment", "cluster", 1, aggregate.Options{User: ok, Order: ok, Stock: ok}, "unknown deployment \"cluster\""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := aggregate.Start(tc.deploy, tc.k, aggregate.Config{Options: tc.opts})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Start: %v, want an error containing %q", err, tc.want)
			}
		})
	}
}
