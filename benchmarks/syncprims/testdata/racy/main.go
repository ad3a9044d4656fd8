// Command racy increments one counter from several goroutines, with no
// synchronisation unless -locked is given, and prints the total. Built
// with -race, it is the race detector's demonstration: the unlocked run is
// reported as a data race, the locked one is not.
package main

import (
	"flag"
	"fmt"
	"sync"
)

func main() {
	locked := flag.Bool("locked", false, "guard the counter with a sync.Mutex")
	flag.Parse()
	const goroutines, increments = 4, 1000
	var (
		mu      sync.Mutex
		counter int
		wg      sync.WaitGroup
	)
	wg.Add(goroutines)
	for range goroutines {
		go func() {
			defer wg.Done()
			for range increments {
				if *locked {
					mu.Lock()
				}
				counter++ // a read and a write: two goroutines can interleave them
				if *locked {
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	fmt.Println(counter)
}
