package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencyDirection keeps the layers pointing one way, in one place:
// each internal package may use only the kbbot packages listed for it, and
// never the third-party layers named. The vocabulary knows nothing, the Slack
// layer never sees Bleve, the search layer never sees Slack, and only
// cmd/kbbot wires concrete pieces together.
func TestDependencyDirection(t *testing.T) {
	const mod = "github.com/kbbot/kbbot/internal/"
	const bleve, slack = "github.com/blevesearch/", "github.com/slack-go/"
	rules := []struct {
		pkg    string
		may    []string // kbbot packages it may import
		banned []string // third-party prefixes it must not import
	}{
		{"kb", nil, []string{bleve, slack}},
		{"config", nil, []string{bleve, slack}},
		{"knowledge", []string{"kb"}, []string{bleve, slack}},
		{"quality", []string{"kb"}, []string{bleve, slack}},
		{"search", []string{"kb", "knowledge"}, []string{slack}},
		{"slackbot", []string{"kb", "slackverify"}, []string{bleve}},
		{"slackverify", nil, []string{bleve, slack}},
		{"slackemu", nil, []string{bleve}},
		{"health", []string{"kb"}, []string{bleve, slack}},
		{"watch", []string{"kb", "knowledge"}, []string{bleve, slack}},
		{"playground", []string{"kb", "knowledge", "slackemu", "articlepage"}, []string{bleve}},
		{"store", []string{"kb"}, []string{bleve, slack}},
		{"store/storetest", nil, []string{bleve, slack}},
		{"sourcelink", []string{"kb"}, []string{bleve, slack}},
		{"articlepage", []string{"kb", "knowledge"}, []string{bleve, slack}},
		{"replay", []string{"kb"}, []string{bleve, slack}},
	}
	for _, r := range rules {
		out, err := exec.Command("go", "list", "-deps", "../../internal/"+r.pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list %s: %v\n%s", r.pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			if dep == mod+r.pkg {
				continue
			}
			if name, ok := strings.CutPrefix(dep, mod); ok {
				allowed := false
				for _, m := range r.may {
					allowed = allowed || name == m
				}
				if !allowed {
					t.Errorf("internal/%s imports internal/%s; it may use only %v", r.pkg, name, r.may)
				}
			}
			for _, b := range r.banned {
				if strings.HasPrefix(dep, b) {
					t.Errorf("internal/%s imports %s", r.pkg, dep)
				}
			}
		}
	}
}
