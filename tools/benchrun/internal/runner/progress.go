package runner

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// liveWidth bounds the live status line so that it never wraps: a wrapped
// line cannot be redrawn in place with a carriage return.
const liveWidth = 100

// A progress reports a run on standard error: which benchmark runs, how
// many results are done of how many, and the time left. On a terminal it
// keeps one status line redrawn in place; otherwise it prints a plain line
// per result, which suits logs and CI.
type progress struct {
	mu      sync.Mutex
	w       io.Writer
	live    bool
	now     func() time.Time
	total   int
	done    int
	start   time.Time
	running string
	drawn   bool
}

// logf prints a message line.
func (p *progress) logf(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.printLocked("benchrun: " + fmt.Sprintf(format, args...))
}

// passthrough prints a line of go test output that is not a result: a
// failure, a log line of a benchmark, a build error.
func (p *progress) passthrough(line string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.printLocked(line)
}

func (p *progress) printLocked(line string) {
	p.clearLocked()
	fmt.Fprintln(p.w, line)
	p.drawLocked()
}

// begin starts the count of results and the clock of the time estimate.
func (p *progress) begin(total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.total, p.done, p.start = total, 0, p.now()
}

// startBench notes the benchmark that has just started.
func (p *progress) startBench(name string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if name == p.running {
		return
	}
	p.running = name
	p.drawLocked()
}

// result counts one finished result line.
func (p *progress) result(line string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	p.running = ""
	if p.live {
		p.drawLocked()
		return
	}
	fmt.Fprintf(p.w, "[%d/%d] %s (%s)\n", p.done, p.total, strings.Join(strings.Fields(line), " "), p.etaLocked())
}

// end removes the live line.
func (p *progress) end() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clearLocked()
	p.total = 0
}

func (p *progress) etaLocked() string {
	if p.done == 0 || p.total == 0 {
		return "time left unknown"
	}
	left := p.total - p.done
	if left <= 0 {
		return "0s left"
	}
	elapsed := p.now().Sub(p.start)
	eta := time.Duration(float64(elapsed) / float64(p.done) * float64(left))
	return eta.Round(time.Second).String() + " left"
}

func (p *progress) clearLocked() {
	if p.live && p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.drawn = false
	}
}

func (p *progress) drawLocked() {
	if !p.live || p.total == 0 {
		return
	}
	line := fmt.Sprintf("[%d/%d %d%%, %s] %s", p.done, p.total, 100*p.done/p.total, p.etaLocked(), p.running)
	if utf8.RuneCountInString(line) > liveWidth {
		line = string([]rune(line)[:liveWidth-1]) + "…"
	}
	fmt.Fprint(p.w, "\r\x1b[K"+line)
	p.drawn = true
}
