package reexec

import (
	"bufio"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

const roleEnv = "REEXEC_TEST_ROLE"

func TestMain(m *testing.M) {
	switch os.Getenv(roleEnv) {
	case "":
		os.Exit(m.Run())
	case "echo":
		// Copy stdin to stdout until stdin ends, then exit.
		io.Copy(os.Stdout, os.Stdin)
		os.Exit(0)
	case "deaf":
		// Ignore the end of stdin: only a kill stops this child.
		io.Copy(io.Discard, os.Stdin)
		select {}
	default:
		// Echo the role and the race options it was given.
		os.Stdout.WriteString(os.Getenv(roleEnv) + " " + os.Getenv("GORACE") + "\n")
		os.Exit(0)
	}
}

func TestCommand(t *testing.T) {
	t.Setenv("GORACE", "halt_on_error=1")
	cmd, err := Command(roleEnv + "=child")
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("child: %v", err)
	}
	if got, want := strings.TrimSpace(string(out)), "child halt_on_error=1 atexit_sleep_ms=0"; got != want {
		t.Errorf("child printed %q, want %q", got, want)
	}
}

// TestStart talks to a child through its pipes, then stops it by closing
// its stdin.
func TestStart(t *testing.T) {
	child, err := Start(nil, roleEnv+"=echo")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(child.Stdin, "ping\n"); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(child.Stdout).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	if line != "ping\n" {
		t.Errorf("child answered %q, want %q", line, "ping\n")
	}
	if err := child.Stop(time.Minute); err != nil {
		t.Errorf("Stop: %v", err)
	}
	if err := child.Wait(); err != nil {
		t.Errorf("Wait after Stop: %v, want what Stop saw (nil)", err)
	}
}

// TestStopKills stops a child that does not exit when its stdin closes.
func TestStopKills(t *testing.T) {
	child, err := Start(nil, roleEnv+"=deaf")
	if err != nil {
		t.Fatal(err)
	}
	err = child.Stop(10 * time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "killed") {
		t.Errorf("Stop of a child that ignores its stdin: %v, want an error saying it was killed", err)
	}
}
