package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckCLI(t *testing.T) {
	top := t.TempDir()
	dir := filepath.Join(top, "kb")
	body := strings.Repeat("Rotate the signing key before it expires, then restart every worker that caches it. ", 12)
	for name, content := range map[string]string{
		"../app.env":       "SLACK_BOT_TOKEN=xoxb-secret\n",
		"keys.md":          "---\ntitle: Keys\ntags: [keys]\n---\n" + body,
		"old/keys-copy.md": "---\ntitle: Keys (copy)\ntags: [keys]\n---\n" + body,
		"search.html":      "<h1>Search</h1>",
		"drafts/wip.md":    "---\ntitle: WIP\ntags: [x]\n---\nNot yet.\n",
		".kbbotignore":     "drafts/\n",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("../app.env", filepath.Join(dir, "notes.txt")); err != nil {
		t.Fatal(err)
	}
	out, _, err := cli(t, map[string]string{}, "check", "--knowledge", dir)
	if got := exitStatus(err); got != 1 {
		t.Errorf("exit status %d, want 1 (the escaping link is an error)", got)
	}
	for _, want := range []string{
		"notes.txt: error: would be skipped: symlink points outside the knowledge folder\n",
		"keys.md: warning: keys.md and old/keys-copy.md have the same content (identical text); keep one, or list one in .kbbotignore\n",
		"1 file and 1 folder ignored by .kbbotignore (defaults, then the folder's own)\n",
		dir + ": 2 files, 1 errors, 1 warnings\n",
		"links: source links in answers are not clickable: set KNOWLEDGE_BASE_URL", // not a checkout, no URLs set
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q; got:\n%s", want, out)
		}
	}
	if strings.Contains(out, "wip.md") || strings.Contains(out, "search.html") || strings.Contains(out, "xoxb") {
		t.Errorf("ignored files or the secret in the output:\n%s", out)
	}
}
