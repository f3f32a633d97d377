package slackbot

import (
	"strings"
	"testing"

	"github.com/kbbot/kbbot/internal/kb"
)

// TestLinkOnlyHTTP: the renderer does not trust the loader to have dropped
// a hostile url; anything but http(s) and mailto renders as the plain title.
func TestLinkOnlyHTTP(t *testing.T) {
	tests := []struct{ url, want string }{
		{"https://kb.example.com/a", "<https://kb.example.com/a|Title>"},
		{"mailto:team@example.com", "<mailto:team@example.com|Title>"},
		{"!channel", "Title"},
		{"!here", "Title"},
		{"!everyone", "Title"},
		{"!subteam^S0123", "Title"},
		{"@U0ALICE", "Title"},
		{"#C0GENERAL", "Title"},
		{"javascript:alert(1)", "Title"},
		{"data:text/html,x", "Title"},
		{"caching.md#ttl", "Title"},
		{"https://kb.example.com/a|<!channel>", "<https://kb.example.com/a%7C&lt;!channel&gt;|Title>"},
	}
	for _, tc := range tests {
		t.Run(tc.url, func(t *testing.T) {
			if got := link(tc.url, "Title", 200); got != tc.want {
				t.Errorf("link(%q) = %q, want %q", tc.url, got, tc.want)
			}
			title := resultTitle(kb.Result{Title: "Title", URL: tc.url})
			for _, bad := range []string{"<!", "<@", "<#", "javascript:", "data:"} {
				if strings.Contains(title, bad) {
					t.Errorf("resultTitle with url %q = %q, contains %q", tc.url, title, bad)
				}
			}
		})
	}
}
