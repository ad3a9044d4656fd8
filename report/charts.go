package report

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

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

// idealColor is the colour of the line of ideal scaling.
const idealColor = "#999999"

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
// efficiency against cores, the primary unit per model at the largest
// core count and, when the case has a [CompanionUnit], that unit against
// cores. baseline is the series the speedups are measured against
// ([Case.BaselineSeries]). Each decorator adds its series to the speedup
// chart, in order. It returns nil for a case without measurements.
func CaseCharts(run *Run, c *Case, baseline string, decorators ...SpeedupDecorator) []Chart {
	t := c.Primary()
	if t == nil || len(t.Models) == 0 {
		return nil
	}
	out := []Chart{
		speedupChart(run, c, t, baseline, false, decorators),
		speedupChart(run, c, t, baseline, true, nil),
		largestChart(run, c, t),
	}
	units := make([]string, len(c.Units))
	for i, u := range c.Units {
		units[i] = u.Unit
	}
	if ct := c.Unit(CompanionUnit(units)); ct != nil && len(ct.Models) > 0 {
		out = append(out, valueChart(c, ct))
	}
	return out
}

// valueChart draws the medians of unit t of every series against
// GOMAXPROCS, with interval whiskers, in a readable scale.
func valueChart(c *Case, t *UnitTable) Chart {
	maxMedian := 0.0
	for _, m := range t.Models {
		for _, p := range m.Points {
			maxMedian = math.Max(maxMedian, p.Median)
		}
	}
	scale, unit := ChartScale(t.Unit, maxMedian)
	line, whiskers := NewLine(), NewWhiskers()
	line.SetGlobalOptions(ChartGlobals(UnitTitle(t.Unit)+" against cores", c.FullName()+" ("+better(*t)+" is better)")...)
	line.SetGlobalOptions(
		charts.WithXAxisOpts(opts.XAxis{Type: "value", Name: "cores (GOMAXPROCS)", NameLocation: "middle", NameGap: 28, Min: 1, Max: c.Procs[len(c.Procs)-1], MinInterval: 1}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: unit, Min: 0}),
	)
	var names []string
	for i, m := range t.Models {
		name, color := ModelName(m.Model), ModelColor(i)
		data := make([]opts.LineData, 0, len(m.Points))
		var bars [][3]float64
		for _, p := range m.Points {
			data = append(data, PointDatum(float64(p.Procs), Round(p.Median*scale), p.Oversubscribed))
			if p.Lo != nil {
				bars = append(bars, [3]float64{float64(p.Procs), Round(*p.Lo * scale), Round(*p.Hi * scale)})
			}
		}
		AddCurve(line, whiskers, name, color, data, bars)
		names = append(names, name)
	}
	if len(whiskers.MultiSeries) > 0 {
		line.Overlap(whiskers)
	}
	return NewChart(c.ID+"-"+unitID(t.Unit), line, names)
}

// unitID turns a unit into a part of an element id.
func unitID(unit string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '-'
	}, strings.ToLower(unit))
}

// A SpeedupDecorator adds series to the speedup chart of each case, such
// as the projections of a fitted scaling law, so that an analysis draws on
// that chart with no change to it. An [Analyzer]'s data in
// Report.Extensions that implements it is used as one by [CasesSection]
// (see [SpeedupDecorators]). It is called for many cases at once, so it
// must only read its own data.
type SpeedupDecorator interface {
	// DecorateSpeedup adds series to sc.Line, appending the names of
	// the visible ones to sc.Series, and may raise sc.MaxProcs or set
	// sc.LogAxes.
	DecorateSpeedup(sc *SpeedupChart)
}

// A SpeedupChart is a case's speedup chart while it is built, as a
// [SpeedupDecorator] sees it: the measured series are in, the line of
// ideal scaling and the axes are added after the decorators.
type SpeedupChart struct {
	Run  *Run
	Case *Case
	// Table is the unit the chart is drawn for, the case's primary.
	Table *UnitTable
	// VsBaseline is set when the speedups are against the baseline model
	// at one core, unset when against each model's own one-core result.
	VsBaseline bool
	Line       *charts.Line
	// Custom holds the chart's custom series, the whiskers (see
	// [AddWhiskers]); a decorator adds its own custom series here rather
	// than overlapping a chart of its own, which costs as much again.
	Custom *charts.Custom
	// Series lists the names of the chart's visible series so far.
	Series []string
	// MaxProcs is the largest core count on the x axis; the ideal line
	// runs up to it.
	MaxProcs int
	// LogAxes draws both axes on a logarithmic scale.
	LogAxes bool
}

// SpeedupDecorators returns the data in rep.Extensions that are
// [SpeedupDecorator]s, by the analysers' names.
func SpeedupDecorators(rep *Report) []SpeedupDecorator {
	var ds []SpeedupDecorator
	for _, k := range slices.Sorted(maps.Keys(rep.Extensions)) {
		if d, ok := rep.Extensions[k].(SpeedupDecorator); ok {
			ds = append(ds, d)
		}
	}
	return ds
}

// speedupChart draws the speedup (or, with efficiency set, the speedup per
// core) of every model against GOMAXPROCS, with interval whiskers, the ideal
// line and hollow symbols for oversubscribed points.
func speedupChart(run *Run, c *Case, t *UnitTable, baseline string, efficiency bool, decorators []SpeedupDecorator) Chart {
	ref := "vs " + baseline + " at 1 core"
	if !c.HasBaseline {
		ref = "vs each model at 1 core"
	}
	title, id, yName := "Speedup "+ref, c.ID+"-speedup", "speedup"
	if efficiency {
		title, id, yName = "Efficiency (speedup / cores) "+ref, c.ID+"-efficiency", "efficiency"
	}
	maxProcs := c.Procs[len(c.Procs)-1]
	line, whiskers := NewLine(), NewWhiskers()
	// Room for every series, a line and whiskers per model and the ideal,
	// so that adding them copies none of go-echarts' large series values.
	line.MultiSeries = make(charts.MultiSeries, 0, 2*len(t.Models)+1)
	whiskers.MultiSeries = make(charts.MultiSeries, 0, len(t.Models))
	line.SetGlobalOptions(ChartGlobals(title, c.FullName()+" ("+t.Unit+")")...)
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
			data = append(data, PointDatum(float64(p.Procs), Round(y), p.Oversubscribed))
			if lo != nil {
				bars = append(bars, [3]float64{float64(p.Procs), Round(*lo), Round(*hi)})
			}
		}
		if len(data) == 0 {
			continue
		}
		AddCurve(line, whiskers, name, ModelColor(i), data, bars)
		names = append(names, name)
	}
	var over []charts.SeriesOpts
	if run.NCPU > 0 && maxProcs > run.NCPU {
		// An area over the whole height from the CPU count to the
		// largest core count: both corners give only xAxis.
		over = append(over, charts.WithMarkAreaData([]opts.MarkAreaData{
			{
				Name:  fmt.Sprintf("oversubscribed (> %d CPUs)", run.NCPU),
				XAxis: run.NCPU,
				MarkAreaStyle: opts.MarkAreaStyle{
					ItemStyle: &opts.ItemStyle{Color: "rgba(200, 80, 80, 0.08)"},
					Label:     &opts.Label{Position: "insideTop", Color: "#a33"},
				},
			},
			{XAxis: maxProcs},
		}))
	}
	sc := SpeedupChart{Run: run, Case: c, Table: t, VsBaseline: c.HasBaseline, Line: line, Custom: whiskers, Series: names, MaxProcs: maxProcs}
	for _, d := range decorators {
		d.DecorateSpeedup(&sc)
	}
	if len(whiskers.MultiSeries) > 0 {
		line.Overlap(whiskers)
	}
	xAxis := opts.XAxis{Type: "value", Name: "cores (GOMAXPROCS)", NameLocation: "middle", NameGap: 28, Min: 1, Max: sc.MaxProcs, MinInterval: 1}
	yAxis := opts.YAxis{Type: "value", Name: yName, Min: 0}
	if sc.LogAxes {
		xAxis.Type, xAxis.MinInterval = "log", 0
		yAxis.Type, yAxis.Min = "log", nil // a log axis has no 0
	}
	line.SetGlobalOptions(charts.WithXAxisOpts(xAxis), charts.WithYAxisOpts(yAxis))
	names = append(sc.Series, AddIdeal(line, sc.MaxProcs, efficiency, over...))
	return NewChart(id, line, names)
}

// PointDatum returns the point (x, y) of a curve: a filled circle, or a
// hollow triangle when it is oversubscribed.
func PointDatum(x, y float64, oversubscribed bool) opts.LineData {
	if oversubscribed {
		return opts.LineData{Value: []float64{x, y}, SymbolSize: 11, Symbol: "emptyTriangle"}
	}
	return opts.LineData{Value: []float64{x, y}, SymbolSize: 7, Symbol: "circle"}
}

// AddCurve adds one series' curve to line, named name and drawn in color,
// and its interval whiskers (each [x, lo, hi], see [AddWhiskers]), if
// any, to whiskers, which the caller overlaps on line once every curve is
// in. Options, applied last, restyle the curve (a dashed line, say).
func AddCurve(line *charts.Line, whiskers *charts.Custom, name, color string, data []opts.LineData, bars [][3]float64, options ...charts.SeriesOpts) {
	options = append([]charts.SeriesOpts{charts.WithItemStyleOpts(opts.ItemStyle{Color: color}), charts.WithLineStyleOpts(opts.LineStyle{Color: color, Width: 2})}, options...)
	AddLine(line, name, data, options...)
	if len(bars) > 0 {
		AddWhiskers(whiskers, name, color, bars)
	}
}

// AddIdeal adds the line of ideal scaling up to maxProcs cores to a chart
// of speedups against cores, y = cores, or y = 1 for a chart of
// efficiencies, dashed and grey, with options for more; it returns the
// line's name.
func AddIdeal(line *charts.Line, maxProcs int, efficiency bool, options ...charts.SeriesOpts) string {
	ideal := []opts.LineData{{Value: []float64{1, 1}}, {Value: []float64{float64(maxProcs), float64(maxProcs)}}}
	name := "ideal (y = cores)"
	if efficiency {
		ideal[1].Value = []float64{float64(maxProcs), 1}
		name = "ideal (y = 1)"
	}
	options = append([]charts.SeriesOpts{
		charts.WithLineStyleOpts(opts.LineStyle{Type: "dashed", Color: idealColor, Width: 1.5}),
		charts.WithItemStyleOpts(opts.ItemStyle{Color: idealColor}),
		charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false)}),
	}, options...)
	AddLine(line, name, ideal, options...)
	return name
}

// NewWhiskers returns an empty custom chart to collect a chart's whiskers
// in (see [AddWhiskers]) before it is overlapped on that chart. Overlap
// takes only its series, so it is not built with charts.NewCustom, whose
// reflective walk over a whole chart configuration fills in defaults that
// no series reads and cost a tenth of the page's time.
func NewWhiskers() *charts.Custom { return new(charts.Custom) }

// AddLine adds a line series to line, as line.AddSeries does but without
// go-echarts' reflective walk over the new series for default values,
// which sets no field of a series (TestAddLine checks that both give the
// same series) and was a tenth of the page's time.
func AddLine(line *charts.Line, name string, data []opts.LineData, options ...charts.SeriesOpts) {
	line.MultiSeries = append(line.MultiSeries, newSeries(types.ChartLine, name, data, line.Animation, options))
}

// AddPoints adds a line series of plain [x, y] points to line, as
// AddLine does: the form for a curve none of whose points is styled on
// its own (a projection, say). echarts reads [x, y] as it reads {value:
// [x, y]}; the plain pairs are half the bytes of opts.LineData and are
// written without a reflective walk over each point's struct.
func AddPoints(line *charts.Line, name string, points [][2]float64, options ...charts.SeriesOpts) {
	line.MultiSeries = append(line.MultiSeries, newSeries(types.ChartLine, name, points, line.Animation, options))
}

// A Band is the interval band of one curve, filled in Color: its points
// are [x, lo, hi], ascending in x.
type Band struct {
	Color  string
	Points [][3]float64
}

// AddBands adds bands to c as one custom series, named name, with the id
// "band:" + id, which the page draws as one polygon per band (see bands
// in page.js). Its items are [x, lo, hi, k] for the k-th band; the first
// item of each band is an object that also carries the band's colour, the
// others are plain arrays. One series holds every band: a series per
// band would cost as much as its curve again.
func AddBands(c *charts.Custom, name, id string, bands []Band) {
	n := 0
	for _, b := range bands {
		n += len(b.Points)
	}
	// The items point into two arrays: an interface holding a pointer
	// needs no allocation of its own.
	items := make([]any, 0, n)
	values := make([][4]float64, 0, n)
	firsts := make([]opts.CustomData, len(bands))
	for k, b := range bands {
		for i, p := range b.Points {
			values = append(values, [4]float64{p[0], p[1], p[2], float64(k)})
			v := &values[len(values)-1]
			if i > 0 {
				items = append(items, v)
				continue
			}
			firsts[k] = opts.CustomData{Value: v, ItemStyle: &opts.ItemStyle{Color: b.Color}}
			items = append(items, &firsts[k])
		}
	}
	c.MultiSeries = append(c.MultiSeries, newSeries(types.ChartCustom, name, items, c.Animation, []charts.SeriesOpts{
		charts.WithEncodeOpts(opts.Encode{X: 0, Y: []int{1, 2}}),
		charts.WithSeriesOpts(func(s *charts.SingleSeries) { s.Id = "band:" + id }),
	}))
}

// newSeries returns a series of type typ as go-echarts' AddSeries methods
// build it: the chart's animation setting and the options applied.
func newSeries(typ, name string, data any, animation types.Bool, options []charts.SeriesOpts) charts.SingleSeries {
	s := charts.SingleSeries{Name: name, Type: typ, Data: data, Animation: animation}
	s.ConfigureSeriesOpts(options...)
	return s
}

// NewChart returns the chart of id drawn by a go-echarts chart, whose
// visible series are named series.
func NewChart(id string, c interface {
	Validate()
	JSON() map[string]any
}, series []string) Chart {
	c.Validate()
	return Chart{ID: id, Options: c.JSON(), Series: series}
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
	title := fmt.Sprintf("%s per %s at GOMAXPROCS=%d", UnitTitle(t.Unit), c.SeriesLabel(), procs)
	if run.NCPU > 0 && procs > run.NCPU {
		title += " (oversubscribed)"
	}
	bar := NewBar()
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
	// opts.BarChart has no maximum width: set the series' own field.
	bar.AddSeries(name, data, charts.WithSeriesOpts(func(s *charts.SingleSeries) { s.BarMaxWidth = "48" }))
	if len(bars) > 0 {
		whiskers := NewWhiskers()
		AddWhiskers(whiskers, "95% interval", "#333333", bars)
		bar.Overlap(whiskers)
	}
	return NewChart(c.ID+"-largest", bar, []string{name})
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

// AddWhiskers adds to c a series of interval whiskers: each datum is
// [x, lo, hi]. The page's script draws them (see errorBar in page.js); the
// series carries no code. A chart's whiskers are one custom chart, added to
// it with Overlap once they are all in: each go-echarts chart fills in its
// defaults with a reflective walk over its whole configuration, which one
// chart per series of whiskers made the costliest part of the page.
func AddWhiskers(c *charts.Custom, name, color string, data [][3]float64) {
	items := make([]opts.CustomData, len(data))
	for i, d := range data {
		items[i] = opts.CustomData{Value: []float64{d[0], d[1], d[2]}}
	}
	c.MultiSeries = append(c.MultiSeries, newSeries(types.ChartCustom, name, items, c.Animation,
		[]charts.SeriesOpts{charts.WithItemStyleOpts(opts.ItemStyle{Color: color}), charts.WithEncodeOpts(opts.Encode{X: 0, Y: []int{1, 2}})}))
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
// per operation is drawn in s, ms, µs or ns per operation, another time
// (a unit ending in -sec, as benchfmt tidies p99-latency-ns) in s, ms, µs
// or ns; other units as they are. It returns the factor to multiply the
// values by and the unit to label the axis with.
func ChartScale(unit string, max float64) (float64, string) {
	if name, ok := strings.CutSuffix(unit, "-sec"); ok {
		f, u := ChartScale("sec/op", max)
		return f, name + " " + strings.TrimSuffix(u, "/op")
	}
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
