//go:build go1.25

package syncprims

import (
	"sync"
	"testing"
	"testing/synctest"
)

// TestSemaphoreAdmitsExactlyK starts more goroutines than a semaphore has
// places, each holding its place until told to leave. Inside a synctest
// bubble, synctest.Wait returns only when every goroutine has either
// entered or blocked durably in Acquire, so the count of holders is exact:
// k, not fewer and not more, until one leaves.
func TestSemaphoreAdmitsExactlyK(t *testing.T) {
	const k, goroutines = 3, 7
	for _, tc := range semaphores {
		t.Run("prim="+tc.prim, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := tc.new(k)
				var (
					mu      sync.Mutex
					holding int
				)
				leave := make(chan struct{})
				var wg sync.WaitGroup
				wg.Add(goroutines)
				for range goroutines {
					go func() {
						defer wg.Done()
						if err := s.Acquire(t.Context()); err != nil {
							t.Error(err)
							return
						}
						mu.Lock()
						holding++
						mu.Unlock()
						<-leave
						mu.Lock()
						holding--
						mu.Unlock()
						s.Release()
					}()
				}
				count := func() int {
					synctest.Wait()
					mu.Lock()
					defer mu.Unlock()
					return holding
				}
				for left := 0; left < goroutines; left++ {
					want := min(k, goroutines-left)
					if got := count(); got != want {
						t.Fatalf("after %d left: %d holders, want %d", left, got, want)
					}
					leave <- struct{}{}
				}
				wg.Wait()
				if got := count(); got != 0 {
					t.Errorf("%d holders at the end, want 0", got)
				}
			})
		})
	}
}
