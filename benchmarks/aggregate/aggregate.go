// Package aggregate is the seed tutorial's fourth case: a web service
// whose GET /aggregate calls three downstream services (user, order,
// stock) at once and answers with their status codes, deployed as one
// process or as several worker processes sharing a port (the tutorial's
// uvicorn --workers 4), and measured under load from a process of its
// own.
//
// The pieces:
//
//  1. The service: [Service], an http.Handler. Its fan-out runs the three
//     calls under a concurrency model of package models (models.Goroutines,
//     the counterpart of asyncio.gather, or models.Serial for the
//     baseline), each call bounded by its own timeout. It admits at most
//     [Options.MaxInFlight] requests at once and turns the excess away at
//     once with 503 and Retry-After.
//  2. The server: [Service.Run] serves it with the timeouts and header
//     limit of [Service.NewServer] and shuts down gracefully; [Listen]
//     opens the listener, with SO_REUSEPORT for worker processes.
//  3. The deployments: [Start] runs the service in child processes, the
//     current binary re-executed ([ServeProcess] is the child's side):
//     [Single] is one process with GOMAXPROCS=k, [Workers] is k processes
//     with GOMAXPROCS=1 each on one port.
//  4. The load: package aggregate/load, a closed loop of many clients in a
//     process of its own, with latency percentiles from an HDR histogram.
//  5. The benchmarks and tests, in this package's tests: BenchmarkAggregate
//     (latency of one request, and throughput under load, per deployment
//     and fan-out), the faults and bad inputs, and TestOverload (thousands
//     of clients, then SIGTERM under that load; run on demand).
//
// The command in cmd/aggregate starts the service by hand.
//
// # Answers of GET /aggregate
//
// 200 when every downstream service answered with a status below 500,
// with each one's status code, as the tutorial returns them:
//
//	{"user":200,"order":200,"stock":200}
//
// 502 Bad Gateway when at least one failed: it answered 5xx, reset the
// connection, could not be reached, or gave no answer within the timeout.
// The fields keep their meaning (0 where no answer came) and "failed"
// names each failed service with the reason:
//
//	{"user":200,"order":500,"stock":0,"failed":{"order":"answered 500 Internal Server Error","stock":"no answer within 5s"}}
//
// A 4xx answer of a downstream service is its answer, not a failure: it
// is passed on in its field with 200. Every call has its own timeout, so
// the answer comes within one timeout with the concurrent fan-out and
// within three with the serial one, never later. A client that leaves
// cancels the calls still running.
//
// 503 Service Unavailable, with Retry-After: 1, when MaxInFlight requests
// are already being aggregated. Other paths answer 404, other methods 405,
// headers over the limit 431. GET /healthz answers 200 with the number of
// requests in flight.
package aggregate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"

	"concbench/benchmarks/models"
)

// A Fanout names how one request calls the three downstream services.
type Fanout string

// The fan-outs.
const (
	// Concurrent makes the three calls at once, one goroutine each
	// (models.Goroutines): the tutorial's asyncio.gather.
	Concurrent Fanout = "concurrent"
	// Serial makes them one after another (models.Serial): the baseline.
	Serial Fanout = "serial"
)

// Fanouts lists the fan-outs, the baseline first.
func Fanouts() []Fanout { return []Fanout{Serial, Concurrent} }

// model returns the concurrency model that runs f.
func (f Fanout) model() (models.Model, error) {
	switch f {
	case Concurrent, "":
		return models.Goroutines, nil
	case Serial:
		return models.Serial, nil
	}
	return "", fmt.Errorf("unknown fan-out %q (want concurrent or serial)", f)
}

// The defaults of [Options].
const (
	DefaultTimeout     = 5 * time.Second
	DefaultMaxInFlight = 1000
)

// RetryAfter is the Retry-After of a 503, in seconds.
const RetryAfter = 1

// Options configure a [Service]. The three URLs are required; every other
// zero value means its default.
type Options struct {
	// User, Order and Stock are the URLs of the downstream services,
	// absolute http or https URLs.
	User  string `json:"user"`
	Order string `json:"order"`
	Stock string `json:"stock"`
	// Timeout bounds each downstream call, from its start to the end of
	// its body. Default [DefaultTimeout], the tutorial's 5 s.
	Timeout time.Duration `json:"timeout"`
	// Fanout is how one request makes its three calls. Default
	// [Concurrent].
	Fanout Fanout `json:"fanout"`
	// MaxInFlight is the most /aggregate requests handled at once; each
	// makes three downstream calls, each on a connection (a file
	// descriptor) of its own. Requests beyond it get 503 at once. Default
	// [DefaultMaxInFlight].
	MaxInFlight int `json:"max_in_flight"`
}

// withDefaults returns o with its defaults filled in, or an error naming
// the first option that is wrong.
func (o Options) withDefaults() (Options, error) {
	for _, u := range []struct{ name, url string }{{"user", o.User}, {"order", o.Order}, {"stock", o.Stock}} {
		if err := checkURL(u.url); err != nil {
			return o, fmt.Errorf("%s URL: %w", u.name, err)
		}
	}
	if _, err := o.Fanout.model(); err != nil {
		return o, err
	}
	if o.Fanout == "" {
		o.Fanout = Concurrent
	}
	switch {
	case o.Timeout < 0:
		return o, fmt.Errorf("timeout %s: want a positive duration", o.Timeout)
	case o.Timeout == 0:
		o.Timeout = DefaultTimeout
	}
	switch {
	case o.MaxInFlight < 0:
		return o, fmt.Errorf("max in flight %d: want a positive number", o.MaxInFlight)
	case o.MaxInFlight == 0:
		o.MaxInFlight = DefaultMaxInFlight
	}
	return o, nil
}

// checkURL reports why s is not an absolute http or https URL with a host.
func checkURL(s string) error {
	if s == "" {
		return errors.New("missing")
	}
	u, err := url.Parse(s)
	if err != nil {
		return err
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("%q: want an http:// or https:// URL", s)
	}
	if u.Host == "" {
		return fmt.Errorf("%q: no host", s)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("%q: port %q is not a number from 1 to 65535", s, p)
		}
	}
	return nil
}

// A Service is the aggregation service, an http.Handler (see the package
// documentation for its answers). Create it with [New]; call
// [Service.Close] when done with it.
type Service struct {
	opts      Options
	model     models.Model
	urls      []string
	transport *http.Transport
	client    *http.Client
	slots     chan struct{} // one per request admitted
	mux       *http.ServeMux

	requests, inFlight, ok, failed, rejected, canceled atomic.Int64
}

// The downstream services, in the order of Service.urls.
var serviceNames = [...]string{"user", "order", "stock"}

// New returns a service with the given options, or an error that names
// the option at fault: a downstream URL that does not parse is an error
// here, at start-up, not at the first request.
func New(opts Options) (*Service, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	model, _ := opts.Fanout.model()
	// Every admitted request may hold three connections at once, all to
	// one host when the three services share it: keep that many idle, so
	// that a steady load reuses its connections instead of dialling.
	conns := 3 * opts.MaxInFlight
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = conns
	t.MaxIdleConnsPerHost = conns
	s := &Service{
		opts:      opts,
		model:     model,
		urls:      []string{opts.User, opts.Order, opts.Stock},
		transport: t,
		client:    &http.Client{Transport: t},
		slots:     make(chan struct{}, opts.MaxInFlight),
		mux:       http.NewServeMux(),
	}
	s.mux.HandleFunc("GET /aggregate", s.aggregate)
	s.mux.HandleFunc("GET /healthz", s.health)
	return s, nil
}

// Options returns the service's options, defaults filled in.
func (s *Service) Options() Options { return s.opts }

// Close closes the idle connections to the downstream services.
func (s *Service) Close() { s.transport.CloseIdleConnections() }

// ServeHTTP routes a request: GET /aggregate, GET /healthz; 404 for any
// other path, 405 (with Allow) for another method.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Counters are what a [Service] has done, from its start.
type Counters struct {
	// Requests counts the /aggregate requests that reached the service.
	Requests int64 `json:"requests"`
	// InFlight is the number of requests admitted and not yet answered.
	InFlight int64 `json:"in_flight"`
	// OK, Failed and Rejected count the answers 200, 502 and 503.
	OK       int64 `json:"ok"`
	Failed   int64 `json:"failed"`
	Rejected int64 `json:"rejected"`
	// Canceled counts the requests whose client left before the answer.
	Canceled int64 `json:"canceled"`
}

// Answered returns the number of requests answered.
func (c Counters) Answered() int64 { return c.OK + c.Failed + c.Rejected }

// Total returns the sum of the counters of several services, the
// processes of a deployment say.
func Total(cs []Counters) Counters {
	var t Counters
	for _, c := range cs {
		t.Requests += c.Requests
		t.InFlight += c.InFlight
		t.OK += c.OK
		t.Failed += c.Failed
		t.Rejected += c.Rejected
		t.Canceled += c.Canceled
	}
	return t
}

// Counters returns the counters now. Each is read atomically, the set
// not: read it when the service is quiet for an exact sum.
func (s *Service) Counters() Counters {
	return Counters{
		Requests: s.requests.Load(),
		InFlight: s.inFlight.Load(),
		OK:       s.ok.Load(),
		Failed:   s.failed.Load(),
		Rejected: s.rejected.Load(),
		Canceled: s.canceled.Load(),
	}
}

// An Answer is the body of an answer of GET /aggregate.
type Answer struct {
	// User, Order and Stock are each service's status code, 0 when it
	// gave none.
	User  int `json:"user"`
	Order int `json:"order"`
	Stock int `json:"stock"`
	// Failed maps each failed service to the reason; absent when none
	// failed.
	Failed map[string]string `json:"failed,omitempty"`
}

func (s *Service) aggregate(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	select {
	case s.slots <- struct{}{}:
	default:
		s.rejected.Add(1)
		w.Header().Set("Retry-After", strconv.Itoa(RetryAfter))
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{
			"error": fmt.Sprintf("overloaded: %d requests in flight; retry after %ds", s.opts.MaxInFlight, RetryAfter),
		})
		return
	}
	s.inFlight.Add(1)
	defer func() {
		s.inFlight.Add(-1)
		<-s.slots
	}()

	ans := s.fanOut(r.Context())
	if r.Context().Err() != nil {
		// The client left, and its calls were cancelled: no one to answer.
		s.canceled.Add(1)
		return
	}
	code := http.StatusOK
	if len(ans.Failed) > 0 {
		code = http.StatusBadGateway
		s.failed.Add(1)
	} else {
		s.ok.Add(1)
	}
	writeJSON(w, code, ans)
}

// fanOut makes the three calls under the fan-out's model and collects
// every outcome (models.CollectAll: one failure does not cut the others).
func (s *Service) fanOut(ctx context.Context) Answer {
	job := models.Job[string, int]{Run: s.call}
	codes, err := models.Map(ctx, s.model, job, s.urls, models.Options{Errors: models.CollectAll})
	var failed map[string]string
	if err != nil {
		errs := []error{err}
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			errs = j.Unwrap()
		}
		failed = make(map[string]string, len(errs))
		for _, e := range errs {
			var te *models.TaskError
			if !errors.As(e, &te) {
				continue // the request's own context ended: no one will read this
			}
			var se *statusError
			if errors.As(te.Err, &se) {
				codes[te.Index] = se.code
			}
			failed[serviceNames[te.Index]] = s.reason(te.Err)
		}
	}
	return Answer{User: codes[0], Order: codes[1], Stock: codes[2], Failed: failed}
}

// A statusError is a downstream answer of 500 or more.
type statusError struct{ code int }

func (e *statusError) Error() string {
	return fmt.Sprintf("answered %d %s", e.code, http.StatusText(e.code))
}

// maxBody is the most of a downstream body read: the service needs only
// the status, and reads the body so that the connection can be reused.
const maxBody = 1 << 20

// call GETs one downstream URL within the timeout and returns its status.
func (s *Service) call(ctx context.Context, url string) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, io.LimitReader(resp.Body, maxBody)); err != nil {
		return 0, err
	}
	if resp.StatusCode >= 500 {
		return 0, &statusError{resp.StatusCode}
	}
	return resp.StatusCode, nil
}

// reason says why a call failed, in words fit for a client: no address,
// no URL of the service's network.
func (s *Service) reason(err error) string {
	var se *statusError
	switch {
	case errors.As(err, &se):
		return se.Error()
	case errors.Is(err, context.DeadlineExceeded):
		return "no answer within " + s.opts.Timeout.String()
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection reset"
	}
	return "request failed"
}

func (s *Service) health(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "in_flight": s.inFlight.Load(), "max_in_flight": s.opts.MaxInFlight})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}
