package aggregate_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"concbench/benchmarks/aggregate"
	"concbench/benchmarks/aggregate/load"
	"concbench/benchmarks/fetch"
	"concbench/benchmarks/profile"
)

// latencyDelay is the downstream delay of the latency benchmarks: one
// client, one request at a time. The seed's services answer after 1 s;
// quick and full shorten it, keeping it far above the few hundred
// microseconds that a request costs on the loopback.
func latencyDelay(b *testing.B) time.Duration {
	return profile.Pick(b, 20*time.Millisecond, 100*time.Millisecond, time.Second)
}

// A loadSize is the size of the throughput benchmarks: clients in a
// closed loop, the downstream delay, and the fan-outs measured.
type loadSize struct {
	clients int
	delay   time.Duration
	fanouts []aggregate.Fanout
}

// loadSizes returns the throughput benchmarks' sizes. quick and full
// use a delay short enough, and clients enough, that the service's CPU
// rather than the delay bounds the rate, so that cores and processes
// matter; seed uses the seed's 1 s delay, where they cannot (a thousand
// clients then make a thousand requests per second at most). At that
// delay the serial fan-out's rate under load is the delay's too, a third
// of the concurrent one's by Little's law, as clients=1 shows already; the
// seed profile measures the seed's own fan-out, the concurrent one, only.
func loadSizes(b *testing.B) loadSize {
	return profile.Pick(b,
		loadSize{clients: 64, delay: 2 * time.Millisecond, fanouts: aggregate.Fanouts()},
		loadSize{clients: 256, delay: 2 * time.Millisecond, fanouts: aggregate.Fanouts()},
		loadSize{clients: 1000, delay: time.Second, fanouts: []aggregate.Fanout{aggregate.Concurrent}})
}

// warmTicks is the number of ticks (one answer per client each, on
// average) that a load runs before the measured ones: the connections,
// client to service and service to downstream, are open by then.
const warmTicks = 2

// BenchmarkAggregate measures the service in a process of its own,
// driven by a closed loop of clients in another (package load), against
// the downstream server in a third, on GOMAXPROCS=k cores:
//
//   - clients=1: the latency of one request, concurrent fan-out against
//     serial (ratio-to-delay is the time of one request over the delay of
//     one downstream call: about 1 and about 3);
//   - clients=C: the throughput of deploy=single (one process,
//     GOMAXPROCS=k) and deploy=workers (k processes, GOMAXPROCS=1 each,
//     one port), under both fan-outs (the seed profile: the concurrent
//     one, see loadSizes).
//
// One operation is as many answers as there are clients, so that at any
// C its time is, by Little's law, the mean latency under that load.
// Reported besides:
//
//	req/s             answers 200 per second
//	p50-latency-ns    latency percentiles of the answers 200 (HDR
//	p99-latency-ns    histogram, 3 significant digits), from the
//	p99.9-latency-ns  client's sending of the request to the end of the
//	                  answer
//	503s/req          answers 503 (the service turned the request away)
//	                  per request
//	errors/req        other answers and failed requests per request;
//	                  any fails the benchmark
//
// Every figure comes from the answers between two ticks of the load
// generator, leaving out the warm-up and the wind-down.
func BenchmarkAggregate(b *testing.B) {
	d := latencyDelay(b)
	for _, f := range aggregate.Fanouts() {
		b.Run(fmt.Sprintf("deploy=single/fanout=%s/clients=1/delay=%s", f, d), func(b *testing.B) {
			runLoad(b, aggregate.Single, f, loadSize{clients: 1, delay: d})
			perOp := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(perOp/d.Seconds(), "ratio-to-delay")
		})
	}
	size := loadSizes(b)
	for _, dep := range aggregate.Deploys() {
		for _, f := range size.fanouts {
			b.Run(fmt.Sprintf("deploy=%s/fanout=%s/clients=%d/delay=%s", dep, f, size.clients, size.delay), func(b *testing.B) {
				runLoad(b, dep, f, size)
			})
		}
	}
}

// runLoad deploys the service on GOMAXPROCS cores, runs the load, and
// reports its figures. Every process it starts is stopped when b ends,
// passed or failed.
func runLoad(b *testing.B, dep aggregate.Deploy, f aggregate.Fanout, size loadSize) {
	b.Helper()
	if dep == aggregate.Workers && !aggregate.ReusePortSupported {
		b.Skipf("deploy=workers: %v", aggregate.ErrNoReusePort)
	}
	url := fetch.DelayURL(downstream.URL, size.delay)
	opts := aggregate.Options{User: url + "?svc=user", Order: url + "?svc=order", Stock: url + "?svc=stock", Fanout: f}
	deployment, err := aggregate.Start(dep, runtime.GOMAXPROCS(0), aggregate.Config{Options: opts})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { deployment.Stop() })
	gen, err := load.Start(load.Options{URL: deployment.URL + "/aggregate", Clients: size.clients})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { gen.Stop(load.Query{}) })

	ctx, cancel := context.WithTimeout(b.Context(), hangGuard)
	defer cancel()
	// Start the clock at a tick just seen, so that the first operation
	// is a whole one.
	from := max(warmTicks, gen.Ticks()+1)
	if err := gen.WaitTick(ctx, from); err != nil {
		b.Fatal(err)
	}
	to := from
	for b.Loop() {
		to++
		if err := gen.WaitTick(ctx, to); err != nil {
			b.Fatal(err)
		}
	}
	elapsed := b.Elapsed()
	r, err := gen.Stop(load.Query{From: from, To: to})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := deployment.Stop(); err != nil {
		b.Fatal(err)
	}
	w := r.Window
	errs := w.OtherStatus + w.Refused + w.Lost
	n := float64(w.Total())
	b.ReportMetric(float64(w.OK)/elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(r.OKLatency.P50), "p50-latency-ns")
	b.ReportMetric(float64(r.OKLatency.P99), "p99-latency-ns")
	b.ReportMetric(float64(r.OKLatency.P999), "p99.9-latency-ns")
	b.ReportMetric(float64(w.Rejected)/n, "503s/req")
	b.ReportMetric(float64(errs)/n, "errors/req")
	if errs > 0 {
		b.Fatalf("%d of %d requests failed (%+v); the first errors: %q", errs, w.Total(), w, r.Errors)
	}
}
