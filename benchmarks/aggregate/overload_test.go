package aggregate_test

import (
	"flag"
	"fmt"
	"runtime"
	"syscall"
	"testing"
	"time"

	"concbench/benchmarks/aggregate"
	"concbench/benchmarks/aggregate/load"
	"concbench/benchmarks/fetch"
)

// The overload test is a measurement of minutes' worth of load, too large
// for every test run: it runs only when asked (see TestOverload).
var (
	overload        = flag.Bool("overload", false, "run TestOverload: thousands of clients against the service, then SIGTERM under that load")
	overloadClients = flag.Int("overload.clients", 5000, "TestOverload: clients in the closed loop")
	overloadDelay   = flag.Duration("overload.delay", 100*time.Millisecond, "TestOverload: the downstream delay")
	overloadFor     = flag.Duration("overload.for", 5*time.Second, "TestOverload: how long the load runs before SIGTERM")
	overloadBound   = flag.Int("overload.max-in-flight", aggregate.DefaultMaxInFlight, "TestOverload: the service's bound on requests in flight, per process")
	overloadPolite  = flag.Bool("overload.retry-after", false, "TestOverload: clients honour Retry-After (by default they send again at once: a flood)")
)

// TestOverload floods the service, deployed on GOMAXPROCS cores as one
// process and as worker processes, with a closed loop of
// -overload.clients clients (5,000) against downstream services that
// answer after -overload.delay (100 ms), for -overload.for (5 s), then
// sends SIGTERM under that load. By default a client answered 503 sends
// its next request at once, a flood; with -overload.retry-after it waits
// as the Retry-After says. Run it with
//
//	go test -run TestOverload -v ./aggregate -overload [-overload.retry-after]
//
// It checks, and logs the counts that show:
//
//   - before the signal, every request was answered 200 or 503 (none
//     refused, none lost: no crash, no descriptor exhaustion), and the
//     downstream server never saw more calls at once than the bound
//     allows;
//   - the service's requests in flight at the signal were all answered:
//     at its exit it had answered every request that reached it, and the
//     clients received exactly as many answers of each kind as it sent;
//     of the requests the clients had in flight at the signal, none was
//     lost, each was answered or (never having reached the service)
//     refused.
func TestOverload(t *testing.T) {
	if !*overload {
		t.Skip("a measurement under heavy load; run it with -overload")
	}
	for _, d := range aggregate.Deploys() {
		t.Run("deploy="+string(d), func(t *testing.T) {
			if d == aggregate.Workers && !aggregate.ReusePortSupported {
				t.Skipf("deploy=workers: %v", aggregate.ErrNoReusePort)
			}
			runOverload(t, d)
		})
	}
}

func runOverload(t *testing.T, d aggregate.Deploy) {
	clients, delay := *overloadClients, *overloadDelay
	k := runtime.GOMAXPROCS(0)
	if limit, err := filesLimit(); err == nil {
		t.Logf("open files limit %d per process", limit)
	}
	url := fetch.DelayURL(downstream.URL, delay)
	opts := aggregate.Options{User: url + "?svc=user", Order: url + "?svc=order", Stock: url + "?svc=stock", MaxInFlight: *overloadBound}
	dep, err := aggregate.Start(d, k, aggregate.Config{Options: opts})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dep.Stop() })
	bound := int64(*overloadBound * len(dep.Pids()))
	resetDownstream(t)

	gen, err := load.Start(load.Options{URL: dep.URL + "/aggregate", Clients: clients, TickEvery: clients, Timeout: time.Minute, RetryAfter: *overloadPolite})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { gen.Stop(load.Query{}) })
	if err := gen.WaitTick(t.Context(), 1); err != nil {
		t.Fatal(err)
	}
	time.Sleep(*overloadFor) // the load runs
	steady := gen.Ticks()

	files := 0
	for _, pid := range dep.Pids() {
		if n, err := openFiles(pid); err == nil {
			files += n
		}
	}
	mark := time.Now().UnixNano()
	began, err := dep.Shutdown(t.Context(), syscall.SIGTERM)
	if err != nil {
		t.Fatal(err)
	}
	final, err := dep.Stop()
	if err != nil {
		t.Fatalf("the service's shutdown: %v", err)
	}
	// The window, for the latencies: from the first answer of every
	// client, on average, to the signal.
	r, err := gen.Stop(load.Query{From: 1, To: steady, Mark: mark})
	if err != nil {
		t.Fatal(err)
	}
	st := settle(t)

	atSignal, atExit := aggregate.Total(began), aggregate.Total(final)
	b := r.BeforeMark
	t.Logf("deploy=%s on %d cores, %d processes; %d clients (honouring Retry-After: %t), downstream delay %s, bound %d requests in flight (%d downstream calls)",
		d, k, len(dep.Pids()), clients, *overloadPolite, delay, bound, 3*bound)
	t.Logf("before SIGTERM (%s of load): %d requests: %d answered 200, %d answered 503, %d other answers, %d refused, %d lost",
		*overloadFor, b.Total(), b.OK, b.Rejected, b.OtherStatus, b.Refused, b.Lost)
	t.Logf("  from the first %d answers to the signal: 200 latency p50 %s p99 %s max %s; 503 latency p50 %s p99 %s max %s",
		clients, ns(r.OKLatency.P50), ns(r.OKLatency.P99), ns(r.OKLatency.Max), ns(r.RejectedLatency.P50), ns(r.RejectedLatency.P99), ns(r.RejectedLatency.Max))
	t.Logf("  downstream: at most %d calls in flight at once; the service held %d open files at the signal", st.MaxInFlight, files)
	t.Logf("at SIGTERM: the service had %d requests in flight; the clients had %d: %d answered 200, %d answered 503, %d other answers, %d refused, %d lost",
		atSignal.InFlight, r.AtMark.Total(), r.AtMark.OK, r.AtMark.Rejected, r.AtMark.OtherStatus, r.AtMark.Refused, r.AtMark.Lost)
	t.Logf("at exit: the service had %d requests, answered %d 200, %d 502, %d 503, %d cancelled, %d in flight; the clients received %d 200, %d 503, %d other, and %d requests were refused after the listener closed, %d lost",
		atExit.Requests, atExit.OK, atExit.Failed, atExit.Rejected, atExit.Canceled, atExit.InFlight, r.Total.OK, r.Total.Rejected, r.Total.OtherStatus, r.Total.Refused, r.Total.Lost)

	if b.OtherStatus+b.Refused+b.Lost > 0 {
		t.Errorf("before SIGTERM, %d requests were neither answered 200 nor 503; first errors: %q", b.OtherStatus+b.Refused+b.Lost, r.Errors)
	}
	if b.OK == 0 || b.Rejected == 0 {
		t.Errorf("before SIGTERM, %d answers 200 and %d 503: the load did not overload the service", b.OK, b.Rejected)
	}
	if st.MaxInFlight > 3*bound {
		t.Errorf("the downstream server saw %d calls at once; the bound allows %d", st.MaxInFlight, 3*bound)
	}
	if atSignal.InFlight == 0 {
		t.Error("no request was in flight at SIGTERM")
	}
	if atExit.InFlight != 0 || atExit.Canceled != 0 || atExit.Requests != atExit.Answered() {
		t.Errorf("at exit the service had %d requests, %d answered, %d cancelled, %d in flight: some were not answered", atExit.Requests, atExit.Answered(), atExit.Canceled, atExit.InFlight)
	}
	if r.Total.OK != atExit.OK || r.Total.Rejected != atExit.Rejected || r.Total.OtherStatus != atExit.Failed {
		t.Errorf("the clients received %d 200, %d 503, %d other; the service sent %d, %d, %d", r.Total.OK, r.Total.Rejected, r.Total.OtherStatus, atExit.OK, atExit.Rejected, atExit.Failed)
	}
	if r.AtMark.Lost != 0 || r.Total.Lost != 0 {
		t.Errorf("%d requests in flight at SIGTERM lost, %d in all; first errors: %q", r.AtMark.Lost, r.Total.Lost, r.Errors)
	}
}

// ns formats nanoseconds as a duration.
func ns(v int64) string { return fmt.Sprint(time.Duration(v).Round(10 * time.Microsecond)) }
