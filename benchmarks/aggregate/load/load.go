// Package load drives a closed loop of HTTP clients against one URL and
// measures what they see: each client sends a GET, waits for the whole
// answer, and sends the next at once, so that the number of requests in
// flight is the number of clients and the rate is whatever the server
// sustains. Latency percentiles come from an HDR histogram
// (github.com/HdrHistogram/hdrhistogram-go).
//
// The loop runs in a process of its own ([Start], a re-execution of the
// current binary whose main or TestMain calls [ServeProcess] when
// [IsProcess]), so that the clients do not share GOMAXPROCS, the
// scheduler or the garbage collector with the server they measure. The
// parent reads its progress as ticks: tick n means that n×TickEvery
// answers have arrived. A benchmark waits for one tick per operation and
// then asks for the figures of the answers between two ticks
// ([Generator.Stop]), so that the requests of the warm-up and of the
// wind-down are left out.
//
// Every request ends in one [Outcome]: 200, 503 (the server turned it
// away), another status, refused (no connection: it never reached a
// server), or lost (sent, and no answer came: a reset, an early close, a
// timeout).
package load

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// Options configure a closed loop. URL and Clients are required.
type Options struct {
	// URL is what every client GETs.
	URL string `json:"url"`
	// Clients is the number of clients, each with at most one request in
	// flight.
	Clients int `json:"clients"`
	// TickEvery is the number of answers per tick. Default Clients: one
	// tick is then, on average, one answer per client.
	TickEvery int `json:"tick_every"`
	// Timeout bounds one request. Default [DefaultTimeout].
	Timeout time.Duration `json:"timeout"`
	// RetryAfter makes a client that is answered 503 with a Retry-After
	// of n seconds wait that long before its next request, as a
	// well-behaved client does. Without it the next request goes at once:
	// a flood.
	RetryAfter bool `json:"retry_after"`
}

// DefaultTimeout is the default of [Options.Timeout], a guard against a
// server that hangs rather than a figure that a healthy run reaches.
const DefaultTimeout = time.Minute

func (o Options) withDefaults() (Options, error) {
	if o.URL == "" {
		return o, errors.New("load: no URL")
	}
	if o.Clients < 1 {
		return o, fmt.Errorf("load: %d clients: want at least 1", o.Clients)
	}
	if o.TickEvery < 0 {
		return o, fmt.Errorf("load: tick every %d answers: want a positive number", o.TickEvery)
	}
	if o.TickEvery == 0 {
		o.TickEvery = o.Clients
	}
	if o.Timeout < 0 {
		return o, fmt.Errorf("load: timeout %s: want a positive duration", o.Timeout)
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	return o, nil
}

// An Outcome is how one request ended.
type Outcome uint8

// The outcomes.
const (
	// OK is an answer 200.
	OK Outcome = iota
	// Rejected is an answer 503: the server turned the request away.
	Rejected
	// OtherStatus is any other answer.
	OtherStatus
	// Refused is a request that got no connection: it never reached a
	// server.
	Refused
	// Lost is a request sent that got no whole answer: the connection
	// was reset or closed early, or the timeout passed.
	Lost
	numOutcomes
)

// outcomeOf classifies a request's end.
func outcomeOf(code int, err error) Outcome {
	var op *net.OpError
	switch {
	case err != nil && errors.As(err, &op) && op.Op == "dial":
		return Refused
	case err != nil:
		return Lost
	case code == http.StatusOK:
		return OK
	case code == http.StatusServiceUnavailable:
		return Rejected
	}
	return OtherStatus
}

// A record is one request, as its client saw it.
type record struct {
	index   int64 // its place in the order of completion, from 0
	start   int64 // when it was sent, Unix nanoseconds
	latency int64 // from sending to the end of the answer, nanoseconds
	outcome Outcome
}

// A Loop is a closed loop of clients running in this process; [Start]
// runs one in another. Create it with [Begin].
type Loop struct {
	opts      Options
	transport *http.Transport
	client    *http.Client

	stopping  atomic.Bool
	stopped   chan struct{} // closed by Stop, to end the clients' waits
	completed atomic.Int64
	tick      chan struct{} // a token after each new tick; capacity 1

	wg      sync.WaitGroup
	records [][]record // one slice per client, written by it alone

	errMu  sync.Mutex
	errors []string // the first few errors, for a message
}

// maxErrors is how many error messages a loop keeps.
const maxErrors = 5

// Begin starts the clients and returns at once.
func Begin(opts Options) (*Loop, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = opts.Clients
	t.MaxIdleConnsPerHost = opts.Clients
	l := &Loop{
		opts:      opts,
		transport: t,
		client:    &http.Client{Transport: t, Timeout: opts.Timeout},
		stopped:   make(chan struct{}),
		tick:      make(chan struct{}, 1),
		records:   make([][]record, opts.Clients),
	}
	l.wg.Add(opts.Clients)
	for c := range opts.Clients {
		go l.run(c)
	}
	return l, nil
}

// run is one client: request after request until the loop stops.
func (l *Loop) run(c int) {
	defer l.wg.Done()
	every := int64(l.opts.TickEvery)
	for !l.stopping.Load() {
		start := time.Now()
		code, retryAfter, err := l.get()
		latency := time.Since(start)
		i := l.completed.Add(1) - 1
		outcome := outcomeOf(code, err)
		l.records[c] = append(l.records[c], record{index: i, start: start.UnixNano(), latency: int64(latency), outcome: outcome})
		if err != nil {
			l.keepError(err)
		}
		if (i+1)%every == 0 {
			select {
			case l.tick <- struct{}{}:
			default:
			}
		}
		if outcome == Rejected && l.opts.RetryAfter && retryAfter > 0 {
			l.wait(retryAfter)
		}
	}
}

// wait waits for d, or until the loop stops.
func (l *Loop) wait(d time.Duration) {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-l.stopped:
	}
}

// get sends one request and reads its whole answer. It returns the
// status and the Retry-After, if the answer has one in seconds.
func (l *Loop) get() (int, time.Duration, error) {
	resp, err := l.client.Get(l.opts.URL)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return 0, 0, err
	}
	var retryAfter time.Duration
	if n, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && n > 0 {
		retryAfter = time.Duration(n) * time.Second
	}
	return resp.StatusCode, retryAfter, nil
}

func (l *Loop) keepError(err error) {
	l.errMu.Lock()
	defer l.errMu.Unlock()
	if len(l.errors) < maxErrors {
		l.errors = append(l.errors, err.Error())
	}
}

// Ticks returns the number of ticks so far, and a channel that receives
// a token after new ones.
func (l *Loop) Ticks() (int64, <-chan struct{}) {
	return l.completed.Load() / int64(l.opts.TickEvery), l.tick
}

// Stop stops the clients: none sends another request, and Stop waits for
// the requests in flight to end (within the timeout). Then it summarises
// what q selects. Stop must be called once.
func (l *Loop) Stop(q Query) Result {
	l.stopping.Store(true)
	close(l.stopped)
	l.wg.Wait()
	l.transport.CloseIdleConnections()
	r := summarise(l.records, q, int64(l.opts.TickEvery))
	r.Errors = l.errors
	return r
}

// A Query selects what [Loop.Stop] summarises.
type Query struct {
	// From and To select the window: the answers from tick From to tick
	// To, that is, those whose place in the order of completion is at
	// least From×TickEvery and below To×TickEvery. To = 0 means every
	// answer from tick From on.
	From int64 `json:"from"`
	To   int64 `json:"to"`
	// Mark, when not zero, is a moment (Unix nanoseconds, which every
	// process of a machine shares): the requests that ended before it,
	// and those in flight then (sent before it, ended at it or after),
	// are counted apart.
	Mark int64 `json:"mark"`
}

// Counts are numbers of requests by outcome.
type Counts struct {
	OK          int64 `json:"ok"`
	Rejected    int64 `json:"rejected"`
	OtherStatus int64 `json:"other_status"`
	Refused     int64 `json:"refused"`
	Lost        int64 `json:"lost"`
}

// Total returns the number of requests counted.
func (c Counts) Total() int64 { return c.OK + c.Rejected + c.OtherStatus + c.Refused + c.Lost }

// Answered returns the number of requests that got an answer.
func (c Counts) Answered() int64 { return c.OK + c.Rejected + c.OtherStatus }

func (c *Counts) add(o Outcome) {
	switch o {
	case OK:
		c.OK++
	case Rejected:
		c.Rejected++
	case OtherStatus:
		c.OtherStatus++
	case Refused:
		c.Refused++
	case Lost:
		c.Lost++
	}
}

// Latency summarises the latencies of some answers, in nanoseconds.
type Latency struct {
	N    int64 `json:"n"`
	P50  int64 `json:"p50"`
	P99  int64 `json:"p99"`
	P999 int64 `json:"p99_9"`
	Max  int64 `json:"max"`
}

// The range of the histograms: 1 µs to 10 minutes, at 3 significant
// digits (a value is off by at most 0.1%).
const (
	lowestLatency  = int64(time.Microsecond)
	highestLatency = int64(10 * time.Minute)
	sigFigs        = 3
)

func latencyOf(h *hdrhistogram.Histogram) Latency {
	if h.TotalCount() == 0 {
		return Latency{}
	}
	return Latency{
		N:    h.TotalCount(),
		P50:  h.ValueAtQuantile(50),
		P99:  h.ValueAtQuantile(99),
		P999: h.ValueAtQuantile(99.9),
		Max:  h.Max(),
	}
}

// A Result is what a loop's clients saw.
type Result struct {
	// Total counts every request, warm-up and wind-down included.
	Total Counts `json:"total"`
	// Window counts the requests of the window of the query.
	Window Counts `json:"window"`
	// OKLatency and RejectedLatency are the latencies of the 200 and 503
	// answers of the window.
	OKLatency       Latency `json:"ok_latency"`
	RejectedLatency Latency `json:"rejected_latency"`
	// WindowStart and WindowEnd are when the window's first request was
	// sent and its last answer came, Unix nanoseconds.
	WindowStart int64 `json:"window_start"`
	WindowEnd   int64 `json:"window_end"`
	// BeforeMark counts the requests that ended before the query's mark,
	// and AtMark those in flight at it.
	BeforeMark Counts `json:"before_mark"`
	AtMark     Counts `json:"at_mark"`
	// Errors holds the first few errors, for a message.
	Errors []string `json:"errors,omitempty"`
}

// summarise computes the result of q over the records of every client.
func summarise(records [][]record, q Query, every int64) Result {
	var r Result
	ok := hdrhistogram.New(lowestLatency, highestLatency, sigFigs)
	rejected := hdrhistogram.New(lowestLatency, highestLatency, sigFigs)
	lo, hi := q.From*every, q.To*every
	for _, recs := range records {
		for _, rec := range recs {
			r.Total.add(rec.outcome)
			end := rec.start + rec.latency
			switch {
			case q.Mark == 0:
			case end < q.Mark:
				r.BeforeMark.add(rec.outcome)
			case rec.start < q.Mark:
				r.AtMark.add(rec.outcome)
			}
			if rec.index < lo || (q.To != 0 && rec.index >= hi) {
				continue
			}
			r.Window.add(rec.outcome)
			if r.WindowStart == 0 || rec.start < r.WindowStart {
				r.WindowStart = rec.start
			}
			r.WindowEnd = max(r.WindowEnd, end)
			// A latency beyond the histogram's range is recorded at its
			// top: it is over 10 minutes, which the timeout forbids.
			switch v := min(max(rec.latency, lowestLatency), highestLatency); rec.outcome {
			case OK:
				ok.RecordValue(v)
			case Rejected:
				rejected.RecordValue(v)
			}
		}
	}
	r.OKLatency, r.RejectedLatency = latencyOf(ok), latencyOf(rejected)
	return r
}

// waitTick waits until the loop (or the process) has reached tick n.
func waitTick(ctx context.Context, n int64, ticks func() (int64, <-chan struct{}), done <-chan struct{}) error {
	for {
		t, c := ticks()
		if t >= n {
			return nil
		}
		select {
		case <-c:
		case <-done:
			if t, _ := ticks(); t >= n {
				return nil
			}
			return errors.New("load: the load generator stopped before tick " + fmt.Sprint(n))
		case <-ctx.Done():
			return fmt.Errorf("load: waiting for tick %d (at %d): %w", n, t, ctx.Err())
		}
	}
}
