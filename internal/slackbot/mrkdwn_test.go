package slackbot

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/kbbot/kbbot/internal/kb"
)

func TestCleanQuestion(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"mention stripped", "<@U0BOT> how do I rotate secrets?", "how do I rotate secrets?"},
		{"mention with label", "<@U0BOT|kbbot> what is TLS", "what is TLS"},
		{"other users and channels", "<@U0BOT> ask <@U0ALICE> about <#C0GENERAL|general> indexes", "ask about indexes"},
		{"special mentions", "<!here> <@U0BOT> what is RBAC", "what is RBAC"},
		{"link with label", "<@U0BOT> is <https://owasp.org/top10|OWASP top 10> current?", "is OWASP top 10 current?"},
		{"bare link", "what does <https://example.com/a?b=1&amp;c=2> say", "what does https://example.com/a?b=1&c=2 say"},
		{"mailto", "mail <mailto:ops@example.com|ops@example.com> or not", "mail ops@example.com or not"},
		{"emoji", ":wave: hi :skin-tone-2: there :+1::tada:", "hi there"},
		{"emoji with skin tone", "thanks :thumbsup::skin-tone-3:", "thanks"},
		{"times are not emoji", "meet at 10:30:00 please", "meet at 10:30:00 please"},
		{"unescape", "what is a &lt;script&gt; tag &amp; XSS", "what is a <script> tag & XSS"},
		{"unescape once", "&amp;lt; stays", "&lt; stays"},
		{"whitespace", "  <@U0BOT>\n\n what   is\tACID  ", "what is ACID"},
		{"only a mention", "<@U0BOT>", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := cleanQuestion(tc.in); got != tc.want {
				t.Errorf("cleanQuestion(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestClip(t *testing.T) {
	tests := []struct {
		name string
		in   string
		max  int
		want string
	}{
		{"fits", "a < b", 20, "a &lt; b"},
		{"never splits an escape", "tom&jerry&co", 14, "tom&amp;jer…"},
		{"drops a dangling ampersand", "aaaa&&&&", 12, "aaaa…"},
		{"word boundary", "the quick brown fox jumps", 19, "the quick brown…"},
		{"multibyte", "ééééé", 7, "éé…"},
		{"not UTF-8 counts as the U+FFFD JSON sends", "a\xffb\xfe\xfdcdefgh", 10, "a\uFFFDb…"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := clip(tc.in, tc.max)
			if got != tc.want {
				t.Errorf("clip(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
			}
			if len(got) > tc.max {
				t.Errorf("clip(%q, %d) is %d bytes", tc.in, tc.max, len(got))
			}
		})
	}
}

// TestExcerptNotUTF8 is the case FuzzRenderAnswer found: bytes that are not
// UTF-8 grow to three bytes each when the message is encoded as JSON, so the
// limit must be kept on what Slack receives, not on the bytes before.
func TestExcerptNotUTF8(t *testing.T) {
	ex := kb.Excerpt{{Text: strings.Repeat("ab\xff ", 600)}, {Text: "x\xfe", Match: true}, {Text: strings.Repeat("\xfd", 500), Code: true}}
	for _, max := range []int{50, 999, 1000, 3000} {
		got := excerptMrkdwn(ex, max)
		// Valid UTF-8 goes through JSON unchanged, so its length is Slack's.
		if !utf8.ValidString(got) {
			t.Errorf("max %d: not UTF-8: %q", max, got)
		}
		if len(got) > max {
			t.Errorf("max %d: %d bytes", max, len(got))
		}
	}
}

func TestExcerptBold(t *testing.T) {
	f := func(text string, match bool) kb.Fragment { return kb.Fragment{Text: text, Match: match} }
	tests := []struct {
		name string
		ex   kb.Excerpt
		want string
	}{
		{"plain match", kb.Excerpt{f("Use a ", false), f("token", true), f(" bucket.", false)}, "Use a *token* bucket."},
		{"match touching punctuation", kb.Excerpt{f("the ", false), f("index,", true), f(" then", false)}, "the *index*, then"},
		{"match with spaces inside", kb.Excerpt{f("a", false), f(" index ", true), f("b", false)}, "a *index* b"},
		{"match inside a word widens", kb.Excerpt{f("re", false), f("index", true), f("ing now", false)}, "*reindexing* now"},
		{"adjacent matches merge", kb.Excerpt{f("see ", false), f("rate", true), f(" ", false), f("limit", true), f("!", false)}, "see *rate* *limit*!"},
		{"escapes inside bold", kb.Excerpt{f("a ", false), f("<script>", true), f(" tag", false)}, "a &lt;*script*&gt; tag"},
		{"ampersand word", kb.Excerpt{f("use ", false), f("AT&T", true)}, "use *AT&amp;T*"},
		{"asterisk in match stays plain", kb.Excerpt{f("x ", false), f("a*b", true)}, "x a*b"},
		{"punctuation only match", kb.Excerpt{f("a", false), f("...", true), f("b", false)}, "a...b"},
		{"channel ping escaped", kb.Excerpt{f("ping <!channel> now", false)}, "ping &lt;!channel&gt; now"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := excerptMrkdwn(tc.ex, 3000); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestExcerptTruncation(t *testing.T) {
	var ex kb.Excerpt
	for range 400 {
		ex = append(ex, kb.Fragment{Text: "fish & chips <b> "}, kb.Fragment{Text: "salt", Match: true}, kb.Fragment{Text: " "})
	}
	for _, max := range []int{50, 51, 52, 53, 100, 333, 2999} {
		got := excerptMrkdwn(ex, max)
		if len(got) > max {
			t.Errorf("max %d: got %d bytes", max, len(got))
		}
		if !strings.HasSuffix(got, ellipsis) {
			t.Errorf("max %d: cut text does not end with an ellipsis: %q", max, got)
		}
		checkMrkdwn(t, got)
		if strings.Count(got, "*")%2 != 0 {
			t.Errorf("max %d: unbalanced bold in %q", max, got)
		}
	}
}

func TestSeenSet(t *testing.T) {
	now := time.Unix(1700000000, 0)
	s := newSeenSet(time.Minute, 3)
	s.now = func() time.Time { return now }

	if !s.Add("a") || s.Add("a") {
		t.Fatal("Add(a) twice: want new then seen")
	}
	s.Add("b")
	s.Add("c")
	s.Add("d") // evicts a, the oldest
	if s.Seen("a") {
		t.Error("a still seen after eviction by size")
	}
	if !s.Seen("d") || s.Len() != 3 {
		t.Errorf("Seen(d)=%v Len=%d, want true 3", s.Seen("d"), s.Len())
	}
	now = now.Add(2 * time.Minute)
	if s.Seen("d") {
		t.Error("d still seen after the ttl")
	}
	if !s.Add("d") {
		t.Error("Add(d) after expiry: want new")
	}
	if s.Len() != 1 {
		t.Errorf("Len after expiry = %d, want 1", s.Len())
	}
	s.Forget("d")
	if s.Seen("d") || !s.Add("d") {
		t.Error("Forget(d): want d handled again")
	}
	// Memory stays bounded under churn.
	for i := range 10000 {
		s.Add(strings.Repeat("x", i%7) + string(rune('a'+i%26)) + time.Duration(i).String())
	}
	if s.Len() > 3 || len(s.order) > 8 {
		t.Errorf("after churn Len=%d order=%d, want <= 3 and small", s.Len(), len(s.order))
	}
}

func TestExcerptCodeBlocks(t *testing.T) {
	ex := kb.Excerpt{{Text: "Set the "}, {Text: "cap", Match: true}, {Text: " like this:"}, {Text: "retry(cap=5.0)\nrun()", Code: true}}
	got := excerptMrkdwn(ex, 500)
	want := "Set the *cap* like this:\n```\nretry(cap=5.0)\nrun()\n```"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	// A code block that does not fit is left out whole, never cut open.
	if got := excerptMrkdwn(ex, 30); strings.Contains(got, "```") {
		t.Errorf("got %q, want no half code block", got)
	}
}
