package playground

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencies keeps the playground a window on the emulator, not a
// second bot: it must not reach for the Slack layer or the search (the real
// bot runs beside it, connected to the emulator), nor for Bleve.
func TestDependencies(t *testing.T) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Fatal("go list (the go command is needed to check imports):", err)
	}
	out, err := exec.Command(goCmd, "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	allowed := map[string]bool{
		"github.com/kbbot/kbbot/internal/playground": true,
		"github.com/kbbot/kbbot/internal/slackemu":   true,
		"github.com/kbbot/kbbot/internal/knowledge":  true,
		"github.com/kbbot/kbbot/internal/kb":         true,
	}
	for _, dep := range strings.Fields(string(out)) {
		switch {
		case strings.Contains(dep, "blevesearch"):
			t.Errorf("playground depends on %s", dep)
		case strings.HasPrefix(dep, "github.com/kbbot/kbbot/") && !allowed[dep]:
			t.Errorf("playground depends on %s; it may use only the emulator, knowledge and kb", dep)
		}
	}
}
