package report

import (
	"slices"
	"sync"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/render"
)

// go-echarts' constructors (charts.NewLine and the others) fill in each
// new chart's defaults with a reflective walk over its whole
// configuration, the same for every chart of a type; with several charts
// per case it was a tenth of the page's time. NewLine, NewBar and
// NewBoxPlot build that configuration once per type and copy it:
// TestChartConstructors checks that a copy gives the options go-echarts'
// constructor gives.
//
// The templates are built once and never written: a copy shares nothing
// with them that a chart's options or Validate write to.
var (
	lineTemplate    = sync.OnceValue(func() charts.Line { return *charts.NewLine() })
	barTemplate     = sync.OnceValue(func() charts.Bar { return *charts.NewBar() })
	boxPlotTemplate = sync.OnceValue(func() charts.BoxPlot { return *charts.NewBoxPlot() })
)

// NewLine returns a new line chart, as charts.NewLine does.
func NewLine() *charts.Line {
	c := lineTemplate()
	unshare(&c.BaseConfiguration)
	c.Renderer = render.NewChartRender(&c, c.Validate)
	return &c
}

// NewBar returns a new bar chart, as charts.NewBar does.
func NewBar() *charts.Bar {
	c := barTemplate()
	unshare(&c.BaseConfiguration)
	c.Renderer = render.NewChartRender(&c, c.Validate)
	return &c
}

// NewBoxPlot returns a new box plot, as charts.NewBoxPlot does.
func NewBoxPlot() *charts.BoxPlot {
	c := boxPlotTemplate()
	unshare(&c.BaseConfiguration)
	c.Renderer = render.NewChartRender(&c, c.Validate)
	return &c
}

// unshare gives a copy of a template the parts of its own that options
// and Validate write in place: the axes, the colours and the assets.
func unshare(bc *charts.BaseConfiguration) {
	bc.XAxisList = slices.Clone(bc.XAxisList)
	bc.YAxisList = slices.Clone(bc.YAxisList)
	bc.Colors = slices.Clone(bc.Colors)
	bc.InitAssets()
}
