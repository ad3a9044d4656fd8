package report_test

import (
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
