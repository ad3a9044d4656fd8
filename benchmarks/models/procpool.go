package models

import (
	"bytes"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"concbench/benchmarks/reexec"
)

// WorkerEnv is the environment variable that turns a re-executed binary
// into a ProcPool worker (see [Serve]).
const WorkerEnv = "CONCBENCH_PROCPOOL_WORKER"

// A request asks a worker to run one task.
type request struct {
	Index int
	Job   string
	Input []byte // the gob encoding of the input
}

// A response carries the outcome of one request.
type response struct {
	Index  int
	Output []byte // the gob encoding of the result
	Err    string // the task's error, if any
	Panic  string // the panic value's text, if the task panicked
	Stack  string
}

// Serve makes the current process a ProcPool worker when the environment
// says so ([WorkerEnv] is set): it runs the jobs of r that the parent sends
// on standard input, answers on standard output, and exits when standard
// input closes. Otherwise it returns at once. Call it first thing in main,
// or in TestMain before m.Run, of every binary that uses ProcPool: the pool
// re-executes the current binary to start its workers.
func Serve(r *Registry) {
	if os.Getenv(WorkerEnv) == "" {
		return
	}
	if err := serve(r, os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "procpool worker:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// serve answers requests from in on out until in ends.
func serve(r *Registry, in io.Reader, out io.Writer) error {
	dec := gob.NewDecoder(in)
	enc := gob.NewEncoder(out)
	ctx := context.Background()
	for {
		var req request
		if err := dec.Decode(&req); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("reading request: %w", err)
		}
		resp := response{Index: req.Index}
		h, ok := r.handlers[req.Job]
		if !ok {
			resp.Err = fmt.Sprintf("job %q is not registered in the worker process (register it with models.Register in the registry passed to models.Serve)", req.Job)
		} else if v, err := h(ctx, req.Input); err != nil {
			var p *PanicError
			if errors.As(err, &p) {
				resp.Panic, resp.Stack = fmt.Sprint(p.Value), string(p.Stack)
			} else {
				resp.Err = err.Error()
			}
		} else {
			resp.Output = v
		}
		if err := enc.Encode(&resp); err != nil {
			return fmt.Errorf("writing response: %w", err)
		}
	}
}

// runProcPool runs the batch in k worker processes. It returns an error only
// when the workers could not be started; task errors go to the batch.
func runProcPool[In, Out any](b *batch[In, Out], name string, k int) error {
	if name == "" {
		return errors.New("models: procpool needs a named job: a function value cannot be sent to another process (give the Job a Name and register it with models.Register)")
	}
	if len(b.in) == 0 {
		return nil
	}
	k = min(k, len(b.in))
	procs := &processes{}
	defer procs.stopAll()
	first := make([]*worker, k)
	var err error
	for slot := range first {
		if first[slot], err = procs.start(); err != nil {
			return fmt.Errorf("models: procpool: %w", err)
		}
	}

	// Cancellation kills the workers: a task in another process cannot see
	// a context, and a killed worker is one that cannot be left behind.
	stopWatch := context.AfterFunc(b.ctx, procs.killAll)
	defer stopWatch()

	jobs := make(chan int)
	var wg sync.WaitGroup
	wg.Add(k)
	for _, w := range first {
		go func() {
			defer wg.Done()
			for i := range jobs {
				w = runRemote(b, name, procs, w, i)
			}
		}()
	}
	b.feed(jobs)
	wg.Wait()
	return nil
}

// runRemote runs task i on w and returns the worker to use next: w, or nil
// when w died (the next task then starts a fresh one).
func runRemote[In, Out any](b *batch[In, Out], name string, procs *processes, w *worker, i int) *worker {
	if b.stopped() {
		return w
	}
	var in bytes.Buffer
	if err := gob.NewEncoder(&in).Encode(&b.in[i]); err != nil {
		b.fail(i, fmt.Errorf("procpool: input of job %q cannot be sent to a worker process: %w", name, err))
		return w
	}
	if w == nil {
		var err error
		if w, err = procs.start(); err != nil {
			if !b.stopped() {
				b.fail(i, fmt.Errorf("procpool: %w", err))
			}
			return nil
		}
	}
	resp, err := w.call(request{Index: i, Job: name, Input: in.Bytes()})
	if err != nil {
		if !b.stopped() {
			b.fail(i, fmt.Errorf("procpool: worker process died running job %q: %w", name, err))
		}
		return nil
	}
	switch {
	case resp.Panic != "":
		b.fail(i, &PanicError{Value: resp.Panic, Stack: []byte(resp.Stack)})
	case resp.Err != "":
		b.fail(i, errors.New(resp.Err))
	default:
		var v Out
		if err := gob.NewDecoder(bytes.NewReader(resp.Output)).Decode(&v); err != nil {
			b.fail(i, fmt.Errorf("procpool: decoding result of job %q: %w", name, err))
			return w
		}
		b.finish(i, v, nil)
	}
	return w
}

// processes tracks every worker a pool started, so that all of them are
// killed on cancellation and reaped before Map returns.
type processes struct {
	mu     sync.Mutex
	all    []*worker
	killed bool
}

// start starts one more worker, unless the pool was killed.
func (p *processes) start() (*worker, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.killed {
		return nil, errors.New("pool stopped")
	}
	w, err := startWorker()
	if err != nil {
		return nil, err
	}
	p.all = append(p.all, w)
	return w, nil
}

// killAll kills every worker and lets no new one start.
func (p *processes) killAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.killed = true
	for _, w := range p.all {
		w.child.Kill()
	}
}

// stopAll closes every worker's input, which makes it exit, and reaps it.
// All inputs close first so that the workers exit in parallel.
func (p *processes) stopAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.killed = true
	for _, w := range p.all {
		w.child.Stdin.Close()
	}
	for _, w := range p.all {
		w.child.Wait()
	}
}

// A worker is one child process of the pool.
type worker struct {
	child  *reexec.Child
	enc    *gob.Encoder
	dec    *gob.Decoder
	stderr *tailBuffer
}

// startWorker re-executes the current binary as a worker with
// GOMAXPROCS=1.
func startWorker() (*worker, error) {
	stderr := &tailBuffer{max: 4 << 10}
	child, err := reexec.Start(stderr, WorkerEnv+"=1", "GOMAXPROCS=1")
	if err != nil {
		return nil, fmt.Errorf("starting worker: %w", err)
	}
	return &worker{child: child, enc: gob.NewEncoder(child.Stdin), dec: gob.NewDecoder(child.Stdout), stderr: stderr}, nil
}

// call sends one request and waits for its response. An error means the
// worker is gone.
func (w *worker) call(req request) (response, error) {
	var resp response
	if err := w.enc.Encode(&req); err != nil {
		return resp, w.exitError(err)
	}
	if err := w.dec.Decode(&resp); err != nil {
		return resp, w.exitError(err)
	}
	return resp, nil
}

// exitError describes why the worker stopped answering.
func (w *worker) exitError(ioErr error) error {
	msg := ioErr.Error()
	if err := w.stop(); err != nil {
		msg = err.Error()
	}
	if tail := w.stderr.String(); tail != "" {
		return fmt.Errorf("%s; its standard error ends with: %s", msg, tail)
	}
	return errors.New(msg)
}

// stop closes the worker's input, which makes it exit, and reaps it. It
// returns what reaping it returned.
func (w *worker) stop() error {
	w.child.Stdin.Close()
	return w.child.Wait()
}

// A tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = t.buf[over:]
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(bytes.TrimSpace(t.buf))
}
