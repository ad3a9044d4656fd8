package report

import "golang.org/x/perf/benchmath"

// An Estimate is the median of a sample with its interval.
type Estimate struct {
	Median float64 `json:"median"`
	// Lo and Hi bound the median at the report's confidence level; nil
	// when there are too few measurements for an interval.
	Lo *float64 `json:"lo"`
	Hi *float64 `json:"hi"`
	N  int      `json:"n"`
}

// EstimateOf summarises a sample with benchmath's distribution-free median
// interval.
func EstimateOf(s *benchmath.Sample, confidence float64) Estimate {
	sum := benchmath.AssumeNothing.Summary(s, confidence)
	e := Estimate{Median: sum.Center, N: len(s.Values)}
	if finite(sum.Lo) && finite(sum.Hi) {
		e.Lo, e.Hi = ptr(sum.Lo), ptr(sum.Hi)
	}
	return e
}
