// Command aggregate runs the aggregation service of the seed tutorial's
// fourth case (package concbench/benchmarks/aggregate): GET /aggregate
// calls the user, order and stock services at once and answers with their
// status codes.
//
// Usage:
//
//	aggregate -user URL -order URL -stock URL [flags]
//
// It serves until SIGTERM or SIGINT (Ctrl-C), then shuts down gracefully:
// new connections are refused, the requests in flight are answered
// (within -grace), and it prints what it answered. With -workers k it
// runs k worker processes of GOMAXPROCS=1 sharing the port through
// SO_REUSEPORT (Linux only), the counterpart of uvicorn --workers k;
// without, one process serves on every core.
//
// Example, against httpbin.org as in the tutorial:
//
//	aggregate -listen 127.0.0.1:8080 \
//	    -user https://httpbin.org/delay/1 -order https://httpbin.org/delay/1 -stock https://httpbin.org/delay/1
//	curl http://127.0.0.1:8080/aggregate
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"

	"concbench/benchmarks/aggregate"
)

func main() {
	err := serveChild()
	if err == errNotChild {
		ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
		err = run(ctx, os.Args[1:], os.Stderr)
		stop()
	}
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "aggregate:", err)
		os.Exit(1)
	}
}

// errNotChild says that this process is not a worker of -workers.
var errNotChild = errors.New("not a worker process")

// serveChild serves as a worker process, until SIGTERM or SIGINT, when
// -workers started this one (aggregate.IsServiceProcess), and returns
// errNotChild otherwise.
func serveChild() error {
	if !aggregate.IsServiceProcess() {
		return errNotChild
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	return aggregate.ServeProcess(ctx, os.Stdin, os.Stdout)
}

// run parses the flags and serves until ctx is done. Its messages go to
// stderr.
func run(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("aggregate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: aggregate -user URL -order URL -stock URL [flags]")
		fs.PrintDefaults()
	}
	var (
		listen      = fs.String("listen", "127.0.0.1:8080", "TCP `address` to listen on (:8080 for every interface)")
		user        = fs.String("user", "", "`URL` of the user service (required)")
		order       = fs.String("order", "", "`URL` of the order service (required)")
		stock       = fs.String("stock", "", "`URL` of the stock service (required)")
		timeout     = fs.Duration("timeout", aggregate.DefaultTimeout, "bound on each downstream call")
		fanout      = fs.String("fanout", string(aggregate.Concurrent), "how a request makes its three calls: concurrent or serial")
		maxInFlight = fs.Int("max-in-flight", aggregate.DefaultMaxInFlight, "requests handled at once per process, `n`; more are answered 503")
		grace       = fs.Duration("grace", aggregate.DefaultGrace, "how long a shutdown waits for the requests in flight")
		workers     = fs.Int("workers", 0, "run `k` worker processes with GOMAXPROCS=1 sharing the port (SO_REUSEPORT, Linux only); 0: one process")
	)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q (flags only; see -help)", fs.Args())
	}
	if *workers < 0 {
		return fmt.Errorf("-workers %d: want 0 (one process) or more", *workers)
	}
	opts := aggregate.Options{
		User: *user, Order: *order, Stock: *stock,
		Timeout:     *timeout,
		Fanout:      aggregate.Fanout(*fanout),
		MaxInFlight: *maxInFlight,
	}
	if *workers == 0 {
		return serveOne(ctx, opts, *listen, *grace, stderr)
	}
	return serveWorkers(ctx, opts, *listen, *grace, *workers, stderr)
}

// serveOne serves in this process.
func serveOne(ctx context.Context, opts aggregate.Options, listen string, grace time.Duration, stderr io.Writer) error {
	svc, err := aggregate.New(opts)
	if err != nil {
		return err
	}
	defer svc.Close()
	ln, err := aggregate.Listen(ctx, listen, false)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "aggregate: serving http://%s on %d cores; SIGTERM or Ctrl-C stops\n", ln.Addr(), runtime.GOMAXPROCS(0))
	err = svc.Run(ctx, ln, aggregate.RunOptions{
		Grace: grace,
		Began: func(c aggregate.Counters) {
			fmt.Fprintf(stderr, "aggregate: shutting down, %d requests in flight\n", c.InFlight)
		},
	})
	report(stderr, svc.Counters())
	return err
}

// serveWorkers runs k worker processes and stops them when ctx is done or
// one of them exits.
func serveWorkers(ctx context.Context, opts aggregate.Options, listen string, grace time.Duration, k int, stderr io.Writer) error {
	dep, err := aggregate.Start(aggregate.Workers, k, aggregate.Config{Options: opts, Listen: listen, Grace: grace})
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "aggregate: serving %s with %d worker processes %v; SIGTERM or Ctrl-C stops\n", dep.URL, k, dep.Pids())
	var died error
	select {
	case <-ctx.Done():
	case <-dep.Exited():
		died = errors.New("a worker process exited; stopped the others")
	}
	shutdown, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if began, err := dep.Shutdown(shutdown, syscall.SIGTERM); err == nil {
		fmt.Fprintf(stderr, "aggregate: shutting down, %d requests in flight\n", aggregate.Total(began).InFlight)
	}
	final, err := dep.Stop()
	report(stderr, aggregate.Total(final))
	return errors.Join(died, err)
}

// report prints what the service answered.
func report(w io.Writer, c aggregate.Counters) {
	fmt.Fprintf(w, "aggregate: %d requests: %d answered %d, %d answered %d, %d answered %d, %d cancelled by their client\n",
		c.Requests, c.OK, http.StatusOK, c.Failed, http.StatusBadGateway, c.Rejected, http.StatusServiceUnavailable, c.Canceled)
}
