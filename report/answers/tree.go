package answers

import (
	"fmt"
	"strings"

	"concbench/report"
)

// A Tree is the tutorial's decision tree (its section 8) with this run's
// numbers on each branch.
type Tree struct {
	// Branches are the tree's leaves in the tutorial's order: CPU-bound,
	// I/O with a synchronous library, I/O with an asynchronous library.
	Branches []Branch `json:"branches"`
}

// A Branch is one path of the tree, its leaf and the numbers behind it.
type Branch struct {
	// Path is the questions answered on the way, Tutorial the tutorial's
	// answer.
	Path     string `json:"path"`
	Tutorial string `json:"tutorial"`
	// Go is the Go answer, with its figure; Figures the numbers behind it;
	// Missing what the results lack for the answer.
	Go      string   `json:"go"`
	Figures []string `json:"figures"`
	Missing string   `json:"missing,omitempty"`
	// Cases lists the ids of the cases the figures come from.
	Cases []string `json:"cases,omitempty"`
}

// tree computes the decision tree of the run.
func (v *runView) tree(seed *Seed, ts *TaskSize) Tree {
	e := &eval{runView: v, seed: seed, ts: ts}
	return Tree{Branches: []Branch{e.cpuBranch(), e.syncIOBranch(), e.asyncIOBranch()}}
}

// fastestText describes the fastest model of a level and its ties.
func fastestText(lv *Level) string {
	s := fmt.Sprintf("%s on %d core", lv.Fastest, lv.Procs)
	if lv.Procs > 1 {
		s += "s"
	}
	if lv.VsBaseline != nil {
		s += ": " + speedupText(lv.VsBaseline) + " of serial at 1 core"
	}
	switch {
	case lv.AllTie():
		s += " (every model ties)"
	case len(lv.Ties()) > 0:
		s += " (ties: " + strings.Join(lv.Ties(), ", ") + ")"
	}
	return s
}

func (e *eval) cpuBranch() Branch {
	b := Branch{Path: "CPU-bound", Tutorial: "multiprocessing / ProcessPoolExecutor"}
	c, _ := e.seedCase("Factorize", []string{"serial"}, "workers")
	if c == nil {
		b.Missing = "no BenchmarkFactorize results"
		return b
	}
	b.Cases = []string{c.ID}
	top := e.largest(c)
	t := c.Unit("sec/op")
	if top < 2 {
		b.Missing = "BenchmarkFactorize ran at 1 core only: no parallel figure"
	}
	if lv, ok := e.level(c, t, max(top, 1)); ok {
		b.Go = "in-process: " + fastestText(&lv)
	}
	items := params(c.Params)["items"]
	if s, ok := median(c, "serial", 1, "sec/op"); ok && items != "" {
		b.Figures = append(b.Figures, fmt.Sprintf("%s: %s items, %s per task", c.FullName(), items, FormatSeconds(s/atof(items))))
	}
	if p := point(c, "procpool", top, "sec/op"); p != nil && p.VsBaseline != nil && top > 1 {
		b.Figures = append(b.Figures, fmt.Sprintf("procpool %s of serial on %d cores at this task size", speedupText(p.VsBaseline), top))
	}
	if sw := e.ts.Sweep("procpool", e.ts.Largest()); sw != nil && len(sw.Points) > 0 {
		for _, s := range e.ts.Sizes {
			b.Cases = append(b.Cases, s.Case)
		}
		switch {
		case sw.BreakEven == nil:
			b.Figures = append(b.Figures, fmt.Sprintf("processes beat serial at no task size measured, up to %s per task (TaskSize, %d cores)", FormatSeconds(sw.Points[len(sw.Points)-1].Task), sw.Procs))
		case sw.Always:
			b.Figures = append(b.Figures, fmt.Sprintf("processes beat serial at every task size measured, from %s per task (TaskSize, %d cores)", FormatSeconds(*sw.BreakEven), sw.Procs))
		default:
			b.Figures = append(b.Figures, fmt.Sprintf("a task must take at least %s before processes pay (TaskSize, %d cores: the smallest size measured at which procpool beats serial)", FormatSeconds(*sw.BreakEven), sw.Procs))
		}
	} else {
		b.Figures = append(b.Figures, "the task size at which processes pay is not measured: run BenchmarkTaskSize")
	}
	return b
}

func (e *eval) syncIOBranch() Branch {
	b := Branch{Path: "I/O-bound, with a synchronous library (requests, psycopg2)", Tutorial: "ThreadPoolExecutor"}
	c, _ := e.seedCase("Fetch", []string{"serial", "pool"})
	if c == nil {
		b.Missing = "no BenchmarkFetch results"
		return b
	}
	b.Cases = []string{c.ID}
	p := point(c, "pool", 1, "sec/op")
	b.Go = "pool (a blocking call parks its goroutine, not the others)"
	if p != nil && p.VsBaseline != nil {
		b.Go = fmt.Sprintf("pool %s of serial on 1 core (a blocking call parks only its goroutine)", speedupText(p.VsBaseline))
	}
	if lv, ok := e.level(c, c.Unit("sec/op"), 1); ok {
		b.Figures = append(b.Figures, c.FullName()+": fastest "+fastestText(&lv))
	}
	return b
}

func (e *eval) asyncIOBranch() Branch {
	b := Branch{Path: "I/O-bound, with an asynchronous library (aiohttp, asyncpg, httpx)", Tutorial: "asyncio (the highest throughput on one machine)"}
	c, _ := e.seedCase("Fetch", []string{"serial", "goroutines"})
	if c == nil {
		b.Missing = "no BenchmarkFetch results"
		return b
	}
	b.Cases = []string{c.ID}
	b.Go = "goroutines (Go needs no separate async library: every goroutine's I/O is asynchronous underneath)"
	if p := point(c, "goroutines", 1, "sec/op"); p != nil && p.VsBaseline != nil {
		b.Go = fmt.Sprintf("goroutines %s of serial on 1 core (no separate async library: a goroutine's I/O is asynchronous underneath)", speedupText(p.VsBaseline))
	}
	most := 0.0
	var best *report.Case
	for _, ic := range e.cases("Inflight") {
		n := atof(params(ic.Params)["requests"])
		if r, ok := median(ic, "goroutines", 1, "ratio-to-delay"); ok && (n > most || n == most && best != nil && r < mustMedian(best, "ratio-to-delay")) {
			most, best = n, ic
		}
	}
	if best != nil {
		r, _ := median(best, "goroutines", 1, "ratio-to-delay")
		kb, _ := median(best, "goroutines", 1, "KB/req")
		b.Cases = append(b.Cases, best.ID)
		b.Figures = append(b.Figures, fmt.Sprintf("%.0f requests at once on 1 core (%s): done in %.2f delays, %.1f KB per request", most, params(best.Params)["transport"], r, kb))
	}
	return b
}

func mustMedian(c *report.Case, unit string) float64 {
	m, _ := median(c, "goroutines", 1, unit)
	return m
}

func atof(s string) float64 {
	var x float64
	fmt.Sscan(s, &x)
	return x
}
