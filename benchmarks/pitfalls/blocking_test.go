package pitfalls_test

import (
	"fmt"
	"os"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestBlockingCallInEventLoop(t *testing.T) {
	t.Run("blocked goroutines park alone", func(t *testing.T) {
		for _, procs := range []int{1, 2} {
			t.Run(fmt.Sprintf("gomaxprocs=%d", procs), func(t *testing.T) {
				setGOMAXPROCS(t, procs)
				testBlockedGoroutinesParkAlone(t)
			})
		}
	})
	t.Run("cpu-bound goroutine is preempted", testCPUBoundGoroutineIsPreempted)
}

// testBlockedGoroutinesParkAlone blocks three goroutines in three ways and
// checks that two other goroutines keep exchanging messages meanwhile.
func testBlockedGoroutinesParkAlone(t *testing.T) {
	ch := make(chan string)
	// A pipe read waits in the runtime's network poller: no thread is
	// held.
	pollR, pollW := pipe(t)
	// Fd puts the file in blocking mode, so that its read is a read
	// system call that holds its thread until data comes: the counterpart
	// of a blocking C call. The runtime hands the processor to another
	// thread meanwhile.
	sysR, sysW := pipe(t)
	sysR.Fd()

	returned := make(chan string, 3)
	go blockOnChannel(ch, returned)
	go blockOnPipe(pollR, returned)
	go blockInSyscall(sysR, returned)
	waitForStates(t, map[string]string{
		"blockOnChannel": "chan receive",
		"blockOnPipe":    "IO wait",
		"blockInSyscall": "syscall",
	})

	const rounds = 1000
	if got := pingPong(rounds); got != rounds {
		t.Errorf("ping-pong made %d round trips, want %d", got, rounds)
	}
	select {
	case r := <-returned:
		t.Fatalf("a blocked goroutine returned before it was released: %s", r)
	default:
	}

	ch <- "channel"
	if _, err := pollW.WriteString("pipe"); err != nil {
		t.Fatal(err)
	}
	if _, err := sysW.WriteString("syscall"); err != nil {
		t.Fatal(err)
	}
	var got []string
	for range 3 {
		got = append(got, <-returned)
	}
	slices.Sort(got)
	if diff := cmp.Diff([]string{"channel", "pipe", "syscall"}, got); diff != "" {
		t.Errorf("what the released goroutines received (-want +got):\n%s", diff)
	}
}

// pipe returns both ends of a pipe, closed when the test ends.
func pipe(t testing.TB) (r, w *os.File) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		r.Close()
		w.Close()
	})
	return r, w
}

// blockOnChannel waits for a value on ch and passes it on.
func blockOnChannel(ch <-chan string, returned chan<- string) {
	returned <- <-ch
}

// blockOnPipe reads from a pipe in non-blocking mode, through the poller.
func blockOnPipe(r *os.File, returned chan<- string) {
	returned <- readOnce(r)
}

// blockInSyscall reads from a pipe in blocking mode, in a system call.
func blockInSyscall(r *os.File, returned chan<- string) {
	returned <- readOnce(r)
}

// readOnce returns what one read of r returns, or the error's text.
func readOnce(r *os.File) string {
	buf := make([]byte, 64)
	n, err := r.Read(buf)
	if err != nil {
		return "error: " + err.Error()
	}
	return string(buf[:n])
}

// pingPong passes a counter back and forth between this goroutine and
// another one n times and returns its final value, n.
func pingPong(n int) int {
	ping, pong := make(chan int), make(chan int)
	go func() {
		defer close(pong)
		for v := range ping {
			pong <- v + 1
		}
	}()
	v := 0
	for range n {
		ping <- v
		v = <-pong
	}
	close(ping)
	<-pong // closed once the other goroutine has returned
	return v
}

// gaugeTick is the period of the ticker whose receipts show how long
// another goroutine kept this one from running.
const gaugeTick = 5 * time.Millisecond

// testCPUBoundGoroutineIsPreempted runs, at GOMAXPROCS=1, a goroutine that
// computes without ever blocking, and measures the gaps between the
// receipts of a 5 ms ticker in another goroutine. In an event loop, a
// computation that never awaits holds the loop for its whole duration. The
// Go runtime's monitor thread (sysmon) preempts a goroutine that has run
// for more than 10 ms, and it looks every 20 µs to 10 ms, so the ticker's
// goroutine waits 10 to 20 ms for the processor: the gaps stay near 20 ms,
// with a worst case that depends on the machine's load, instead of growing
// to the length of the computation.
func testCPUBoundGoroutineIsPreempted(t *testing.T) {
	setGOMAXPROCS(t, 1)
	const (
		ticks = 40
		// The bounds leave room for a loaded machine: while the operating
		// system does not run this process's thread, no goroutine of it
		// runs, and a gap grows whatever the Go scheduler does (a worst
		// gap of 624 ms was seen on 2 cores at a load average near 9, with
		// a median of 28 ms). The median shows the scheduler's work; the
		// worst gap only has to stay far below spinBudget, the first gap
		// there would be without preemption.
		medianBound = 100 * time.Millisecond
		worstBound  = 2 * time.Second
		spinBudget  = 30 * time.Second
	)
	// The same ticker alone first, for comparison.
	alone := medianOf(tickerGaps(gaugeTick, ticks))

	sp := startSpin(spinBudget)
	gaps := tickerGaps(gaugeTick, ticks)
	if sp.stop() {
		t.Fatalf("the CPU-bound goroutine ran for its whole budget of %v before the ticker was read %d times: it was not preempted", spinBudget, ticks)
	}

	median, worst := medianOf(gaps), slices.Max(gaps)
	t.Logf("gaps between %d receipts of a %v ticker at GOMAXPROCS=1: alone median %v; beside a CPU-bound goroutine median %v, worst %v",
		ticks, gaugeTick, alone.Round(100*time.Microsecond), median.Round(100*time.Microsecond), worst.Round(100*time.Microsecond))
	if median > medianBound {
		t.Errorf("median gap %v exceeds %v: the CPU-bound goroutine held the processor", median, medianBound)
	}
	if worst > worstBound {
		t.Errorf("worst gap %v exceeds %v: the CPU-bound goroutine held the processor, or the machine did not run this process", worst, worstBound)
	}
}

// A tickGauge reads a ticker and times the gap between each receipt and
// the one before (the first: since the gauge was made). A goroutine kept
// from running shows as a gap longer than the period.
type tickGauge struct {
	ticker *time.Ticker
	last   time.Time
}

func newTickGauge(tick time.Duration) *tickGauge {
	return &tickGauge{ticker: time.NewTicker(tick), last: time.Now()}
}

// next waits for the next tick and returns the gap since the last one.
func (g *tickGauge) next() time.Duration {
	<-g.ticker.C
	now := time.Now()
	gap := now.Sub(g.last)
	g.last = now
	return gap
}

func (g *tickGauge) stop() { g.ticker.Stop() }

// tickerGaps reads a ticker of period tick n times and returns the gaps
// between the receipts.
func tickerGaps(tick time.Duration, n int) []time.Duration {
	g := newTickGauge(tick)
	defer g.stop()
	gaps := make([]time.Duration, 0, n)
	for range n {
		gaps = append(gaps, g.next())
	}
	return gaps
}

// medianOf returns the median of ds, the upper one for an even count.
func medianOf(ds []time.Duration) time.Duration {
	sorted := slices.Clone(ds)
	slices.Sort(sorted)
	return sorted[len(sorted)/2]
}

// A spinner is a goroutine running spin.
type spinner struct {
	halt   atomic.Bool
	ranOut chan bool
}

// startSpin starts a goroutine running spin with the given budget and
// returns once it runs.
func startSpin(budget time.Duration) *spinner {
	sp := &spinner{ranOut: make(chan bool)}
	started := make(chan struct{})
	go func() {
		_, ranOut := spin(&sp.halt, started, budget)
		sp.ranOut <- ranOut
	}()
	<-started
	return sp
}

// stop stops the spinning goroutine, waits for its end, and reports
// whether it had run out of its budget first.
func (sp *spinner) stop() (ranOut bool) {
	sp.halt.Store(true)
	return <-sp.ranOut
}

// spin computes until stop is set, or until budget has passed, which it
// reports as ranOut. Between its checks of the clock it makes no call that
// blocks or yields, so only the scheduler's preemption can take the
// processor from it.
func spin(stop *atomic.Bool, started chan<- struct{}, budget time.Duration) (x uint64, ranOut bool) {
	start := time.Now()
	close(started)
	x = 1
	for !stop.Load() {
		for i := 0; i < 1<<26 && !stop.Load(); i++ {
			x = x*6364136223846793005 + 1442695040888963407
		}
		if time.Since(start) > budget {
			return x, true
		}
	}
	return x, false
}

// benchBlocking reads a 5 ms ticker once per operation beside a blocker,
// a goroutine that either waits in a blocking read system call
// (blocker=syscall, the seed's blocking call) or computes without ever
// yielding (blocker=cpu-bound), from before the first operation to after
// the last. In an event loop either would hold the loop, and the ticker,
// for as long as it lasts. It reports max-gap-ns and p50-gap-ns, the worst
// and the median gap between two receipts of the ticker over the sample,
// and blocker-ns, how long the blocker lasted: the gap an event loop
// would have shown. ns/op is the mean gap.
func benchBlocking(b *testing.B) {
	b.Run("blocker=syscall", func(b *testing.B) {
		r, w := pipe(b)
		r.Fd() // blocking mode: the read is a system call, as in the test
		returned := make(chan string, 1)
		start := time.Now()
		go blockInSyscall(r, returned)
		waitForStates(b, map[string]string{"blockInSyscall": "syscall"})
		gaps := measureGaps(b)
		if _, err := w.WriteString("syscall"); err != nil {
			b.Fatal(err)
		}
		if got := <-returned; got != "syscall" {
			b.Fatalf("the blocked read returned %q", got)
		}
		reportGaps(b, gaps, time.Since(start))
	})
	b.Run("blocker=cpu-bound", func(b *testing.B) {
		start := time.Now()
		sp := startSpin(benchSpinBudget)
		gaps := measureGaps(b)
		if sp.stop() {
			b.Fatalf("the CPU-bound goroutine ran for its whole budget of %v: it was not preempted", benchSpinBudget)
		}
		reportGaps(b, gaps, time.Since(start))
	})
}

// benchSpinBudget bounds the CPU-bound blocker of a benchmark. It outlasts
// any sample (go test runs 10 minutes at most by default), so the blocker
// runs beside every operation; a goroutine that was never preempted would
// end only here, and show as a gap this long.
const benchSpinBudget = 15 * time.Minute

// measureGaps reads a ticker of period gaugeTick once per operation and
// returns the gaps.
func measureGaps(b *testing.B) []time.Duration {
	g := newTickGauge(gaugeTick)
	defer g.stop()
	// A first receipt puts the reads in step with the ticker: a tick that
	// came while this goroutine waited to start the loop would make the
	// first operation look instant, and b.Loop run 100 times too many.
	g.next()
	var gaps []time.Duration
	for b.Loop() {
		gaps = append(gaps, g.next())
	}
	return gaps
}

func reportGaps(b *testing.B, gaps []time.Duration, blocker time.Duration) {
	b.ReportMetric(float64(slices.Max(gaps)), "max-gap-ns")
	b.ReportMetric(float64(medianOf(gaps)), "p50-gap-ns")
	b.ReportMetric(float64(blocker), "blocker-ns")
}
