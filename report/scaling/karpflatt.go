package scaling

// ratioBounds computes the percentile bounds of every replicated speedup
// ratio once: Karp-Flatt and the two-point Amdahl fit both map them.
func (f *fitter) ratioBounds(b *replicates) {
	if b == nil || b.ratio == nil {
		return
	}
	p := len(b.ratio)
	f.ratioLo = make([]float64, p)
	f.ratioHi = make([]float64, p)
	for i := 1; i < p; i++ {
		f.ratioLo[i], f.ratioHi[i] = percentiles(b.ratio[i], f.o.Confidence)
	}
}

// finishKarpFlatt computes e(N) at every N >= 2, with intervals from the
// sample bootstrap when there is one: e decreases with the speedup, so its
// bounds are the speedup's, mapped and swapped.
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
