package report_test

import (
	"encoding/json"
	"testing"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"github.com/google/go-cmp/cmp"

	"concbench/report"
)

// TestAddLine checks that the series report.AddLine and report.AddWhiskers
// build, skipping go-echarts' walk for default values, are the series
// go-echarts' own AddSeries builds, on charts of both animation settings;
// and that whiskers collected in report.NewWhiskers overlap as those in
// charts.NewCustom do.
func TestAddLine(t *testing.T) {
	data := []opts.LineData{{Value: []float64{1, 2}, Symbol: "circle", SymbolSize: 7}}
	style := []charts.SeriesOpts{charts.WithItemStyleOpts(opts.ItemStyle{Color: "#5470c6"}), charts.WithLineStyleOpts(opts.LineStyle{Color: "#5470c6", Width: 2})}
	for _, animation := range []bool{false, true} {
		want, got := charts.NewLine(), charts.NewLine()
		want.SetGlobalOptions(charts.WithAnimation(animation))
		got.SetGlobalOptions(charts.WithAnimation(animation))
		want.AddSeries("m", data, style...)
		report.AddLine(got, "m", data, style...)

		bars := [][3]float64{{1, 0.5, 1.5}}
		wantW := charts.NewCustom()
		wantW.AddSeries("m", []opts.CustomData{{Value: []float64{1, 0.5, 1.5}}}, charts.WithItemStyleOpts(opts.ItemStyle{Color: "#5470c6"}), charts.WithEncodeOpts(opts.Encode{X: 0, Y: []int{1, 2}}))
		gotW := report.NewWhiskers()
		report.AddWhiskers(gotW, "m", "#5470c6", bars)
		want.Overlap(wantW)
		got.Overlap(gotW)
		if diff := cmp.Diff(want.JSON(), got.JSON()); diff != "" {
			t.Errorf("animation %v: chart options (-want +got):\n%s", animation, diff)
		}
	}
}

// TestAddBands checks the series report.AddBands builds, the form the
// page's bands script reads: one custom series of id "band:ID", items
// [x, lo, hi, k] for the k-th band, each band's first item an object with
// its colour and the others plain arrays.
func TestAddBands(t *testing.T) {
	c := report.NewWhiskers()
	report.AddBands(c, "95% bands", "r1-c1", []report.Band{
		{Color: "#5470c6", Points: [][3]float64{{1, 1, 1}, {2, 1, 1.5}}},
		{Color: "#ee6666", Points: [][3]float64{{1, 2, 2}}},
	})
	js, err := json.Marshal(c.MultiSeries)
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"name":"95% bands","type":"custom","id":"band:r1-c1","data":[` +
		`{"value":[1,1,1,0],"itemStyle":{"color":"#5470c6"}},[2,1,1.5,0],` +
		`{"value":[1,2,2,1],"itemStyle":{"color":"#ee6666"}}],"encode":{"x":0,"y":[1,2]}}]`
	if diff := cmp.Diff(want, string(js)); diff != "" {
		t.Errorf("bands series (-want +got):\n%s", diff)
	}
}

// TestAddPoints checks that report.AddPoints builds the series AddLine
// builds, with plain [x, y] points for data.
func TestAddPoints(t *testing.T) {
	style := []charts.SeriesOpts{charts.WithLineStyleOpts(opts.LineStyle{Type: "dotted"})}
	want, got := report.NewLine(), report.NewLine()
	report.AddLine(want, "m", []opts.LineData{{Value: []float64{1, 2}}}, style...)
	report.AddPoints(got, "m", [][2]float64{{1, 2}}, style...)
	want.MultiSeries[0].Data = [][2]float64{{1, 2}}
	if diff := cmp.Diff(want.JSON(), got.JSON()); diff != "" {
		t.Errorf("chart options (-want +got):\n%s", diff)
	}
}

// TestChartConstructors checks that the charts report.NewLine, NewBar and
// NewBoxPlot copy from one template give the options go-echarts' own
// constructors give, with the options every chart of the report sets,
// and that charts built at the same time share nothing they write (the
// race detector checks that under make test).
func TestChartConstructors(t *testing.T) {
	// A go-echarts option writes to its own copy of its argument: each
	// chart gets options of its own.
	globals := func() []charts.GlobalOpts {
		return append(report.ChartGlobals("title", "subtitle"),
			charts.WithXAxisOpts(opts.XAxis{Type: "value", Name: "cores", Min: 1, Max: 4}),
			charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: "speedup", Min: 0}))
	}
	type built struct{ want, got func() map[string]any }
	cases := map[string]func() built{
		"line": func() built {
			draw := func(c *charts.Line) func() map[string]any {
				c.SetGlobalOptions(globals()...)
				report.AddLine(c, "m", []opts.LineData{{Value: []float64{1, 1}}})
				return func() map[string]any { c.Validate(); return c.JSON() }
			}
			return built{draw(charts.NewLine()), draw(report.NewLine())}
		},
		"bar": func() built {
			draw := func(c *charts.Bar) func() map[string]any {
				c.SetGlobalOptions(globals()...)
				c.SetXAxis([]string{"serial", "pool"})
				c.AddSeries("median", []opts.BarData{{Value: 1}, {Value: 2}})
				return func() map[string]any { c.Validate(); return c.JSON() }
			}
			return built{draw(charts.NewBar()), draw(report.NewBar())}
		},
		"boxplot": func() built {
			draw := func(c *charts.BoxPlot) func() map[string]any {
				c.SetGlobalOptions(globals()...)
				c.SetXAxis([]string{"serial"})
				c.AddSeries("s/op", []opts.BoxPlotData{{Value: []float64{1, 2, 3, 4, 5}}})
				return func() map[string]any { c.Validate(); return c.JSON() }
			}
			return built{draw(charts.NewBoxPlot()), draw(report.NewBoxPlot())}
		},
	}
	for name, build := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			done := make(chan built, 4)
			for range cap(done) {
				go func() { done <- build() }()
			}
			for range cap(done) {
				b := <-done
				if diff := cmp.Diff(b.want(), b.got()); diff != "" {
					t.Errorf("chart options (-want +got):\n%s", diff)
				}
			}
		})
	}
}
