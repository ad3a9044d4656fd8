package load

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	if IsProcess() {
		if err := ServeProcess(os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "load generator:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	goleak.VerifyTestMain(m)
}

// hangGuard bounds what a test waits for.
const hangGuard = time.Minute

// statusServer answers every request with code.
func statusServer(t *testing.T, code int) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(code) }))
	t.Cleanup(srv.Close)
	return srv.URL
}

// resetServer resets every connection as a request arrives.
func resetServer(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		conn.(*net.TCPConn).SetLinger(0)
		conn.Close()
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// closedPort returns a URL on a loopback port that nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}

// TestOutcomes runs a loop against servers that answer each one way and
// checks that every request is counted as that outcome.
func TestOutcomes(t *testing.T) {
	for _, tc := range []struct {
		name string
		url  func(t *testing.T) string
		want func(n int64) Counts
	}{
		{"200", func(t *testing.T) string { return statusServer(t, 200) }, func(n int64) Counts { return Counts{OK: n} }},
		{"503", func(t *testing.T) string { return statusServer(t, 503) }, func(n int64) Counts { return Counts{Rejected: n} }},
		{"500", func(t *testing.T) string { return statusServer(t, 500) }, func(n int64) Counts { return Counts{OtherStatus: n} }},
		{"refused", closedPort, func(n int64) Counts { return Counts{Refused: n} }},
		{"reset", resetServer, func(n int64) Counts { return Counts{Lost: n} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, err := Begin(Options{URL: tc.url(t), Clients: 3, TickEvery: 1})
			if err != nil {
				t.Fatal(err)
			}
			waitErr := waitTick(t.Context(), 10, l.Ticks, nil)
			r := l.Stop(Query{})
			if waitErr != nil {
				t.Fatal(waitErr)
			}
			n := r.Total.Total()
			if n < 10 {
				t.Fatalf("%d requests counted after 10 ticks of 1", n)
			}
			if diff := cmp.Diff(tc.want(n), r.Total); diff != "" {
				t.Errorf("outcomes (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(r.Total, r.Window); diff != "" {
				t.Errorf("the window of an empty query is not everything (-total +window):\n%s", diff)
			}
			if tc.name == "refused" || tc.name == "reset" {
				if len(r.Errors) == 0 {
					t.Error("no error message kept")
				}
			}
		})
	}
}

// TestSummarise checks the window, the mark and the percentiles on
// records made up for the purpose.
func TestSummarise(t *testing.T) {
	// Two clients; request i took i+1 ms and was sent at i s; every
	// fourth one was turned away.
	records := make([][]record, 2)
	for i := range int64(1000) {
		o := OK
		if i%4 == 3 {
			o = Rejected
		}
		c := i % 2
		records[c] = append(records[c], record{index: i, start: i * int64(time.Second), latency: (i + 1) * int64(time.Millisecond), outcome: o})
	}
	// The window: ticks 1 to 9 of 100 answers, requests 100 to 899.
	q := Query{From: 1, To: 9, Mark: 500*int64(time.Second) + 1}
	r := summarise(records, q, 100)
	if diff := cmp.Diff(Counts{OK: 750, Rejected: 250}, r.Total); diff != "" {
		t.Errorf("total (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(Counts{OK: 600, Rejected: 200}, r.Window); diff != "" {
		t.Errorf("window (-want +got):\n%s", diff)
	}
	// Requests 0 to 499 ended before the mark (499 at 499.5 s); only
	// request 500 was sent before it and ended after it.
	if diff := cmp.Diff(Counts{OK: 375, Rejected: 125}, r.BeforeMark); diff != "" {
		t.Errorf("before the mark (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(Counts{OK: 1}, r.AtMark); diff != "" {
		t.Errorf("at the mark (-want +got):\n%s", diff)
	}
	if r.WindowStart != 100*int64(time.Second) || r.WindowEnd != 899*int64(time.Second)+900*int64(time.Millisecond) {
		t.Errorf("window from %d to %d", r.WindowStart, r.WindowEnd)
	}
	// The OK latencies of the window are 101..900 ms less every fourth:
	// 600 values, whose median is near 500 ms.
	near := func(got, want int64) bool {
		return float64(got) >= 0.99*float64(want) && float64(got) <= 1.01*float64(want)
	}
	if r.OKLatency.N != 600 || !near(r.OKLatency.P50, int64(500*time.Millisecond)) || !near(r.OKLatency.P99, int64(892*time.Millisecond)) || !near(r.OKLatency.Max, int64(899*time.Millisecond)) {
		t.Errorf("OK latency %+v; want 600 values, p50 near 500ms, p99 near 892ms, max near 899ms", r.OKLatency)
	}
	if r.RejectedLatency.N != 200 {
		t.Errorf("%d rejected latencies, want 200", r.RejectedLatency.N)
	}
}

// TestGenerator runs a loop in a child process and asks for a window of
// two ticks.
func TestGenerator(t *testing.T) {
	g, err := Start(Options{URL: statusServer(t, 200), Clients: 4, TickEvery: 8})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Stop(Query{})
	if err := g.WaitTick(t.Context(), 3); err != nil {
		t.Fatal(err)
	}
	r, err := g.Stop(Query{From: 1, To: 3})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Counts{OK: 16}, r.Window); diff != "" {
		t.Errorf("window (-want +got):\n%s", diff)
	}
	if r.OKLatency.N != 16 || r.OKLatency.P50 <= 0 || r.OKLatency.P50 > r.OKLatency.Max {
		t.Errorf("latency %+v of the window", r.OKLatency)
	}
	if r.Total.OK < 24 {
		t.Errorf("%d answers in all, want at least the 24 of 3 ticks", r.Total.OK)
	}
}

// TestOptionErrors checks the options' errors.
func TestOptionErrors(t *testing.T) {
	for _, tc := range []struct {
		opts Options
		want string
	}{
		{Options{Clients: 1}, "no URL"},
		{Options{URL: "http://x", Clients: 0}, "0 clients"},
		{Options{URL: "http://x", Clients: 1, TickEvery: -1}, "tick every -1"},
		{Options{URL: "http://x", Clients: 1, Timeout: -1}, "timeout -1ns"},
	} {
		if _, err := Begin(tc.opts); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Begin(%+v): %v, want an error containing %q", tc.opts, err, tc.want)
		}
		if _, err := Start(tc.opts); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Start(%+v): %v, want an error containing %q", tc.opts, err, tc.want)
		}
	}
}

// TestRetryAfter checks that a client honouring Retry-After waits after a
// 503, and that Stop ends the wait.
func TestRetryAfter(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	const clients = 3
	l, err := Begin(Options{URL: srv.URL, Clients: clients, RetryAfter: true})
	if err != nil {
		t.Fatal(err)
	}
	waitErr := waitTick(t.Context(), 1, l.Ticks, nil) // every client was answered once
	r := l.Stop(Query{})
	if waitErr != nil {
		t.Fatal(waitErr)
	}
	if diff := cmp.Diff(Counts{Rejected: clients}, r.Total); diff != "" {
		t.Errorf("each client should send one request, then wait an hour (-want +got):\n%s", diff)
	}
}
