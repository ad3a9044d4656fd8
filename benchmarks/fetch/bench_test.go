package fetch_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http/httptrace"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"concbench/benchmarks/fetch"
	"concbench/benchmarks/models"
	"concbench/benchmarks/profile"
)

// The sizes of the case, per profile. The seed fetches 5 URLs that answer
// after 1 s, and limits 100 requests to 10 in flight; quick and full keep
// the counts and shorten the delay. A request on loopback costs a fraction
// of a millisecond, so that 50 ms dominates it.
const (
	fetchItems    = 5
	limitRequests = 100
	limitWorkers  = 10
)

// delay is the server's delay of BenchmarkFetch: the seed's 1 s in the
// seed profile.
func delay(b *testing.B) time.Duration {
	return profile.Pick(b, 50*time.Millisecond, 200*time.Millisecond, time.Second)
}

// limitDelay is the server's delay of BenchmarkRateLimit. The seed's
// limit example fetches /get, which httpbin answers at once: what its
// requests wait for is the network. The seed profile gives them 100 ms,
// long enough that the 10 requests allowed are always in flight together,
// so that the limit is reached, and short enough that the 10 rounds of a
// batch take a second, not the 10 s of 1 s delays.
func limitDelay(b *testing.B) time.Duration {
	return profile.Pick(b, 50*time.Millisecond, 200*time.Millisecond, 100*time.Millisecond)
}

// inflightSizes are the sizes of BenchmarkInflight: the counts of
// requests at once, the server's delay, and the transports. The seed
// profile is the seed's claim at its low end, 10,000 requests, with its
// 1 s delay, on two transports: net/http's, tuned for the concurrency, and
// the lean client, the least a request in flight costs (the curve over
// every transport is not the seed's case). full draws the curve of the
// cost against the count at that delay: 100, 1,000 and 10,000 requests,
// and the most this machine's open-file limit and ports allow
// ([mostInflight]). quick sends 1,000 with a shorter delay, to keep the
// suite's quick run in minutes; its name says so. At every size, the
// delay is longer than the time a 2-core client needs to send all the
// requests, so that all are in flight together and the figures per
// request are figures per request in flight.
func inflightSizes(b *testing.B) (counts []int, d time.Duration, transports []fetch.Transport) {
	b.Helper()
	full := []int{100, 1000, 10000}
	if most, err := mostInflight(); err != nil {
		b.Logf("the largest count is left out: %v", err)
	} else if most > full[len(full)-1] {
		full = append(full, most)
	}
	counts = profile.Pick(b, []int{1000}, full, []int{10000})
	d = profile.Pick(b, 250*time.Millisecond, time.Second, time.Second)
	transports = profile.Pick(b, fetch.Transports(), fetch.Transports(), []fetch.Transport{fetch.TunedTransport, fetch.LeanTransport})
	return counts, d, transports
}

// spareFiles are the files a process of the benchmark holds besides its
// connections: the binary, pipes, the poller, the control connections.
const spareFiles = 64

// mostInflight returns the most requests this machine lets be in flight at
// once: each connection is a file in this process and one in the server's,
// which has the same limit, and a local port. Half the ephemeral ports
// only: a connection the client closed keeps its port in TIME_WAIT for a
// minute, and the next benchmark dials as many again. With more, the
// kernel reuses ports still in TIME_WAIT, and some of those connections
// are refused or reset (PAWS), which a client sees as retries and a slow
// batch (measured at 19,000 connections on a 28,232-port range). It keeps
// twice spareFiles free, and rounds down to a multiple of 1,000 so that
// the name stays the same under small changes of the limits.
func mostInflight() (int, error) {
	files, err := openFilesLimit()
	if err != nil {
		return 0, err
	}
	most := int(min(files, 1<<30)) - 2*spareFiles
	if ports, err := ephemeralPorts(); err == nil {
		most = min(most, ports/2-2*spareFiles)
	}
	most = most / 1000 * 1000
	if most < 1000 {
		return 0, fmt.Errorf("the open files limit (ulimit -n, %d) or the ephemeral ports leave room for fewer than 1,000 requests at once", files)
	}
	return most, nil
}

// benchTimeout bounds one request of a benchmark: a hung server fails the
// benchmark instead of stalling the suite.
const benchTimeout = 2 * time.Minute

// delayURLs returns n URLs of the delay endpoint, told apart by an id (the
// seed's /get?id=i): the server ignores it.
func delayURLs(d time.Duration, n int) []string {
	return withIDs(fetch.DelayURL(baseURL, d), n)
}

// withIDs returns n copies of url told apart by an id, ?id=i.
func withIDs(url string, n int) []string {
	urls := make([]string, n)
	for i := range urls {
		urls[i] = url + "?id=" + strconv.Itoa(i)
	}
	return urls
}

// BenchmarkFetch is the seed's first case: 5 URLs that each answer after
// one delay. The bounded models run 5 at once (pool is the seed's
// ThreadPoolExecutor(max_workers=5)); serial takes 5 delays, every other
// model one, at any GOMAXPROCS: waiting needs no core. ratio-to-delay is
// the wall time of one batch over the delay.
func BenchmarkFetch(b *testing.B) {
	d := delay(b)
	urls := delayURLs(d, fetchItems)
	for _, m := range models.InProcess() {
		b.Run(fmt.Sprintf("model=%s/items=%d/delay=%s", m, fetchItems, d), func(b *testing.B) {
			client := newClient(b, fetch.TunedTransport, fetchItems, benchTimeout)
			job := fetch.Job(client)
			opts := models.Options{Workers: fetchItems}
			warmUp(b, job, urls)
			b.ReportAllocs()
			for b.Loop() {
				mustMap(b, m, job, urls, opts)
			}
			perOp := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(perOp/d.Seconds(), "ratio-to-delay")
		})
	}
}

// BenchmarkRateLimit is the seed's section 7: 100 requests, at most 10 in
// flight (asyncio.Semaphore(10)), under the three bounded models.
// max-inflight is the most requests the server saw at once, over every
// batch; ratio-to-ideal is the wall time of one batch over
// ceil(100/10) delays, the best a limit of 10 allows.
func BenchmarkRateLimit(b *testing.B) {
	d := limitDelay(b)
	urls := delayURLs(d, limitRequests)
	ideal := time.Duration(math.Ceil(float64(limitRequests)/limitWorkers)) * d
	for _, m := range []models.Model{models.Semaphore, models.Errgroup, models.Pool} {
		b.Run(fmt.Sprintf("model=%s/requests=%d/workers=%d/delay=%s", m, limitRequests, limitWorkers, d), func(b *testing.B) {
			client := newClient(b, fetch.TunedTransport, limitWorkers, benchTimeout)
			job := fetch.Job(client)
			opts := models.Options{Workers: limitWorkers}
			warmUp(b, job, urls[:limitWorkers])
			if server != nil {
				resetServer(b)
			}
			b.ReportAllocs()
			for b.Loop() {
				mustMap(b, m, job, urls, opts)
			}
			perOp := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(perOp/ideal.Seconds(), "ratio-to-ideal")
			if server == nil {
				return // the server's view is unknown: no max-inflight
			}
			st, err := server.Stats(b.Context())
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(st.MaxInFlight), "max-inflight")
			if st.MaxInFlight > limitWorkers {
				b.Errorf("the server saw %d requests in flight at once; the limit is %d", st.MaxInFlight, limitWorkers)
			}
		})
	}
}

// warmUp sends urls all at once, so that every batch measured finds the
// connections it needs open, as a long-running client would.
func warmUp(b *testing.B, job models.Job[string, int], urls []string) {
	b.Helper()
	mustMap(b, models.Goroutines, job, urls, models.Options{})
}

func mustMap(b *testing.B, m models.Model, job models.Job[string, int], urls []string, opts models.Options) {
	b.Helper()
	if _, err := models.Map(b.Context(), m, job, urls, opts); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkInflight tests the seed's claim that one event loop holds tens
// of thousands of connections at a few KB each: many requests at once
// (see inflightSizes), one goroutine each, on each transport (see
// fetch.Transports; the seed profile runs the second and the last): Go's
// default transport, one tuned for the concurrency, HTTP/2 without TLS
// over a few connections, and the lean HTTP/1.1 client.
//
// The requests go to the bare delay endpoint (see inflightURLs and
// fetch.BareBase), not to httpbin's /delay: the seed's requests wait on
// a server elsewhere, but here the server shares the machine's cores with
// the client, and every microsecond it spends on a request delays the
// answers the client waits for. httpbin's JSON echo of each request
// cost the server 76 µs of CPU per request, more than the lean client's
// own 30; on the bare server it spends 18. The HTTP/1.1 transports meet
// the bare server; h2c, which it does not speak, meets net/http's server
// with the bare handler (45 µs per request), and pays for it.
//
// Reported per batch:
//
//	ratio-to-delay       wall time over the server's delay
//	KB/req               client memory per request, from the runtime's
//	                     memory statistics (not RSS): heap spans in use
//	                     plus goroutine stacks (MemStats HeapInuse +
//	                     StackInuse) when the last request has been sent,
//	                     less the same before the first connection, over
//	                     the requests. Garbage not yet collected counts, so
//	                     it is an upper bound of the live memory; the
//	                     garbage of the first batch (for HTTP/2, a storm of
//	                     redundant dials) is collected before the batches
//	                     measured.
//	goroutines/req       goroutines then, less those before, over the
//	                     requests
//	errors               failed requests; anything but 0 fails
//	max-inflight         the most requests the server saw at once
//	new-conns/op         connections the server accepted per batch
//	max-open-conns       the most connections open at the server at once
//	                     (HTTP/2 multiplexes the requests over a few)
//	listen-overflows/op  connections the kernel dropped because the
//	                     server's listen backlog was full (Linux, counted
//	                     for the whole machine); each costs its client a
//	                     SYN retry one second later
//
// One batch runs before the measured ones, so that those measure what a
// long-running client sees: the tuned transport and the lean client reuse
// their connections, the default one keeps 2 and dials the rest again.
func BenchmarkInflight(b *testing.B) {
	counts, d, transports := inflightSizes(b)
	for _, n := range counts {
		for _, kind := range transports {
			b.Run(fmt.Sprintf("model=goroutines/requests=%d/transport=%s/delay=%s", n, kind, d), func(b *testing.B) {
				checkLimits(b, n)
				benchInflight(b, kind, inflightURLs(kind, d, n), d)
			})
		}
	}
}

// inflightURLs returns the n URLs of BenchmarkInflight on a transport: the
// bare delay endpoint (see fetch.BareBase), on the bare server for the
// HTTP/1.1 transports and through net/http's server for h2c; httpbin's
// /delay when CONCBENCH_FETCH_URL names another server. Each is told apart
// by an id, as delayURLs does.
func inflightURLs(kind fetch.Transport, d time.Duration, n int) []string {
	if server == nil {
		return delayURLs(d, n)
	}
	base := server.Bare
	if kind == fetch.H2CTransport {
		base = server.URL + fetch.BareBase
	}
	return withIDs(fetch.DelayURL(base, d), n)
}

// benchInflight sends urls all at once on a client of the given kind,
// once to warm up and then once per measured batch.
func benchInflight(b *testing.B, kind fetch.Transport, urls []string, d time.Duration) {
	n := len(urls)
	if server != nil {
		// The server may still be closing the connections of the
		// previous benchmark; with thousands of them, those would
		// count against its open-file limit while this one dials.
		zero := int64(0)
		if _, err := server.Wait(b.Context(), fetch.Want{OpenConns: &zero}, time.Minute); err != nil {
			b.Fatalf("connections of the previous benchmark still open: %v", err)
		}
	}
	runtime.GC()
	before := sampleNow()
	client := newClient(b, kind, n, benchTimeout)
	job := fetch.Job(client)

	var (
		mu      sync.Mutex
		peaks   []sample
		written atomic.Int64
	)
	trace := &httptrace.ClientTrace{WroteRequest: func(httptrace.WroteRequestInfo) {
		if written.Add(1) == int64(n) {
			s := sampleNow()
			mu.Lock()
			peaks = append(peaks, s)
			mu.Unlock()
		}
	}}
	ctx := httptrace.WithClientTrace(b.Context(), trace)
	burst := func() {
		written.Store(0)
		_, err := models.Map(ctx, models.Goroutines, job, urls, models.Options{Errors: models.CollectAll})
		if err != nil {
			failInflight(b, err, n)
		}
	}

	burst()
	mu.Lock()
	peaks = nil // the batches measured are the ones to sample
	mu.Unlock()
	runtime.GC()
	overflows0, overflowsErr := listenOverflows()
	if server != nil {
		resetServer(b)
	}
	b.ReportAllocs()
	for b.Loop() {
		burst()
	}
	perOp := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(perOp/d.Seconds(), "ratio-to-delay")
	b.ReportMetric(0, "errors") // any error has failed the benchmark
	if overflowsErr == nil {
		if overflows1, err := listenOverflows(); err == nil {
			b.ReportMetric(float64(overflows1-overflows0)/float64(b.N), "listen-overflows/op")
		}
	}
	reportPeaks(b, before, peaks, n)
	if server != nil {
		st, err := server.Stats(b.Context())
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(st.MaxInFlight), "max-inflight")
		b.ReportMetric(float64(st.NewConns)/float64(b.N), "new-conns/op")
		b.ReportMetric(float64(st.MaxOpenConns), "max-open-conns")
	}
	client.CloseIdleConnections()
}

// A sample is the client's footprint at one moment.
type sample struct {
	heapStack  uint64 // runtime.MemStats HeapInuse + StackInuse
	goroutines int
}

func sampleNow() sample {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return sample{heapStack: ms.HeapInuse + ms.StackInuse, goroutines: runtime.NumGoroutine()}
}

// reportPeaks reports the mean footprint per request of the peaks over
// the baseline.
func reportPeaks(b *testing.B, before sample, peaks []sample, n int) {
	b.Helper()
	if len(peaks) == 0 {
		b.Fatal("no batch sent all its requests")
	}
	var heapStack, goroutines float64
	for _, p := range peaks {
		heapStack += float64(p.heapStack) - float64(before.heapStack)
		goroutines += float64(p.goroutines - before.goroutines)
	}
	per := float64(len(peaks)) * float64(n)
	b.ReportMetric(heapStack/per/1024, "KB/req")
	b.ReportMetric(goroutines/per, "goroutines/req")
}

// checkLimits fails b, naming the limit, when this machine cannot hold n
// connections at once. The listen backlog does not block: it is logged,
// and its overflows are measured.
func checkLimits(b *testing.B, n int) {
	b.Helper()
	// Each connection is a file in this process and one in the server's;
	// a few more are the binary, pipes and the control connections.
	if files, err := openFilesLimit(); err == nil && files < uint64(n+spareFiles) {
		b.Fatalf("the open files limit (ulimit -n, RLIMIT_NOFILE) is %d; %d requests in flight need %d: raise it", files, n, n+spareFiles)
	}
	if ports, err := ephemeralPorts(); err == nil && ports < n {
		b.Fatalf("the ephemeral port range (net.ipv4.ip_local_port_range) holds %d ports; %d connections need %d", ports, n, n)
	}
	if backlog, err := somaxconn(); err == nil {
		b.Logf("net.core.somaxconn (the largest listen backlog) is %d for %d connections at once", backlog, n)
	}
}

// failInflight fails b with the number of failed requests and, when the
// first one names a known limit, that limit.
func failInflight(b *testing.B, err error, n int) {
	b.Helper()
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	first := errs[0]
	hint := ""
	switch {
	case errors.Is(first, syscall.EMFILE), errors.Is(first, syscall.ENFILE):
		hint = " (the open files limit, ulimit -n)"
	case errors.Is(first, syscall.EADDRNOTAVAIL):
		hint = " (the ephemeral ports, net.ipv4.ip_local_port_range)"
	case errors.Is(first, syscall.ECONNREFUSED), errors.Is(first, syscall.ETIMEDOUT):
		hint = " (the listen backlog, net.core.somaxconn)"
	case errors.Is(first, context.DeadlineExceeded):
		hint = fmt.Sprintf(" (a request took longer than %s)", benchTimeout)
	}
	b.Fatalf("%d of %d requests failed; the first: %v%s", len(errs), n, first, hint)
}
