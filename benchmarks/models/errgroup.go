package models

import "golang.org/x/sync/errgroup"

// runErrgroup runs the tasks with errgroup.Group.Go under SetLimit(k), the
// counterpart of asyncio.TaskGroup. The batch already carries the
// cancelling context (errgroup.WithContext's role), and it records errors
// itself so that collect-all can keep every one; the group only limits and
// waits.
func runErrgroup[In, Out any](b *batch[In, Out], k int) {
	var g errgroup.Group
	g.SetLimit(k)
	for i := range b.in {
		if b.stopped() {
			break
		}
		g.Go(func() error {
			b.do(i)
			return nil
		})
	}
	g.Wait()
}
