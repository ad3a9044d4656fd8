package fetch_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"concbench/benchmarks/fetch"

	"github.com/google/go-cmp/cmp"
)

// TestLeanClient checks what the lean client does with the answers it
// supports, and how it reuses connections: one request after another on
// one client, counting the connections the server accepted.
func TestLeanClient(t *testing.T) {
	type answer struct {
		Code     int
		BodySize int
	}
	for _, tc := range []struct {
		name     string
		path     string
		want     answer
		header   string // an answer header to check, as "Name: value"
		readBody bool   // read the body to its end; else close it at once
		conns    int    // connections for two requests in a row
	}{
		{"fixed length", "/bytes/3000", answer{200, 3000}, "Content-Length: 3000", true, 1},
		{"chunked", "/stream-bytes/3000?chunk_size=500", answer{200, 3000}, "Transfer-Encoding: ", true, 1},
		{"no body", "/status/204", answer{204, 0}, "", true, 1},
		{"error status", "/status/503", answer{503, -1}, "", true, 1},
		{"redirect not followed", "/redirect-to?url=/get&status_code=302", answer{302, -1}, "Location: /get", true, 1},
		{"server closes", "/response-headers?Connection=close", answer{200, -1}, "", true, 2},
		{"body closed unread", "/bytes/3000", answer{200, -1}, "", false, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, data, _ := newLocalServer(t)
			client := &fetch.LeanClient{Timeout: time.Minute}
			t.Cleanup(client.CloseIdleConnections)
			for range 2 {
				req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, data.URL+tc.path, nil)
				if err != nil {
					t.Fatal(err)
				}
				resp, err := client.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				got := answer{Code: resp.StatusCode, BodySize: -1}
				if tc.readBody {
					body, err := io.ReadAll(resp.Body)
					if err != nil {
						t.Fatalf("reading the body: %v", err)
					}
					got.BodySize = len(body)
				}
				resp.Body.Close()
				if tc.want.BodySize < 0 {
					got.BodySize = -1 // the size of this body does not matter
				}
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("answer (-want +got):\n%s", diff)
				}
				if name, value, ok := strings.Cut(tc.header, ": "); ok {
					if got := strings.Join(resp.Header.Values(name), ", ") + strings.Join(resp.TransferEncoding, ", "); !strings.Contains(got, value) {
						t.Errorf("header %s = %q, want %q", name, got, value)
					}
				}
			}
			if st := s.Stats(); st.NewConns != int64(tc.conns) {
				t.Errorf("the server accepted %d connections for two requests, want %d", st.NewConns, tc.conns)
			}
			client.CloseIdleConnections()
			if st, ok := s.Wait(t.Context(), func(st fetch.Stats) bool { return st.OpenConns == 0 }); !ok {
				t.Errorf("connections left open after CloseIdleConnections: %+v", st)
			}
		})
	}
}

// TestLeanClientStaleConn sends a request on an idle connection that the
// server has closed meanwhile: the client finds out only when it reads
// the answer, and sends the request again on a new connection.
func TestLeanClientStaleConn(t *testing.T) {
	s, data, _ := newLocalServer(t)
	client := &fetch.LeanClient{}
	t.Cleanup(client.CloseIdleConnections)
	job := fetch.Job(client)
	if _, err := job.Run(t.Context(), data.URL+"/get"); err != nil {
		t.Fatal(err)
	}
	data.CloseClientConnections()
	if st, ok := s.Wait(t.Context(), func(st fetch.Stats) bool { return st.OpenConns == 0 }); !ok {
		t.Fatalf("the server did not close its connection: %+v", st)
	}
	code, err := job.Run(t.Context(), data.URL+"/get")
	if err != nil || code != 200 {
		t.Fatalf("request on a closed idle connection = %d, %v; want 200 after a retry", code, err)
	}
	if st := s.Stats(); st.NewConns != 2 || st.Requests != 2 {
		t.Errorf("the server saw %d connections and %d requests, want 2 and 2", st.NewConns, st.Requests)
	}
}

// TestLeanClientUnsupported checks that what the lean client does not do
// fails at once, with an error that names the URL, as http.Client's do.
func TestLeanClientUnsupported(t *testing.T) {
	client := &fetch.LeanClient{}
	for _, tc := range []struct {
		name, method, url string
		body              io.Reader
		want              string
	}{
		{"post", http.MethodPost, "http://127.0.0.1:1/post", nil, "only GET"},
		{"https", http.MethodGet, "https://127.0.0.1:1/get", nil, "only http"},
		{"a body", http.MethodGet, "http://127.0.0.1:1/get", strings.NewReader("x"), "with a body"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequestWithContext(t.Context(), tc.method, tc.url, tc.body)
			if err != nil {
				t.Fatal(err)
			}
			_, err = client.Do(req)
			var ue *url.Error
			if !errors.As(err, &ue) || ue.URL != tc.url || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want a *url.Error for %s saying %q", err, tc.url, tc.want)
			}
		})
	}
	t.Run("cancelled before it starts", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if _, err := fetch.Job(client).Run(ctx, "http://127.0.0.1:1/get"); !errors.Is(err, context.Canceled) {
			t.Errorf("error %v, want %v", err, context.Canceled)
		}
	})
}
