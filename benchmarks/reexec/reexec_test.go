package reexec

import (
	"os"
	"strings"
	"testing"
)

const roleEnv = "REEXEC_TEST_ROLE"

func TestMain(m *testing.M) {
	if role := os.Getenv(roleEnv); role != "" {
		// The child: echo the role and the race options it was given.
		os.Stdout.WriteString(role + " " + os.Getenv("GORACE") + "\n")
		os.Exit(0)
	}
	os.Exit(m.Run())
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
