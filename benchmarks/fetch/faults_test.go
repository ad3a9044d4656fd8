package fetch_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"concbench/benchmarks/fetch"
	"concbench/benchmarks/models"

	"github.com/google/go-cmp/cmp"
)

// clientTimeout is the client's timeout in the fault tests: the slow
// endpoints take 10 s, so a request that returns in less has been cut by
// the client.
const clientTimeout = time.Second

// The endpoints of the fault tests.
func okURL() string          { return baseURL + "/get" }
func status500URL() string   { return baseURL + "/status/500" }
func resetURL() string       { return baseURL + "/_fault/reset" }
func slowHeadURL() string    { return baseURL + "/delay/10" }
func slowBodyURL() string    { return baseURL + "/drip?duration=10&numbytes=10&delay=0" }
func failAtURL(n int) string { return fmt.Sprintf("%s/_fault/status/500?inflight=%d", baseURL, n) }

// faultTransports are the clients the fault tests run on: the tuned
// transport, which the other benchmarks use, and the variants of
// BenchmarkInflight that are not http.DefaultTransport's settings.
var faultTransports = []fetch.Transport{fetch.TunedTransport, fetch.H2CTransport, fetch.LeanTransport}

// A taskFailure is what a test checks of one task's error.
type taskFailure struct {
	Index    int
	Kind     string
	NamesURL bool
}

// failures lists the task errors in err (one, or several joined), in
// order, given the inputs that produced them.
func failures(t *testing.T, err error, urls []string) []taskFailure {
	t.Helper()
	if err == nil {
		return nil
	}
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	var got []taskFailure
	for _, e := range errs {
		var te *models.TaskError
		if !errors.As(e, &te) {
			t.Fatalf("error %v is not a *models.TaskError", e)
		}
		got = append(got, taskFailure{Index: te.Index, Kind: kindOf(te.Err), NamesURL: strings.Contains(te.Error(), urls[te.Index])})
	}
	return got
}

// kindOf classifies a request's error.
func kindOf(err error) string {
	var (
		status *fetch.StatusError
		netErr net.Error
	)
	switch {
	case errors.As(err, &status):
		return fmt.Sprintf("status %d", status.Code)
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		// HTTP/2 resets the one stream (RST_STREAM), not the
		// connection; net/http does not export the error's type.
		strings.Contains(err.Error(), "stream error: ") && strings.Contains(err.Error(), "INTERNAL_ERROR"):
		return "reset"
	case errors.As(err, &netErr) && netErr.Timeout():
		return "timeout"
	}
	return "other: " + err.Error()
}

// TestCollectAll sends one good request, then each fault, then a good one,
// under every model with collect-all errors: every failed URL has its own
// error, naming it, and the good ones succeed. The server sees the client
// abandon the two slow requests at its timeout, and no connection is left
// open.
func TestCollectAll(t *testing.T) {
	needServer(t)
	for _, m := range models.InProcess() {
		forEachTransport(t, string(m), func(t *testing.T, kind fetch.Transport) {
			resetServer(t)
			client := newClient(t, kind, 8, clientTimeout)
			urls := []string{okURL(), status500URL(), resetURL(), slowHeadURL(), slowBodyURL(), okURL()}
			out, err := models.Map(t.Context(), m, fetch.Job(client), urls, models.Options{Workers: 3, Errors: models.CollectAll})

			if diff := cmp.Diff([]int{200, 0, 0, 0, 0, 200}, out); diff != "" {
				t.Errorf("results (-want +got):\n%s", diff)
			}
			want := []taskFailure{
				{Index: 1, Kind: "status 500", NamesURL: true},
				{Index: 2, Kind: "reset", NamesURL: true},
				{Index: 3, Kind: "timeout", NamesURL: true},
				{Index: 4, Kind: "timeout", NamesURL: true},
			}
			if diff := cmp.Diff(want, failures(t, err, urls)); diff != "" {
				t.Errorf("errors (-want +got):\n%s\nthe error: %v", diff, err)
			}
			st := settle(t, client)
			if st.Canceled != 2 {
				t.Errorf("the server saw %d requests abandoned by the client; want 2, the slow head and the slow body (%+v)", st.Canceled, st)
			}
		})
	}
}

// TestFailFast fails one request once a known set of requests is in flight
// (the fault waits for them at the server), under every model with
// fail-fast errors: Map returns that one error, the requests in flight are
// cancelled (the server sees each end with its client gone), the requests
// not started never reach the server, and no connection is left open.
func TestFailFast(t *testing.T) {
	needServer(t)
	type row struct {
		name    string
		model   models.Model
		workers int
		urls    []string
		// The results, the index of the failing input, how many
		// requests reach the server, and how many of them the client
		// abandons.
		out                        []int
		failed, requests, canceled int
	}
	var rows []row
	for _, m := range models.InProcess() {
		if m == models.Serial {
			continue
		}
		// All at once: three slow requests are in flight when the
		// fourth fails.
		rows = append(rows, row{
			name: string(m) + "/all-in-flight", model: m, workers: 4,
			urls:   []string{slowHeadURL(), slowBodyURL(), failAtURL(4), slowHeadURL()},
			out:    []int{0, 0, 0, 0},
			failed: 2, requests: 4, canceled: 3,
		})
		if m == models.Goroutines || m == models.Semaphore {
			// Goroutines starts every task at once. Semaphore starts
			// a goroutine per task, and which two acquire the
			// semaphore first is the scheduler's choice, so which
			// tasks wait is unknown.
			continue
		}
		// Two at a time, started in input order: the failure cancels
		// the one slow request in flight, and the two queued ones never
		// start.
		rows = append(rows, row{
			name: string(m) + "/queued", model: m, workers: 2,
			urls:   []string{slowHeadURL(), failAtURL(2), slowHeadURL(), slowBodyURL()},
			out:    []int{0, 0, 0, 0},
			failed: 1, requests: 2, canceled: 1,
		})
	}
	rows = append(rows, row{
		name: "serial", model: models.Serial,
		urls:   []string{okURL(), status500URL(), slowHeadURL(), slowBodyURL()},
		out:    []int{200, 0, 0, 0},
		failed: 1, requests: 2, canceled: 0,
	})

	for _, tc := range rows {
		forEachTransport(t, tc.name, func(t *testing.T, kind fetch.Transport) {
			resetServer(t)
			// The timeout is long: only the fail-fast cancellation may
			// end the slow requests early.
			client := newClient(t, kind, 8, time.Minute)
			out, err := models.Map(t.Context(), tc.model, fetch.Job(client), tc.urls, models.Options{Workers: tc.workers})

			if diff := cmp.Diff(tc.out, out); diff != "" {
				t.Errorf("results (-want +got):\n%s", diff)
			}
			want := []taskFailure{{Index: tc.failed, Kind: "status 500", NamesURL: true}}
			if diff := cmp.Diff(want, failures(t, err, tc.urls)); diff != "" {
				t.Errorf("errors (-want +got):\n%s\nthe error: %v", diff, err)
			}
			type seen struct{ Requests, Canceled int64 }
			st := settle(t, client)
			if diff := cmp.Diff(seen{int64(tc.requests), int64(tc.canceled)}, seen{st.Requests, st.Canceled}); diff != "" {
				t.Errorf("the server's counts (-want +got):\n%s", diff)
			}
		})
	}
}

// TestContextDeadline checks that the caller's deadline, not only the
// client's timeout, ends requests in flight under every model: Map returns
// the deadline's error, and every request that reached the server was
// abandoned there.
func TestContextDeadline(t *testing.T) {
	needServer(t)
	for _, m := range models.InProcess() {
		forEachTransport(t, string(m), func(t *testing.T, kind fetch.Transport) {
			resetServer(t)
			client := newClient(t, kind, 8, time.Minute)
			ctx, cancel := context.WithTimeout(t.Context(), 500*time.Millisecond)
			defer cancel()
			urls := []string{slowHeadURL(), slowBodyURL()}
			_, err := models.Map(ctx, m, fetch.Job(client), urls, models.Options{Workers: 2, Errors: models.CollectAll})
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("error %v, want the context's deadline", err)
			}
			st := settle(t, client)
			if st.Canceled != st.Requests {
				t.Errorf("the server saw %d requests and %d abandoned; want every one abandoned", st.Requests, st.Canceled)
			}
		})
	}
}

// forEachTransport runs f as the subtest name/transport=kind for every
// transport of the fault tests.
func forEachTransport(t *testing.T, name string, f func(t *testing.T, kind fetch.Transport)) {
	t.Helper()
	for _, kind := range faultTransports {
		t.Run(name+"/transport="+string(kind), func(t *testing.T) { f(t, kind) })
	}
}
