package slackbot

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencies keeps the Slack layer to its room: of kbbot's own
// packages it may use only the shared vocabulary, and never Bleve.
func TestDependencies(t *testing.T) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Fatal("go list (the go command is needed to check imports):", err)
	}
	out, err := exec.Command(goCmd, "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		switch {
		case strings.Contains(dep, "blevesearch"):
			t.Errorf("slackbot depends on %s", dep)
		case strings.HasPrefix(dep, "github.com/kbbot/kbbot/") &&
			dep != "github.com/kbbot/kbbot/internal/kb" && dep != "github.com/kbbot/kbbot/internal/slackbot":
			t.Errorf("slackbot depends on %s; it may use only internal/kb", dep)
		}
	}
}
