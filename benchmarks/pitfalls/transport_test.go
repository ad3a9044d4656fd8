package pitfalls_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
)

func TestDefaultMaxIdleConnsPerHost(t *testing.T) {
	if http.DefaultMaxIdleConnsPerHost != 2 {
		t.Fatalf("http.DefaultMaxIdleConnsPerHost = %d, want 2", http.DefaultMaxIdleConnsPerHost)
	}
	const (
		concurrent = 8 // requests in flight at once, in every round
		rounds     = 4
	)
	dials := make(map[string]int)
	for _, tc := range []struct {
		name      string
		transport func() *http.Transport
	}{
		// A copy of http.DefaultTransport, so that the test does not leave
		// idle connections in the shared one.
		{"default", func() *http.Transport { return http.DefaultTransport.(*http.Transport).Clone() }},
		{"tuned", func() *http.Transport {
			tr := http.DefaultTransport.(*http.Transport).Clone()
			tr.MaxIdleConnsPerHost = concurrent
			return tr
		}},
	} {
		t.Run("transport="+tc.name, func(t *testing.T) {
			tr := tc.transport()
			defer tr.CloseIdleConnections()
			dials[tc.name] = countNewConns(t, tr, concurrent, rounds)
		})
	}
	t.Logf("new connections for %d rounds of %d concurrent requests: default transport %d, MaxIdleConnsPerHost=%d %d",
		rounds, concurrent, dials["default"], concurrent, dials["tuned"])
	// The default transport keeps 2 of the connections of each round and
	// dials the others again in the next: at least concurrent +
	// (rounds-1)*(concurrent-2) in all. A tuned one can keep all of them,
	// and dials concurrent in all unless a connection is not ready for
	// reuse in time on a loaded machine.
	if floor := concurrent + (rounds-1)*(concurrent-2); dials["default"] < floor {
		t.Errorf("default transport: %d new connections, want at least %d", dials["default"], floor)
	}
	if dials["tuned"] >= dials["default"] {
		t.Errorf("tuned transport: %d new connections, want fewer than the default transport's %d", dials["tuned"], dials["default"])
	}
}

// countNewConns sends rounds of concurrent requests through tr to a
// loopback server that answers none of a round's requests before all of
// them have arrived, so that each round needs concurrent connections at
// once, and returns how many connections the server accepted.
func countNewConns(t *testing.T, tr *http.Transport, concurrent, rounds int) int {
	var accepted atomic.Int32
	gate := &roundGate{size: concurrent}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-gate.arrive():
			io.WriteString(w, "ok")
		case <-r.Context().Done():
		}
	}))
	srv.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			accepted.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()

	client := &http.Client{Transport: tr}
	ctx, cancel := context.WithTimeout(t.Context(), patience)
	defer cancel()
	for round := range rounds {
		errs := make(chan error, concurrent)
		for range concurrent {
			go func() { errs <- get(ctx, client, srv.URL) }()
		}
		for range concurrent {
			if err := <-errs; err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
		}
	}
	return int(accepted.Load())
}

// get sends one GET and reads the whole body: reading to the end is what
// lets the transport keep the connection for reuse.
func get(ctx context.Context, client *http.Client, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("reading the body: %w", err)
	}
	if resp.StatusCode != http.StatusOK || string(body) != "ok" {
		return fmt.Errorf("got %s %q, want 200 OK \"ok\"", resp.Status, body)
	}
	return nil
}

// A roundGate holds requests until size of them have arrived, then lets
// that round through and starts the next.
type roundGate struct {
	size int

	mu      sync.Mutex
	arrived int
	open    chan struct{}
}

// arrive counts one request and returns a channel closed once its round is
// complete.
func (g *roundGate) arrive() <-chan struct{} {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.open == nil {
		g.open = make(chan struct{})
	}
	open := g.open
	g.arrived++
	if g.arrived == g.size {
		close(g.open)
		g.open, g.arrived = nil, 0
	}
	return open
}
