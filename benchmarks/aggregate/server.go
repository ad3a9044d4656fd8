package aggregate

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// The limits of [Service.NewServer]'s server.
const (
	// ReadHeaderTimeout bounds the reading of a request's headers: a
	// client that sends them slowly (slowloris) is cut off.
	ReadHeaderTimeout = 5 * time.Second
	// ReadTimeout bounds the reading of a whole request; /aggregate has
	// no body.
	ReadTimeout = 10 * time.Second
	// IdleTimeout is how long a keep-alive connection may wait for its
	// next request.
	IdleTimeout = 2 * time.Minute
	// MaxHeaderBytes is the largest request header accepted; a larger one
	// is answered 431 Request Header Fields Too Large. (net/http allows
	// 4 KiB of slack over it.)
	MaxHeaderBytes = 16 << 10
	// writeSlack is what the write timeout allows beyond the longest
	// fan-out, for the answer itself.
	writeSlack = 5 * time.Second
)

// DefaultGrace is how long a graceful shutdown waits, by default, for
// the requests in flight: longer than the serial fan-out at the default
// timeout, three calls of 5 s.
const DefaultGrace = 20 * time.Second

// NewServer returns an http.Server for s with the limits above, and a
// write timeout that covers the longest answer: one call timeout for
// the concurrent fan-out, three for the serial one, plus 5 s.
func (s *Service) NewServer() *http.Server {
	return &http.Server{
		Handler:           s,
		ReadHeaderTimeout: ReadHeaderTimeout,
		ReadTimeout:       ReadTimeout,
		WriteTimeout:      s.longestFanOut() + writeSlack,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    MaxHeaderBytes,
	}
}

// longestFanOut is the longest one request's calls can take.
func (s *Service) longestFanOut() time.Duration {
	if s.opts.Fanout == Serial {
		return time.Duration(len(s.urls)) * s.opts.Timeout
	}
	return s.opts.Timeout
}

// RunOptions configure [Service.Run]. The zero value shuts down at once
// with the default grace.
type RunOptions struct {
	// Grace bounds the wait for the requests in flight when shutting
	// down. Default [DefaultGrace].
	Grace time.Duration
	// Began, when not nil, is called when the listener has closed, with
	// the counters at that moment: the requests in flight then are the
	// ones the shutdown lets finish.
	Began func(Counters)
	// Drain, when not nil, holds the second step of the shutdown (see
	// [Service.Run]) until it is closed.
	Drain <-chan struct{}
}

// Run serves s on ln, with the server of [Service.NewServer], until ctx
// is done; then it shuts down gracefully, in two steps:
//
//  1. The listener closes: new connections are refused. The connections
//     open go on being served, so that their clients have no reason to
//     dial again, until opts.Drain is closed (at once when it is nil).
//  2. Idle connections close, the requests in flight finish and are
//     answered, each connection closing after its answer, for at most
//     opts.Grace. Requests still running then are cut, and Run says how
//     many.
//
// The first step alone is what worker processes sharing a port need:
// the kernel resets the connections queued on a listener that closes, so
// a worker that closed its connections while another still listened
// would send their clients to that other's queue, and to a reset when it
// closes in turn. A deployment closes every listener first, then drains.
//
// Run returns nil after a clean shutdown, and returns after Began has.
func (s *Service) Run(ctx context.Context, ln net.Listener, opts RunOptions) error {
	grace := opts.Grace
	if grace <= 0 {
		grace = DefaultGrace
	}
	srv := s.NewServer()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("serving: %w", err)
	case <-ctx.Done():
	}

	// Step 1. Serve returns once its Accept fails; the connections it
	// started are served on.
	ln.Close()
	<-served
	if opts.Began != nil {
		opts.Began(s.Counters())
	}
	if opts.Drain != nil {
		<-opts.Drain
	}

	// Step 2.
	shutdown, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err := srv.Shutdown(shutdown)
	if errors.Is(err, context.DeadlineExceeded) {
		left := s.inFlight.Load()
		srv.Close()
		return fmt.Errorf("shutting down: %d requests still in flight after %s; cut", left, grace)
	}
	if err != nil {
		srv.Close()
		return fmt.Errorf("shutting down: %w", err)
	}
	return nil
}

// Listen listens on the TCP address addr ("127.0.0.1:0" picks a free
// port). With reusePort, the socket has SO_REUSEPORT set, so that several
// processes can listen on one port and the kernel spreads the new
// connections among them: the worker processes of [Workers]. Only Linux
// spreads them so; elsewhere reusePort is an error ([ErrNoReusePort]).
func Listen(ctx context.Context, addr string, reusePort bool) (net.Listener, error) {
	var lc net.ListenConfig
	if reusePort {
		if !ReusePortSupported {
			return nil, ErrNoReusePort
		}
		lc.Control = setReusePort
	}
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listening on %s: %w", addr, err)
	}
	return ln, nil
}
