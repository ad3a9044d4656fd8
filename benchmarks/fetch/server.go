package fetch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mccutchen/go-httpbin/v2/httpbin"
)

// Stats are the counters a [Server] keeps. The gauges (InFlight,
// OpenConns) always describe the present; the other counters run from the
// last reset.
type Stats struct {
	// InFlight is the number of requests being handled now.
	InFlight int64 `json:"in_flight"`
	// MaxInFlight is the largest InFlight reached since the last reset.
	MaxInFlight int64 `json:"max_in_flight"`
	// Requests counts the requests that reached a handler.
	Requests int64 `json:"requests"`
	// Canceled counts the requests whose handler ended after the client
	// had gone (its context was cancelled): requests a client abandoned
	// in flight, on a timeout or a fail-fast cancellation.
	Canceled int64 `json:"canceled"`
	// OpenConns is the number of client connections open now.
	OpenConns int64 `json:"open_conns"`
	// MaxOpenConns is the largest OpenConns reached since the last
	// reset.
	MaxOpenConns int64 `json:"max_open_conns"`
	// NewConns counts the connections accepted.
	NewConns int64 `json:"new_conns"`
}

// A Server is an httpbin-compatible HTTP handler (go-httpbin) that counts
// what a client does to it and can misbehave on request.
//
// Besides every httpbin endpoint (/get, /delay/{seconds}, /drip,
// /status/{code}, ...) it serves two faults,
//
//	/_fault/status/{code}  answers with that status code
//	/_fault/reset          resets the connection (an RST, no response);
//	                       over HTTP/2, resets the request's stream
//	                       (RST_STREAM), the connection's other requests
//	                       going on
//
// and the bare delay endpoint (see [BareBase]):
//
//	/_bare/delay/{seconds} waits, and answers a few bytes
//
// The faults accept ?inflight=N: they first wait until N requests,
// themselves included, are in flight at once, so that a test knows which
// requests a failure will find running.
//
// Its counters are read through [Server.ControlHandler], which belongs on
// a listener of its own so that reading them does not change them. For
// connection counts, install [Server.ConnState] as the http.Server's
// ConnState hook.
type Server struct {
	mux *http.ServeMux

	mu      sync.Mutex
	stats   Stats
	waiters []*waiter
}

// A waiter is a call of Wait, woken by the first change after which its
// condition holds: a condition that holds only for a moment (the last of
// n requests arrives, and the first leaves) is still seen.
type waiter struct {
	cond func(Stats) bool
	done chan Stats // buffered: update never blocks
}

// NewServer returns a server with zeroed counters.
func NewServer() *Server {
	s := &Server{mux: http.NewServeMux()}
	s.mux.Handle("/", httpbin.New())
	s.mux.HandleFunc("/_fault/status/{code}", s.faultStatus)
	s.mux.HandleFunc("/_fault/reset", s.faultReset)
	s.mux.HandleFunc(BareBase+"/delay/{seconds}", s.bareDelay)
	return s
}

// ServeHTTP counts the request while the httpbin endpoint or the fault
// handles it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if b := s.enter(barrierOf(r)); b != nil {
		r = r.WithContext(context.WithValue(r.Context(), barrierKey{}, b))
	}
	defer func() {
		// Read before ServeHTTP returns: afterwards the server cancels
		// every request's context, gone client or not.
		s.leave(r.Context().Err() != nil)
	}()
	s.mux.ServeHTTP(w, r)
}

// leave counts a request out; gone says that its client had left.
func (s *Server) leave(gone bool) {
	s.update(func(st *Stats) {
		st.InFlight--
		if gone {
			st.Canceled++
		}
	})
}

// ConnState counts connections; set it as the http.Server's ConnState.
func (s *Server) ConnState(_ net.Conn, state http.ConnState) {
	switch state {
	case http.StateNew:
		s.update(func(st *Stats) {
			st.OpenConns++
			st.NewConns++
			st.MaxOpenConns = max(st.MaxOpenConns, st.OpenConns)
		})
	case http.StateClosed, http.StateHijacked:
		// A hijacked connection is no longer the server's: the reset
		// fault closes it at once.
		s.update(func(st *Stats) { st.OpenConns-- })
	}
}

// Stats returns the counters now.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// Reset zeroes the counters and returns their values from before. The
// gauges stay as they are, and MaxInFlight and MaxOpenConns restart from
// InFlight and OpenConns.
func (s *Server) Reset() Stats {
	var old Stats
	s.update(func(st *Stats) {
		old = *st
		st.Requests, st.Canceled, st.NewConns = 0, 0, 0
		st.MaxInFlight = st.InFlight
		st.MaxOpenConns = st.OpenConns
	})
	return old
}

// Wait waits until cond holds for the counters, now or after any later
// change, or until ctx is done. It returns the counters that satisfied
// cond, or the counters at the end, and whether cond held.
func (s *Server) Wait(ctx context.Context, cond func(Stats) bool) (Stats, bool) {
	s.mu.Lock()
	if cond(s.stats) {
		defer s.mu.Unlock()
		return s.stats, true
	}
	w := &waiter{cond: cond, done: make(chan Stats, 1)}
	s.waiters = append(s.waiters, w)
	s.mu.Unlock()
	return s.await(ctx, w)
}

// await waits until w is woken or ctx is done.
func (s *Server) await(ctx context.Context, w *waiter) (Stats, bool) {
	select {
	case st := <-w.done:
		return st, true
	case <-ctx.Done():
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if i := slices.Index(s.waiters, w); i >= 0 {
		s.waiters = slices.Delete(s.waiters, i, i+1)
		return s.stats, false
	}
	return <-w.done, true // woken as ctx ended
}

// enter counts a request in. A request with a barrier (?inflight=n on a
// fault, n > 0) gets its waiter registered in the same step as its own
// arrival, so that the arrival that completes the count releases the
// request that made it too, even if the others leave before it gets to
// wait.
func (s *Server) enter(n int64) *waiter {
	s.mu.Lock()
	defer s.mu.Unlock()
	var w *waiter
	if n > 0 {
		w = &waiter{cond: func(st Stats) bool { return st.InFlight >= n }, done: make(chan Stats, 1)}
		s.waiters = append(s.waiters, w)
	}
	s.stats.Requests++
	s.stats.InFlight++
	s.stats.MaxInFlight = max(s.stats.MaxInFlight, s.stats.InFlight)
	s.wake()
	return w
}

// barrierKey is the context key of a request's barrier waiter.
type barrierKey struct{}

// barrierOf returns the n of a fault request's ?inflight=n, or 0 when it
// has none or a malformed one (the fault answers 400 to that).
func barrierOf(r *http.Request) int64 {
	if !strings.HasPrefix(r.URL.Path, "/_fault/") {
		return 0
	}
	n, err := strconv.ParseInt(r.URL.Query().Get("inflight"), 10, 64)
	if err != nil || n < 1 {
		return 0
	}
	return n
}

// update applies f to the counters and wakes the waiters whose condition
// now holds.
func (s *Server) update(f func(*Stats)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(&s.stats)
	s.wake()
}

// wake wakes the waiters whose condition now holds. s.mu must be held.
func (s *Server) wake() {
	s.waiters = slices.DeleteFunc(s.waiters, func(w *waiter) bool {
		if !w.cond(s.stats) {
			return false
		}
		w.done <- s.stats
		return true
	})
}

// awaitInFlight waits for the ?inflight=N of r, if any. It reports false,
// having answered, when the parameter is malformed or the client left.
func (s *Server) awaitInFlight(w http.ResponseWriter, r *http.Request) bool {
	q := r.URL.Query().Get("inflight")
	if q == "" {
		return true
	}
	n, err := strconv.ParseInt(q, 10, 64)
	if err != nil || n < 1 {
		http.Error(w, fmt.Sprintf("inflight=%q: want a positive integer", q), http.StatusBadRequest)
		return false
	}
	b, _ := r.Context().Value(barrierKey{}).(*waiter)
	if b == nil {
		panic("fetch: a fault with a barrier reached its handler without passing ServeHTTP")
	}
	if _, ok := s.await(r.Context(), b); !ok {
		return false // the client left; there is no one to answer
	}
	return true
}

func (s *Server) faultStatus(w http.ResponseWriter, r *http.Request) {
	code, err := strconv.Atoi(r.PathValue("code"))
	if err != nil || code < 100 || code > 599 {
		http.Error(w, fmt.Sprintf("status %q: want a code from 100 to 599", r.PathValue("code")), http.StatusBadRequest)
		return
	}
	if !s.awaitInFlight(w, r) {
		return
	}
	http.Error(w, fmt.Sprintf("fault: status %d on request", code), code)
}

func (s *Server) faultReset(w http.ResponseWriter, r *http.Request) {
	if !s.awaitInFlight(w, r) {
		return
	}
	if r.ProtoMajor == 2 {
		// HTTP/2 cannot hand over its connection; aborting the handler
		// makes the server reset the stream.
		panic(http.ErrAbortHandler)
	}
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		http.Error(w, "fault: cannot reset: "+err.Error(), http.StatusInternalServerError)
		return
	}
	// A zero linger makes Close send an RST instead of a FIN: the client
	// sees "connection reset by peer", not a clean end of stream.
	if tcp, ok := conn.(*net.TCPConn); ok {
		tcp.SetLinger(0)
	}
	conn.Close()
}

// ControlHandler serves the counters as JSON:
//
//	GET  /stats   the counters now
//	POST /reset   zero them; answers with their values from before
//	GET  /wait?in_flight=N&open_conns=N&timeout=D
//	              wait until every given gauge equals its value (at most
//	              D, default 10s); 200 when they did, 409 when not in time
func (s *Server) ControlHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /stats", func(w http.ResponseWriter, r *http.Request) {
		writeStats(w, http.StatusOK, s.Stats())
	})
	mux.HandleFunc("POST /reset", func(w http.ResponseWriter, r *http.Request) {
		writeStats(w, http.StatusOK, s.Reset())
	})
	mux.HandleFunc("GET /wait", func(w http.ResponseWriter, r *http.Request) {
		want, timeout, err := parseWait(r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), timeout)
		defer cancel()
		st, ok := s.Wait(ctx, want.holds)
		code := http.StatusOK
		if !ok {
			code = http.StatusConflict
		}
		writeStats(w, code, st)
	})
	return mux
}

// A Want names gauges to wait for: each non-nil field must equal the
// server's gauge.
type Want struct {
	InFlight  *int64
	OpenConns *int64
}

func (w Want) holds(st Stats) bool {
	return (w.InFlight == nil || *w.InFlight == st.InFlight) &&
		(w.OpenConns == nil || *w.OpenConns == st.OpenConns)
}

// query encodes w as the parameters of /wait.
func (w Want) query(timeout time.Duration) string {
	q := "timeout=" + timeout.String()
	if w.InFlight != nil {
		q += "&in_flight=" + strconv.FormatInt(*w.InFlight, 10)
	}
	if w.OpenConns != nil {
		q += "&open_conns=" + strconv.FormatInt(*w.OpenConns, 10)
	}
	return q
}

func parseWait(r *http.Request) (Want, time.Duration, error) {
	var want Want
	q := r.URL.Query()
	for name, field := range map[string]**int64{"in_flight": &want.InFlight, "open_conns": &want.OpenConns} {
		if s := q.Get(name); s != "" {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return want, 0, fmt.Errorf("%s=%q: %w", name, s, err)
			}
			*field = &n
		}
	}
	timeout := 10 * time.Second
	if s := q.Get("timeout"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			return want, 0, fmt.Errorf("timeout=%q: %w", s, err)
		}
		timeout = d
	}
	if want.InFlight == nil && want.OpenConns == nil {
		return want, 0, errors.New("nothing to wait for: give in_flight or open_conns")
	}
	return want, timeout, nil
}

func writeStats(w http.ResponseWriter, code int, st Stats) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(st)
}
