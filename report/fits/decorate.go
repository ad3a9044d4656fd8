package fits

import (
	"strconv"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"concbench/report"
	"concbench/report/scaling"
)

// DecorateSpeedup implements report.SpeedupDecorator: it draws, for every
// model of the case with a fit, the fitted curve (the USL where it was
// fitted, else Amdahl's law) at the projection's core counts, dotted and
// without symbols, with its 95% band, and puts both axes on a log scale up
// to the largest projected core count, so that measured points and
// projections share one chart. The region beyond the fitted core counts
// is shaded and labelled as projected.
//
// The curve is in the chart's terms: a speedup against the baseline model
// at one core (the fit's speedup times the model's 1-core median over the
// baseline's) or against the model's own 1-core result. The band is the
// fit's interval scaled the same way; the noise of that factor is in the
// whiskers of the measured 1-core points, not in the band.
func (a *Analysis) DecorateSpeedup(sc *report.SpeedupChart) {
	fc := a.Case(sc.Case.ID)
	if fc == nil || len(fc.Procs) == 0 {
		return
	}
	var base float64 // the baseline's 1-core throughput
	if sc.VsBaseline {
		for _, m := range fc.Models {
			if m.Model == fc.Reference {
				base = oneCore(&m.Fit)
			}
		}
		if base == 0 {
			return
		}
	}
	drawn := false
	var bands []report.Band
	for i, tm := range sc.Table.Models {
		m := fc.model(tm.Model)
		if m == nil {
			continue
		}
		law, proj := projection(&m.Fit)
		own := oneCore(&m.Fit)
		if proj == nil || own == 0 {
			continue
		}
		ref := own
		if sc.VsBaseline {
			ref = base
		}
		line := make([][2]float64, 0, len(proj))
		band := make([][3]float64, 0, len(proj))
		for _, p := range proj {
			v, lo, hi, ok := chartValue(law, p, own, ref)
			if !ok {
				continue
			}
			x := float64(p.N)
			line = append(line, [2]float64{x, report.Round(v)})
			if lo > 0 && hi >= lo {
				band = append(band, [3]float64{x, report.Round(lo), report.Round(hi)})
			}
		}
		if len(line) == 0 {
			continue
		}
		color := report.ModelColor(i)
		name := report.ModelName(tm.Model) + ": " + lawName(law) + " fit, projected"
		options := []charts.SeriesOpts{
			charts.WithLineStyleOpts(opts.LineStyle{Type: "dotted", Color: color, Width: 2}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: color}),
			charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false)}),
		}
		if !drawn {
			// One shaded area for the whole projected range.
			options = append(options, charts.WithMarkAreaData([]opts.MarkAreaData{
				{
					Name:  "projected (> " + strconv.Itoa(fc.Procs[len(fc.Procs)-1]) + " cores)",
					XAxis: fc.Procs[len(fc.Procs)-1],
					MarkAreaStyle: opts.MarkAreaStyle{
						ItemStyle: &opts.ItemStyle{Color: "rgba(120, 120, 120, 0.07)"},
						Label:     &opts.Label{Position: "insideTop", Color: "#555"},
					},
				},
				{XAxis: a.maxProjection()},
			}))
			drawn = true
		}
		report.AddPoints(sc.Line, name, line, options...)
		sc.Series = append(sc.Series, name)
		if len(band) == len(line) {
			bands = append(bands, report.Band{Color: color, Points: band})
		}
	}
	if len(bands) > 0 {
		report.AddBands(sc.Custom, "95% bands", sc.Case.ID, bands)
	}
	if drawn {
		// Three series more per model: one scrolling row of legend.
		sc.Line.SetGlobalOptions(charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0", Type: "scroll", ItemWidth: 18}))
		sc.MaxProcs = max(sc.MaxProcs, a.maxProjection())
		sc.LogAxes = true
	}
}

// maxProjection returns the largest projected core count.
func (a *Analysis) maxProjection() int {
	n := 1
	for _, p := range a.Projection {
		n = max(n, p)
	}
	return n
}

// model returns the fits of model, or nil.
func (c *Case) model(model string) *Model {
	for i := range c.Models {
		if c.Models[i].Model == model {
			return &c.Models[i]
		}
	}
	return nil
}

// oneCore returns the fit's measured median throughput at one core, or 0.
func oneCore(a *scaling.Analysis) float64 {
	if len(a.Points) > 0 && a.Points[0].N == 1 {
		return a.Points[0].Median
	}
	return 0
}

// projection returns the law to project, the USL where it was fitted,
// else Amdahl's law, and its projection; "" and nil when neither was
// fitted.
func projection(a *scaling.Analysis) (string, []scaling.Projected) {
	switch {
	case a.USL != nil:
		return scaling.ModelUSL, a.USL.Projection
	case a.Amdahl != nil:
		return scaling.ModelAmdahl, a.Amdahl.Projection
	}
	return "", nil
}

// chartValue returns a projected point as a speedup against ref, the
// 1-core throughput the chart measures against; own is the model's own.
// ok is false when the point has no value to draw; lo and hi are 0
// without an interval.
func chartValue(law string, p scaling.Projected, own, ref float64) (v, lo, hi float64, ok bool) {
	e, f := p.Speedup, own/ref // Amdahl: a speedup against the model's own 1-core median
	if law == scaling.ModelUSL {
		if p.Throughput == nil {
			return 0, 0, 0, false
		}
		e, f = *p.Throughput, 1/ref
	}
	v = e.Value * f
	if !(v > 0) {
		return 0, 0, 0, false
	}
	if e.Lo != nil && e.Hi != nil {
		lo, hi = *e.Lo*f, *e.Hi*f
	}
	return v, lo, hi, true
}

// lawName names a law in the page.
func lawName(law string) string {
	switch law {
	case scaling.ModelUSL:
		return "USL"
	case scaling.ModelAmdahl:
		return "Amdahl"
	}
	return law
}
