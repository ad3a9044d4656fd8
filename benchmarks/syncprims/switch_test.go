package syncprims

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"testing"

	"concbench/benchmarks/profile"
	"concbench/benchmarks/reexec"
)

// childEnv turns a re-executed test binary into the other process of a
// benchmark; its value is the role.
const childEnv = "CONCBENCH_SYNCPRIMS_CHILD"

// The roles of a child process.
const (
	roleEcho = "echo" // answer each byte b on stdin with b+1 on stdout
	roleExit = "exit" // exit at once: the cheapest process there is
)

// runChild plays role and returns the exit status.
func runChild(role string, in io.Reader, out, errOut io.Writer) int {
	switch role {
	case roleExit:
		return 0
	case roleEcho:
		var buf [1]byte
		for {
			if _, err := io.ReadFull(in, buf[:]); err != nil {
				if errors.Is(err, io.EOF) {
					return 0
				}
				fmt.Fprintln(errOut, "echo child:", err)
				return 1
			}
			buf[0]++
			if _, err := out.Write(buf[:]); err != nil {
				fmt.Fprintln(errOut, "echo child:", err)
				return 1
			}
		}
	}
	fmt.Fprintf(errOut, "%s: unknown role %q\n", childEnv, role)
	return 2
}

// childCommand re-executes the test binary in role, with GOMAXPROCS=1.
func childCommand(tb testing.TB, role string) *exec.Cmd {
	tb.Helper()
	cmd, err := reexec.Command(childEnv+"="+role, "GOMAXPROCS=1")
	if err != nil {
		tb.Fatal(err)
	}
	return cmd
}

// A pingPong passes a one-byte token to a partner, which adds one and
// passes it back. One round trip is two switches, one each way.
type pingPong interface {
	roundTrip(b byte) (byte, error)
	close() error
}

// The kinds of partner, by the kind value of their benchmark names.
var switchKinds = []struct {
	kind  string
	start func(tb testing.TB) pingPong
}{
	{"goroutine", func(tb testing.TB) pingPong { return startGoroutinePartner(false) }},
	{"thread", func(tb testing.TB) pingPong { return startGoroutinePartner(true) }},
	{"process", startProcessPartner},
}

// goroutinePartner is a goroutine at the other end of two unbuffered
// channels. With lockThread, it is locked to its OS thread, and so must be
// the caller: every hand-off then wakes the other thread through the
// kernel, the cost of a thread switch, where two plain goroutines switch
// in the Go scheduler without a system call.
type goroutinePartner struct {
	ping, pong chan byte
	lockThread bool
	done       chan struct{}
}

func startGoroutinePartner(lockThread bool) *goroutinePartner {
	p := &goroutinePartner{
		ping:       make(chan byte),
		pong:       make(chan byte),
		lockThread: lockThread,
		done:       make(chan struct{}),
	}
	go func() {
		defer close(p.done)
		if lockThread {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
		}
		for b := range p.ping {
			p.pong <- b + 1
		}
	}()
	return p
}

func (p *goroutinePartner) roundTrip(b byte) (byte, error) {
	p.ping <- b
	return <-p.pong, nil
}

func (p *goroutinePartner) close() error {
	close(p.ping)
	<-p.done
	return nil
}

// processPartner is a child process at the other end of two pipes.
type processPartner struct {
	cmd *exec.Cmd
	w   *os.File // the child's stdin
	r   *os.File // the child's stdout
	buf [1]byte
}

func startProcessPartner(tb testing.TB) pingPong {
	tb.Helper()
	cmd := childCommand(tb, roleEcho)
	inR, inW, err := os.Pipe()
	if err != nil {
		tb.Fatalf("creating a pipe: %v", err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		tb.Fatalf("creating a pipe: %v", err)
	}
	// *os.File values are handed to the child as they are, with no copying
	// goroutine in between.
	cmd.Stdin, cmd.Stdout = inR, outW
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Start()
	inR.Close()
	outW.Close()
	if err != nil {
		inW.Close()
		outR.Close()
		tb.Fatalf("starting the echo process: %v", err)
	}
	return &processPartner{cmd: cmd, w: inW, r: outR}
}

func (p *processPartner) roundTrip(b byte) (byte, error) {
	p.buf[0] = b
	if _, err := p.w.Write(p.buf[:]); err != nil {
		return 0, fmt.Errorf("writing to the echo process: %w", err)
	}
	if _, err := io.ReadFull(p.r, p.buf[:]); err != nil {
		return 0, fmt.Errorf("reading from the echo process: %w", err)
	}
	return p.buf[0], nil
}

func (p *processPartner) close() error {
	p.w.Close() // the child sees the end of its input and exits
	err := p.cmd.Wait()
	p.r.Close()
	if err != nil {
		return fmt.Errorf("echo process: %w (stderr: %q)", err, p.cmd.Stderr.(*bytes.Buffer).String())
	}
	return nil
}

// TestPingPong checks every partner answers each token with the next one.
func TestPingPong(t *testing.T) {
	for _, tc := range switchKinds {
		t.Run("kind="+tc.kind, func(t *testing.T) {
			if tc.kind == "thread" {
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
			}
			p := tc.start(t)
			b := byte(0)
			for i := range 600 {
				got, err := p.roundTrip(b)
				if err != nil {
					t.Fatal(err)
				}
				if got != b+1 {
					t.Fatalf("round trip %d: sent %d, got %d back", i, b, got)
				}
				b = got + 1
			}
			if err := p.close(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// BenchmarkSwitch ping-pongs a token with a partner, the seed's section 2
// table in numbers: switching between two goroutines (the Go scheduler,
// the counterpart of coroutines), two OS threads (the kernel's scheduler,
// one futex wake-up each way) and two processes (two pipe system calls
// and a kernel context switch each way). It reports ns/switch, half a
// round trip.
func BenchmarkSwitch(b *testing.B) {
	for _, tc := range switchKinds {
		b.Run("kind="+tc.kind, func(b *testing.B) {
			if tc.kind == "thread" {
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
			}
			p := tc.start(b)
			tok := byte(0)
			b.ReportAllocs()
			for b.Loop() {
				got, err := p.roundTrip(tok)
				if err != nil {
					b.Fatal(err)
				}
				tok = got
			}
			b.StopTimer()
			if err := p.close(); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(2*b.N), "ns/switch")
		})
	}
}

// holdGoroutines starts n goroutines, each locked to an OS thread of its
// own when lockThread is set, that stay alive until release is closed, and
// returns once all of them run.
func holdGoroutines(n int, release chan struct{}, lockThread bool) {
	ready := make(chan struct{})
	for range n {
		go func() {
			if lockThread {
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
			}
			ready <- struct{}{}
			<-release
		}()
	}
	for range n {
		<-ready
	}
}

// spawnKinds start one goroutine, thread or process that does nothing and
// wait for its end; a process also reports its peak resident size. holdLive starts n of them that stay alive until
// release is closed, and waits until all are running, so that the memory
// they hold can be measured.
var spawnKinds = []struct {
	kind     string
	spawn    func(tb testing.TB, done chan struct{}) (rss float64, ok bool)
	holdLive func(n int, release chan struct{}) // nil: measured per spawn instead
	live     func(testing.TB) int               // how many to hold live
}{
	{
		kind: "goroutine",
		spawn: func(tb testing.TB, done chan struct{}) (float64, bool) {
			go func() { done <- struct{}{} }()
			<-done
			return 0, false
		},
		holdLive: func(n int, release chan struct{}) { holdGoroutines(n, release, false) },
		// seed: the tens of thousands of coroutines the seed says one
		// thread holds, at their low end.
		live: func(tb testing.TB) int { return profile.Pick(tb, 1000, 10000, 10000) },
	},
	{
		// A goroutine that exits while locked to its thread takes the
		// thread with it, so the next one needs a new thread: this is the
		// cost of creating and ending an OS thread.
		kind: "thread",
		spawn: func(tb testing.TB, done chan struct{}) (float64, bool) {
			go func() {
				runtime.LockOSThread()
				done <- struct{}{}
			}()
			<-done
			return 0, false
		},
		holdLive: func(n int, release chan struct{}) { holdGoroutines(n, release, true) },
		live:     func(tb testing.TB) int { return profile.Pick(tb, 16, 64, 16) },
	},
	{
		kind: "process",
		spawn: func(tb testing.TB, done chan struct{}) (float64, bool) {
			cmd := childCommand(tb, roleExit)
			if err := cmd.Run(); err != nil {
				tb.Fatalf("running a child process: %v", err)
			}
			return maxRSS(cmd.ProcessState)
		},
	},
}

// stackBytesPerLive returns the stack memory the Go runtime holds for each
// of n live goroutines or threads started by hold. For a thread that
// includes the system and signal stacks the runtime gives each OS thread;
// the kernel's own memory for a thread is not visible here.
func stackBytesPerLive(n int, hold func(int, chan struct{})) float64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	release := make(chan struct{})
	hold(n, release)
	runtime.ReadMemStats(&after)
	close(release)
	return float64(int64(after.StackInuse)-int64(before.StackInuse)) / float64(n)
}

// BenchmarkSpawn starts one goroutine, thread or process that does
// nothing and waits for its end, the fixed cost the seed puts at about
// 50-200 ms for a Python worker process. Besides the time it reports the
// memory one costs: stack-B/op, the stack the Go runtime holds per live
// goroutine or thread, and maxrss-B/op, the peak resident size of a child
// process (Linux only).
func BenchmarkSpawn(b *testing.B) {
	for _, tc := range spawnKinds {
		b.Run("kind="+tc.kind, func(b *testing.B) {
			done := make(chan struct{})
			var (
				rssSum float64
				rssN   int
			)
			b.ReportAllocs()
			for b.Loop() {
				if rss, ok := tc.spawn(b, done); ok {
					rssSum += rss
					rssN++
				}
			}
			b.StopTimer()
			if tc.holdLive != nil {
				b.ReportMetric(stackBytesPerLive(tc.live(b), tc.holdLive), "stack-B/op")
			}
			if rssN > 0 {
				b.ReportMetric(rssSum/float64(rssN), "maxrss-B/op")
			}
		})
	}
}
