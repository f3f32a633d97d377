package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencyDirection keeps the layers pointing one way: the vocabulary
// knows nothing, the Slack layer never sees Bleve, the search layer never sees
// Slack. Only cmd/kbbot wires concrete pieces together.
func TestDependencyDirection(t *testing.T) {
	const mod = "github.com/kbbot/kbbot/"
	rules := map[string][]string{
		"internal/kb":        {mod + "internal/", "github.com/blevesearch/", "github.com/slack-go/"},
		"internal/knowledge": {mod + "internal/search", mod + "internal/slack", "github.com/blevesearch/", "github.com/slack-go/"},
		"internal/search":    {mod + "internal/slack", "github.com/slack-go/", mod + "internal/health", mod + "internal/playground"},
		"internal/slackbot":  {mod + "internal/search", "github.com/blevesearch/", mod + "internal/slackemu", mod + "internal/health", mod + "internal/playground"},
		"internal/slackemu":  {mod + "internal/search", mod + "internal/slackbot", "github.com/blevesearch/"},
		"internal/health":    {mod + "internal/search", mod + "internal/slack", "github.com/blevesearch/", "github.com/slack-go/"},
		"internal/watch":     {mod + "internal/search", mod + "internal/slack", "github.com/blevesearch/", "github.com/slack-go/"},
		"internal/quality":   {mod + "internal/search", mod + "internal/slack", "github.com/blevesearch/"},
		"internal/config":    {mod + "internal/", "github.com/blevesearch/", "github.com/slack-go/"},
	}
	for pkg, banned := range rules {
		out, err := exec.Command("go", "list", "-deps", "./../../"+pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list %s: %v\n%s", pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			if dep == mod+pkg {
				continue
			}
			for _, b := range banned {
				if strings.HasPrefix(dep, b) {
					t.Errorf("%s imports %s (banned prefix %s)", pkg, dep, b)
				}
			}
		}
	}
}
