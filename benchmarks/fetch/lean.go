package fetch

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync"
	"time"
)

// A LeanClient is an HTTP/1.1 client cut down to this case's workload:
// many GET requests at once, without a body, to plain-HTTP hosts, over
// persistent connections. It exists to show what net/http's generality
// costs per request in flight, and what a client must give up to avoid it.
//
// What it buys: a request in flight is its caller's goroutine and a
// connection, nothing more. net/http's Transport adds two goroutines per
// connection (a read loop and a write loop, each with its own stack) and
// keeps a 4 KB read buffer and a 4 KB write buffer per connection for its
// whole life. LeanClient runs each request in the calling goroutine,
// writes the request with one write, waits for the first byte of the
// answer with no buffer held, and only then borrows a read buffer from a
// pool to parse the response with http.ReadResponse.
//
// What it gives up, against http.Client on an http.Transport:
//
//   - GET only, without a body; http URLs only (no TLS, so no HTTPS and no
//     HTTP/2); no proxy, cookies, authentication or Accept-Encoding: gzip.
//   - Redirects are not followed: a 3xx answer is returned as it is.
//   - No limit on connections per host, and no idle timeout: idle
//     connections stay open until [LeanClient.CloseIdleConnections]. A
//     request that finds its reused connection closed by the server
//     before any answer (an EOF, or an error while writing) is retried
//     once on a new connection, as net/http does for GET.
//   - Of net/http/httptrace, only the WroteRequest hook is called.
//   - The Read and Close of a response body must not be called
//     concurrently.
//
// The zero value is ready to use. A LeanClient is safe for concurrent use
// by many goroutines.
type LeanClient struct {
	// Timeout bounds each request, from its start to the end of its
	// body, as http.Client.Timeout does. Zero means no limit.
	Timeout time.Duration

	mu   sync.Mutex
	idle map[string][]*leanConn // idle connections by host:port
}

// A leanConn is a connection of a LeanClient. It can hold back the first
// byte of a response, read while no buffer was held.
type leanConn struct {
	net.Conn
	addr   string // the host:port it was dialled for
	reused bool   // it served a request before this one
	first  [1]byte
	held   bool // first holds a byte not yet read by the response parser
}

func (c *leanConn) Read(p []byte) (int, error) {
	if c.held && len(p) > 0 {
		p[0], c.held = c.first[0], false
		return 1, nil
	}
	return c.Conn.Read(p)
}

// readers holds the response parsers' buffers between responses.
var readers = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 4<<10) }}

// aLongTimeAgo is a deadline in the past: it makes every pending read and
// write on a connection return at once.
var aLongTimeAgo = time.Unix(1, 0)

// Do sends req and returns its response, whose body the caller must read
// to its end or close. Like http.Client.Do, it returns a *url.Error that
// names the method and the URL, and a response of any status without an
// error.
func (c *LeanClient) Do(req *http.Request) (*http.Response, error) {
	resp, err := c.do(req)
	if err != nil {
		op := req.Method
		if op == "" {
			op = http.MethodGet
		}
		return nil, &url.Error{Op: op[:1] + strings.ToLower(op[1:]), URL: req.URL.String(), Err: err}
	}
	return resp, nil
}

func (c *LeanClient) do(req *http.Request) (*http.Response, error) {
	if req.Method != "" && req.Method != http.MethodGet {
		return nil, fmt.Errorf("lean client: method %s: only GET is supported", req.Method)
	}
	if req.URL.Scheme != "http" {
		return nil, fmt.Errorf("lean client: scheme %q: only http is supported", req.URL.Scheme)
	}
	if req.Body != nil && req.Body != http.NoBody {
		return nil, errors.New("lean client: a GET request with a body is not supported")
	}
	addr := req.URL.Host
	if req.URL.Port() == "" {
		addr = net.JoinHostPort(req.URL.Hostname(), "80")
	}
	// The timeout is a deadline on the connection rather than a context:
	// the poller's own timer, no context and no timer per request.
	var deadline time.Time
	if c.Timeout > 0 {
		deadline = time.Now().Add(c.Timeout)
	}
	ctx := req.Context()
	for attempt := 0; ; attempt++ {
		conn, err := c.conn(ctx, addr, deadline)
		if err != nil {
			return nil, ctxErr(ctx, err)
		}
		resp, retry, err := c.roundTrip(ctx, conn, req, deadline)
		if err == nil {
			return resp, nil
		}
		if !retry || attempt > 0 {
			return nil, err
		}
	}
}

// roundTrip sends req on conn and reads the head of its response. retry
// says that the request failed on a reused connection before the server
// answered anything, and may be sent again on a new one.
func (c *LeanClient) roundTrip(ctx context.Context, conn *leanConn, req *http.Request, deadline time.Time) (resp *http.Response, retry bool, err error) {
	if !deadline.IsZero() {
		conn.SetDeadline(deadline)
	}
	// Cancellation unblocks the connection; the request then closes it.
	stop := func() bool { return true }
	if ctx.Done() != nil {
		stop = context.AfterFunc(ctx, func() { conn.SetDeadline(aLongTimeAgo) })
	}
	fail := func(err error, retryable bool) (*http.Response, bool, error) {
		stop()
		conn.Close()
		return nil, retryable && conn.reused && ctx.Err() == nil, ctxErr(ctx, err)
	}
	if err := writeRequest(conn, req); err != nil {
		return fail(err, true)
	}
	if trace := httptrace.ContextClientTrace(ctx); trace != nil && trace.WroteRequest != nil {
		trace.WroteRequest(httptrace.WroteRequestInfo{})
	}
	// Wait for the answer without holding a buffer: most of a request's
	// life in flight is spent here.
	if n, err := conn.Conn.Read(conn.first[:]); n == 0 {
		if err == nil {
			err = io.ErrUnexpectedEOF
		}
		return fail(err, err == io.EOF)
	}
	conn.held = true
	br := readers.Get().(*bufio.Reader)
	br.Reset(conn)
	resp, err = http.ReadResponse(br, req)
	if err != nil {
		br.Reset(nil)
		readers.Put(br)
		return fail(err, false)
	}
	body := &leanBody{client: c, conn: conn, br: br, body: resp.Body, ctx: ctx, stop: stop, keepAlive: !resp.Close}
	if resp.Body == http.NoBody {
		body.finish(true)
		return resp, false, nil
	}
	resp.Body = body
	return resp, false, nil
}

// requestBufs holds the buffers that requests are written from.
var requestBufs = sync.Pool{New: func() any { b := make(appendWriter, 0, 512); return &b }}

// An appendWriter is an io.Writer that appends to itself.
type appendWriter []byte

func (w *appendWriter) Write(p []byte) (int, error) {
	*w = append(*w, p...)
	return len(p), nil
}

// writeRequest writes the head of req, a GET without a body, with one
// write.
func writeRequest(conn net.Conn, req *http.Request) error {
	host := req.Host
	if host == "" {
		host = req.URL.Host
	}
	w := requestBufs.Get().(*appendWriter)
	defer requestBufs.Put(w)
	b := append((*w)[:0], "GET "...)
	b = append(b, req.URL.RequestURI()...)
	b = append(b, " HTTP/1.1\r\nHost: "...)
	b = append(b, host...)
	b = append(b, "\r\n"...)
	*w = b
	if err := req.Header.Write(w); err != nil {
		return err
	}
	*w = append(*w, "\r\n"...)
	_, err := conn.Write(*w)
	return err
}

// conn returns an idle connection to addr, or dials a new one by the
// deadline.
func (c *LeanClient) conn(ctx context.Context, addr string, deadline time.Time) (*leanConn, error) {
	c.mu.Lock()
	if idle := c.idle[addr]; len(idle) > 0 {
		conn := idle[len(idle)-1]
		c.idle[addr] = idle[:len(idle)-1]
		c.mu.Unlock()
		return conn, nil
	}
	c.mu.Unlock()
	d := net.Dialer{Deadline: deadline}
	nc, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	return &leanConn{Conn: nc, addr: addr}, nil
}

// putIdle keeps conn for the next request to its host.
func (c *LeanClient) putIdle(conn *leanConn) {
	conn.reused = true
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.idle == nil {
		c.idle = make(map[string][]*leanConn)
	}
	c.idle[conn.addr] = append(c.idle[conn.addr], conn)
}

// CloseIdleConnections closes every connection not serving a request.
func (c *LeanClient) CloseIdleConnections() {
	c.mu.Lock()
	idle := c.idle
	c.idle = nil
	c.mu.Unlock()
	for _, conns := range idle {
		for _, conn := range conns {
			conn.Close()
		}
	}
}

// ctxErr returns the context's error when ctx has ended (the failure was
// the cancellation making the connection return), else err.
func ctxErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

// A leanBody is the body of a LeanClient's response. Its end, or its
// Close, gives the connection back: to the idle pool when the whole body
// was read and the server keeps the connection open, else it closes it.
type leanBody struct {
	client    *LeanClient
	conn      *leanConn
	br        *bufio.Reader
	body      io.ReadCloser // http.ReadResponse's body, reading from br
	ctx       context.Context
	stop      func() bool // stops the cancellation hook
	keepAlive bool
	err       error // the error every Read returns once the body has ended
}

func (b *leanBody) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	n, err := b.body.Read(p)
	switch {
	case err == io.EOF:
		b.err = io.EOF
		b.finish(true)
	case err != nil:
		b.err = ctxErr(b.ctx, err)
		b.finish(false)
	}
	return n, b.err
}

// Close closes the body. A body not read to its end takes its connection
// with it: the rest of the answer is never read.
func (b *leanBody) Close() error {
	if b.err == nil {
		b.err = errors.New("lean client: read on a closed response body")
		b.finish(false)
	}
	return nil
}

// finish releases the connection and the buffer; complete says that the
// whole body was read.
func (b *leanBody) finish(complete bool) {
	hookStopped := b.stop()
	reuse := complete && hookStopped && b.keepAlive && b.br.Buffered() == 0
	b.br.Reset(nil)
	readers.Put(b.br)
	if reuse {
		b.conn.SetDeadline(time.Time{})
		b.client.putIdle(b.conn)
		return
	}
	b.conn.Close()
}
