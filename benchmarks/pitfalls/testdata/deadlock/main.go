// Command deadlock sends on an unbuffered channel that no goroutine
// receives from, in the main goroutine: the runtime finds every goroutine
// asleep and stops the program with "fatal error: all goroutines are
// asleep - deadlock!".
//
// It is built without cgo: in a binary linked with cgo (or built with
// -race) the runtime cannot tell that no goroutine can run, and the
// program hangs instead (https://github.com/golang/go/issues/20588).
package main

func main() {
	ch := make(chan int)
	ch <- 1
}
