package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"concbench/benchmarks/aggregate"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	// The workers of -workers are this test binary, re-executed.
	if err := serveChild(); err != errNotChild {
		if err != nil {
			fmt.Fprintln(os.Stderr, "aggregate worker:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	goleak.VerifyTestMain(m)
}

func TestUsageErrors(t *testing.T) {
	ok := []string{"-user", "http://127.0.0.1:1/u", "-order", "http://127.0.0.1:1/o", "-stock", "http://127.0.0.1:1/s"}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no URLs", nil, "user URL: missing"},
		{"bad URL", []string{"-user", "http://127.0.0.1:1/u", "-order", "::", "-stock", "http://127.0.0.1:1/s"}, `order URL: parse "::": missing protocol scheme`},
		{"bad fanout", append([]string{"-fanout", "parallel"}, ok...), `unknown fan-out "parallel" (want concurrent or serial)`},
		{"bad timeout", append([]string{"-timeout", "-1s"}, ok...), "timeout -1s: want a positive duration"},
		{"bad listen", append([]string{"-listen", "127.0.0.1:http-ish"}, ok...), "listening on 127.0.0.1:http-ish"},
		{"negative workers", append([]string{"-workers", "-2"}, ok...), "-workers -2: want 0 (one process) or more"},
		{"stray argument", append(ok, "extra"), `unexpected arguments ["extra"] (flags only; see -help)`},
		{"unknown flag", []string{"-port", "80"}, "flag provided but not defined: -port"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stderr strings.Builder
			err := run(t.Context(), tc.args, &stderr)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("run(%q) = %v, want an error containing %q", tc.args, err, tc.want)
			}
		})
	}
}

func TestHelp(t *testing.T) {
	var stderr strings.Builder
	if err := run(t.Context(), []string{"-help"}, &stderr); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("run(-help) = %v, want flag.ErrHelp", err)
	}
	for _, want := range []string{"usage: aggregate -user URL", "-listen", "-timeout", "-workers", "-max-in-flight", "-grace"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("usage lacks %q:\n%s", want, &stderr)
		}
	}
}

// TestServe runs the command, one process and two workers, against a
// downstream server in this process, sends one request, stops it as a
// signal would, and reads what it printed.
func TestServe(t *testing.T) {
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer down.Close()
	for _, tc := range []struct {
		name  string
		flags []string
	}{
		{"one process", nil},
		{"workers", []string{"-workers", "2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.flags != nil && !aggregate.ReusePortSupported {
				t.Skip(aggregate.ErrNoReusePort)
			}
			args := append([]string{"-listen", "127.0.0.1:0", "-user", down.URL + "/u", "-order", down.URL + "/o", "-stock", down.URL + "/s"}, tc.flags...)
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			out, w := io.Pipe()
			done := make(chan error, 1)
			go func() {
				err := run(ctx, args, w)
				w.Close()
				done <- err
			}()
			lines := bufio.NewScanner(out)
			if !lines.Scan() {
				t.Fatalf("no output; run: %v", <-done)
			}
			url := regexp.MustCompile(`serving (http://\S+)`).FindStringSubmatch(lines.Text())
			if url == nil {
				t.Fatalf("first line %q does not name the URL", lines.Text())
			}
			client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: time.Minute}
			resp, err := client.Get(url[1] + "/aggregate")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || strings.TrimSpace(string(body)) != `{"user":200,"order":200,"stock":200}` {
				t.Errorf("GET /aggregate: %s %s", resp.Status, body)
			}
			cancel()
			var rest []string
			for lines.Scan() {
				rest = append(rest, lines.Text())
			}
			if err := <-done; err != nil {
				t.Errorf("run: %v", err)
			}
			want := []string{
				"aggregate: shutting down, 0 requests in flight",
				"aggregate: 1 requests: 1 answered 200, 0 answered 502, 0 answered 503, 0 cancelled by their client",
			}
			if strings.Join(rest, "\n") != strings.Join(want, "\n") {
				t.Errorf("after the first line it printed:\n%s\nwant:\n%s", strings.Join(rest, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}
