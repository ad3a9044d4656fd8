package fetch_test

import (
	"context"
	"fmt"
	"net/http"
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

// newClient returns a client on a new transport of the given kind, whose
// idle connections close when tb ends. timeout is http.Client.Timeout.
func newClient(tb testing.TB, kind fetch.Transport, conns int, timeout time.Duration) (*http.Client, *http.Transport) {
	tb.Helper()
	tr, err := fetch.NewTransport(kind, conns)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: timeout}, tr
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
// counters. A connection still open then is one the client leaked.
func settle(tb testing.TB, tr *http.Transport) fetch.Stats {
	tb.Helper()
	tr.CloseIdleConnections()
	zero := int64(0)
	st, err := server.Wait(tb.Context(), fetch.Want{InFlight: &zero, OpenConns: &zero}, 10*time.Second)
	if err != nil {
		tb.Errorf("requests or connections left open at the server: %v", err)
	}
	return st
}
