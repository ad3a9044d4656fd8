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
func pipe(t *testing.T) (r, w *os.File) {
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
		tick  = 5 * time.Millisecond
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
	alone := medianOf(tickerGaps(tick, ticks))

	var stop atomic.Bool
	started := make(chan struct{})
	type spun struct {
		x      uint64
		ranOut bool
	}
	done := make(chan spun)
	go func() {
		x, ranOut := spin(&stop, started, spinBudget)
		done <- spun{x, ranOut}
	}()
	<-started
	gaps := tickerGaps(tick, ticks)
	stop.Store(true)
	if s := <-done; s.ranOut {
		t.Fatalf("the CPU-bound goroutine ran for its whole budget of %v before the ticker was read %d times: it was not preempted", spinBudget, ticks)
	}

	median, worst := medianOf(gaps), slices.Max(gaps)
	t.Logf("gaps between %d receipts of a %v ticker at GOMAXPROCS=1: alone median %v; beside a CPU-bound goroutine median %v, worst %v",
		ticks, tick, alone.Round(100*time.Microsecond), median.Round(100*time.Microsecond), worst.Round(100*time.Microsecond))
	if median > medianBound {
		t.Errorf("median gap %v exceeds %v: the CPU-bound goroutine held the processor", median, medianBound)
	}
	if worst > worstBound {
		t.Errorf("worst gap %v exceeds %v: the CPU-bound goroutine held the processor, or the machine did not run this process", worst, worstBound)
	}
}

// tickerGaps reads a ticker of period tick n times and returns the time
// between each receipt and the one before (the first: since the start).
func tickerGaps(tick time.Duration, n int) []time.Duration {
	ticker := time.NewTicker(tick)
	defer ticker.Stop()
	gaps := make([]time.Duration, 0, n)
	last := time.Now()
	for range n {
		<-ticker.C
		now := time.Now()
		gaps = append(gaps, now.Sub(last))
		last = now
	}
	return gaps
}

// medianOf returns the median of ds, the upper one for an even count.
func medianOf(ds []time.Duration) time.Duration {
	sorted := slices.Clone(ds)
	slices.Sort(sorted)
	return sorted[len(sorted)/2]
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
