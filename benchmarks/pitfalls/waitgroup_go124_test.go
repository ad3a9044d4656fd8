//go:build !go1.25

package pitfalls_test

import "testing"

// testWaitGroupGo would show WaitGroup.Go, which Go 1.25 added.
func testWaitGroupGo(t *testing.T) {
	t.Skip("sync.WaitGroup.Go needs Go 1.25")
}
