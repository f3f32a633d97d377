package slackbot

import "net/url"

// webURL reports whether s is an absolute http(s) URL: Slack turns only
// those into links that open, so anything else (a relative path, a file:
// or javascript: URL) is shown as text instead.
func webURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
