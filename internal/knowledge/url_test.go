package knowledge

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// hostileURLs are front-matter url values that Slack would read as a
// mention, a script or no page at all.
var hostileURLs = []string{"!channel", "!here", "!everyone", "!subteam^S0123", "@U0ALICE", "#C0GENERAL", "javascript:alert(1)", "data:text/html,x", "caching.md"}

func TestFrontMatterURLMustBeHTTP(t *testing.T) {
	tests := []struct{ url, want string }{
		{"https://wiki.example.com/x", "https://wiki.example.com/x"},
		{"  http://wiki.example.com/x  ", "http://wiki.example.com/x"},
		{"mailto:team@example.com", "mailto:team@example.com"},
	}
	for _, u := range hostileURLs {
		tests = append(tests, struct{ url, want string }{u, ""})
	}
	for _, tc := range tests {
		t.Run(tc.url, func(t *testing.T) {
			art, err := Parse("a.md", fmt.Appendf(nil, "---\ntitle: A\nurl: %q\n---\n\nSome text.\n", tc.url))
			if err != nil {
				t.Fatal(err)
			}
			if art.URL != tc.want {
				t.Errorf("URL = %q, want %q", art.URL, tc.want)
			}
		})
	}
}

func TestCheckWarnsAboutUnsafeURL(t *testing.T) {
	dir := t.TempDir()
	for i, u := range hostileURLs {
		body := fmt.Sprintf("---\ntitle: Article %d\ntags: [x]\nurl: %q\n---\n\nSome text %d.\n", i, u, i)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("a%d.md", i)), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err := Check(dir, CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i, u := range hostileURLs {
		want := fmt.Sprintf("a%d.md: warning: front matter: url %q is ignored", i, u)
		found := false
		for _, p := range res.Problems {
			found = found || strings.HasPrefix(p.String(), want)
		}
		if !found {
			t.Errorf("no warning %q in %v", want, res.Problems)
		}
	}
}
