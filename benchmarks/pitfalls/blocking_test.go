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

// gaugeSleep is the length of the sleeps whose overrun shows how long
// another goroutine kept the sleeper from running.
const gaugeSleep = 5 * time.Millisecond

// testCPUBoundGoroutineIsPreempted runs, at GOMAXPROCS=1, a goroutine that
// computes without ever blocking, and times 5 ms sleeps in another
// goroutine. In an event loop, a computation that never awaits holds the
// loop for its whole duration. The Go runtime's monitor thread (sysmon)
// preempts a goroutine that has run for more than 10 ms, and it looks
// every 20 µs to 10 ms, so the sleeper, once its timer has fired, waits up
// to 10 to 20 ms for the processor: the sleeps take near 20 ms, with a
// worst case that depends on the machine's load, instead of growing to the
// length of the computation.
func testCPUBoundGoroutineIsPreempted(t *testing.T) {
	setGOMAXPROCS(t, 1)
	const (
		sleeps = 40
		// The bounds leave room for a loaded machine: while the operating
		// system does not run this process's thread, no goroutine of it
		// runs, and a sleep grows whatever the Go scheduler does (a worst
		// gap of 624 ms between ticks was seen on 2 cores at a load average
		// near 9, with a median of 28 ms). The median shows the
		// scheduler's work; the worst sleep only has to stay far below
		// spinBudget, the first sleep's length without preemption.
		medianBound = 100 * time.Millisecond
		worstBound  = 2 * time.Second
		spinBudget  = 30 * time.Second
	)
	// The same sleeps alone first, for comparison.
	alone := medianOf(sleepTimes(gaugeSleep, sleeps))

	sp := startSpin(spinBudget)
	times := sleepTimes(gaugeSleep, sleeps)
	if sp.stop() {
		t.Fatalf("the CPU-bound goroutine ran for its whole budget of %v before %d sleeps ended: it was not preempted", spinBudget, sleeps)
	}

	median, worst := medianOf(times), slices.Max(times)
	t.Logf("%d sleeps of %v at GOMAXPROCS=1: alone median %v; beside a CPU-bound goroutine median %v, worst %v",
		sleeps, gaugeSleep, alone.Round(100*time.Microsecond), median.Round(100*time.Microsecond), worst.Round(100*time.Microsecond))
	if median > medianBound {
		t.Errorf("median sleep %v exceeds %v: the CPU-bound goroutine held the processor", median, medianBound)
	}
	if worst > worstBound {
		t.Errorf("worst sleep %v exceeds %v: the CPU-bound goroutine held the processor, or the machine did not run this process", worst, worstBound)
	}
}

// A sleepGauge times sleeps of one length: a sleeper kept from running
// once its timer has fired shows as a sleep longer than asked for.
type sleepGauge struct {
	d     time.Duration
	timer *time.Timer
}

func newSleepGauge(d time.Duration) *sleepGauge {
	timer := time.NewTimer(d)
	timer.Stop()
	return &sleepGauge{d: d, timer: timer}
}

// sleep sleeps for the gauge's length and returns how long it took.
func (g *sleepGauge) sleep() time.Duration {
	start := time.Now()
	g.timer.Reset(g.d)
	<-g.timer.C
	return time.Since(start)
}

func (g *sleepGauge) stop() { g.timer.Stop() }

// sleepTimes sleeps for d n times and returns how long each sleep took.
func sleepTimes(d time.Duration, n int) []time.Duration {
	g := newSleepGauge(d)
	defer g.stop()
	times := make([]time.Duration, 0, n)
	for range n {
		times = append(times, g.sleep())
	}
	return times
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

// benchBlocking sleeps for 5 ms once per operation beside a blocker, a
// goroutine that either waits in a blocking read system call
// (blocker=syscall, the seed's blocking call) or computes without ever
// yielding (blocker=cpu-bound), from before the first operation to after
// the last. In an event loop either would hold the loop, and the sleeper,
// for as long as it lasts. It reports max-sleep-ns and p50-sleep-ns, the
// worst and the median time a sleep took over the sample, and blocker-ns,
// how long the blocker lasted: the sleep an event loop would have shown.
// ns/op is the mean sleep.
func benchBlocking(b *testing.B) {
	b.Run("blocker=syscall", func(b *testing.B) {
		r, w := pipe(b)
		r.Fd() // blocking mode: the read is a system call, as in the test
		returned := make(chan string, 1)
		start := time.Now()
		go blockInSyscall(r, returned)
		waitForStates(b, map[string]string{"blockInSyscall": "syscall"})
		times := measureSleeps(b)
		if _, err := w.WriteString("syscall"); err != nil {
			b.Fatal(err)
		}
		if got := <-returned; got != "syscall" {
			b.Fatalf("the blocked read returned %q", got)
		}
		reportSleeps(b, times, time.Since(start))
	})
	b.Run("blocker=cpu-bound", func(b *testing.B) {
		start := time.Now()
		sp := startSpin(benchSpinBudget)
		times := measureSleeps(b)
		if sp.stop() {
			b.Fatalf("the CPU-bound goroutine ran for its whole budget of %v: it was not preempted", benchSpinBudget)
		}
		reportSleeps(b, times, time.Since(start))
	})
}

// benchSpinBudget bounds the CPU-bound blocker of a benchmark. It outlasts
// any sample (go test runs 10 minutes at most by default), so the blocker
// runs beside every operation; a goroutine that was never preempted would
// end only here, and show as a sleep this long.
const benchSpinBudget = 15 * time.Minute

// measureSleeps sleeps for gaugeSleep once per operation and returns how
// long each sleep took. A sleep never ends early, so b.Loop's first
// operation is a fair guess of the others.
func measureSleeps(b *testing.B) []time.Duration {
	g := newSleepGauge(gaugeSleep)
	defer g.stop()
	var times []time.Duration
	for b.Loop() {
		times = append(times, g.sleep())
	}
	return times
}

func reportSleeps(b *testing.B, times []time.Duration, blocker time.Duration) {
	b.ReportMetric(float64(slices.Max(times)), "max-sleep-ns")
	b.ReportMetric(float64(medianOf(times)), "p50-sleep-ns")
	b.ReportMetric(float64(blocker), "blocker-ns")
}
