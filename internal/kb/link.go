package kb

import (
	"net/url"
	"strings"
)

// LinkableURL reports whether u may become a link in an answer: an absolute
// http:// or https:// URL with a host, or a mailto: address, with no spaces
// or control characters (the renderer escapes < > | inside a link). Anything else (Slack's "!channel", "!here",
// "!subteam^ID", "@U123", "#C123", "javascript:", "data:", a bare word) is
// refused: in Slack's <target|label> syntax it would be a mention or a
// script, not a page. Relative links built from an article's path are not
// checked here; they never leave the bot as links unless a base URL makes
// them absolute.
func LinkableURL(u string) bool {
	if u == "" || len(u) > 2000 {
		return false
	}
	for _, r := range u {
		if r <= ' ' || r == 0x7f {
			return false
		}
	}
	p, err := url.Parse(u)
	if err != nil {
		return false
	}
	switch strings.ToLower(p.Scheme) {
	case "http", "https":
		return p.Host != "" && p.Opaque == "" && !strings.HasPrefix(p.Host, "@")
	case "mailto":
		return p.Opaque != "" && strings.Contains(p.Opaque, "@")
	}
	return false
}
