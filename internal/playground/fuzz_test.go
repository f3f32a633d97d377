package playground

import (
	"encoding/json"
	"io"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// FuzzMrkdwn: the playground shows Slack text (questions, article excerpts)
// as HTML in the browser. Whatever the text, the HTML has only the tags and
// attributes the renderer makes, no script, and no link a browser would run
// (javascript:, data:, vbscript:). Seed corpus: testdata/fuzz/FuzzMrkdwn.
func FuzzMrkdwn(f *testing.F) {
	for _, s := range []string{
		"*bold* _it_ ~strike~ `code` ```block```\n> quote",
		"<https://example.com|link> <mailto:a@example.com|mail> <!channel> <!here> <@U0ALICE> <#C0GENERAL>",
		"<javascript:alert(1)|x> <data:text/html,<script>alert(1)</script>|y> <JaVaScRiPt:alert(1)>",
		`<script>alert(1)</script><img src=x onerror=alert(1)> " ' &amp; &lt;b&gt;`,
		"<https://x.example/\" onmouseover=\"alert(1)|q> <//evil.example|z> </kb/a.md|rel> <a.md>",
		"```<https://x.example|in code>``` `<@U1>` :smile: :not_an_emoji:",
		"<!date^1392734382^{date}|Feb 18> <!subteam^S1|@team> <!subteam^S1>",
		"\U000F0000 placeholder \U000F0001",
		"<java\tscript:alert(1)|tab> <https://x.example/a\\b|bs>",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkHTML(t, testNames.mrkdwn(s))
		// The same text inside blocks, as messages carry it.
		bl := []map[string]any{{"type": "section", "text": map[string]any{"type": "mrkdwn", "text": s}},
			{"type": "context", "elements": []any{map[string]any{"type": "mrkdwn", "text": s}}}}
		raw, _ := json.Marshal(bl)
		var blocks []map[string]any
		_ = json.Unmarshal(raw, &blocks)
		checkHTML(t, testNames.blocks(blocks))
	})
}

// Tags and attributes the renderers make; anything else came from input.
var (
	allowedTags  = map[string]bool{"a": true, "b": true, "strong": true, "i": true, "em": true, "s": true, "del": true, "code": true, "pre": true, "blockquote": true, "br": true, "span": true, "time": true, "div": true, "p": true, "img": true, "button": true, "hr": true, "ul": true, "ol": true, "li": true, "header": true, "section": true, "h1": true, "h2": true, "h3": true}
	allowedAttrs = map[string]bool{"href": true, "target": true, "rel": true, "class": true, "title": true, "src": true, "alt": true, "data-action": true, "data-value": true, "type": true, "loading": true}
)

func checkHTML(t *testing.T, out string) {
	t.Helper()
	z := html.NewTokenizer(strings.NewReader(out))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if z.Err() != io.EOF {
				t.Fatalf("unparseable HTML %q: %v", out, z.Err())
			}
			return
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken && tt != html.EndTagToken {
			continue
		}
		tok := z.Token()
		if !allowedTags[tok.Data] {
			t.Fatalf("tag <%s> in %q", tok.Data, out)
		}
		for _, a := range tok.Attr {
			if !allowedAttrs[a.Key] || strings.HasPrefix(a.Key, "on") {
				t.Fatalf("attribute %s=%q on <%s> in %q", a.Key, a.Val, tok.Data, out)
			}
			if a.Key == "href" || a.Key == "src" {
				v := strings.ToLower(strings.Map(func(r rune) rune {
					if r <= ' ' {
						return -1 // browsers ignore these inside a scheme
					}
					return r
				}, a.Val))
				for _, bad := range []string{"javascript:", "data:", "vbscript:"} {
					if strings.HasPrefix(v, bad) {
						t.Fatalf("%s=%q in %q", a.Key, a.Val, out)
					}
				}
				if strings.HasPrefix(v, "//") {
					t.Fatalf("protocol-relative %s=%q in %q", a.Key, a.Val, out)
				}
			}
		}
	}
}
