package fetch_test

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"concbench/benchmarks/fetch"
	"concbench/benchmarks/models"

	"github.com/google/go-cmp/cmp"
)

// newBareServer serves a BareServer in this process, counting into a new
// Server, and returns both with the base URL. Cleanup closes it and
// checks that Serve ended with ErrBareServerClosed.
func newBareServer(t *testing.T) (*fetch.Server, *fetch.BareServer, string) {
	t.Helper()
	s := fetch.NewServer()
	b := fetch.NewBareServer(s)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- b.Serve(l) }()
	t.Cleanup(func() {
		b.Close()
		if err := <-served; !errors.Is(err, fetch.ErrBareServerClosed) {
			t.Errorf("Serve returned %v after Close, want ErrBareServerClosed", err)
		}
	})
	return s, b, "http://" + l.Addr().String()
}

// TestBareServer sends concurrent requests on every HTTP/1.1 transport
// and checks the answers and the counters: each connection serves the
// next request.
func TestBareServer(t *testing.T) {
	for _, kind := range []fetch.Transport{fetch.DefaultTransport, fetch.TunedTransport, fetch.LeanTransport} {
		t.Run(string(kind), func(t *testing.T) {
			s, _, base := newBareServer(t)
			client := newClient(t, kind, 3, time.Minute)
			urls := []string{base + "/delay/0.01?id=1", base + "/delay/0.01?id=2", base + "/delay/0.01?id=3"}
			for round := range 2 {
				out, err := models.Map(t.Context(), models.Goroutines, fetch.Job(client), urls, models.Options{})
				if err != nil {
					t.Fatalf("round %d: %v", round, err)
				}
				if diff := cmp.Diff([]int{200, 200, 200}, out); diff != "" {
					t.Errorf("round %d: results (-want +got):\n%s", round, diff)
				}
			}
			st, ok := s.Wait(t.Context(), func(st fetch.Stats) bool { return st.InFlight == 0 })
			if !ok || st.Requests != 6 || st.InFlight != 0 || st.MaxInFlight < 1 || st.MaxInFlight > 3 || st.NewConns < 1 || st.NewConns > 6 || st.Canceled != 0 {
				t.Errorf("stats after two rounds of 3 requests: %+v", st)
			}
			client.CloseIdleConnections()
			if got, ok := s.Wait(t.Context(), func(st fetch.Stats) bool { return st.OpenConns == 0 }); !ok {
				t.Fatalf("connections still open: %+v", got)
			}
		})
	}
}

// TestBareServerKeepAlive checks that one connection serves requests one
// after the other, and that the answer says when it closes.
func TestBareServerKeepAlive(t *testing.T) {
	s, _, base := newBareServer(t)
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	br := bufio.NewReader(conn)
	for i, tc := range []struct {
		request   string
		wantClose bool
	}{
		{"GET /delay/0 HTTP/1.1\r\nHost: x\r\n\r\n", false},
		{"GET /delay/0.001?id=2 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", false},
		{"GET /delay/0 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", true},
	} {
		if _, err := io.WriteString(conn, tc.request); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != 200 || string(body) != "ok\n" || resp.Close != tc.wantClose {
			t.Errorf("request %d: %d %q, close %v; want 200 \"ok\\n\", close %v", i, resp.StatusCode, body, resp.Close, tc.wantClose)
		}
	}
	if n, err := br.Read(make([]byte, 1)); n != 0 || err != io.EOF {
		t.Errorf("after Connection: close, read %d bytes, %v; want EOF", n, err)
	}
	if st := s.Stats(); st.Requests != 3 || st.NewConns != 1 {
		t.Errorf("stats: %+v; want 3 requests on 1 connection", st)
	}
}

// TestBareServerBadRequests checks the answers to what the bare server
// does not serve: each is an error status, and the connection closes.
func TestBareServerBadRequests(t *testing.T) {
	_, _, base := newBareServer(t)
	addr := strings.TrimPrefix(base, "http://")
	for _, tc := range []struct {
		name, request string
		wantCode      int
		wantBody      string
	}{
		{"not found", "GET /get HTTP/1.1\r\nHost: x\r\n\r\n", 404, "only /delay/{seconds}"},
		{"method", "POST /delay/0 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", 405, "only GET"},
		{"body", "GET /delay/0 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello", 400, "request bodies"},
		{"chunked body", "GET /delay/0 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400, "request bodies"},
		{"too long a delay", "GET /delay/10.5 HTTP/1.1\r\nHost: x\r\n\r\n", 400, "want seconds from 0 to 10"},
		{"negative delay", "GET /delay/-1 HTTP/1.1\r\nHost: x\r\n\r\n", 400, "want seconds"},
		{"malformed line", "GET /delay/0\r\n\r\n", 400, "malformed request line"},
		{"not HTTP/1", "GET /delay/0 HTTP/2.0\r\n\r\n", 400, "malformed request line"},
		{"long line", "GET /delay/0?" + strings.Repeat("a", 2000) + " HTTP/1.1\r\n\r\n", 414, "request line too long"},
		{"many headers", "GET /delay/0 HTTP/1.1\r\n" + strings.Repeat("X: y\r\n", 101) + "\r\n", 431, "more than 100 header lines"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			go io.WriteString(conn, tc.request) // a long request may outrun the answer
			br := bufio.NewReader(conn)
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tc.wantCode || !strings.Contains(string(body), tc.wantBody) || !resp.Close {
				t.Errorf("%d %q, close %v; want %d, a body with %q, close", resp.StatusCode, body, resp.Close, tc.wantCode, tc.wantBody)
			}
		})
	}
}

// TestBareServerClose checks that Close abandons the requests waiting:
// it returns long before their delay, their clients see the connection
// end, and every connection is counted closed.
func TestBareServerClose(t *testing.T) {
	s, b, base := newBareServer(t)
	client := newClient(t, fetch.LeanTransport, 2, time.Minute)
	errc := make(chan error, 2)
	for range 2 {
		go func() {
			_, err := fetch.Get(t.Context(), client, base+"/delay/10")
			errc <- err
		}()
	}
	if got, ok := s.Wait(t.Context(), func(st fetch.Stats) bool { return st.InFlight == 2 }); !ok {
		t.Fatalf("requests not in flight: %+v", got)
	}
	start := time.Now()
	b.Close()
	for range 2 {
		if err := <-errc; err == nil {
			t.Error("a request abandoned by Close succeeded")
		}
	}
	if waited := time.Since(start); waited > 5*time.Second {
		t.Errorf("Close and the failed requests took %v, want well under the 10 s delay", waited)
	}
	if st := s.Stats(); st.InFlight != 0 || st.OpenConns != 0 || st.Canceled != 2 {
		t.Errorf("stats after Close: %+v; want nothing in flight or open, 2 canceled", st)
	}
}
