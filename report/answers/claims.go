package answers

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"concbench/report"
)

// The verdicts of a claim.
const (
	Holds       = "holds"
	Differs     = "differs"
	NotMeasured = "not measured"
)

// A Claim is one of the tutorial's claims checked against the run.
type Claim struct {
	// ID, Section, Claim and Tutorial come from tutorial.json.
	ID       string `json:"id"`
	Section  string `json:"section"`
	Claim    string `json:"claim"`
	Tutorial string `json:"tutorial"`
	// Measured is the Go figure of this run, computed from the results;
	// "" when not measured.
	Measured string `json:"measured"`
	// Verdict is Holds, Differs or NotMeasured; Detail gives the size of
	// the difference, or what would measure the claim.
	Verdict string `json:"verdict"`
	Detail  string `json:"detail,omitempty"`
	// MeasuredBy names the benchmark, Test the test that shows it.
	MeasuredBy string `json:"measuredBy"`
	Test       string `json:"test,omitempty"`
	// Cases lists the ids of the cases measured: the anchors of their
	// tables.
	Cases []string `json:"cases,omitempty"`
}

// An evaluator measures one claim in a run.
type evaluator func(e *eval, sc *SeedClaim, out *Claim)

// evaluators holds the measurement of every claim of tutorial.json, by id.
var evaluators = map[string]evaluator{
	"io-concurrency":    evalIO,
	"event-loop":        evalEventLoop,
	"gil":               evalGIL,
	"processes":         evalProcesses,
	"process-start":     evalProcessStart,
	"small-tasks":       evalSmallTasks,
	"switch-cost":       evalSwitch,
	"stack-size":        evalStack,
	"ten-thousand":      evalTenThousand,
	"semaphore":         evalSemaphore,
	"two-layers":        evalTwoLayers,
	"pitfall-globals":   evalGlobals,
	"pitfall-blocking":  evalBlocking,
	"pitfall-swallowed": evalSwallowed,
	"pitfall-picklable": evalPicklable,
	"pitfall-gather":    evalGather,
}

// eval is what an evaluator reads: the run, the tutorial and the sweep.
type eval struct {
	*runView
	seed *Seed
	ts   *TaskSize
}

// claims checks every claim of the tutorial in the run.
func (v *runView) claims(seed *Seed, ts *TaskSize) []Claim {
	e := &eval{runView: v, seed: seed, ts: ts}
	out := make([]Claim, 0, len(seed.Claims))
	for i := range seed.Claims {
		sc := &seed.Claims[i]
		c := Claim{ID: sc.ID, Section: sc.Section, Claim: sc.Claim, Tutorial: sc.Tutorial, MeasuredBy: sc.MeasuredBy, Test: sc.Test}
		evaluators[sc.ID](e, sc, &c)
		if c.Verdict == "" {
			c.Verdict = NotMeasured
		}
		if c.Verdict == NotMeasured && c.Detail == "" {
			bench, _, _ := strings.Cut(strings.FieldsFunc(sc.MeasuredBy, func(r rune) bool { return r == '/' || r == ':' || r == ' ' })[0], "/")
			c.Detail = "not in these results: run " + bench
		}
		out = append(out, c)
	}
	return out
}

// notMeasured marks a claim not measured, saying what is missing.
func notMeasured(out *Claim, format string, args ...any) {
	out.Verdict, out.Detail = NotMeasured, fmt.Sprintf(format, args...)
}

// seedCase returns the case named name at the tutorial's inputs, or else
// the first case of that name that has every one of models at 1 core, and
// whether it is at the tutorial's inputs. without lists parameters the
// case must not have.
func (e *eval) seedCase(name string, models []string, without ...string) (*report.Case, bool) {
	has := func(c *report.Case) bool {
		for _, m := range models {
			if point(c, m, 1, "sec/op") == nil {
				return false
			}
		}
		return true
	}
	if in, ok := e.seed.SeedInputs[name]; ok {
		if c := e.find(name, in, without...); c != nil && has(c) {
			return c, true
		}
	}
	for _, c := range e.cases(name) {
		p := params(c.Params)
		skip := false
		for _, k := range without {
			_, bad := p[k]
			skip = skip || bad
		}
		if !skip && has(c) {
			return c, false
		}
	}
	return nil, false
}

// median returns the median of model at procs in unit.
func median(c *report.Case, model string, procs int, unit string) (float64, bool) {
	p := point(c, model, procs, unit)
	if p == nil {
		return 0, false
	}
	return p.Median, true
}

// sec formats seconds, "1.002 s".
func sec(s float64) string { return FormatSeconds(s) }

// bytesText formats a byte count, "2.0 KiB".
func bytesText(b float64) string {
	switch {
	case b >= 1<<20:
		return strconv.FormatFloat(b/(1<<20), 'f', 1, 64) + " MiB"
	case b >= 1<<10:
		return strconv.FormatFloat(b/(1<<10), 'f', 1, 64) + " KiB"
	}
	return strconv.FormatFloat(b, 'f', 0, 64) + " B"
}

// times formats a factor, "4.99×".
func times(x float64) string { return strconv.FormatFloat(x, 'f', 2, 64) + "×" }

// pct formats a relative difference d as a signed percentage, "+4.0%".
func pct(d float64) string { return report.FormatPercent(1 + d) }

// speedupText formats a speedup with its interval and test.
func speedupText(sp *report.Speedup) string {
	if sp == nil {
		return "?"
	}
	s := times(sp.Value)
	if sp.Lo != nil && sp.Hi != nil {
		s += " [" + strconv.FormatFloat(*sp.Lo, 'f', 2, 64) + ", " + strconv.FormatFloat(*sp.Hi, 'f', 2, 64) + "]"
	}
	if !sp.Reference && !sp.Significant {
		s += " ~"
	}
	return s
}

// compare compares two models' samples and returns b's speedup over a.
func (e *eval) compare(ca *report.Case, ma string, pa int, cb *report.Case, mb string, pb int, unit string) *report.Speedup {
	a, b := e.summarize(ca, ma, pa, unit), e.summarize(cb, mb, pb, unit)
	if a == nil || b == nil {
		return nil
	}
	c := report.Compare(a, b)
	sp := &report.Speedup{Test: c.Test}
	sp.Value, sp.Lo, sp.Hi = c.Speedup(e.rep.Stats.HigherIsBetter(unit))
	return sp
}

func inputsDiffer(c *report.Case, seed string) string {
	return fmt.Sprintf("inputs differ (%s, the tutorial's %s): absolute figures not compared", c.Params, seed)
}

func evalIO(e *eval, sc *SeedClaim, out *Claim) {
	c, atSeed := e.seedCase("Fetch", []string{"serial", "pool", "goroutines"})
	if c == nil {
		return
	}
	out.Cases = []string{c.ID}
	s, _ := median(c, "serial", 1, "sec/op")
	p, _ := median(c, "pool", 1, "sec/op")
	g, _ := median(c, "goroutines", 1, "sec/op")
	out.Measured = fmt.Sprintf("serial %s, pool %s, goroutines %s (1 core)", sec(s), sec(p), sec(g))
	f := sc.Figures
	if !atSeed {
		notMeasured(out, "%s; as speedups over serial: pool %s and goroutines %s, the tutorial's threads %s and asyncio %s",
			inputsDiffer(c, e.seed.SeedInputs["Fetch"]), times(s/p), times(s/g), times(f["serial"]/f["pool"]), times(f["serial"]/f["goroutines"]))
		return
	}
	d := []float64{s/f["serial"] - 1, p/f["pool"] - 1, g/f["goroutines"] - 1}
	out.Verdict = Holds
	for _, x := range d {
		if math.Abs(x) > f["tolerance"] {
			out.Verdict = Differs
		}
	}
	out.Detail = fmt.Sprintf("serial %s, pool (threads) %s, goroutines (asyncio) %s against the tutorial's figures (holds within ±%.0f%%)", pct(d[0]), pct(d[1]), pct(d[2]), 100*f["tolerance"])
}

func evalEventLoop(e *eval, sc *SeedClaim, out *Claim) {
	c, atSeed := e.seedCase("Fetch", []string{"pool", "goroutines"})
	if c == nil {
		return
	}
	out.Cases = []string{c.ID}
	p, _ := median(c, "pool", 1, "sec/op")
	g, _ := median(c, "goroutines", 1, "sec/op")
	sp := e.compare(c, "pool", 1, c, "goroutines", 1, "sec/op")
	out.Measured = fmt.Sprintf("goroutines %s, pool %s (1 core): goroutines %s of pool, p=%.3f", sec(g), sec(p), speedupText(sp), sp.P)
	out.Verdict = Holds
	if sp.Significant && sp.Value < 1 {
		out.Verdict = Differs
		out.Detail = fmt.Sprintf("goroutines are %s slower than pool", pct(1/sp.Value-1))
	} else {
		out.Detail = "goroutines are not significantly slower than pool"
	}
	if !atSeed {
		out.Detail += fmt.Sprintf(" (a relative figure: at %s, not the tutorial's %s)", c.Params, e.seed.SeedInputs["Fetch"])
	}
}

func evalGIL(e *eval, sc *SeedClaim, out *Claim) {
	c, atSeed := e.seedCase("Factorize", []string{"serial", "goroutines"}, "workers")
	if c == nil {
		return
	}
	threads, model, what := c, "goroutines", "goroutines"
	if w := e.find("Factorize", c.Params+"/workers=8"); w != nil && point(w, "pool", 1, "sec/op") != nil {
		threads, model, what = w, "pool", "a pool of 8"
	}
	out.Cases = []string{c.ID, threads.ID}
	s, _ := median(c, "serial", 1, "sec/op")
	t, _ := median(threads, model, 1, "sec/op")
	sp := e.compare(c, "serial", 1, threads, model, 1, "sec/op")
	out.Measured = fmt.Sprintf("serial %s, %s %s at GOMAXPROCS=1: %s of serial", sec(s), what, sec(t), speedupText(sp))
	f := sc.Figures
	out.Verdict = Holds
	if sp.Value > 1+f["tolerance"] && sp.Significant {
		out.Verdict = Differs
	}
	out.Detail = fmt.Sprintf("speedup %s against the tutorial's %s (holds within +%.0f%%)", times(sp.Value), times(f["serial"]/f["threads"]), 100*f["tolerance"])
	if atSeed {
		out.Detail += fmt.Sprintf("; absolute: Go's serial loop takes %s against CPython's %s (%.0f× less)", sec(s), sec(f["serial"]), f["serial"]/s)
	} else {
		out.Detail += "; " + inputsDiffer(c, e.seed.SeedInputs["Factorize"])
	}
}

func evalProcesses(e *eval, sc *SeedClaim, out *Claim) {
	c, atSeed := e.seedCase("Factorize", []string{"serial", "procpool"}, "workers")
	if c == nil {
		return
	}
	out.Cases = []string{c.ID}
	top := e.largest(c)
	p := point(c, "procpool", top, "sec/op")
	if top < 2 || p == nil || p.VsBaseline == nil {
		notMeasured(out, "procpool did not run above 1 core: run BenchmarkFactorize at 2 cores or more")
		return
	}
	f := sc.Figures
	want := f["serial"] / f["processes"] / f["cores"]
	eff := p.VsBaseline.Value / float64(top)
	out.Measured = fmt.Sprintf("procpool %s on %d cores: %s of serial, %.0f%% efficiency", sec(p.Median), top, speedupText(p.VsBaseline), 100*eff)
	out.Verdict = Holds
	if eff < want-f["tolerance"] {
		out.Verdict = Differs
	}
	out.Detail = fmt.Sprintf("efficiency %.0f%% against the tutorial's %.0f%% (%s on %.0f cores): %+.0f points (holds within %.0f)", 100*eff, 100*want, times(f["serial"]/f["processes"]), f["cores"], 100*(eff-want), 100*f["tolerance"])
	if top != int(f["cores"]) {
		out.Detail += fmt.Sprintf("; this machine has %d usable cores, not %.0f, so the speedups are not comparable, only the efficiencies", top, f["cores"])
	}
	if !atSeed {
		out.Detail += "; " + inputsDiffer(c, e.seed.SeedInputs["Factorize"])
	}
}

func evalProcessStart(e *eval, sc *SeedClaim, out *Claim) {
	var parts []string
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, c := range e.cases("ProcStart") {
		ms, ok := median(c, "", 1, "ms/worker")
		if !ok {
			continue
		}
		s := ms / 1000
		lo, hi = min(lo, s), max(hi, s)
		parts = append(parts, fmt.Sprintf("%s per worker (%s)", sec(s), strings.TrimPrefix(c.Params, "/")))
		out.Cases = append(out.Cases, c.ID)
	}
	if len(parts) == 0 {
		return
	}
	out.Measured = strings.Join(parts, ", ") + " at GOMAXPROCS=1"
	f := sc.Figures
	switch {
	case hi < f["low"]:
		out.Verdict, out.Detail = Differs, fmt.Sprintf("%.0f× to %.0f× less than the tutorial's lower bound %s", f["low"]/hi, f["low"]/lo, sec(f["low"]))
	case lo > f["high"]:
		out.Verdict, out.Detail = Differs, fmt.Sprintf("%.1f× the tutorial's upper bound %s", lo/f["high"], sec(f["high"]))
	default:
		out.Verdict, out.Detail = Holds, "within the tutorial's range"
	}
}

func evalSmallTasks(e *eval, sc *SeedClaim, out *Claim) {
	top := e.ts.Largest()
	sw := e.ts.Sweep("procpool", top)
	if sw == nil || len(sw.Points) == 0 {
		return
	}
	for _, s := range e.ts.Sizes {
		out.Cases = append(out.Cases, s.Case)
	}
	first := sw.Points[0]
	out.Measured = fmt.Sprintf("procpool on %d cores: %s of serial at %s per task, %s at %s; %s", top,
		speedupText(&first.Speedup), FormatSeconds(first.Task), speedupText(&sw.Points[len(sw.Points)-1].Speedup), FormatSeconds(sw.Points[len(sw.Points)-1].Task), sw.BreakEvenText(e.rep.Baseline))
	if first.Speedup.Value < 1 && first.Speedup.Significant {
		out.Verdict, out.Detail = Holds, fmt.Sprintf("at %s per task procpool is %s slower than serial", FormatSeconds(first.Task), pct(1/first.Speedup.Value-1))
		return
	}
	out.Verdict, out.Detail = Differs, fmt.Sprintf("procpool is not slower than serial even at the smallest size measured, %s per task", FormatSeconds(first.Task))
}

func evalSwitch(e *eval, sc *SeedClaim, out *Claim) {
	kinds := []string{"process", "thread", "goroutine"}
	var cs []*report.Case
	var parts []string
	for _, k := range kinds {
		c := e.find("Switch", "/kind="+k)
		m, ok := median(c, "", 1, "sec/switch")
		if !ok {
			return
		}
		cs = append(cs, c)
		out.Cases = append(out.Cases, c.ID)
		parts = append(parts, fmt.Sprintf("%s %s", k, sec(m)))
	}
	out.Measured = strings.Join(parts, ", ") + " per switch (1 core)"
	out.Verdict = Holds
	var bad []string
	for i := 0; i+1 < len(kinds); i++ {
		// The speedup of the cheaper kind over the dearer one.
		sp := e.compare(cs[i], "", 1, cs[i+1], "", 1, "sec/switch")
		if !(sp.Value > 1 && sp.Significant) {
			out.Verdict = Differs
			bad = append(bad, fmt.Sprintf("a %s switch costs %s a %s switch's (p=%.3f)", kinds[i+1], times(1/sp.Value), kinds[i], sp.P))
		}
	}
	if len(bad) > 0 {
		out.Detail = strings.Join(bad, "; ")
	} else {
		out.Detail = "process > thread > goroutine, each significant"
	}
}

func evalStack(e *eval, sc *SeedClaim, out *Claim) {
	g, okG := median(e.find("Spawn", "/kind=goroutine"), "", 1, "stack-B/op")
	t, okT := median(e.find("Spawn", "/kind=thread"), "", 1, "stack-B/op")
	if !okG || !okT {
		return
	}
	out.Cases = []string{e.find("Spawn", "/kind=goroutine").ID, e.find("Spawn", "/kind=thread").ID}
	out.Measured = fmt.Sprintf("goroutine %s, thread %s of stack each (%s)", bytesText(g), bytesText(t), times(t/g))
	f := sc.Figures
	kb := g < f["mb"]
	mb := t >= f["mb"]
	switch {
	case kb && mb:
		out.Verdict, out.Detail = Holds, "a goroutine's stack is KB, a thread's MB"
	case kb:
		out.Verdict, out.Detail = Differs, fmt.Sprintf("a goroutine's stack is KB, but a thread's is %s, not MB: %s a goroutine's", bytesText(t), times(t/g))
	default:
		out.Verdict, out.Detail = Differs, fmt.Sprintf("a goroutine's stack is %s, not KB", bytesText(g))
	}
}

func evalTenThousand(e *eval, sc *SeedClaim, out *Claim) {
	want := sc.Figures["requests"]
	var parts []string
	var reached []string
	most := 0.0
	for _, c := range e.cases("Inflight") {
		n, err := strconv.ParseFloat(params(c.Params)["requests"], 64)
		if err != nil {
			continue
		}
		most = max(most, n)
		if n < want {
			continue
		}
		inflight, ok1 := median(c, "goroutines", 1, "max-inflight")
		ratio, ok2 := median(c, "goroutines", 1, "ratio-to-delay")
		kb, _ := median(c, "goroutines", 1, "KB/req")
		if !ok1 || !ok2 {
			continue
		}
		errs, _ := e.sampleMax(c, "goroutines", 1, "errors")
		tr := params(c.Params)["transport"]
		out.Cases = append(out.Cases, c.ID)
		parts = append(parts, fmt.Sprintf("%s: %.0f of %.0f in flight at once, done in %.2f delays, %.1f KB per request", tr, inflight, n, ratio, kb))
		if inflight >= n && errs == 0 {
			reached = append(reached, tr)
		}
	}
	if len(parts) == 0 {
		switch {
		case most >= want:
			notMeasured(out, "BenchmarkInflight ran at %.0f requests, but not at GOMAXPROCS=1: run it with -cpu 1 (the seed profile does)", want)
		case most > 0:
			notMeasured(out, "BenchmarkInflight ran at most %.0f requests: run it at %.0f (the seed or full profile)", most, want)
		}
		return
	}
	out.Measured = strings.Join(parts, "; ") + " (GOMAXPROCS=1)"
	if len(reached) > 0 {
		out.Verdict, out.Detail = Holds, fmt.Sprintf("every request in flight at once on one core, without an error (%s)", strings.Join(reached, ", "))
	} else {
		out.Verdict, out.Detail = Differs, "no client held every request in flight at once on one core without an error"
	}
}

func evalSemaphore(e *eval, sc *SeedClaim, out *Claim) {
	limit := sc.Figures["limit"]
	most := math.Inf(-1)
	var models []string
	for _, c := range e.cases("RateLimit") {
		if params(c.Params)["workers"] != strconv.FormatFloat(limit, 'f', -1, 64) {
			continue
		}
		t := c.Unit("max-inflight")
		if t == nil {
			continue
		}
		out.Cases = append(out.Cases, c.ID)
		for _, m := range t.Models {
			for _, p := range m.Points {
				if x, ok := e.sampleMax(c, m.Model, p.Procs, "max-inflight"); ok {
					most = max(most, x)
				}
			}
			if !slices.Contains(models, m.Model) {
				models = append(models, m.Model)
			}
		}
	}
	if len(models) == 0 {
		return
	}
	out.Measured = fmt.Sprintf("at most %.0f requests in flight in any sample (%s, at every core count)", most, strings.Join(models, ", "))
	if most <= limit {
		out.Verdict, out.Detail = Holds, fmt.Sprintf("never more than %.0f", limit)
	} else {
		out.Verdict, out.Detail = Differs, fmt.Sprintf("%.0f in flight, above the limit of %.0f", most, limit)
	}
}

func evalTwoLayers(e *eval, sc *SeedClaim, out *Claim) {
	// The aggregation case's series are its deploy+fanout pairs
	// (results.DefaultSeriesKeys): a case per clients and delay.
	var parts, detail []string
	holds, measured := true, 0
	// The concurrent layer: the concurrent fan-out against the serial one,
	// one client at a time, at 1 core.
	for _, c := range e.cases("Aggregate") {
		if params(c.Params)["clients"] != "1" {
			continue
		}
		if sp := e.compare(c, "single+serial", 1, c, "single+concurrent", 1, "sec/op"); sp != nil {
			measured++
			out.Cases = append(out.Cases, c.ID)
			parts = append(parts, fmt.Sprintf("concurrent fan-out %s of the serial one's latency (1 client, 1 core)", speedupText(sp)))
			holds = holds && sp.Value > 1 && sp.Significant
			break
		}
	}
	// The parallel layer: worker processes against one process at the
	// most clients both ran, at the largest core count both ran at.
	clients := -1
	var load *report.Case
	for _, c := range e.cases("Aggregate") {
		n, _ := strconv.Atoi(params(c.Params)["clients"])
		if n > clients && point(c, "workers+concurrent", 1, "req/s") != nil && point(c, "single+concurrent", 1, "req/s") != nil {
			clients, load = n, c
		}
	}
	if load != nil {
		top := e.largest(load)
		if sp := e.compare(load, "single+concurrent", top, load, "workers+concurrent", top, "req/s"); sp != nil && top > 1 {
			measured++
			out.Cases = append(out.Cases, load.ID)
			parts = append(parts, fmt.Sprintf("%d worker processes %s of one process's req/s (%d clients, %d cores)", top, speedupText(sp), clients, top))
			holds = holds && sp.Value > 1 && sp.Significant
			if !(sp.Value > 1 && sp.Significant) {
				detail = append(detail, "the worker processes add no significant throughput over one process of as many cores: Go's one process already runs on every core")
			}
		}
	}
	if measured == 0 {
		return
	}
	out.Measured = strings.Join(parts, "; ")
	if measured < 2 {
		notMeasured(out, "one layer measured only: BenchmarkAggregate needs clients=1 with both fan-outs and deploy=single and deploy=workers at the same clients, above 1 core")
		return
	}
	out.Verdict = Differs
	if holds {
		out.Verdict = Holds
		detail = append(detail, "both layers speed it up significantly")
	}
	out.Detail = strings.Join(detail, "; ")
}

func evalGlobals(e *eval, sc *SeedClaim, out *Claim) {
	c := e.find("Pitfall", "/pitfall=globals")
	proc, ok1 := median(c, "procpool", 1, "seen-by-parent")
	ser, ok2 := median(c, "serial", 1, "seen-by-parent")
	if !ok1 || !ok2 {
		return
	}
	out.Cases = []string{c.ID}
	out.Measured = fmt.Sprintf("share of the tasks' writes the parent sees: procpool %.2f, serial (in process) %.2f", proc, ser)
	if proc < ser {
		out.Verdict, out.Detail = Holds, "holds for the process pool; in-process models (goroutines) share memory"
	} else {
		out.Verdict, out.Detail = Differs, "the parent sees the process pool's writes"
	}
}

func evalBlocking(e *eval, sc *SeedClaim, out *Claim) {
	var parts []string
	blocked := false
	for _, b := range []string{"cpu-bound", "syscall"} {
		c := e.find("Pitfall", "/pitfall=blocking/blocker="+b)
		sleep, ok1 := median(c, "", 1, "max-sleep-sec")
		block, ok2 := median(c, "", 1, "blocker-sec")
		if !ok1 || !ok2 {
			continue
		}
		out.Cases = append(out.Cases, c.ID)
		parts = append(parts, fmt.Sprintf("beside a %s blocker of %s the longest 5 ms sleep took %s", b, sec(block), sec(sleep)))
		blocked = blocked || sleep >= 0.9*block
	}
	if len(parts) == 0 {
		return
	}
	out.Measured = strings.Join(parts, "; ") + " (GOMAXPROCS=1, medians of the worst sleep)"
	if blocked {
		out.Verdict, out.Detail = Holds, "a sleep waited for the whole blocker"
	} else {
		out.Verdict, out.Detail = Differs, "Go has no event loop to block: the scheduler preempts a computation and hands a blocked system call's processor to another thread"
	}
}

func evalSwallowed(e *eval, sc *SeedClaim, out *Claim) {
	g := e.find("Pitfall", "/pitfall=swallowed/kind=go-statement")
	lost, ok1 := median(g, "", 1, "lost-errors/op")
	ret, ok2 := median(g, "", 1, "returned-errors/op")
	if !ok1 || !ok2 {
		return
	}
	out.Cases = []string{g.ID}
	out.Measured = fmt.Sprintf("bare go statement: %.0f errors lost, %.0f returned per operation", lost, ret)
	p := e.find("Pitfall", "/pitfall=swallowed/errors=collect-all")
	if pl, ok := median(p, "pool", 1, "lost-errors/op"); ok {
		pr, _ := median(p, "pool", 1, "returned-errors/op")
		out.Cases = append(out.Cases, p.ID)
		out.Measured += fmt.Sprintf("; pool: %.0f lost, %.0f returned", pl, pr)
	}
	if lost > 0 {
		out.Verdict, out.Detail = Holds, "holds for the bare go statement, which has no result to give back; every model returns its tasks' errors"
	} else {
		out.Verdict, out.Detail = Differs, "no error was lost"
	}
}

func evalPicklable(e *eval, sc *SeedClaim, out *Claim) {
	c := e.find("Pitfall", "/pitfall=picklable/input=func")
	errs, ok := median(c, "procpool", 1, "errors/op")
	if !ok {
		return
	}
	t, _ := median(c, "procpool", 1, "sec/op")
	out.Cases = []string{c.ID}
	out.Measured = fmt.Sprintf("a function value as a task's input: %.0f error per call, returned in %s", errs, sec(t))
	if ok2 := e.find("Pitfall", "/pitfall=picklable/input=exported-struct"); ok2 != nil {
		if x, ok := median(ok2, "procpool", 1, "errors/op"); ok {
			out.Cases = append(out.Cases, ok2.ID)
			out.Measured += fmt.Sprintf("; a struct of exported fields: %.0f", x)
		}
	}
	if errs >= 1 {
		out.Verdict, out.Detail = Holds, "a task gob cannot encode fails with an error, promptly"
	} else {
		out.Verdict, out.Detail = Differs, "the function value did not fail"
	}
}

func evalGather(e *eval, sc *SeedClaim, out *Claim) {
	ff := e.find("Pitfall", "/pitfall=gather/errors=fail-fast")
	ca := e.find("Pitfall", "/pitfall=gather/errors=collect-all")
	cancelled, ok1 := median(ff, "goroutines", 1, "cancelled/op")
	finished, ok2 := median(ca, "goroutines", 1, "finished/op")
	if !ok1 || !ok2 {
		return
	}
	others := sc.Figures["others"]
	out.Cases = []string{ff.ID, ca.ID}
	out.Measured = fmt.Sprintf("fail-fast: %.0f of %.0f others cancelled; collect-all: %.0f of %.0f finished", cancelled, others, finished, others)
	out.Verdict = Differs
	out.Detail = "wrong for plain asyncio.gather, which cancels nothing (Python's documentation); right for TaskGroup, whose behaviour Go's fail-fast models have"
	if cancelled < others {
		out.Detail += fmt.Sprintf("; here fail-fast cancelled only %.0f", cancelled)
	}
}
