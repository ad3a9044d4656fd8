package fetch

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// The bare delay endpoint: GET {base}/delay/{seconds} waits that long and
// answers 200 with a body of a few bytes ([bareBody]). It is httpbin's
// /delay without what httpbin does besides the wait (its JSON echo of the
// request's URL, arguments, headers and origin), served two ways:
//
//   - by a [BareServer], a plain HTTP/1.1 server that does nothing else,
//     for the clients that speak HTTP/1.1;
//   - by [Server] at [BareBase]/delay/{seconds}, through net/http's
//     server, for the clients that need more than HTTP/1.1 (h2c).
//
// On both, [DelayURL] builds the endpoint's URL: from the BareServer's base
// URL, or from the Server's followed by BareBase.
//
// BenchmarkInflight sends its requests there: on a 2-core machine the
// server shares the cores with the client it serves, and what the server
// spends per request delays the client's answers. Measured on 10,000
// requests at once with a 1 s delay (server process CPU time per request,
// from /proc): 76 µs through go-httpbin's /delay, 45 µs through net/http
// with the bare handler, 18 µs on a BareServer.
const (
	// BareBase is the path under which a [Server] serves the bare
	// endpoint, as /_bare/delay/{seconds}; a [BareServer] serves it at
	// /delay/{seconds}.
	BareBase = "/_bare"
	// MaxBareDelay is the longest delay the bare endpoint waits, as
	// go-httpbin's default limit.
	MaxBareDelay = 10 * time.Second
)

// bareBody is the bare endpoint's answer.
const bareBody = "ok\n"

// bareResponse is the bare endpoint's answer as a BareServer writes it.
var bareResponse = []byte("HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " +
	strconv.Itoa(len(bareBody)) + "\r\n\r\n" + bareBody)

// parseBareDelay reads the {seconds} of the bare endpoint: fractional
// seconds from 0 to MaxBareDelay, as /delay takes them.
func parseBareDelay(s string) (time.Duration, error) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f > MaxBareDelay.Seconds() {
		return 0, fmt.Errorf("delay %q: want seconds from 0 to %g", s, MaxBareDelay.Seconds())
	}
	return time.Duration(f * float64(time.Second)), nil
}

// bareDelay is the bare endpoint's handler on a [Server].
func (s *Server) bareDelay(w http.ResponseWriter, r *http.Request) {
	d, err := parseBareDelay(r.PathValue("seconds"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.Context().Done():
		return // the client left; there is no one to answer
	}
	h := w.Header()
	h["Content-Type"] = []string{"text/plain; charset=utf-8"}
	h["Content-Length"] = []string{strconv.Itoa(len(bareBody))}
	w.Write([]byte(bareBody))
}

// A BareServer serves the bare delay endpoint, GET /delay/{seconds}, over
// HTTP/1.1 and nothing else, counting its connections and requests in a
// [Server]'s counters. A connection is one goroutine and a 1 KB read
// buffer: no background read while a request waits (a client that leaves
// is noticed only if writing the answer fails; such a request, and one
// that Close abandons, counts as Canceled), no timeouts, no request
// bodies (a request with one is answered 400 and its connection closed),
// no pipelining beyond what arrives in order.
type BareServer struct {
	counts *Server

	mu        sync.Mutex
	listeners map[net.Listener]struct{}
	conns     map[net.Conn]struct{}
	closed    bool
	done      chan struct{} // closed by Close: wakes the waiting requests
	wg        sync.WaitGroup
}

// NewBareServer returns a BareServer that counts into s.
func NewBareServer(s *Server) *BareServer {
	return &BareServer{counts: s, listeners: map[net.Listener]struct{}{}, conns: map[net.Conn]struct{}{}, done: make(chan struct{})}
}

// ErrBareServerClosed is what Serve returns after Close.
var ErrBareServerClosed = errors.New("fetch: bare server closed")

// Serve accepts connections on l and serves each until Close. It returns
// ErrBareServerClosed after Close, or the error that stopped Accept.
func (b *BareServer) Serve(l net.Listener) error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return ErrBareServerClosed
	}
	b.listeners[l] = struct{}{}
	b.mu.Unlock()
	for {
		c, err := l.Accept()
		if err != nil {
			b.mu.Lock()
			defer b.mu.Unlock()
			delete(b.listeners, l)
			if b.closed {
				return ErrBareServerClosed
			}
			return err
		}
		b.mu.Lock()
		if b.closed {
			b.mu.Unlock()
			c.Close()
			return ErrBareServerClosed
		}
		b.conns[c] = struct{}{}
		b.wg.Add(1)
		b.mu.Unlock()
		b.counts.ConnState(c, http.StateNew)
		go b.serveConn(c)
	}
}

// Close stops every Serve, closes every connection, abandoning the
// requests waiting, and returns once their goroutines have ended.
func (b *BareServer) Close() error {
	b.mu.Lock()
	if !b.closed {
		b.closed = true
		close(b.done)
		for l := range b.listeners {
			l.Close()
		}
		for c := range b.conns {
			c.Close()
		}
	}
	b.mu.Unlock()
	b.wg.Wait()
	return nil
}

// maxBareHeaders bounds the header lines of one request.
const maxBareHeaders = 100

// serveConn serves the requests of c, one after the other, until the
// client closes it, a request is malformed, or the server closes.
func (b *BareServer) serveConn(c net.Conn) {
	defer func() {
		c.Close()
		b.mu.Lock()
		delete(b.conns, c)
		b.mu.Unlock()
		b.counts.ConnState(c, http.StateClosed)
		b.wg.Done()
	}()
	br := bufio.NewReaderSize(c, 1<<10)
	for {
		d, keepAlive, status, err := readBareRequest(br)
		if err != nil {
			if status != 0 {
				msg := err.Error() + "\n"
				fmt.Fprintf(c, "HTTP/1.1 %d %s\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
					status, http.StatusText(status), len(msg), msg)
			}
			return
		}
		b.counts.enter(0)
		ok := b.wait(d)
		if ok {
			resp := bareResponse
			if !keepAlive {
				resp = bareCloseResponse
			}
			_, err = c.Write(resp)
		}
		b.counts.leave(!ok || err != nil)
		if !ok || err != nil || !keepAlive {
			return
		}
	}
}

// bareCloseResponse is bareResponse for a connection that closes after
// it.
var bareCloseResponse = bytes.Replace(bareResponse, []byte("\r\n\r\n"), []byte("\r\nConnection: close\r\n\r\n"), 1)

// wait waits d, and reports false if the server closed first.
func (b *BareServer) wait(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-b.done:
		return false
	}
}

// readBareRequest reads the head of one request: its delay, and whether
// the connection stays open after the answer. On a malformed or
// unsupported request it returns the status to answer with (0: answer
// nothing, the connection ended).
func readBareRequest(br *bufio.Reader) (d time.Duration, keepAlive bool, status int, err error) {
	line, err := br.ReadSlice('\n')
	if err != nil {
		if errors.Is(err, bufio.ErrBufferFull) {
			return 0, false, http.StatusRequestURITooLong, errors.New("request line too long")
		}
		return 0, false, 0, err
	}
	method, rest, ok1 := bytes.Cut(bytes.TrimRight(line, "\r\n"), []byte(" "))
	target, proto, ok2 := bytes.Cut(rest, []byte(" "))
	if !ok1 || !ok2 || !bytes.HasPrefix(proto, []byte("HTTP/1.")) {
		return 0, false, http.StatusBadRequest, fmt.Errorf("malformed request line %q", line)
	}
	keepAlive = string(proto) == "HTTP/1.1"
	for range maxBareHeaders {
		h, err := br.ReadSlice('\n')
		if err != nil {
			if errors.Is(err, bufio.ErrBufferFull) {
				return 0, false, http.StatusRequestHeaderFieldsTooLarge, errors.New("header line too long")
			}
			return 0, false, 0, err
		}
		h = bytes.TrimRight(h, "\r\n")
		if len(h) == 0 {
			return bareTarget(method, target, keepAlive)
		}
		name, value, _ := bytes.Cut(h, []byte(":"))
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Connection")):
			if bytes.EqualFold(value, []byte("close")) {
				keepAlive = false
			} else if bytes.EqualFold(value, []byte("keep-alive")) {
				keepAlive = true
			}
		case bytes.EqualFold(name, []byte("Transfer-Encoding")),
			bytes.EqualFold(name, []byte("Content-Length")) && string(value) != "0":
			return 0, false, http.StatusBadRequest, errors.New("request bodies are not supported")
		}
	}
	return 0, false, http.StatusRequestHeaderFieldsTooLarge, fmt.Errorf("more than %d header lines", maxBareHeaders)
}

// bareTarget checks a request's method and target and returns its delay.
func bareTarget(method, target []byte, keepAlive bool) (time.Duration, bool, int, error) {
	if string(method) != http.MethodGet {
		return 0, false, http.StatusMethodNotAllowed, fmt.Errorf("method %s: only GET is served", method)
	}
	path, _, _ := bytes.Cut(target, []byte("?"))
	seconds, ok := bytes.CutPrefix(path, []byte("/delay/"))
	if !ok {
		return 0, false, http.StatusNotFound, fmt.Errorf("%s: only /delay/{seconds} is served", path)
	}
	d, err := parseBareDelay(string(seconds))
	if err != nil {
		return 0, false, http.StatusBadRequest, err
	}
	return d, keepAlive, 0, nil
}
