//go:build !unix

package main

// processRuns reports whether a process with ID pid may run; where that
// cannot be asked, it may, and its files are left alone.
func processRuns(pid int) bool { return true }
