// Package benchmarks holds the code concbench measures: the concurrency
// models and one package per case of the seed tutorial
// (concurrency-vs-parallelism, a Python tutorial ported here to Go).
//
// # Layout
//
//	models/     the concurrency models behind one API (serial, goroutines,
//	            pool, chanpool, errgroup, semaphore, procpool)
//	profile/    the input sizes: quick, full, seed
//	factorize/  seed case 2: CPU-bound trial-division factorisation, and
//	            the sweep of its task size against each model's overhead
//	fetch/      seed case 1 and section 7: I/O-bound batch fetch, Semaphore(10)
//	prodcons/   seed case 3: producer/consumer over a bounded queue
//	aggregate/  seed case 4: the aggregation web service, its fan-out, one
//	            process against worker processes under load (load/: the
//	            closed-loop load generator; cmd/aggregate: the service)
//	syncprims/  seed section 7: the sync primitives
//	pitfalls/   seed section 9: every pitfall as a test, with the Go
//	            remedy, and the seed's five measured by a benchmark
//	reexec/     re-execution of the current binary as a child process (the
//	            process pool's workers, the fetch server, the aggregation
//	            service and its load generator, ping-pong partners)
//
// # Benchmark names
//
// Every benchmark is named BenchmarkCase/key=value/key=value, so that
// benchstat and the report can group results by key. The keys, all
// lowercase, come from this list:
//
//	model      the concurrency model (models.Model): serial, goroutines, ...
//	items      how many tasks one operation runs
//	n          the input of a CPU task (the number factorised)
//	workers    the bound k of a pool, errgroup or semaphore, when it is not
//	           the model's default
//	delay      the server-side delay of one request (a time.Duration)
//	requests   how many requests one operation sends
//	transport  the HTTP client: default, tuned (http.Transport settings),
//	           h2c (HTTP/2 without TLS) or lean (fetch.LeanClient)
//	queue      the queue implementation of producer/consumer: chan or cond
//	consumers  how many consumers drain the queue
//	work       the CPU work per item: spin iterations in prodcons, trial
//	           divisions in factorize's TaskSize
//	kind       the variant of a primitive (goroutine, thread, process, ...),
//	           or of a pitfall's tasks started without a model
//	           (go-statement)
//	prim       the synchronisation primitive under test
//	mix        the read/write mix of a lock benchmark
//	deploy     how a service is deployed on k cores: single (one process,
//	           GOMAXPROCS=k) or workers (k processes, GOMAXPROCS=1 each)
//	fanout     how one request calls its downstream services: serial or
//	           concurrent
//	clients    how many clients a closed-loop load runs
//	pitfall    the seed's pitfall a benchmark measures: globals, blocking,
//	           swallowed, picklable, gather
//	errors     the error mode of a model (models.ErrorMode): fail-fast or
//	           collect-all
//	blocker    what runs beside the goroutine measured: syscall (blocked
//	           in a read system call) or cpu-bound (never yields)
//	input      the kind of a task's input: func (a function value),
//	           exported-struct
//
// No name part ends in -digits: the trailing -N of a benchmark line is
// GOMAXPROCS, set with go test -cpu, and is absent when GOMAXPROCS is 1.
// GOMAXPROCS=1 is the counterpart of Python's GIL: concurrency without
// parallelism.
//
// Sweep GOMAXPROCS with one go test process per value (GOMAXPROCS=2 go test
// -cpu 2 ...), as tools/benchrun does, rather than with one -cpu 1,2 list:
// go test runs the first sample of every sub-benchmark at the GOMAXPROCS
// the previous one left behind, the list's last value
// (https://go.dev/issue/49980), so a parallel model's first "1-core"
// sample runs on every core.
//
// Custom per-operation figures are reported with testing.B.ReportMetric
// (items/s, ratio-to-delay, max-inflight, req/s, p99-latency-ns, ...).
//
// # HTTP clients: size the idle pool to the concurrency
//
// Go's http.DefaultTransport, which http.Get and a zero http.Client use,
// keeps at most 2 idle connections per host
// (http.DefaultMaxIdleConnsPerHost). A client that sends n requests to one
// host at once opens n connections and, as they finish, closes all but 2:
// the next burst dials n-2 connections again, and every connection the
// client closes holds a local port in TIME_WAIT for a minute. A client
// that talks to one host with high concurrency should clone
// http.DefaultTransport and set MaxIdleConnsPerHost to that concurrency,
// and MaxIdleConns (100 by default, for all hosts together) at least as
// high. MaxConnsPerHost is a different knob: it caps the connections and
// queues the requests beyond the cap. fetch.NewTransport builds both
// transports, and fetch's BenchmarkInflight compares them
// (new-conns/op counts the connections the server accepted per burst),
// with HTTP/2 over a few connections and a lean HTTP/1.1 client.
package benchmarks
