package aggregate

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"concbench/benchmarks/reexec"
)

// ServiceEnv is the environment variable that turns a re-executed binary
// into a service process (see [Start] and [ServeProcess]).
const ServiceEnv = "CONCBENCH_AGGREGATE_SERVICE"

// IsServiceProcess reports whether this process was started by [Start]
// to be a service process. Its main (or TestMain) calls [ServeProcess]
// then, before anything else.
func IsServiceProcess() bool { return os.Getenv(ServiceEnv) != "" }

// A Deploy names how the service is deployed on k cores: the counterpart
// of uvicorn's --workers.
type Deploy string

// The deployments.
const (
	// Single is one process with GOMAXPROCS=k: its goroutines spread
	// over the cores.
	Single Deploy = "single"
	// Workers is k processes with GOMAXPROCS=1 each, listening on one
	// port with SO_REUSEPORT: the kernel spreads the connections among
	// them (uvicorn --workers k). Linux only; see [ReusePortSupported].
	Workers Deploy = "workers"
)

// Deploys lists the deployments.
func Deploys() []Deploy { return []Deploy{Single, Workers} }

// A Config is what one service process runs.
type Config struct {
	Options
	// Listen is the TCP address to listen on. Default 127.0.0.1:0, a
	// free loopback port.
	Listen string `json:"listen"`
	// ReusePort sets SO_REUSEPORT on the listener (see [Listen]).
	ReusePort bool `json:"reuse_port"`
	// Grace bounds the graceful shutdown (see [Service.Run]). Default
	// [DefaultGrace].
	Grace time.Duration `json:"grace"`
}

// An Event is one line a service process writes on its standard output,
// as JSON: first its URL, then when its shutdown began, then its exit.
type Event struct {
	// URL is the base URL the process serves, in its first line.
	URL string `json:"url,omitempty"`
	// Shutdown holds the counters when the shutdown began (the listener
	// closed): their InFlight requests are the ones it waits for.
	Shutdown *Counters `json:"shutdown,omitempty"`
	// Exit holds the counters at the end, in the last line.
	Exit *Counters `json:"exit,omitempty"`
	// Err says why the process failed, in the last line.
	Err string `json:"error,omitempty"`
}

// DrainAfter is how long a service process whose shutdown a signal
// began, having closed its listener, waits for its parent's word (its
// stdin closing) before it drains its connections: long enough for every
// worker of a deployment to close its listener first (see
// [Service.Run]).
const DrainAfter = time.Second

// ServeProcess is the service process's side of [Start]: it reads one
// [Config] as a JSON line from stdin, listens, writes its URL, and serves
// until ctx is done (the caller's signal context: SIGTERM or SIGINT) or
// stdin ends (the parent closed it, or died); then it shuts down
// gracefully (closing its listener, then, once stdin ends or after
// [DrainAfter], draining) and writes the counters (see [Event]).
func ServeProcess(ctx context.Context, stdin io.Reader, stdout io.Writer) error {
	enc := json.NewEncoder(stdout)
	err := serveProcess(ctx, stdin, enc)
	if err != nil {
		enc.Encode(Event{Err: err.Error()})
	}
	return err
}

func serveProcess(ctx context.Context, stdin io.Reader, enc *json.Encoder) error {
	in := bufio.NewReader(stdin)
	line, err := in.ReadBytes('\n')
	if err != nil {
		return fmt.Errorf("reading the configuration: %w", err)
	}
	var cfg Config
	if err := json.Unmarshal(line, &cfg); err != nil {
		return fmt.Errorf("reading the configuration: %w", err)
	}
	svc, err := New(cfg.Options)
	if err != nil {
		return err
	}
	defer svc.Close()
	if cfg.Listen == "" {
		cfg.Listen = "127.0.0.1:0"
	}
	ln, err := Listen(ctx, cfg.Listen, cfg.ReusePort)
	if err != nil {
		return err
	}
	if err := enc.Encode(Event{URL: "http://" + ln.Addr().String()}); err != nil {
		ln.Close()
		return fmt.Errorf("writing the URL: %w", err)
	}

	// Stdin's end stops the service at once; a signal (ctx) closes the
	// listener and waits for stdin's end, or DrainAfter, before draining.
	eof := make(chan struct{})
	stop, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		io.Copy(io.Discard, in)
		close(eof)
		cancel()
	}()
	drain := make(chan struct{})
	go func() {
		<-stop.Done()
		timer := time.NewTimer(DrainAfter)
		defer timer.Stop()
		select {
		case <-eof:
		case <-timer.C:
		}
		close(drain)
	}()
	err = svc.Run(stop, ln, RunOptions{
		Grace: cfg.Grace,
		Began: func(c Counters) { enc.Encode(Event{Shutdown: &c}) },
		Drain: drain,
	})
	final := svc.Counters()
	if err != nil {
		return err
	}
	if err := enc.Encode(Event{Exit: &final}); err != nil {
		return fmt.Errorf("writing the counters: %w", err)
	}
	return nil
}

// A Deployment is the service running in child processes, re-executions
// of the current binary: one for [Single], k for [Workers]. The binary's
// main (or TestMain) must call [ServeProcess] when [IsServiceProcess].
// Every process dies with its parent (see reexec.Command).
type Deployment struct {
	// URL is the base URL the deployment serves.
	URL string

	procs []*serviceProcess
	grace time.Duration

	exited     chan struct{} // closed when the first process exits
	exitedOnce sync.Once
}

// A serviceProcess is one process of a deployment and the events it
// wrote after its URL.
type serviceProcess struct {
	child    *reexec.Child
	shutdown chan Counters // the shutdown event, once
	done     chan struct{} // closed when its output has ended
	last     Event         // its last event; read it after done is closed
}

// Start starts the service deployed as d on k cores, with cfg (its Listen
// is taken as is for the first process; with [Workers] the others listen
// on the port the first one got). It returns once every process listens.
func Start(d Deploy, k int, cfg Config) (*Deployment, error) {
	if k < 1 {
		return nil, fmt.Errorf("deploying on %d cores: want at least 1", k)
	}
	if _, err := cfg.Options.withDefaults(); err != nil {
		return nil, err
	}
	n, procs := 1, k
	switch d {
	case Single:
	case Workers:
		if !ReusePortSupported {
			return nil, fmt.Errorf("deploy=workers: %w", ErrNoReusePort)
		}
		n, procs = k, 1
		cfg.ReusePort = true
	default:
		return nil, fmt.Errorf("unknown deployment %q (want single or workers)", d)
	}
	dep := &Deployment{grace: cfg.Grace, exited: make(chan struct{})}
	if dep.grace <= 0 {
		dep.grace = DefaultGrace
	}
	for i := range n {
		p, addr, err := startServiceProcess(cfg, procs)
		if err != nil {
			dep.Stop()
			return nil, fmt.Errorf("starting service process %d of %d: %w", i+1, n, err)
		}
		dep.procs = append(dep.procs, p)
		go func() {
			<-p.done
			dep.exitedOnce.Do(func() { close(dep.exited) })
		}()
		if i == 0 {
			dep.URL = "http://" + addr
			cfg.Listen = addr
		}
	}
	return dep, nil
}

// startServiceProcess starts one service process with GOMAXPROCS=procs
// and returns it with the address it listens on.
func startServiceProcess(cfg Config, procs int) (*serviceProcess, string, error) {
	child, err := reexec.Start(os.Stderr, ServiceEnv+"=1", "GOMAXPROCS="+strconv.Itoa(procs))
	if err != nil {
		return nil, "", err
	}
	fail := func(err error) (*serviceProcess, string, error) {
		child.Kill()
		child.Wait()
		return nil, "", err
	}
	line, err := json.Marshal(cfg)
	if err != nil {
		return fail(fmt.Errorf("encoding the configuration: %w", err))
	}
	if _, err := child.Stdin.Write(append(line, '\n')); err != nil {
		return fail(fmt.Errorf("writing the configuration: %w", err))
	}
	out := bufio.NewReader(child.Stdout)
	b, err := out.ReadBytes('\n')
	if err != nil {
		return fail(fmt.Errorf("reading its URL: %w", err))
	}
	var first Event
	if err := json.Unmarshal(b, &first); err != nil {
		return fail(fmt.Errorf("it wrote %q, not its URL", bytes.TrimSpace(b)))
	}
	if first.Err != "" {
		return fail(errors.New(first.Err))
	}
	addr, ok := strings.CutPrefix(first.URL, "http://")
	if !ok {
		return fail(fmt.Errorf("it wrote %q, not its URL", bytes.TrimSpace(b)))
	}
	p := &serviceProcess{child: child, shutdown: make(chan Counters, 1), done: make(chan struct{})}
	go p.read(out)
	return p, addr, nil
}

// read reads the process's events after its URL until its output ends.
func (p *serviceProcess) read(out *bufio.Reader) {
	defer close(p.done)
	p.last = Event{Err: "the process exited without writing its counters"}
	for {
		b, err := out.ReadBytes('\n')
		if err != nil {
			return
		}
		var ev Event
		switch err := json.Unmarshal(b, &ev); {
		case err != nil:
			p.last = Event{Err: fmt.Sprintf("it wrote %q, not an event", bytes.TrimSpace(b))}
		case ev.Shutdown != nil:
			p.shutdown <- *ev.Shutdown
		default:
			p.last = ev
		}
	}
}

// stop closes the process's stdin, which starts its graceful shutdown
// unless a signal has already, and reaps it, killing it if it has not
// exited within grace and 10 s more. It returns the counters of its exit.
func (p *serviceProcess) stop(grace time.Duration) (Counters, error) {
	p.child.Stdin.Close()
	limit := grace + 10*time.Second
	timer := time.NewTimer(limit)
	defer timer.Stop()
	select {
	case <-p.done:
	case <-timer.C:
		p.child.Kill()
		<-p.done
		p.child.Wait()
		return Counters{}, fmt.Errorf("did not exit within %s of its stdin closing; killed", limit)
	}
	waitErr := p.child.Wait()
	switch {
	case p.last.Err != "":
		return Counters{}, errors.New(p.last.Err)
	case waitErr != nil:
		return Counters{}, waitErr
	case p.last.Exit == nil:
		return Counters{}, errors.New("the process wrote no counters at its exit")
	}
	return *p.last.Exit, nil
}

// Exited returns a channel that is closed when a process of the
// deployment has exited, whether stopped or not: a supervisor watches it
// to notice a worker that died.
func (d *Deployment) Exited() <-chan struct{} { return d.exited }

// Pids returns the process ids of the deployment's processes.
func (d *Deployment) Pids() []int {
	pids := make([]int, len(d.procs))
	for i, p := range d.procs {
		pids[i] = p.child.Pid()
	}
	return pids
}

// Shutdown sends sig (SIGTERM, say) to every process of the deployment
// and waits until each has begun its graceful shutdown, that is, closed
// its listener; then every process drains its connections and exits
// (see [Service.Run]: no process closes a connection while another
// still accepts). It returns the counters of each when its listener
// closed. Call [Deployment.Stop] to wait for the exits.
func (d *Deployment) Shutdown(ctx context.Context, sig os.Signal) ([]Counters, error) {
	for _, p := range d.procs {
		if err := p.child.Signal(sig); err != nil {
			return nil, fmt.Errorf("signalling service process %d: %w", p.child.Pid(), err)
		}
	}
	out := make([]Counters, len(d.procs))
	for i, p := range d.procs {
		select {
		case out[i] = <-p.shutdown:
		case <-p.done:
			return nil, fmt.Errorf("service process %d exited before its shutdown began", p.child.Pid())
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for service process %d to begin its shutdown: %w", p.child.Pid(), ctx.Err())
		}
	}
	// Every listener is closed: let them drain.
	for _, p := range d.procs {
		p.child.Stdin.Close()
	}
	return out, nil
}

// Stop stops every process of the deployment gracefully (as SIGTERM
// does, if no signal has) and reaps it, and returns the counters each
// wrote at its exit. A process still running after the grace of its
// shutdown and 10 s more is killed. Stop may be called more than once.
func (d *Deployment) Stop() ([]Counters, error) {
	var (
		wg   sync.WaitGroup
		out  = make([]Counters, len(d.procs))
		errs = make([]error, len(d.procs))
	)
	for i, p := range d.procs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := p.stop(d.grace)
			if err != nil {
				err = fmt.Errorf("service process %d: %w", p.child.Pid(), err)
			}
			out[i], errs[i] = c, err
		}()
	}
	wg.Wait()
	return out, errors.Join(errs...)
}
