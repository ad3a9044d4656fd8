// Package fetch is the seed tutorial's first case, an I/O-bound batch of
// HTTP requests, and its section 7, at most ten requests in flight with
// asyncio.Semaphore(10), measured in Go against a real HTTP server.
//
// The pieces:
//
//  1. The server: [Server], go-httpbin's handler (/delay/{seconds}, /drip,
//     /status/{code}, ...) with counters (requests in flight and the most
//     reached, connections open, requests the client abandoned) and two
//     faults, and [BareServer], which serves only the delay and spends as
//     little as an HTTP/1.1 server can on it (see [BareBase]). The
//     benchmarks run both in a child process ([StartServer],
//     [ServeProcess]) so that the client alone is measured, and read
//     their counters through a control listener of its own.
//  2. The client: [Job], one GET per input URL, run under every in-process
//     model with models.Map. An answer of 400 or more is a [*StatusError].
//     [NewClient] builds a client on Go's default HTTP transport, on one
//     tuned for many concurrent requests to one host, on one that speaks
//     HTTP/2 without TLS (h2c), or the [LeanClient], an HTTP/1.1 client cut
//     down to this workload.
//  3. The benchmarks, in the package's tests: BenchmarkFetch (the seed's
//     five delayed URLs), BenchmarkRateLimit (100 requests, 10 in flight)
//     and BenchmarkInflight (10,000 requests at once, and the curve of its
//     cost per transport, from 100 requests to the most that the open-file
//     limit and the ports allow). The tests check the faults: error
//     statuses, resets, timeouts, slow bodies, fail-fast cancellation, and
//     that no goroutine or connection is left behind.
//
// The environment variable CONCBENCH_FETCH_URL points the benchmarks at
// another httpbin-compatible server instead (for example
// https://httpbin.org); the server's counters are then unknown and the
// metrics drawn from them are not reported.
package fetch

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"concbench/benchmarks/models"
)

// A Client sends HTTP requests: an *http.Client, or a [*LeanClient].
type Client interface {
	// Do sends the request and returns the response, as http.Client.Do.
	Do(req *http.Request) (*http.Response, error)
	// CloseIdleConnections closes the connections not serving a request.
	CloseIdleConnections()
}

// Job returns the job that GETs one URL with client, reads the whole body,
// and returns the status code. The body is read even on an error status,
// so that the connection can serve the next request.
//
// The job has no name: a task that holds a client cannot be sent to
// another process, so it runs under the in-process models
// (models.InProcess) only.
func Job(client Client) models.Job[string, int] {
	return models.Job[string, int]{Run: func(ctx context.Context, url string) (int, error) {
		return Get(ctx, client, url)
	}}
}

// Get is the task of [Job]. Every error it returns names the URL.
func Get(ctx context.Context, client Client, url string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, fmt.Errorf("building the request for %s: %w", url, err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err // a *url.Error: it names the method and the URL
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return 0, fmt.Errorf("reading the response to GET %s: %w", url, err)
	}
	if resp.StatusCode >= 400 {
		return 0, &StatusError{URL: url, Code: resp.StatusCode}
	}
	return resp.StatusCode, nil
}

// A StatusError is an answer with a status code of 400 or more.
type StatusError struct {
	URL  string
	Code int
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("GET %s: %d %s", e.URL, e.Code, http.StatusText(e.Code))
}

// DelayURL returns the URL of base's /delay endpoint for d, in the
// fractional seconds that both go-httpbin and httpbin.org accept.
func DelayURL(base string, d time.Duration) string {
	return base + "/delay/" + strconv.FormatFloat(d.Seconds(), 'f', -1, 64)
}

// URLEnv is the environment variable that points the benchmarks at
// another httpbin-compatible server, by its base URL (for example
// https://httpbin.org). When it is set, no server process is started.
const URLEnv = "CONCBENCH_FETCH_URL"

// A Transport names the client's transport: a configuration of
// http.Transport, or the lean client.
type Transport string

// The transports.
const (
	// DefaultTransport is Go's http.DefaultTransport, as http.Get uses
	// it. It keeps at most 2 idle connections per host
	// (http.DefaultMaxIdleConnsPerHost): after a burst of n concurrent
	// requests to one host it closes n-2 connections, and the next burst
	// dials them again.
	DefaultTransport Transport = "default"
	// TunedTransport is DefaultTransport with the idle pool sized to the
	// expected concurrency (MaxIdleConns and MaxIdleConnsPerHost), so
	// that every connection of one burst serves the next.
	TunedTransport Transport = "tuned"

	// H2CTransport is DefaultTransport speaking only HTTP/2 without TLS
	// (h2c, with prior knowledge, http.Protocols' UnencryptedHTTP2). It
	// multiplexes the requests over a few connections, as many as the
	// server's limit of concurrent streams per connection requires (250
	// for Go's server): no goroutine and no buffers per connection for
	// each request, but one goroutine per request besides the caller's,
	// which writes it, and HTTP/2's framing, header compression and flow
	// control on every request. It needs a server that speaks h2c, as
	// [ServeProcess]'s does.
	//
	// It caps the connections per host (MaxConnsPerHost) at one per 100
	// requests expected at once, 2.5 times what Go's server needs: a
	// cold transport without a cap dials one connection per request
	// waiting for one (31,480 dials for a first burst of 10,000, 19,000
	// at once running out of files), keeping the few it needs.
	H2CTransport Transport = "h2c"
	// LeanTransport is the [LeanClient]: HTTP/1.1, one connection per
	// request in flight, no goroutine but the caller's. It gives up most
	// of what net/http does beyond this workload; its documentation
	// says what.
	LeanTransport Transport = "lean"
)

// Transports lists the transports, the default first.
func Transports() []Transport {
	return []Transport{DefaultTransport, TunedTransport, H2CTransport, LeanTransport}
}

// NewClient returns a new client of the given kind for up to conns
// concurrent requests to one host, whose requests each end after timeout
// (zero: no limit). conns matters to TunedTransport and H2CTransport
// only.
func NewClient(kind Transport, conns int, timeout time.Duration) (Client, error) {
	if kind == LeanTransport {
		return &LeanClient{Timeout: timeout}, nil
	}
	t, err := NewTransport(kind, conns)
	if err != nil {
		return nil, err
	}
	return &http.Client{Transport: t, Timeout: timeout}, nil
}

// serverProtocols are the protocols the server process speaks: HTTP/1.1,
// and HTTP/2 without TLS for [H2CTransport].
func serverProtocols() *http.Protocols {
	var p http.Protocols
	p.SetHTTP1(true)
	p.SetUnencryptedHTTP2(true)
	return &p
}

// NewTransport returns a new http.Transport of the given kind for up to
// conns concurrent requests to one host. conns matters to TunedTransport
// and H2CTransport only. LeanTransport has no http.Transport: see
// [NewClient].
func NewTransport(kind Transport, conns int) (*http.Transport, error) {
	t := http.DefaultTransport.(*http.Transport).Clone()
	switch kind {
	case DefaultTransport:
		return t, nil
	case TunedTransport:
		if conns < 1 {
			return nil, fmt.Errorf("tuned transport for %d connections: want at least 1", conns)
		}
		t.MaxIdleConns = conns
		t.MaxIdleConnsPerHost = conns
		return t, nil
	case H2CTransport:
		if conns < 1 {
			return nil, fmt.Errorf("h2c transport for %d requests at once: want at least 1", conns)
		}
		var p http.Protocols
		p.SetUnencryptedHTTP2(true)
		t.Protocols = &p
		t.MaxConnsPerHost = conns/100 + 1
		return t, nil
	case LeanTransport:
		return nil, fmt.Errorf("transport %q is a client of its own, not an http.Transport (use NewClient)", kind)
	}
	return nil, fmt.Errorf("unknown transport %q (want one of %v)", kind, Transports())
}
