package fetch

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"sync"
	"time"

	"concbench/benchmarks/reexec"
)

// ServerEnv is the environment variable that turns a re-executed binary
// into the server process (see [StartServer] and [ServeProcess]).
const ServerEnv = "CONCBENCH_FETCH_SERVER"

// IsServerProcess reports whether this process was started by
// [StartServer] to be the server. A TestMain calls [ServeProcess] then,
// instead of running tests.
func IsServerProcess() bool { return os.Getenv(ServerEnv) != "" }

// Addrs are the base URLs of a server process: URL serves httpbin, the
// faults and the bare endpoint ([Server]), Bare the bare endpoint alone
// ([BareServer]), Control the counters ([Server.ControlHandler]), which
// count the requests and connections of URL and Bare together.
type Addrs struct {
	URL     string `json:"url"`
	Bare    string `json:"bare"`
	Control string `json:"control"`
}

// ServeProcess runs a [Server] and a [BareServer] on three loopback
// listeners with ephemeral ports (URL, Bare and Control), writes their
// [Addrs] as one JSON line on stdout, and serves until
// stdin ends (the parent closed it, or died) or ctx is done. It then shuts
// the servers down: net/http's abandons the requests still running after a
// few seconds, the bare one at once.
func ServeProcess(ctx context.Context, stdin io.Reader, stdout io.Writer) error {
	srv := NewServer()
	data, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("listening: %w", err)
	}
	defer data.Close()
	control, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("listening for control: %w", err)
	}
	defer control.Close()
	bare, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("listening for the bare endpoint: %w", err)
	}
	defer bare.Close()

	dataSrv := &http.Server{Handler: srv, ConnState: srv.ConnState, ReadHeaderTimeout: time.Minute, Protocols: serverProtocols()}
	controlSrv := &http.Server{Handler: srv.ControlHandler(), ReadHeaderTimeout: time.Minute}
	bareSrv := NewBareServer(srv)
	errc := make(chan error, 3)
	go func() { errc <- dataSrv.Serve(data) }()
	go func() { errc <- controlSrv.Serve(control) }()
	go func() { errc <- bareSrv.Serve(bare) }()

	addrs := Addrs{URL: "http://" + data.Addr().String(), Bare: "http://" + bare.Addr().String(), Control: "http://" + control.Addr().String()}
	if err := json.NewEncoder(stdout).Encode(addrs); err != nil {
		return fmt.Errorf("writing the addresses: %w", err)
	}

	eof := make(chan error, 1)
	go func() {
		_, err := io.Copy(io.Discard, stdin)
		eof <- err
	}()
	select {
	case <-eof:
	case <-ctx.Done():
	case err = <-errc:
		return fmt.Errorf("serving: %w", err)
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return errors.Join(shutdownOrClose(shutdown, dataSrv), shutdownOrClose(shutdown, controlSrv), bareSrv.Close())
}

func shutdownOrClose(ctx context.Context, s *http.Server) error {
	if err := s.Shutdown(ctx); err != nil {
		return errors.Join(fmt.Errorf("shutting down: %w", err), s.Close())
	}
	return nil
}

// A Process is a server running in a child process: the current binary
// re-executed with [ServerEnv] set. The benchmark then measures the client
// alone; the server's scheduling and garbage collection happen elsewhere.
type Process struct {
	Addrs

	child   *reexec.Child
	control *http.Client

	stopOnce sync.Once
	stopErr  error
}

// StartServer starts the server process and returns once it answers. The
// child runs with GOMAXPROCS set to the number of CPUs, whatever the
// parent's -cpu setting, and dies with the parent (on Linux by a
// parent-death signal; everywhere when its stdin closes). Call
// [Process.Stop] to stop it and reap it.
func StartServer(ctx context.Context) (*Process, error) {
	child, err := reexec.Start(os.Stderr, ServerEnv+"=1", "GOMAXPROCS="+strconv.Itoa(runtime.NumCPU()))
	if err != nil {
		return nil, fmt.Errorf("starting the server process: %w", err)
	}
	p := &Process{
		child: child,
		// No keep-alive: a control request leaves no connection behind
		// (the control listener is not counted anyway).
		control: &http.Client{Transport: &http.Transport{DisableKeepAlives: true}},
	}
	line, err := bufio.NewReader(child.Stdout).ReadBytes('\n')
	if err != nil {
		return nil, errors.Join(fmt.Errorf("reading the server's addresses: %w", err), p.Stop())
	}
	if err := json.Unmarshal(line, &p.Addrs); err != nil || p.URL == "" || p.Bare == "" || p.Control == "" {
		return nil, errors.Join(fmt.Errorf("the server printed %q, not its addresses", bytes.TrimSpace(line)), p.Stop())
	}
	if _, err := p.Stats(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("the server does not answer: %w", err), p.Stop())
	}
	return p, nil
}

// Stop closes the server's stdin, which makes it shut down, and reaps it;
// it kills the server if it has not exited within ten seconds.
func (p *Process) Stop() error {
	p.stopOnce.Do(func() {
		if err := p.child.Stop(10 * time.Second); err != nil {
			p.stopErr = fmt.Errorf("server process: %w", err)
		}
		p.control.CloseIdleConnections()
	})
	return p.stopErr
}

// Stats returns the server's counters.
func (p *Process) Stats(ctx context.Context) (Stats, error) {
	return p.call(ctx, http.MethodGet, "/stats", http.StatusOK)
}

// Reset zeroes the server's counters (see [Server.Reset]) and returns
// their values from before.
func (p *Process) Reset(ctx context.Context) (Stats, error) {
	return p.call(ctx, http.MethodPost, "/reset", http.StatusOK)
}

// Wait waits, at most timeout, until the server's gauges equal want, and
// returns the counters it last saw. The error says when they did not in
// time.
func (p *Process) Wait(ctx context.Context, want Want, timeout time.Duration) (Stats, error) {
	st, err := p.call(ctx, http.MethodGet, "/wait?"+want.query(timeout), http.StatusOK)
	if err != nil {
		return st, fmt.Errorf("waiting for the server: %w", err)
	}
	return st, nil
}

func (p *Process) call(ctx context.Context, method, path string, wantCode int) (Stats, error) {
	var st Stats
	req, err := http.NewRequestWithContext(ctx, method, p.Control+path, nil)
	if err != nil {
		return st, fmt.Errorf("control request %s: %w", path, err)
	}
	resp, err := p.control.Do(req)
	if err != nil {
		return st, fmt.Errorf("control request: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return st, fmt.Errorf("control request %s: reading the answer: %w", path, err)
	}
	if err := json.Unmarshal(body, &st); err != nil {
		return st, fmt.Errorf("control request %s: %s: %s", path, resp.Status, bytes.TrimSpace(body))
	}
	if resp.StatusCode != wantCode {
		return st, fmt.Errorf("control request %s: %s: %+v", path, resp.Status, st)
	}
	return st, nil
}
