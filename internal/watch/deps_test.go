package watch

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencies keeps watch to its room: it may use the loader's idea of
// a knowledge file (internal/knowledge, and so internal/kb), and neither
// Slack nor Bleve.
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
		"github.com/kbbot/kbbot/internal/kb":        true,
		"github.com/kbbot/kbbot/internal/knowledge": true,
		"github.com/kbbot/kbbot/internal/watch":     true,
	}
	for _, dep := range strings.Fields(string(out)) {
		switch {
		case strings.Contains(dep, "blevesearch"), strings.Contains(dep, "slack-go"):
			t.Errorf("watch depends on %s", dep)
		case strings.HasPrefix(dep, "github.com/kbbot/kbbot/") && !allowed[dep]:
			t.Errorf("watch depends on %s; it may use only internal/knowledge and internal/kb", dep)
		}
	}
}
