package fetch_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"concbench/benchmarks/fetch"
	"concbench/benchmarks/models"

	"github.com/google/go-cmp/cmp"
)

// newLocalServer serves a fetch.Server in this process, with its control
// handler on a second test server.
func newLocalServer(t *testing.T) (*fetch.Server, *httptest.Server, *httptest.Server) {
	t.Helper()
	s := fetch.NewServer()
	data := httptest.NewUnstartedServer(s)
	data.Config.ConnState = s.ConnState
	data.Start()
	t.Cleanup(data.Close)
	control := httptest.NewServer(s.ControlHandler())
	t.Cleanup(control.Close)
	return s, data, control
}

// TestServerCounts sends three requests that the server holds until all
// three are in flight, and checks every counter, before and after a reset.
func TestServerCounts(t *testing.T) {
	s, data, _ := newLocalServer(t)
	client := newClient(t, fetch.TunedTransport, 3, time.Minute)
	url := data.URL + "/_fault/status/202?inflight=3"
	out, err := models.Map(t.Context(), models.Goroutines, fetch.Job(client), []string{url, url, url}, models.Options{})
	if err != nil {
		t.Fatal(err, s.Stats())
	}
	if diff := cmp.Diff([]int{202, 202, 202}, out); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
	client.CloseIdleConnections()
	got, ok := s.Wait(t.Context(), func(st fetch.Stats) bool { return st.OpenConns == 0 })
	if !ok {
		t.Fatalf("connections still open: %+v", got)
	}
	want := fetch.Stats{InFlight: 0, MaxInFlight: 3, Requests: 3, Canceled: 0, OpenConns: 0, MaxOpenConns: 3, NewConns: 3}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, s.Reset()); diff != "" {
		t.Errorf("Reset returned (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(fetch.Stats{}, s.Stats()); diff != "" {
		t.Errorf("stats after reset (-want +got):\n%s", diff)
	}
}

// TestServerRequests checks the answers to good and bad requests, on the
// control handler and on the faults.
func TestServerRequests(t *testing.T) {
	_, data, control := newLocalServer(t)
	for _, tc := range []struct {
		name, method, url string
		wantCode          int
		wantBody          string // a part of the body
	}{
		{"stats", "GET", control.URL + "/stats", 200, `"in_flight":0`},
		{"reset", "POST", control.URL + "/reset", 200, `"requests":0`},
		{"reset by GET", "GET", control.URL + "/reset", 405, ""},
		{"wait met", "GET", control.URL + "/wait?in_flight=0&open_conns=0", 200, `"open_conns":0`},
		{"wait not met", "GET", control.URL + "/wait?in_flight=5&timeout=10ms", 409, `"in_flight":0`},
		{"wait for nothing", "GET", control.URL + "/wait", 400, "nothing to wait for"},
		{"wait bad count", "GET", control.URL + "/wait?in_flight=x", 400, `in_flight="x"`},
		{"wait bad timeout", "GET", control.URL + "/wait?open_conns=0&timeout=soon", 400, `timeout="soon"`},
		{"fault status", "GET", data.URL + "/_fault/status/503", 503, "fault: status 503"},
		{"fault bad status", "GET", data.URL + "/_fault/status/abc", 400, "want a code"},
		{"fault bad inflight", "GET", data.URL + "/_fault/status/500?inflight=0", 400, "want a positive integer"},
		{"httpbin", "GET", data.URL + "/delay/0.001", 200, `"url"`},
		{"bare delay", "GET", fetch.DelayURL(data.URL+fetch.BareBase, time.Millisecond) + "?id=7", 200, "ok\n"},
		{"bare delay too long", "GET", fetch.DelayURL(data.URL+fetch.BareBase, 11*time.Second), 400, "want seconds from 0 to 10"},
		{"bare delay not a number", "GET", data.URL + fetch.BareBase + "/delay/soon", 400, `delay "soon"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequestWithContext(t.Context(), tc.method, tc.url, nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := data.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tc.wantCode || !strings.Contains(string(body), tc.wantBody) {
				t.Errorf("%s %s: %d %q; want %d and a body with %q", tc.method, tc.url, resp.StatusCode, body, tc.wantCode, tc.wantBody)
			}
		})
	}
}

// TestNewTransport checks the settings that tell the transports apart.
func TestNewTransport(t *testing.T) {
	type idle struct{ MaxIdleConns, MaxIdleConnsPerHost, MaxConnsPerHost int }
	for _, tc := range []struct {
		name    string
		kind    fetch.Transport
		conns   int
		want    idle
		wantErr bool
	}{
		// 0 per host means http.DefaultMaxIdleConnsPerHost, 2.
		{"default", fetch.DefaultTransport, 10000, idle{100, 0, 0}, false},
		{"tuned", fetch.TunedTransport, 10000, idle{10000, 10000, 0}, false},
		{"tuned for no connection", fetch.TunedTransport, 0, idle{}, true},
		{"h2c", fetch.H2CTransport, 10000, idle{100, 0, 101}, false},
		{"h2c for one request", fetch.H2CTransport, 1, idle{100, 0, 1}, false},
		{"h2c for no request", fetch.H2CTransport, 0, idle{}, true},
		{"lean has none", fetch.LeanTransport, 10, idle{}, true},
		{"unknown", "fast", 10, idle{}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr, err := fetch.NewTransport(tc.kind, tc.conns)
			if (err != nil) != tc.wantErr {
				t.Fatalf("NewTransport(%q, %d) error %v, want error %v", tc.kind, tc.conns, err, tc.wantErr)
			}
			if err != nil {
				return
			}
			if diff := cmp.Diff(tc.want, idle{tr.MaxIdleConns, tr.MaxIdleConnsPerHost, tr.MaxConnsPerHost}); diff != "" {
				t.Errorf("idle pool (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDelayURL(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{time.Second, "http://h/delay/1"},
		{1500 * time.Millisecond, "http://h/delay/1.5"},
		{20 * time.Millisecond, "http://h/delay/0.02"},
		{0, "http://h/delay/0"},
	} {
		if got := fetch.DelayURL("http://h", tc.d); got != tc.want {
			t.Errorf("DelayURL(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}
