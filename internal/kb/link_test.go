package kb

import "testing"

func TestLinkableURL(t *testing.T) {
	tests := []struct {
		url  string
		want bool
	}{
		{"https://wiki.example.com/caching", true},
		{"http://wiki.example.com/a?b=1#c", true},
		{"HTTPS://WIKI.EXAMPLE.COM/", true},
		{"mailto:platform@example.com", true},
		{"", false},
		{"!channel", false},
		{"!here", false},
		{"!everyone", false},
		{"!subteam^S0123", false},
		{"@U0ALICE", false},
		{"#C0GENERAL", false},
		{"javascript:alert(1)", false},
		{"JavaScript:alert(1)", false},
		{"data:text/html,<script>", false},
		{"vbscript:x", false},
		{"ftp://example.com/x", false},
		{"https://", false},
		{"https:///path", false},
		{"https:wiki.example.com", false},
		{"//wiki.example.com/x", false},
		{"caching.md#ttl", false},
		{"https://wiki.example.com/a b", false},
		{"https://wiki.example.com/a|<!channel>", true}, // escaped by the renderer
		{"https://wiki.example.com/\n<!here>", false},
		{"mailto:", false},
		{"mailto:nobody", false},
	}
	for _, tc := range tests {
		t.Run(tc.url, func(t *testing.T) {
			if got := LinkableURL(tc.url); got != tc.want {
				t.Errorf("LinkableURL(%q) = %v, want %v", tc.url, got, tc.want)
			}
		})
	}
}
