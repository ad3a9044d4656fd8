package load

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"concbench/benchmarks/reexec"
)

// ProcessEnv is the environment variable that turns a re-executed binary
// into a load generator (see [Start] and [ServeProcess]).
const ProcessEnv = "CONCBENCH_AGGREGATE_LOAD"

// IsProcess reports whether this process was started by [Start] to be a
// load generator. Its main (or TestMain) calls [ServeProcess] then,
// before anything else.
func IsProcess() bool { return os.Getenv(ProcessEnv) != "" }

// A message is one line between a generator and its parent, as JSON.
// The parent sends the options, then a query; the generator sends ticks,
// then the result.
type message struct {
	Tick   int64   `json:"tick,omitempty"`
	Result *Result `json:"result,omitempty"`
	Err    string  `json:"error,omitempty"`
}

// ServeProcess is the load generator's side of [Start]: it reads
// [Options] as a JSON line from stdin, runs the loop, writes a tick line
// after each tick, and when a [Query] line comes, stops the loop and
// writes the result. It returns when stdin ends; if the loop is still
// running then (the parent died), it stops it first.
func ServeProcess(stdin io.Reader, stdout io.Writer) error {
	var (
		mu  sync.Mutex
		enc = json.NewEncoder(stdout)
	)
	send := func(m message) error {
		mu.Lock()
		defer mu.Unlock()
		return enc.Encode(m)
	}
	err := serveProcess(bufio.NewReader(stdin), send)
	if err != nil {
		send(message{Err: err.Error()})
	}
	return err
}

func serveProcess(in *bufio.Reader, send func(message) error) error {
	var opts Options
	if err := readJSON(in, &opts); err != nil {
		return fmt.Errorf("reading the options: %w", err)
	}
	l, err := Begin(opts)
	if err != nil {
		return err
	}
	stopTicks := make(chan struct{})
	ticksDone := make(chan struct{})
	go func() {
		defer close(ticksDone)
		var sent int64
		for {
			select {
			case <-l.tick:
			case <-stopTicks:
				return
			}
			if n, _ := l.Ticks(); n > sent {
				send(message{Tick: n})
				sent = n
			}
		}
	}()
	var q Query
	qErr := readJSON(in, &q)
	r := l.Stop(q)
	close(stopTicks)
	<-ticksDone
	if qErr != nil {
		if errors.Is(qErr, io.EOF) {
			return nil // the parent left without asking
		}
		return fmt.Errorf("reading the query: %w", qErr)
	}
	if err := send(message{Result: &r}); err != nil {
		return fmt.Errorf("writing the result: %w", err)
	}
	io.Copy(io.Discard, in)
	return nil
}

// readJSON reads one line of JSON into v.
func readJSON(r *bufio.Reader, v any) error {
	line, err := r.ReadBytes('\n')
	if err != nil {
		if errors.Is(err, io.EOF) && len(bytes.TrimSpace(line)) == 0 {
			return io.EOF
		}
		return err
	}
	return json.Unmarshal(line, v)
}

// A Generator is a closed loop running in a child process: the current
// binary re-executed with [ProcessEnv] set, with GOMAXPROCS set to the
// number of CPUs whatever the parent's, dying with its parent.
type Generator struct {
	opts  Options
	child *reexec.Child

	ticks  atomic.Int64
	tick   chan struct{} // a token after new ticks; capacity 1
	result chan message  // the result message, once
	done   chan struct{} // closed when the child's output has ended

	stopOnce sync.Once
	res      Result
	stopErr  error
}

// Start starts a load generator process with opts and returns once it
// has started its clients.
func Start(opts Options) (*Generator, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	child, err := reexec.Start(os.Stderr, ProcessEnv+"=1", "GOMAXPROCS="+strconv.Itoa(runtime.NumCPU()))
	if err != nil {
		return nil, fmt.Errorf("starting the load generator: %w", err)
	}
	g := &Generator{
		opts:   opts,
		child:  child,
		tick:   make(chan struct{}, 1),
		result: make(chan message, 1),
		done:   make(chan struct{}),
	}
	line, _ := json.Marshal(opts)
	if _, err := child.Stdin.Write(append(line, '\n')); err != nil {
		child.Kill()
		child.Wait()
		return nil, fmt.Errorf("starting the load generator: writing its options: %w", err)
	}
	go g.read()
	return g, nil
}

// read reads the generator's messages until its output ends. The first
// message that is not a tick is the result (or why there is none); it is
// passed on at once.
func (g *Generator) read() {
	defer close(g.done)
	out := bufio.NewReader(g.child.Stdout)
	sent := false
	for {
		var m message
		if err := readJSON(out, &m); err != nil {
			if !sent {
				msg := "the load generator exited without a result"
				if !errors.Is(err, io.EOF) {
					msg = fmt.Sprintf("reading the load generator: %v", err)
				}
				g.result <- message{Err: msg}
			}
			return
		}
		if m.Tick > 0 {
			g.ticks.Store(m.Tick)
			select {
			case g.tick <- struct{}{}:
			default:
			}
			continue
		}
		if !sent {
			g.result <- m
			sent = true
		}
	}
}

// WaitTick waits until the generator has reached tick n.
func (g *Generator) WaitTick(ctx context.Context, n int64) error {
	return waitTick(ctx, n, func() (int64, <-chan struct{}) { return g.ticks.Load(), g.tick }, g.done)
}

// Ticks returns the last tick the generator reported.
func (g *Generator) Ticks() int64 { return g.ticks.Load() }

// Stop stops the loop, waits for its result for q, and reaps the
// process. It may be called more than once (the first query counts), and
// after a failure: it always reaps the process.
func (g *Generator) Stop(q Query) (Result, error) {
	g.stopOnce.Do(func() {
		line, _ := json.Marshal(q)
		if _, err := g.child.Stdin.Write(append(line, '\n')); err != nil {
			g.stopErr = fmt.Errorf("load generator: sending the query: %w", err)
		}
		// The clients end their requests in flight within the timeout.
		timer := time.NewTimer(g.opts.Timeout + 10*time.Second)
		defer timer.Stop()
		var m message
		select {
		case m = <-g.result:
		case <-timer.C:
			m = message{Err: "no result within the request timeout and 10s more"}
		}
		if err := g.child.Stop(10 * time.Second); err != nil && g.stopErr == nil {
			g.stopErr = fmt.Errorf("load generator: %w", err)
		}
		<-g.done
		switch {
		case g.stopErr != nil:
		case m.Err != "":
			g.stopErr = errors.New("load generator: " + m.Err)
		case m.Result == nil:
			g.stopErr = errors.New("load generator: no result")
		default:
			g.res = *m.Result
		}
	})
	return g.res, g.stopErr
}
