package aggregate_test

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"testing"
	"time"

	"concbench/benchmarks/aggregate"
	"concbench/benchmarks/aggregate/load"
	"concbench/benchmarks/fetch"

	"go.uber.org/goleak"
)

// downstream is the user, order and stock services of every test and
// benchmark: the fetch case's go-httpbin server in a child process, whose
// counters show what the aggregation service did to it. TestMain starts it.
var downstream *fetch.Process

// TestMain runs the tests, or one of the child processes the tests start
// by re-executing this binary: the downstream server, a service process
// or a load generator.
func TestMain(m *testing.M) {
	var err error
	switch {
	case fetch.IsServerProcess():
		err = fetch.ServeProcess(context.Background(), os.Stdin, os.Stdout)
	case aggregate.IsServiceProcess():
		ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
		err = aggregate.ServeProcess(ctx, os.Stdin, os.Stdout)
		stop()
	case load.IsProcess():
		err = load.ServeProcess(os.Stdin, os.Stdout)
	default:
		os.Exit(runTests(m))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "aggregate test child:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

func runTests(m *testing.M) int {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	p, err := fetch.StartServer(ctx)
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, "aggregate: starting the downstream server:", err)
		return 1
	}
	downstream = p
	code := m.Run()
	if err := downstream.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, "aggregate: stopping the downstream server:", err)
		code = 1
	}
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "aggregate: goroutines left behind:", err)
			code = 1
		}
	}
	return code
}
