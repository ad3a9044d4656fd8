package main

import (
	"os"
	"os/signal"
	"syscall"
)

// removeTempsOnSignal makes SIGINT, SIGTERM and SIGHUP remove the
// temporary files being written before the process exits, with the
// status a shell gives a process the signal killed (128 + its number).
// A set of outputs being renamed into place is finished first.
func removeTempsOnSignal() {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		sig := <-ch
		temps.removeAll()
		code := 1
		if s, ok := sig.(syscall.Signal); ok {
			code = 128 + int(s)
		}
		os.Exit(code)
	}()
}
