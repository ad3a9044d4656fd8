package fetch_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"concbench/benchmarks/fetch"

	"go.uber.org/goleak"
)

// The server every test and benchmark of the package talks to, set once by
// TestMain: server is nil when CONCBENCH_FETCH_URL names another server,
// whose counters are then unknown.
var (
	server  *fetch.Process
	baseURL string
)

func TestMain(m *testing.M) {
	if fetch.IsServerProcess() {
		if err := fetch.ServeProcess(context.Background(), os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "fetch server:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	if u := os.Getenv(fetch.URLEnv); u != "" {
		baseURL = strings.TrimSuffix(u, "/")
	} else {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		p, err := fetch.StartServer(ctx)
		cancel()
		if err != nil {
			fmt.Fprintln(os.Stderr, "fetch: starting the server:", err)
			return 1
		}
		server, baseURL = p, p.URL
	}
	code := m.Run()
	if server != nil {
		if err := server.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "fetch: stopping the server:", err)
			code = 1
		}
	}
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "fetch: goroutines left behind:", err)
			code = 1
		}
	}
	return code
}

// newClient returns a new client of the given kind, whose idle
// connections close when tb ends. timeout bounds each request, as
// http.Client.Timeout.
func newClient(tb testing.TB, kind fetch.Transport, conns int, timeout time.Duration) fetch.Client {
	tb.Helper()
	client, err := fetch.NewClient(kind, conns, timeout)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(client.CloseIdleConnections)
	return client
}

// needServer skips tb when the counters of the server are unknown.
func needServer(tb testing.TB) {
	tb.Helper()
	if server == nil {
		tb.Skipf("%s names another server: its counters and faults are unavailable", fetch.URLEnv)
	}
}

// resetServer zeroes the server's counters.
func resetServer(tb testing.TB) {
	tb.Helper()
	if _, err := server.Reset(tb.Context()); err != nil {
		tb.Fatal(err)
	}
}

// settle closes the client's idle connections and waits until the server
// has no request in flight and no connection open, and returns its
// counters. A connection still open after 10 s is one the client leaked.
//
// It closes the idle connections again each time the server has not
// settled within a short wait: an HTTP/2 connection whose request was
// cancelled becomes idle only when the goroutine that wrote the request
// has released its stream, which may be after Do returned, and nothing
// closes it then.
func settle(tb testing.TB, client fetch.Client) fetch.Stats {
	tb.Helper()
	zero := int64(0)
	want := fetch.Want{InFlight: &zero, OpenConns: &zero}
	deadline := time.Now().Add(10 * time.Second)
	for {
		client.CloseIdleConnections()
		st, err := server.Wait(tb.Context(), want, 100*time.Millisecond)
		if err == nil {
			return st
		}
		if time.Now().After(deadline) {
			tb.Errorf("requests or connections left open at the server: %v", err)
			return st
		}
	}
}
