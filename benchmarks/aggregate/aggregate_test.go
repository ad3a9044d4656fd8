package aggregate_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"concbench/benchmarks/aggregate"
	"concbench/benchmarks/fetch"

	"github.com/google/go-cmp/cmp"
)

// The downstream endpoints of the tests.
func okURL() string          { return downstream.URL + "/get" }
func statusURL(c int) string { return fmt.Sprintf("%s/status/%d", downstream.URL, c) }
func resetURL() string       { return downstream.URL + "/_fault/reset" }
func slowURL() string        { return downstream.URL + "/delay/10" }

// heldURL answers 200 once n requests to it are in flight at once: the
// three calls of a request wait there until the test sends the n-th.
func heldURL(n int) string {
	return fmt.Sprintf("%s/_fault/status/200?inflight=%d", downstream.URL, n)
}

// hangGuard bounds what a test waits for: a service that hangs fails the
// test instead of stalling the suite.
const hangGuard = time.Minute

// serve runs a service with opts on a loopback listener, and returns it
// with its base URL and a function that shuts it down and returns once
// every request has ended; the test's end does that too.
func serve(t *testing.T, opts aggregate.Options) (*aggregate.Service, string, func()) {
	t.Helper()
	svc, ln := newService(t, opts)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- svc.Run(ctx, ln, aggregate.RunOptions{Grace: hangGuard}) }()
	stop := sync.OnceFunc(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	t.Cleanup(stop)
	return svc, "http://" + ln.Addr().String(), stop
}

// newService returns a service with opts, closed when the test ends, and
// a loopback listener for it.
func newService(t *testing.T, opts aggregate.Options) (*aggregate.Service, net.Listener) {
	t.Helper()
	svc, err := aggregate.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(svc.Close)
	ln, err := aggregate.Listen(t.Context(), "127.0.0.1:0", false)
	if err != nil {
		t.Fatal(err)
	}
	return svc, ln
}

// newClient returns a client whose idle connections close when the test
// ends.
func newClient(t *testing.T) *http.Client {
	t.Helper()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: hangGuard}
}

// get sends GET url and returns the status code and the decoded answer.
func get(t *testing.T, client *http.Client, url string) (int, aggregate.Answer) {
	t.Helper()
	resp, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var ans aggregate.Answer
	if err := json.NewDecoder(resp.Body).Decode(&ans); err != nil {
		t.Fatalf("GET %s: %s: decoding the answer: %v", url, resp.Status, err)
	}
	return resp.StatusCode, ans
}

// settle waits until the downstream server has no request in flight and
// returns its counters.
func settle(t *testing.T) fetch.Stats {
	t.Helper()
	zero := int64(0)
	st, err := downstream.Wait(t.Context(), fetch.Want{InFlight: &zero}, hangGuard)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func resetDownstream(t *testing.T) {
	t.Helper()
	if _, err := downstream.Reset(t.Context()); err != nil {
		t.Fatal(err)
	}
}

// waitDownstream waits until n requests are in flight at the downstream
// server.
func waitDownstream(t *testing.T, n int64) {
	t.Helper()
	if _, err := downstream.Wait(t.Context(), fetch.Want{InFlight: &n}, hangGuard); err != nil {
		t.Fatal(err)
	}
}

// release sends the request that lets the held ones through (see
// heldURL).
func release(t *testing.T, n int) {
	t.Helper()
	resp, err := newClient(t).Get(heldURL(n))
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

// TestAggregate sends one request per case under both fan-outs, and
// checks the answer and what the downstream server saw: a call cut by the
// timeout is one the server counts as cancelled.
func TestAggregate(t *testing.T) {
	const timeout = 300 * time.Millisecond
	cases := []struct {
		name               string
		user, order, stock string
		wantCode           int
		want               aggregate.Answer
		wantCanceled       int64 // calls the downstream server saw abandoned
	}{
		{
			name: "ok", user: okURL(), order: okURL(), stock: okURL(),
			wantCode: 200, want: aggregate.Answer{User: 200, Order: 200, Stock: 200},
		},
		{
			name: "4xx is an answer", user: okURL(), order: statusURL(404), stock: okURL(),
			wantCode: 200, want: aggregate.Answer{User: 200, Order: 404, Stock: 200},
		},
		{
			name: "500", user: okURL(), order: statusURL(500), stock: okURL(),
			wantCode: 502, want: aggregate.Answer{User: 200, Order: 500, Stock: 200, Failed: map[string]string{"order": "answered 500 Internal Server Error"}},
		},
		{
			name: "reset", user: okURL(), order: okURL(), stock: resetURL(),
			wantCode: 502, want: aggregate.Answer{User: 200, Order: 200, Stock: 0, Failed: map[string]string{"stock": "connection reset"}},
		},
		{
			name: "timeout", user: slowURL(), order: okURL(), stock: okURL(),
			wantCode: 502, want: aggregate.Answer{User: 0, Order: 200, Stock: 200, Failed: map[string]string{"user": "no answer within 300ms"}},
			wantCanceled: 1,
		},
		{
			name: "all fail", user: slowURL(), order: statusURL(503), stock: resetURL(),
			wantCode: 502, want: aggregate.Answer{User: 0, Order: 503, Stock: 0, Failed: map[string]string{
				"user": "no answer within 300ms", "order": "answered 503 Service Unavailable", "stock": "connection reset",
			}},
			wantCanceled: 1,
		},
	}
	for _, fanout := range aggregate.Fanouts() {
		for _, tc := range cases {
			t.Run(fmt.Sprintf("fanout=%s/%s", fanout, tc.name), func(t *testing.T) {
				svc, base, _ := serve(t, aggregate.Options{User: tc.user, Order: tc.order, Stock: tc.stock, Timeout: timeout, Fanout: fanout})
				resetDownstream(t)
				code, got := get(t, newClient(t), base+"/aggregate")
				if code != tc.wantCode {
					t.Errorf("status %d, want %d", code, tc.wantCode)
				}
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("answer (-want +got):\n%s", diff)
				}
				// A reset on a reused connection makes net/http send the
				// GET again, once, on a new one: at least 3 requests.
				st := settle(t)
				if st.Requests < 3 || st.Canceled != tc.wantCanceled {
					t.Errorf("downstream saw %d requests, %d abandoned; want at least 3, %d abandoned", st.Requests, st.Canceled, tc.wantCanceled)
				}
				c := svc.Counters()
				wantOK, wantFailed := int64(0), int64(0)
				if tc.wantCode == 200 {
					wantOK = 1
				} else {
					wantFailed = 1
				}
				if diff := cmp.Diff(aggregate.Counters{Requests: 1, OK: wantOK, Failed: wantFailed}, c); diff != "" {
					t.Errorf("service counters (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// TestClientDisconnect checks that a client that leaves cancels the
// downstream calls in flight: with the concurrent fan-out all three, with
// the serial one the first, and the other two are never made.
func TestClientDisconnect(t *testing.T) {
	for _, tc := range []struct {
		fanout                 aggregate.Fanout
		inFlight, wantRequests int64
	}{
		{aggregate.Concurrent, 3, 3},
		{aggregate.Serial, 1, 1},
	} {
		t.Run("fanout="+string(tc.fanout), func(t *testing.T) {
			svc, base, stop := serve(t, aggregate.Options{User: slowURL(), Order: slowURL(), Stock: slowURL(), Fanout: tc.fanout})
			resetDownstream(t)
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/aggregate", nil)
			if err != nil {
				t.Fatal(err)
			}
			errc := make(chan error, 1)
			go func() {
				resp, err := newClient(t).Do(req)
				if err == nil {
					resp.Body.Close()
				}
				errc <- err
			}()
			waitDownstream(t, tc.inFlight)
			cancel()
			if err := <-errc; !errors.Is(err, context.Canceled) {
				t.Errorf("client: %v, want context.Canceled", err)
			}
			st := settle(t)
			if st.Requests != tc.wantRequests || st.Canceled != tc.wantRequests {
				t.Errorf("downstream saw %d requests, %d abandoned; want %d, all abandoned", st.Requests, st.Canceled, tc.wantRequests)
			}
			stop() // returns once the handler has counted the cancellation
			if diff := cmp.Diff(aggregate.Counters{Requests: 1, Canceled: 1}, svc.Counters()); diff != "" {
				t.Errorf("service counters (-want +got):\n%s", diff)
			}
		})
	}
}

// TestBusy fills the service's only slot and checks that the next
// request is turned away at once with 503 and Retry-After, and that the
// health endpoint still answers.
func TestBusy(t *testing.T) {
	svc, base, _ := serve(t, aggregate.Options{User: heldURL(4), Order: heldURL(4), Stock: heldURL(4), MaxInFlight: 1})
	resetDownstream(t)
	client := newClient(t)
	first := make(chan int, 1)
	go func() {
		resp, err := client.Get(base + "/aggregate")
		if err != nil {
			first <- 0
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		first <- resp.StatusCode
	}()
	waitDownstream(t, 3)

	resp, err := client.Get(base + "/aggregate")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") != "1" {
		t.Errorf("second request: %s, Retry-After %q; want 503, Retry-After 1", resp.Status, resp.Header.Get("Retry-After"))
	}
	if !strings.Contains(string(body), "overloaded") {
		t.Errorf("503 body %q does not say the service is overloaded", body)
	}

	resp, err = client.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	var health struct {
		Status   string `json:"status"`
		InFlight int64  `json:"in_flight"`
	}
	err = json.NewDecoder(resp.Body).Decode(&health)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 || health.Status != "ok" || health.InFlight != 1 {
		t.Errorf("healthz: %s %+v (%v); want 200, ok, 1 in flight", resp.Status, health, err)
	}

	release(t, 4)
	if code := <-first; code != 200 {
		t.Errorf("first request: %d, want 200", code)
	}
	settle(t)
	if diff := cmp.Diff(aggregate.Counters{Requests: 2, OK: 1, Rejected: 1}, svc.Counters()); diff != "" {
		t.Errorf("service counters (-want +got):\n%s", diff)
	}
}

// TestBadRequests checks the answers to requests the service does not
// serve.
func TestBadRequests(t *testing.T) {
	_, base, _ := serve(t, aggregate.Options{User: okURL(), Order: okURL(), Stock: okURL()})
	client := newClient(t)
	for _, tc := range []struct {
		name, method, path string
		header             http.Header
		wantCode           int
		wantAllow          string
	}{
		{name: "unknown path", method: "GET", path: "/nothing", wantCode: 404},
		{name: "root", method: "GET", path: "/", wantCode: 404},
		{name: "POST", method: "POST", path: "/aggregate", wantCode: 405, wantAllow: "GET, HEAD"},
		{name: "DELETE health", method: "DELETE", path: "/healthz", wantCode: 405, wantAllow: "GET, HEAD"},
		{name: "header too large", method: "GET", path: "/aggregate", header: http.Header{"X-Big": {strings.Repeat("x", 2*aggregate.MaxHeaderBytes)}}, wantCode: 431},
		{name: "health", method: "GET", path: "/healthz", wantCode: 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequestWithContext(t.Context(), tc.method, base+tc.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tc.header {
				req.Header[k] = v
			}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.wantCode {
				t.Errorf("%s %s: %s, want %d", tc.method, tc.path, resp.Status, tc.wantCode)
			}
			if got := resp.Header.Get("Allow"); got != tc.wantAllow {
				t.Errorf("Allow %q, want %q", got, tc.wantAllow)
			}
		})
	}
}

// TestNewErrors checks that bad options are errors at start-up that name
// the option.
func TestNewErrors(t *testing.T) {
	ok := "http://127.0.0.1:1/x"
	for _, tc := range []struct {
		name string
		opts aggregate.Options
		want string
	}{
		{"no user URL", aggregate.Options{Order: ok, Stock: ok}, "user URL: missing"},
		{"unparsable", aggregate.Options{User: ok, Order: "http://[::1", Stock: ok}, "order URL: parse"},
		{"relative", aggregate.Options{User: ok, Order: ok, Stock: "/stock"}, "stock URL: \"/stock\": want an http:// or https:// URL"},
		{"other scheme", aggregate.Options{User: "ftp://host/x", Order: ok, Stock: ok}, "user URL: \"ftp://host/x\": want an http:// or https:// URL"},
		{"no host", aggregate.Options{User: "http:///x", Order: ok, Stock: ok}, "user URL: \"http:///x\": no host"},
		{"bad port", aggregate.Options{User: "http://host:99999/", Order: ok, Stock: ok}, "port \"99999\" is not a number from 1 to 65535"},
		{"negative timeout", aggregate.Options{User: ok, Order: ok, Stock: ok, Timeout: -time.Second}, "timeout -1s: want a positive duration"},
		{"fanout", aggregate.Options{User: ok, Order: ok, Stock: ok, Fanout: "parallel"}, "unknown fan-out \"parallel\""},
		{"max in flight", aggregate.Options{User: ok, Order: ok, Stock: ok, MaxInFlight: -1}, "max in flight -1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := aggregate.New(tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("New: %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

// TestGracefulShutdown cancels Run's context with a request in flight
// and a keep-alive connection idle. In the first step new connections are
// refused while the idle one is still served; in the second, the request
// in flight is answered and Run returns nil.
func TestGracefulShutdown(t *testing.T) {
	svc, ln := newService(t, aggregate.Options{User: heldURL(4), Order: heldURL(4), Stock: heldURL(4)})
	base := "http://" + ln.Addr().String()
	resetDownstream(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	began := make(chan aggregate.Counters, 1)
	drain := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- svc.Run(ctx, ln, aggregate.RunOptions{Grace: hangGuard, Began: func(c aggregate.Counters) { began <- c }, Drain: drain})
	}()

	kept := newClient(t)
	health := func() error {
		resp, err := kept.Get(base + "/healthz")
		if err != nil {
			return err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return nil
	}
	if err := health(); err != nil {
		t.Fatal(err)
	}
	answered := make(chan int, 1)
	go func() {
		code, _ := get(t, newClient(t), base+"/aggregate")
		answered <- code
	}()
	waitDownstream(t, 3)
	cancel()
	if c := <-began; c.InFlight != 1 {
		t.Errorf("in flight when the shutdown began: %d, want 1", c.InFlight)
	}
	if _, err := net.Dial("tcp", ln.Addr().String()); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("a new connection during the shutdown: %v, want it refused", err)
	}
	// A new connection would be refused: an answer means the idle one
	// served it.
	if err := health(); err != nil {
		t.Errorf("the idle connection before the drain: %v, want it served", err)
	}
	close(drain)
	release(t, 4)
	if code := <-answered; code != 200 {
		t.Errorf("the request in flight was answered %d, want 200", code)
	}
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
	settle(t)
}

// TestShutdownDeadline shuts down with a request that outlasts the grace:
// Run cuts it and says so, and the cut reaches the downstream server.
func TestShutdownDeadline(t *testing.T) {
	svc, ln := newService(t, aggregate.Options{User: slowURL(), Order: okURL(), Stock: okURL()})
	resetDownstream(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- svc.Run(ctx, ln, aggregate.RunOptions{Grace: 50 * time.Millisecond}) }()
	clientErr := make(chan error, 1)
	go func() {
		resp, err := newClient(t).Get("http://" + ln.Addr().String() + "/aggregate")
		if err == nil {
			resp.Body.Close()
		}
		clientErr <- err
	}()
	waitDownstream(t, 1)
	cancel()
	err := <-done
	if err == nil || !strings.Contains(err.Error(), "1 requests still in flight after 50ms; cut") {
		t.Errorf("Run: %v, want it to say one request was cut", err)
	}
	if err := <-clientErr; err == nil {
		t.Error("the cut request got an answer")
	}
	if st := settle(t); st.Canceled != 1 {
		t.Errorf("downstream saw %d calls abandoned, want the slow one", st.Canceled)
	}
}
