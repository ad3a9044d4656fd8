package scaling

// finishKarpFlatt computes e(N) at every N >= 2, with the speedup's exact
// bootstrap interval when there is one: e decreases with the speedup, so
// its bounds are the speedup's, mapped and swapped.
func (f *fitter) finishKarpFlatt() {
	if f.amdahl == nil {
		return
	}
	s := f.s
	has := f.ratioLo != nil
	f.a.KarpFlatt = make([]KarpFlatt, 0, len(s.pts)-1)
	for i := 1; i < len(s.pts); i++ {
		n := s.n[i]
		sp := s.med[i] / s.med[0]
		var rlo, rhi float64
		if has {
			rlo, rhi = f.ratioLo[i], f.ratioHi[i]
		}
		f.a.KarpFlatt = append(f.a.KarpFlatt, KarpFlatt{
			N:       s.pts[i].n,
			Speedup: f.fl.estimate(sp, rlo, rhi, has),
			E:       f.fl.estimate(amdahlFromSpeedup(sp, n), amdahlFromSpeedup(rhi, n), amdahlFromSpeedup(rlo, n), has),
		})
	}
}
