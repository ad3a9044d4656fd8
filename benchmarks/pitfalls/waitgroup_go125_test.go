//go:build go1.25

package pitfalls_test

import (
	"sync"
	"sync/atomic"
	"testing"
)

// testWaitGroupGo shows the remedy Go 1.25 built in: WaitGroup.Go counts
// the goroutine before starting it, so Add cannot come late.
func testWaitGroupGo(t *testing.T) {
	var (
		wg   sync.WaitGroup
		done atomic.Bool
		gate = make(chan struct{})
	)
	wg.Go(func() {
		<-gate
		done.Store(true)
	})
	close(gate)
	wg.Wait()
	if !done.Load() {
		t.Error("work not done when Wait returned")
	}
}
