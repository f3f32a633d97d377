package slackemu

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// A page in the browser beside the playground must not post as the bot: a
// cross-site form post to the Web API or a response_url is refused, while
// Slack's clients (no Origin) are served.
func TestCrossSiteBrowserPostsRefused(t *testing.T) {
	s := startServer(t, Options{})
	form := url.Values{"token": {"xoxb-test-bot"}, "channel": {"C0GENERAL"}, "text": {"<!channel> pwned"}}
	post := func(header ...string) int {
		req, err := http.NewRequest("POST", s.APIURL()+"chat.postMessage", strings.NewReader(form.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := post("Origin", "https://evil.example"); got != http.StatusForbidden {
		t.Errorf("cross-origin form post: status %d, want 403", got)
	}
	if got := post("Sec-Fetch-Site", "cross-site"); got != http.StatusForbidden {
		t.Errorf("cross-site fetch: status %d, want 403", got)
	}
	if n := len(s.Messages("C0GENERAL")); n != 0 {
		t.Fatalf("%d messages posted by refused requests", n)
	}
	if got := post(); got != http.StatusOK {
		t.Errorf("a client without Origin: status %d, want 200", got)
	}
	if n := len(s.Messages("C0GENERAL")); n != 1 {
		t.Errorf("%d messages after the client's post, want 1", n)
	}
}
