package playground

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var testNames = names{
	user: func(id string) string {
		return map[string]string{"U0ALICE": "alice", "U0BOT": "kbbot"}[id]
	},
	channel: func(id string) string {
		return map[string]string{"C0GENERAL": "general"}[id]
	},
}

func TestMrkdwn(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "hello", "hello"},
		{"bold", "*You asked:* x", "<b>You asked:</b> x"},
		{"italic", "an _important_ word", "an <i>important</i> word"},
		{"strike", "~gone~ now", "<s>gone</s> now"},
		{"nested", "*bold _and italic_*", "<b>bold <i>and italic</i></b>"},
		{"snake_case stays", "call snake_case_name now", "call snake_case_name now"},
		{"arithmetic stays", "2*3*4 is 24", "2*3*4 is 24"},
		{"no space inside", "* not bold *", "* not bold *"},
		{"unclosed", "*half", "*half"},
		{"code", "run `kbbot index` first", `run <code class="mk-code">kbbot index</code> first`},
		{"code keeps markers", "`*not bold*`", `<code class="mk-code">*not bold*</code>`},
		{"code block", "```\nline 1\n*x*\n```", `<pre class="mk-pre">line 1` + "\n" + `*x*</pre>`},
		{"quote", "&gt; quoted\n&gt; twice\nafter", `<blockquote class="mk-quote">quoted<br>twice</blockquote><br>after`},
		{"raw quote marker", "> quoted", `<blockquote class="mk-quote">quoted</blockquote>`},
		{"lines", "a\nb", "a<br>b"},
		{"emoji", ":mag: :+1: :nope:", "🔍 👍 :nope:"},
		{"link", "<https://example.com/a?b=1&amp;c=2|Example &amp; co>",
			`<a href="https://example.com/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">Example &amp; co</a>`},
		{"bold link", "*<https://x.test/a|A>*  ›  B",
			`<b><a href="https://x.test/a" target="_blank" rel="noopener noreferrer">A</a></b>  ›  B`},
		{"bare link", "<https://x.test>", `<a href="https://x.test" target="_blank" rel="noopener noreferrer">https://x.test</a>`},
		{"relative link is a knowledge path", "<caching.md#ttl|Caching>",
			`<a href="/kb/caching.md#ttl" target="_blank" rel="noopener noreferrer">Caching</a>`},
		{"javascript link is text", "<javascript:alert(1)|click>", "click"},
		{"spaced javascript link is text", "< javascript:alert(1)|click>", "click"},
		{"data link is text", "<data:text/html,hi|x>", "x"},
		{"mailto is text", "<mailto:a@b.test|mail me>", "mail me"},
		{"user mention", "hi <@U0ALICE>", `hi <span class="mention">@alice</span>`},
		{"unknown user", "<@U9>", `<span class="mention">@U9</span>`},
		{"channel mention", "<#C0GENERAL>", `<span class="mention">#general</span>`},
		{"broadcast", "<!channel> and <!here>", `<span class="mention mention-broadcast">@channel</span> and <span class="mention mention-broadcast">@here</span>`},
		{"date", "<!date^1742034600^{date_short_pretty}|2025-03-15 10:30 UTC>", `<time class="mk-date">2025-03-15 10:30 UTC</time>`},
		{"escaped broadcast is text", "&lt;!channel&gt;", "&lt;!channel&gt;"},
		{"escaped script is text", "&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;script&gt;alert(1)&lt;/script&gt;"},
		{"double escaped stays escaped", "&amp;lt;b&amp;gt;", "&amp;lt;b&amp;gt;"},
		{"raw html from a sloppy sender", "<b onclick=x>hi</b>", `<a href="/kb/b%20onclick=x" target="_blank" rel="noopener noreferrer">b onclick=x</a>hi</b>`},
		{"quotes escaped", `say "hi" it's`, "say &#34;hi&#34; it&#39;s"},
		{"placeholder runes dropped", "a\U000F0000b", "ab"},
		{"link label with markup", "<https://x.test|&lt;img src=x onerror=alert(1)&gt;>",
			`<a href="https://x.test" target="_blank" rel="noopener noreferrer">&lt;img src=x onerror=alert(1)&gt;</a>`},
		{"quote in href", `<https://x.test/"onmouseover="alert(1)|x>`,
			`<a href="https://x.test/&#34;onmouseover=&#34;alert(1)" target="_blank" rel="noopener noreferrer">x</a>`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := testNames.mrkdwn(tc.in)
			if tc.name == "raw html from a sloppy sender" {
				// A raw "<" never reaches Slack unescaped from kbbot; whatever
				// it becomes, it must not be a tag of its own.
				assertInert(t, got)
				return
			}
			if got != tc.want {
				t.Errorf("mrkdwn(%q)\n got %s\nwant %s", tc.in, got, tc.want)
			}
			assertInert(t, got)
		})
	}
}

// allowed are the only elements and attributes the renderer may produce.
var allowed = map[string]map[string]bool{
	"b": {}, "i": {}, "s": {}, "br": {}, "hr": {"class": true},
	"code": {"class": true}, "pre": {"class": true}, "blockquote": {"class": true},
	"span": {"class": true}, "time": {"class": true}, "div": {"class": true},
	"a":      {"href": true, "target": true, "rel": true, "class": true},
	"button": {"type": true, "class": true, "data-action-id": true},
}

// assertInert parses fragment as a browser would and fails on any element
// or attribute the renderer does not make itself, on any link that is not
// http(s) or relative, and on links without rel=noopener.
func assertInert(t *testing.T, fragment string) {
	t.Helper()
	nodes, err := html.ParseFragment(strings.NewReader(fragment), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		t.Fatalf("parse %q: %v", fragment, err)
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			attrs, ok := allowed[n.Data]
			if !ok {
				t.Errorf("element <%s> in %s", n.Data, fragment)
			}
			for _, a := range n.Attr {
				if !attrs[a.Key] {
					t.Errorf("attribute %s on <%s> in %s", a.Key, n.Data, fragment)
				}
				if a.Key == "href" && !regexp.MustCompile(`^(https?://|/)`).MatchString(a.Val) {
					t.Errorf("href %q in %s", a.Val, fragment)
				}
			}
			if n.Data == "a" && !strings.Contains(attr(n, "rel"), "noopener") {
				t.Errorf("link without rel=noopener in %s", fragment)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// TestBlocksGolden renders messages the bot really sends (copies of
// internal/slackbot's golden files) and compares with testdata/*.html.
func TestBlocksGolden(t *testing.T) {
	inputs, err := filepath.Glob("testdata/*.json")
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no inputs in testdata: %v", err)
	}
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), ".json")
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			var msg struct {
				Text   string           `json:"text"`
				Blocks []map[string]any `json:"blocks"`
			}
			if err := json.Unmarshal(raw, &msg); err != nil {
				t.Fatalf("decode %s: %v", in, err)
			}
			got := testNames.messageHTML(msg.Text, msg.Blocks)
			assertInert(t, got)
			got = strings.ReplaceAll(got, "</div>", "</div>\n") + "\n"
			golden := filepath.Join("testdata", name+".html")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from %s (go test -update rewrites it):\n got %s\nwant %s", name, golden, got, want)
			}
		})
	}
}

func TestHostileAnswerIsInert(t *testing.T) {
	raw, err := os.ReadFile("testdata/answer_hostile.json")
	if err != nil {
		t.Fatal(err)
	}
	var msg struct {
		Text   string           `json:"text"`
		Blocks []map[string]any `json:"blocks"`
	}
	if err := json.Unmarshal(raw, &msg); err != nil {
		t.Fatal(err)
	}
	got := testNames.messageHTML(msg.Text, msg.Blocks)
	for _, bad := range []string{"<script", "<b>html", "<!channel>", "mention-broadcast", `href="https://evil.example`} {
		if strings.Contains(got, bad) {
			t.Errorf("rendered hostile answer contains %q:\n%s", bad, got)
		}
	}
	for _, want := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;!channel&gt;", "&lt;https://evil.example|click me&gt;"} {
		if !strings.Contains(got, want) {
			t.Errorf("rendered hostile answer lacks the literal text %q:\n%s", want, got)
		}
	}
}

func TestBlockTypes(t *testing.T) {
	tests := []struct {
		name  string
		block map[string]any
		want  string
	}{
		{"header", map[string]any{"type": "header", "text": map[string]any{"type": "plain_text", "text": "A <b> & :wave:"}}, `<div class="bk-header">A &lt;b&gt; &amp; 👋</div>`},
		{"divider", map[string]any{"type": "divider"}, `<hr class="bk-divider">`},
		{"image has no remote fetch", map[string]any{"type": "image", "image_url": "https://x.test/a.png", "alt_text": "a <cat>"}, `<div class="bk-image-alt">[image: a &lt;cat&gt;]</div>`},
		{"unknown", map[string]any{"type": "input"}, `<div class="bk-unsupported">[input block]</div>`},
		{"url button", map[string]any{"type": "actions", "elements": []any{map[string]any{
			"type": "button", "url": "https://x.test", "text": map[string]any{"type": "plain_text", "text": "Open"}}}},
			`<div class="bk-actions"><a class="bk-button" href="https://x.test" target="_blank" rel="noopener noreferrer">Open</a></div>`},
		{"javascript url button", map[string]any{"type": "actions", "elements": []any{map[string]any{
			"type": "button", "url": "javascript:alert(1)", "action_id": "x\"y", "style": "danger", "text": map[string]any{"type": "plain_text", "text": "Open"}}}},
			`<div class="bk-actions"><button type="button" class="bk-button bk-danger" data-action-id="x&#34;y">Open</button></div>`},
		{"fields", map[string]any{"type": "section", "fields": []any{map[string]any{"type": "mrkdwn", "text": "*a*"}, map[string]any{"type": "plain_text", "text": "*b*"}}},
			`<div class="bk-section"><div class="bk-section-body"><div class="bk-fields"><div class="bk-field"><b>a</b></div><div class="bk-field">*b*</div></div></div></div>`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := testNames.block(tc.block)
			if got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
			assertInert(t, got)
		})
	}
}

func TestSafeURL(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"https://x.test/a#b", "https://x.test/a#b", true},
		{"http://127.0.0.1:3000/kb/a.md", "http://127.0.0.1:3000/kb/a.md", true},
		{"/kb/a.md", "/kb/a.md", true},
		{"a/b.md#c", "/kb/a/b.md#c", true},
		{"javascript:alert(1)", "", false},
		{"JavaScript:alert(1)", "", false},
		{"java\tscript:alert(1)", "", false},
		{" https://x.test", "", false},
		{"//evil.test/x", "", false},
		{`\\evil.test`, "", false},
		{"https:///nohost", "", false},
		{"vbscript:x", "", false},
		{"", "", false},
	}
	for _, tc := range tests {
		got, ok := safeURL(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("safeURL(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
