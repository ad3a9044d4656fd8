package models

// runSerial runs the tasks one after another: the seed's plain loop.
func runSerial[In, Out any](b *batch[In, Out]) {
	for i := range b.in {
		if b.stopped() {
			return
		}
		b.do(i)
	}
}
