// Package gamma is a tiny benchmark package that hangs on demand holding a
// child process, so that the runner's tests can check that stopping a run
// ends every process of it.
package gamma

import (
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"testing"
	"time"
)

const (
	// hangEnv names a FIFO: the measured run (not the listing pass, which
	// runs the benchmark once) starts a child, writes "PID CHILD-PID" to
	// the FIFO and hangs until it is stopped.
	hangEnv = "FAKESUITE_HANG"
	// childEnv marks the child, which ignores interrupts, as a careless
	// benchmark's child might: only a kill ends it.
	childEnv = "FAKESUITE_CHILD"
	// tiedEnv ties the child to its parent, as the suite's own children
	// are (package reexec): on Linux the kernel kills it when its parent
	// dies.
	tiedEnv = "FAKESUITE_TIED"
)

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		signal.Ignore(os.Interrupt)
		for {
			time.Sleep(time.Hour)
		}
	}
	os.Exit(m.Run())
}

var sink int

func BenchmarkGamma(b *testing.B) {
	fifo := os.Getenv(hangEnv)
	if fifo == "" || b.N == 1 {
		for i := 0; i < b.N; i++ {
			sink += i
		}
		return
	}
	exe, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	child := exec.Command(exe)
	child.Env = append(os.Environ(), childEnv+"=1")
	if os.Getenv(tiedEnv) == "1" {
		tie(child)
	}
	if err := child.Start(); err != nil {
		b.Fatal(err)
	}
	f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	fmt.Fprintf(f, "%d %d\n", os.Getpid(), child.Process.Pid)
	f.Close()
	for {
		time.Sleep(time.Hour)
	}
}
