package answers

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"concbench/report"
)

// taskSizeCase is the name of the task-size sweep's benchmark.
const taskSizeCase = "TaskSize"

// A TaskSize is the task-size sweep of one run: every model's speedup
// against the baseline model at 1 core, against the time of one task.
type TaskSize struct {
	// Sizes lists the sweep's task sizes, smallest first.
	Sizes []Size `json:"sizes"`
	// Sweeps holds one curve per model and core count (1 and the largest
	// that is not oversubscribed).
	Sweeps []Sweep `json:"sweeps"`
	// Note says what the sweep lacks, such as a serial result at 1 core;
	// "" when complete.
	Note string `json:"note,omitempty"`
}

// A Size is one task size of the sweep: one case.
type Size struct {
	// Case is the case's id; Work and Items its work= and items= keys.
	Case  string `json:"case"`
	Work  string `json:"work"`
	Items int    `json:"items"`
	// Task is the time of one task in seconds: the baseline model's time
	// per operation at 1 core over the items.
	Task float64 `json:"task"`
}

// A Sweep is one model's speedup across the task sizes at one core count.
type Sweep struct {
	Model string `json:"model"`
	Procs int    `json:"procs"`
	// Points lists the speedup at each size the model ran, smallest first.
	Points []SweepPoint `json:"points"`
	// BreakEven is the smallest task size, in seconds, at which the model
	// beats the baseline significantly; nil when it does at no size.
	// Always is set when that is the smallest size measured, so that the
	// break-even is at or below it.
	BreakEven *float64 `json:"breakEven,omitempty"`
	Always    bool     `json:"always,omitempty"`
}

// A SweepPoint is a model's speedup at one task size.
type SweepPoint struct {
	Task    float64        `json:"task"`
	Speedup report.Speedup `json:"speedup"`
}

// Beats reports whether the point is significantly faster than the
// baseline.
func (p *SweepPoint) Beats() bool { return p.Speedup.Value > 1 && p.Speedup.Significant }

// taskSize computes the run's task-size sweep, or nil when it has none.
func (v *runView) taskSize() *TaskSize {
	cases := v.cases(taskSizeCase)
	if len(cases) == 0 {
		return nil
	}
	ts := &TaskSize{Sizes: []Size{}, Sweeps: []Sweep{}}
	type sized struct {
		c    *report.Case
		size Size
	}
	var all []sized
	for _, c := range cases {
		p := params(c.Params)
		items, err := strconv.Atoi(p["items"])
		base := point(c, v.rep.Baseline, 1, "sec/op")
		if err != nil || items < 1 || base == nil || !c.HasBaseline {
			ts.Note = "a size without a " + v.rep.Baseline + " result at 1 core, or without items=, is left out"
			continue
		}
		all = append(all, sized{c, Size{Case: c.ID, Work: p["work"], Items: items, Task: base.Median / float64(items)}})
	}
	slices.SortFunc(all, func(a, b sized) int { return cmp.Compare(a.size.Task, b.size.Task) })
	if len(all) == 0 {
		return ts
	}
	type key struct {
		model string
		procs int
	}
	sweeps := map[key]*Sweep{}
	var order []key
	for _, s := range all {
		ts.Sizes = append(ts.Sizes, s.size)
		t := s.c.Unit("sec/op")
		levels := []int{1}
		if top := v.largest(s.c); top > 1 {
			levels = append(levels, top)
		}
		for _, m := range t.Models {
			if m.Model == v.rep.Baseline {
				continue
			}
			for _, procs := range levels {
				p := point(s.c, m.Model, procs, "sec/op")
				if p == nil || p.VsBaseline == nil {
					continue
				}
				k := key{m.Model, procs}
				if sweeps[k] == nil {
					sweeps[k] = &Sweep{Model: m.Model, Procs: procs}
					order = append(order, k)
				}
				sweeps[k].Points = append(sweeps[k].Points, SweepPoint{Task: s.size.Task, Speedup: *p.VsBaseline})
			}
		}
	}
	slices.SortFunc(order, func(a, b key) int {
		return cmp.Or(report.CompareModels(a.model, b.model, v.rep.Baseline), cmp.Compare(a.procs, b.procs))
	})
	for _, k := range order {
		sw := sweeps[k]
		sw.breakEven()
		ts.Sweeps = append(ts.Sweeps, *sw)
	}
	return ts
}

// breakEven sets the sweep's break-even: the smallest size at which the
// model beats the baseline.
func (sw *Sweep) breakEven() {
	first := slices.IndexFunc(sw.Points, func(p SweepPoint) bool { return p.Beats() })
	if first < 0 {
		return
	}
	sw.BreakEven = new(sw.Points[first].Task)
	sw.Always = first == 0
}

// Sweep returns the sweep of model at procs, or nil.
func (ts *TaskSize) Sweep(model string, procs int) *Sweep {
	if ts == nil {
		return nil
	}
	for i := range ts.Sweeps {
		if ts.Sweeps[i].Model == model && ts.Sweeps[i].Procs == procs {
			return &ts.Sweeps[i]
		}
	}
	return nil
}

// Largest returns the largest core count of the sweeps, 0 without any.
func (ts *TaskSize) Largest() int {
	n := 0
	if ts != nil {
		for _, sw := range ts.Sweeps {
			n = max(n, sw.Procs)
		}
	}
	return n
}

// BreakEvenText says where a sweep's model starts to beat the baseline.
func (sw *Sweep) BreakEvenText(baseline string) string {
	switch {
	case len(sw.Points) == 0:
		return "not measured"
	case sw.BreakEven == nil:
		return "beats " + baseline + " at no size measured (up to " + FormatSeconds(sw.Points[len(sw.Points)-1].Task) + " per task)"
	case sw.Always:
		return "beats " + baseline + " at every size measured, from " + FormatSeconds(*sw.BreakEven) + " per task"
	}
	return "beats " + baseline + " from " + FormatSeconds(*sw.BreakEven) + " per task"
}

// FormatSeconds formats a duration in seconds with its unit, "210.0 µs".
func FormatSeconds(s float64) string {
	v := report.FormatValue(s, "sec/op")
	i := strings.LastIndexAny(v, "0123456789") + 1
	return v[:i] + " " + v[i:] + "s"
}
