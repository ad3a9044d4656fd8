package report

import (
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"github.com/go-echarts/go-echarts/v2/types"
)

// A Chart is one echarts chart of the page: the id of the element it is drawn
// in and its options. The options are built with go-echarts but serialised by
// this package (see [WriteHTML]), never by go-echarts' page renderer.
type Chart struct {
	// ID is the id of the chart's element: stable across runs on the same
	// input, so the page is deterministic.
	ID string `json:"id"`
	// Options is the echarts option object.
	Options map[string]any `json:"options"`
	// Series lists the names of the chart's visible series, in order; the
	// browser test checks the drawn chart against it.
	Series []string `json:"series"`
}

// palette holds the colour of each model by its index in the case, so that a
// model's line, its whiskers and its bar share one colour.
var palette = [...]string{"#5470c6", "#ee6666", "#91cc75", "#fac858", "#73c0de", "#3ba272", "#fc8452", "#9a60b4", "#ea7ccc", "#8d6e63"}

// ModelColor returns the colour of the i-th model of a chart, so that a
// model's line, its whiskers and its bar share one colour.
func ModelColor(i int) string { return palette[i%len(palette)] }

// IdealColor is the colour of the ideal-scaling line.
const IdealColor = "#999999"

// chartInit is the common size and look of every chart.
func chartInit() opts.Initialization {
	return opts.Initialization{Width: "100%", Height: "380px"}
}

// ChartGlobals returns the options every chart of the report starts from:
// its size, title, legend, tooltip and grid, and no animation.
func ChartGlobals(title, subtitle string) []charts.GlobalOpts {
	return []charts.GlobalOpts{
		charts.WithInitializationOpts(chartInit()),
		charts.WithAnimation(false),
		charts.WithTitleOpts(opts.Title{Title: title, Subtitle: subtitle, Left: "center", TitleStyle: &opts.TextStyle{FontSize: 14}}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0", Type: "plain", ItemWidth: 18}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithGridOpts(opts.Grid{Left: "40", Right: "24", Top: "72", Bottom: "92", ContainLabel: opts.Bool(true)}),
		charts.WithToolboxOpts(opts.Toolbox{Show: opts.Bool(false)}),
	}
}

// CaseCharts returns the charts of one case: speedup against cores,
// efficiency against cores, and the primary unit per model at the largest
// core count. It returns nil for a case without measurements.
func CaseCharts(run *Run, c *Case, baseline string) []Chart {
	t := c.Primary()
	if t == nil || len(t.Models) == 0 {
		return nil
	}
	return []Chart{
		speedupChart(run, c, t, baseline, false),
		speedupChart(run, c, t, baseline, true),
		largestChart(run, c, t),
	}
}

// speedupChart draws the speedup (or, with efficiency set, the speedup per
// core) of every model against GOMAXPROCS, with interval whiskers, the ideal
// line and hollow symbols for oversubscribed points.
func speedupChart(run *Run, c *Case, t *UnitTable, baseline string, efficiency bool) Chart {
	ref := "vs " + baseline + " at 1 core"
	if !c.HasBaseline {
		ref = "vs each model at 1 core"
	}
	title, id, yName := "Speedup "+ref, c.ID+"-speedup", "speedup"
	if efficiency {
		title, id, yName = "Efficiency (speedup / cores) "+ref, c.ID+"-efficiency", "efficiency"
	}
	maxProcs := c.Procs[len(c.Procs)-1]
	line := newLine()
	line.MultiSeries = make(charts.MultiSeries, 0, 2*len(t.Models)+1)
	line.SetGlobalOptions(ChartGlobals(title, c.FullName()+" ("+t.Unit+")")...)
	line.SetGlobalOptions(
		charts.WithXAxisOpts(opts.XAxis{Type: "value", Name: "cores (GOMAXPROCS)", NameLocation: "middle", NameGap: 28, Min: 1, Max: maxProcs, MinInterval: 1}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: yName, Min: 0}),
	)
	var names []string
	speedupOf := func(p *Point) (*Speedup, *float64) {
		if c.HasBaseline {
			return p.VsBaseline, p.Efficiency
		}
		return p.VsSelf, p.SelfEfficiency
	}
	for i, m := range t.Models {
		name := ModelName(m.Model)
		var data []opts.LineData
		var bars [][3]float64
		for j := range m.Points {
			p := &m.Points[j]
			r, eff := speedupOf(p)
			if r == nil {
				continue
			}
			y, lo, hi := r.Value, r.Lo, r.Hi
			if efficiency {
				y = *eff
				if lo != nil {
					lo, hi = new(*lo/float64(p.Procs)), new(*hi/float64(p.Procs))
				}
			}
			d := opts.LineData{Value: []float64{float64(p.Procs), Round(y)}, SymbolSize: 7, Symbol: "circle"}
			if p.Oversubscribed {
				d.Symbol, d.SymbolSize = "emptyTriangle", 11
			}
			data = append(data, d)
			if lo != nil {
				bars = append(bars, [3]float64{float64(p.Procs), Round(*lo), Round(*hi)})
			}
		}
		if len(data) == 0 {
			continue
		}
		color := ModelColor(i)
		AddSeries(&line.MultiSeries, charts.SingleSeries{Name: name, Type: types.ChartLine, Data: data},
			charts.WithItemStyleOpts(opts.ItemStyle{Color: color}), charts.WithLineStyleOpts(opts.LineStyle{Color: color, Width: 2}))
		names = append(names, name)
		if len(bars) > 0 {
			line.MultiSeries = append(line.MultiSeries, Whiskers(name, color, bars))
		}
	}
	// The ideal: y = x for speedup, y = 1 for efficiency.
	ideal := []opts.LineData{{Value: []float64{1, 1}}, {Value: []float64{float64(maxProcs), float64(maxProcs)}}}
	idealName := "ideal (y = cores)"
	if efficiency {
		ideal[1].Value = []float64{float64(maxProcs), 1}
		idealName = "ideal (y = 1)"
	}
	idealOpts := []charts.SeriesOpts{
		charts.WithLineStyleOpts(opts.LineStyle{Type: "dashed", Color: IdealColor, Width: 1.5}),
		charts.WithItemStyleOpts(opts.ItemStyle{Color: IdealColor}),
		charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false)}),
	}
	if run.NCPU > 0 && maxProcs > run.NCPU {
		idealOpts = append(idealOpts,
			// An area over the whole height from the CPU count to the
			// largest core count: both items give only xAxis.
			charts.WithSeriesOpts(func(s *charts.SingleSeries) {
				s.MarkAreas = &opts.MarkAreas{Data: []any{[]map[string]any{
					{
						"name":      fmt.Sprintf("oversubscribed (> %d CPUs)", run.NCPU),
						"xAxis":     run.NCPU,
						"itemStyle": map[string]any{"color": "rgba(200, 80, 80, 0.08)"},
						"label":     map[string]any{"position": "insideTop", "color": "#a33"},
					},
					{"xAxis": maxProcs},
				}}}
			}))
	}
	AddSeries(&line.MultiSeries, charts.SingleSeries{Name: idealName, Type: types.ChartLine, Data: ideal}, idealOpts...)
	names = append(names, idealName)
	line.Validate()
	return Chart{ID: id, Options: line.JSON(), Series: names}
}

// largestChart draws the primary unit of every model at the case's largest
// core count, as bars with interval whiskers. When some models did not run
// there, it takes the largest core count every model ran at, so that the
// bars compare like with like.
func largestChart(run *Run, c *Case, t *UnitTable) Chart {
	procs := commonLargestProcs(c, t)
	maxMedian := 0.0
	for _, m := range t.Models {
		for _, p := range m.Points {
			maxMedian = math.Max(maxMedian, p.Median)
		}
	}
	scale, unit := ChartScale(t.Unit, maxMedian)
	title := fmt.Sprintf("%s per model at GOMAXPROCS=%d", UnitTitle(t.Unit), procs)
	if run.NCPU > 0 && procs > run.NCPU {
		title += " (oversubscribed)"
	}
	bar := newBar()
	bar.MultiSeries = make(charts.MultiSeries, 0, 2)
	bar.SetGlobalOptions(ChartGlobals(title, c.FullName())...)
	var models []string
	var data []opts.BarData
	var bars [][3]float64
	for i, m := range t.Models {
		for _, p := range m.Points {
			if p.Procs != procs {
				continue
			}
			idx := len(models)
			models = append(models, ModelName(m.Model))
			data = append(data, opts.BarData{Value: Round(p.Median * scale), ItemStyle: &opts.ItemStyle{Color: ModelColor(i)}})
			if p.Lo != nil {
				bars = append(bars, [3]float64{float64(idx), Round(*p.Lo * scale), Round(*p.Hi * scale)})
			}
		}
	}
	bar.SetGlobalOptions(
		charts.WithXAxisOpts(opts.XAxis{Type: "category", AxisLabel: &opts.AxisLabel{Interval: "0", Rotate: 30}}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: unit}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
	)
	bar.SetXAxis(models)
	name := "median " + unit
	AddSeries(&bar.MultiSeries, charts.SingleSeries{Name: name, Type: types.ChartBar, Data: data, BarMaxWidth: "48"})
	if len(bars) > 0 {
		bar.MultiSeries = append(bar.MultiSeries, Whiskers("95% interval", "#333333", bars))
	}
	bar.Validate()
	return Chart{ID: c.ID + "-largest", Options: bar.JSON(), Series: []string{name}}
}

// A new go-echarts chart fills in its defaults with a reflective walk over
// its whole configuration, which took a tenth of the time of a large
// report. Every chart of a case starts from the same defaults, so each is a
// copy of one chart built once, with its own copy of the lists the options
// write into. The template's assets are validated once, so that validating
// a copy only reads them.
var (
	lineTemplate = sync.OnceValue(func() *charts.Line {
		c := charts.NewLine()
		c.Validate()
		return c
	})
	barTemplate = sync.OnceValue(func() *charts.Bar {
		c := charts.NewBar()
		c.Validate()
		return c
	})
)

// newLine returns a line chart equal to a new one of charts.NewLine.
func newLine() *charts.Line {
	c := new(charts.Line)
	*c = *lineTemplate()
	ownLists(&c.RectChart)
	return c
}

// newBar returns a bar chart equal to a new one of charts.NewBar.
func newBar() *charts.Bar {
	c := new(charts.Bar)
	*c = *barTemplate()
	ownLists(&c.RectChart)
	return c
}

// ownLists gives a chart copied from a template its own copies of the
// lists that options append to, so that no chart writes into another's.
func ownLists(rc *charts.RectChart) {
	rc.XAxisList = slices.Clone(rc.XAxisList)
	rc.YAxisList = slices.Clone(rc.YAxisList)
	rc.Colors = slices.Clone(rc.Colors)
}

// AddSeries appends a series configured by options. Unlike the charts'
// AddSeries methods it skips go-echarts' reflective walk for default
// values, none of which these series use; on a large report that walk was
// a tenth of the run time.
func AddSeries(multi *charts.MultiSeries, s charts.SingleSeries, options ...charts.SeriesOpts) {
	s.ConfigureSeriesOpts(options...)
	*multi = append(*multi, s)
}

// commonLargestProcs returns the largest GOMAXPROCS every model of t ran
// at, or the case's largest when there is none.
func commonLargestProcs(c *Case, t *UnitTable) int {
	for i := len(c.Procs) - 1; i >= 0; i-- {
		p := c.Procs[i]
		all := true
		for _, m := range t.Models {
			found := false
			for _, pt := range m.Points {
				found = found || pt.Procs == p
			}
			all = all && found
		}
		if all {
			return p
		}
	}
	return c.Procs[len(c.Procs)-1]
}

// Whiskers returns a custom series of interval whiskers: each datum is
// [x, lo, hi]. The page's script draws it (see renderItem in page.js); the
// series carries no code.
func Whiskers(name, color string, data [][3]float64) charts.SingleSeries {
	return charts.SingleSeries{
		Name:  name,
		Type:  types.ChartCustom,
		Data:  data,
		Color: color,
		Encode: &opts.Encode{
			X: 0,
			Y: []int{1, 2},
		},
	}
}

// ModelName names a model's series; results without a model key still get
// a visible name.
func ModelName(model string) string {
	if model == "" {
		return "(no model)"
	}
	return model
}

// ChartScale picks a readable unit for values of unit up to max: a time
// per operation is drawn in s, ms, µs or ns per operation; other units as
// they are. It returns the factor to multiply the values by and the unit to
// label the axis with.
func ChartScale(unit string, max float64) (float64, string) {
	if unit != "sec/op" {
		return 1, unit
	}
	switch {
	case max >= 1:
		return 1, "s/op"
	case max >= 1e-3:
		return 1e3, "ms/op"
	case max >= 1e-6:
		return 1e6, "µs/op"
	}
	return 1e9, "ns/op"
}

// UnitTitle names a unit in a chart's title: "Time per op" for sec/op.
func UnitTitle(unit string) string {
	if unit == "sec/op" {
		return "Time per op"
	}
	return unit
}

// Round keeps 4 significant digits, so that the page and its golden files
// do not carry noise digits.
func Round(x float64) float64 {
	if x == 0 || !finite(x) {
		return x
	}
	mag := math.Pow(10, 3-math.Floor(math.Log10(math.Abs(x))))
	return math.Round(x*mag) / mag
}
