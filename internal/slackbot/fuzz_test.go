package slackbot

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/kbbot/kbbot/internal/kb"
)

// FuzzRenderAnswer: articles and questions are untrusted. Whatever their
// text, the message Slack gets pings nobody, links nothing but the sources'
// own web URLs, and keeps Block Kit's limits (sections 3,000 characters,
// 50 blocks, button values 2,000). Seed corpus: testdata/fuzz/FuzzRenderAnswer.
func FuzzRenderAnswer(f *testing.F) {
	f.Add("<@U0BOT> how do I rotate secrets?", "Secrets management", "Rotation", "secrets.md", "https://kb.example.com/s#rotation", "security", "Rotate secrets on a schedule.", "automated", false)
	f.Add("<!channel> <!here|here> <@U0ALICE> <#C0GENERAL|general>", "<!channel>", "<@U123>", "a|b.md", "!channel", "<!everyone>", "ping <!here> and <@U1|x>", "<https://evil.example|click>", false)
	f.Add("q", "Title", "", "p.md", "javascript:alert(1)", "", "x", "y", true)
	f.Add("q", "T", "S", "p.md", "https://x.example/a b|c>d<e", "t", "&lt;!channel&gt; &amp;", "*bold* _it_ ~s~ `c`", false)
	f.Add("q", "T", "S", "p.md", "mailto:a@example.com", "t", "```code <!here>```", "> quote", true)
	f.Add(strings.Repeat("long question ", 300), strings.Repeat("T", 400), strings.Repeat("S", 400), strings.Repeat("p/", 300), "https://kb.example.com/"+strings.Repeat("x", 1500), strings.Repeat("tag", 50), strings.Repeat("excerpt ", 700), strings.Repeat("ü", 2000), false)
	f.Add("q\xff", "T\xfe", "S\xfd", "p.md", "https://kb.example.com/\xff", "t", strings.Repeat("a\xff ", 1000), strings.Repeat("\xfe", 1500), false) // not UTF-8: JSON sends each byte as 3
	f.Fuzz(func(t *testing.T, raw, title, section, path, url, tag, ex1, ex2 string, code bool) {
		question := cleanQuestion(raw)
		res := kb.Result{
			Title: title, Section: section, Path: path, URL: url, Tags: []string{tag, tag + "2"},
			Excerpt: kb.Excerpt{{Text: ex1}, {Text: ex2, Match: !code, Code: code}, {Text: ex1, Match: true}},
		}
		ans := kb.Answer{Question: question, Results: []kb.Result{res, res, res, res}}
		r := renderer{command: "/kb", maxResults: 10, botUserID: "U0BOT"}
		start := time.Now()
		for _, o := range []answerOpts{{share: true, expert: true}, {inThread: true, thanked: "U0ALICE"}} {
			m := r.answer(ans, question, o)
			checkMessage(t, m, maxBlocks)
			checkSafe(t, m, ans.Results)
		}
		m := r.dontKnowFor(question, answerOpts{expert: true})
		checkMessage(t, m, maxBlocks)
		checkSafe(t, m, nil)
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("rendering took %v", d) // a generous bound: it takes microseconds
		}
	})
}

// checkSafe fails if m breaks a Block Kit limit, or if any of its text
// holds a Slack control sequence (<...>) other than the renderer's own
// links to the results' web URLs and the thanked user's mention.
func checkSafe(t *testing.T, m message, results []kb.Result) {
	t.Helper()
	if len(m.Blocks) > maxBlocks {
		t.Fatalf("%d blocks, over %d", len(m.Blocks), maxBlocks)
	}
	allowed := map[string]bool{"@U0ALICE": true} // answerOpts.thanked
	for _, res := range results {
		if kb.LinkableURL(res.URL) && webURL(res.URL) {
			allowed[escape(strings.NewReplacer("|", "%7C", " ", "%20", "\n", "").Replace(res.URL))] = true
		}
	}
	raw, err := json.Marshal(m.Blocks)
	if err != nil {
		t.Fatal(err)
	}
	var blocks []any
	if err := json.Unmarshal(raw, &blocks); err != nil {
		t.Fatal(err)
	}
	checkControls(t, m.Text, allowed)
	var walk func(v any, parent string)
	walk = func(v any, parent string) {
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				walk(e, parent)
			}
		case map[string]any:
			typ, _ := x["type"].(string)
			if text, ok := x["text"].(string); ok {
				if !utf8.ValidString(text) {
					t.Fatalf("invalid UTF-8 in %q", text)
				}
				if parent == "section" && utf8.RuneCountInString(text) > maxSectionText {
					t.Fatalf("section text of %d characters, over %d", utf8.RuneCountInString(text), maxSectionText)
				}
				checkControls(t, text, allowed)
			}
			if v, ok := x["value"].(string); ok && len(v) > maxButtonValue {
				t.Fatalf("button value of %d bytes, over %d", len(v), maxButtonValue)
			}
			for k, e := range x {
				if k != "type" {
					walk(e, typ)
				}
			}
		}
	}
	walk(blocks, "")
}

// checkControls fails on any <...> in mrkdwn text whose target is not in
// allowed: a mention (<!channel>, <@U1>, <#C1>) or a link it was not given.
func checkControls(t *testing.T, s string, allowed map[string]bool) {
	t.Helper()
	for i := strings.IndexByte(s, '<'); i >= 0; i = strings.IndexByte(s, '<') {
		end := strings.IndexByte(s[i:], '>')
		if end < 0 {
			t.Fatalf("unclosed < in %q", s)
		}
		inner := s[i+1 : i+end]
		target, _, _ := strings.Cut(inner, "|")
		if strings.Contains(inner, "<") || !allowed[target] {
			t.Fatalf("control sequence <%s> reaches Slack (allowed: %v)", inner, allowed)
		}
		s = s[i+end+1:]
	}
}
