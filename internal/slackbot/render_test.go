package slackbot

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/kbbot/kbbot/internal/kb"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var testRenderer = renderer{command: "/kb", maxResults: 3, botUserID: "U0BOT"}

func frag(parts ...string) kb.Excerpt {
	// Words in *stars* are matches: frag("use a ", "*token*", " bucket").
	var ex kb.Excerpt
	for _, p := range parts {
		if len(p) > 2 && strings.HasPrefix(p, "*") && strings.HasSuffix(p, "*") {
			ex = append(ex, kb.Fragment{Text: p[1 : len(p)-1], Match: true})
		} else {
			ex = append(ex, kb.Fragment{Text: p})
		}
	}
	return ex
}

var updated = time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC)

var sampleAnswer = kb.Answer{
	Question: "how do I rotate secrets",
	Results: []kb.Result{
		{
			Title: "Secrets management", Section: "Rotation", Path: "secrets-management.md",
			URL:  "https://kb.example.com/secrets-management#rotation",
			Tags: []string{"security", "secrets"}, Updated: updated,
			Excerpt: frag("Rotate ", "*secrets*", " on a schedule and after every suspected leak; ", "*rotation*", " should be automated."),
		},
		{
			Title: "Authentication", Section: "API keys", Path: "authentication.md",
			URL:     "https://kb.example.com/authentication#api-keys",
			Tags:    []string{"auth"},
			Excerpt: frag("Keys are ", "*secrets,*", " so store them in a vault and ", "*rotate*", " them."),
		},
		{
			Title: "TLS & HTTPS", Path: "tls-https.md",
			Excerpt: frag("Certificates expire; automate ", "*re*", "newal."),
		},
		{Title: "Beyond max results", Path: "extra.md", Excerpt: frag("never shown")},
	},
}

var hostileAnswer = kb.Answer{
	Question: "what is <!channel>",
	Results: []kb.Result{{
		Title: "Pings <!channel> & <script>alert(1)</script>", Section: "Why | matters > less",
		Path: "hostile/<b>.md", URL: "https://kb.example.com/x?a=1&b=<2>|evil",
		Tags: []string{"<!here>", "a&b"}, Updated: updated,
		Excerpt: frag("Never write <!channel> or <@U0ALICE> or <https://evil.example|click me> in an article; ",
			"*<script>*", " tags & *stars* are text."),
	}},
}

// unlinkedAnswer has sources that cannot open in Slack: they must show as
// a bold title and the path as code, never as a link.
var unlinkedAnswer = kb.Answer{
	Question: "how do I rotate secrets",
	Results: []kb.Result{
		{Title: "Secrets management", Section: "Rotation", Path: "secrets-management.md", URL: "secrets-management.md#rotation",
			Excerpt: frag("Rotate ", "*secrets*", " on a schedule.")},
		{Title: "Authentication", Path: "authentication.md", URL: "javascript:alert(1)", Excerpt: frag("Keys are ", "*secrets*", ".")},
		{Title: "Local", Path: "local.md", URL: "file:///etc/passwd", Excerpt: frag("Files ", "*rotate*", ".")},
	},
}

var sampleStats = kb.Stats{
	Articles: 15, Sections: 120, IndexBytes: 3 << 20,
	IndexedAt: time.Date(2025, 3, 15, 10, 30, 0, 0, time.UTC),
	Topics: []kb.Topic{
		{Name: "security", Articles: 5}, {Name: "databases", Articles: 4}, {Name: "auth", Articles: 4},
		{Name: "careers", Articles: 2}, {Name: "<b>html</b>", Articles: 1},
	},
	Skipped:     []kb.Skip{{Path: "huge.pdf", Reason: "larger than MAX_FILE_BYTES"}},
	LastOutcome: "ok",
}

func TestRenderGolden(t *testing.T) {
	r := testRenderer
	tests := []struct {
		name string
		msg  message
	}{
		{"answer", r.answer(sampleAnswer, "how do I rotate secrets", answerOpts{})},
		{"answer_ephemeral", r.answer(sampleAnswer, "how do I rotate secrets", answerOpts{share: true})},
		{"answer_shared", r.answer(sampleAnswer, "how do I rotate secrets", answerOpts{sharedBy: "U0ALICE"})},
		{"answer_thanked", r.answer(sampleAnswer, "how do I rotate secrets", answerOpts{share: true, thanked: "U0BOB"})},
		{"answer_hostile", r.answer(hostileAnswer, "what is <!channel> & <b>", answerOpts{})},
		{"answer_without_links", r.answer(unlinkedAnswer, "how do I rotate secrets", answerOpts{})},
		{"dont_know", r.dontKnow("what is the airspeed of an *unladen* swallow <!here>")},
		{"answer_in_thread", r.answer(sampleAnswer, "how do I rotate secrets", answerOpts{inThread: true, expert: true})},
		{"dont_know_expert", r.dontKnowFor("what is the airspeed of a swallow", answerOpts{expert: true})},
		{"handover", r.handover([]string{"U0DBA", "S0SECTEAM"}, "U0ALICE", "how do I rotate <!channel> secrets")},
		{"welcome", r.welcome("U0ALICE")},
		{"greeting", r.greeting("U0ALICE", sampleStats)},
		{"help", r.help(sampleStats)},
		{"topics", r.topics(sampleStats)},
		{"topics_grouped", r.topicGroupsMessage(shippedArticles(t))},
		{"topics_group", r.topicMessage(shippedArticles(t), "Security")},
		{"topics_group_fixture", r.topicMessage(topicFixture, "queues")},
		{"topics_unknown", r.topicMessage(topicFixture, "llamas & <!here>")},
		{"stats", r.stats(sampleStats, botStats{Uptime: 90 * time.Minute, Questions: 12, Answered: 9, NoAnswer: 2, Errors: 1, Recons: 1})},
		{"refusal", r.refusal("reindex")},
		{"search_failed", r.searchFailed()},
		{"reindex_unavailable", r.reindexUnavailable()},
		{"reindex_progress", r.reindexProgress(kb.Progress{Done: 10, Total: 40, Path: "a.md"})},
		{"reindex_report", r.reindexReport(kb.Report{
			Full: false, Articles: 16, Sections: 125, Duration: 1234567 * time.Microsecond,
			Added: []string{"new.md"}, Changed: []string{"a.md", "b<c>.md"},
			Skipped: []kb.Skip{{Path: "huge.pdf", Reason: "larger than MAX_FILE_BYTES"}},
		})},
		{"reindex_changes", r.reindexReport(kb.Report{
			Full: true, Articles: 16, Sections: 125, Duration: 2 * time.Second, Changed: []string{"tls.md"},
			Changes: &kb.Changes{Questions: 120, NowAnswered: 2, NoLongerAnswered: 1, NewTop: 1, Examples: []kb.Change{
				{Kind: kb.ChangeNowAnswered, Question: "how do I renew TLS certificates?", After: "tls.md"},
				{Kind: kb.ChangeNowAnswered, Question: "what is <!channel> & *bold*", After: "a.md"},
				{Kind: kb.ChangeNoLongerAnswered, Question: "what is a cache stampede", Before: "caching.md"},
				{Kind: kb.ChangeNewTop, Question: "rotate secrets", Before: "vault.md", After: "secrets.md"},
			}},
		})},
		{"reindex_no_changes", r.reindexReport(kb.Report{Articles: 16, Sections: 125, Duration: time.Second, Changed: []string{"a.md"},
			Changes: &kb.Changes{Questions: 40}})},
		{"home", message{Blocks: r.home(sampleStats)}},
		{"home_admin", message{Blocks: append(r.home(sampleStats), r.homeGaps(sampleGaps, gapsWindow)...)}},
		{"home_admin_failed", message{Blocks: append(r.home(sampleStats), r.homeGapsFailed(gapsWindow)...)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			limit := maxBlocks
			if strings.HasPrefix(tc.name, "home") {
				limit = maxHomeBlocks
			}
			checkMessage(t, tc.msg, limit)
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false) // keep < > & readable in the diff
			enc.SetIndent("", "  ")
			if err := enc.Encode(tc.msg); err != nil {
				t.Fatal(err)
			}
			got := buf.Bytes()
			path := filepath.Join("testdata", tc.name+".golden")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the golden file (run go test -update and review the diff):\ngot:\n%s", path, got)
			}
		})
	}
}

// TestRenderLimits feeds oversized and hostile input to every renderer and
// checks Slack's limits and the escaping hold.
func TestRenderLimits(t *testing.T) {
	long := strings.Repeat("word <&> ", 2000)
	var ex kb.Excerpt
	for i := range 3000 {
		ex = append(ex, kb.Fragment{Text: "lorem & <ipsum> ", Match: i%3 == 0})
	}
	var results []kb.Result
	for range 20 {
		tags := make([]string, 100)
		for j := range tags {
			tags[j] = fmt.Sprintf("tag<%d>&", j)
		}
		results = append(results, kb.Result{
			Title: long, Section: long, Path: long, URL: "https://x.example/" + strings.Repeat("a&b", 1500),
			Tags: tags, Updated: updated, Excerpt: ex,
		})
	}
	var topics []kb.Topic
	var skips []kb.Skip
	var paths []string
	for i := range 3000 {
		topics = append(topics, kb.Topic{Name: fmt.Sprintf("topic <%d> & more", i), Articles: i % 7})
		skips = append(skips, kb.Skip{Path: long, Reason: long})
		paths = append(paths, long)
	}
	stats := kb.Stats{Articles: 3000, Topics: topics, Skipped: skips, LastOutcome: long}
	r := renderer{command: "/kb", maxResults: 10, examples: []string{long, long, long, long}}
	ans := kb.Answer{Question: long, Results: results}

	cases := map[string]message{
		"answer":    r.answer(ans, long, answerOpts{share: true}),
		"shared":    r.answer(ans, long, answerOpts{sharedBy: "U1"}),
		"thanked":   r.answer(ans, long, answerOpts{thanked: "U1"}),
		"dont_know": r.dontKnow(long),
		"greeting":  r.greeting("U1", stats),
		"help":      r.help(stats),
		"topics":    r.topics(stats),
		"stats":     r.stats(stats, botStats{}),
		"report":    r.reindexReport(kb.Report{Added: paths, Changed: paths, Removed: paths, Skipped: skips}),
	}
	for name, m := range cases {
		t.Run(name, func(t *testing.T) { checkMessage(t, m, maxBlocks) })
	}
	t.Run("home", func(t *testing.T) { checkMessage(t, message{Blocks: r.home(stats)}, maxHomeBlocks) })
	t.Run("with thanks", func(t *testing.T) {
		m := cases["answer"]
		checkMessage(t, message{Text: m.Text, Blocks: withThanks(m.Blocks, "U2")}, maxBlocks)
	})
}

func TestWithThanks(t *testing.T) {
	m := testRenderer.answer(sampleAnswer, "q", answerOpts{share: true})
	// Round-trip through JSON, as the blocks come back in a click.
	raw, _ := json.Marshal(m.Blocks)
	var back slack.Blocks
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	got := withThanks(back.BlockSet, "U0BOB")
	again := withThanks(got, "U0BOB")
	js, _ := json.Marshal(again)
	s := string(js)
	if strings.Contains(s, actionHelpful) || strings.Contains(s, actionNotHelpful) {
		t.Errorf("feedback buttons still there: %s", s)
	}
	if !strings.Contains(s, actionShare) {
		t.Errorf("share button lost: %s", s)
	}
	if n := strings.Count(s, "Thanks for the feedback"); n != 1 {
		t.Errorf("%d thank-yous, want 1", n)
	}
	if !strings.Contains(s, "*secrets*") {
		t.Errorf("answer content lost: %s", s)
	}
}

func TestEncodeValue(t *testing.T) {
	v := actionValue{Question: strings.Repeat("é<&>", 2000), Paths: []string{"a.md", "b.md"}}
	s := encodeValue(v)
	if len(s) > maxButtonValue {
		t.Fatalf("value is %d bytes", len(s))
	}
	back := decodeValue(s)
	if back.Question == "" || !strings.HasPrefix(v.Question, back.Question) {
		t.Errorf("question not a prefix after encoding: %q", back.Question)
	}
	if got := decodeValue("plain question"); got.Question != "plain question" {
		t.Errorf("plain value: got %q", got.Question)
	}
}

// checkMessage asserts Block Kit limits and that every text is well-formed
// mrkdwn: entities complete, and no < or > except in links and mentions we
// made ourselves.
func checkMessage(t *testing.T, m message, maxBlockCount int) {
	t.Helper()
	if len(m.Text) > maxFallback {
		t.Errorf("text is %d bytes", len(m.Text))
	}
	if m.Text != "" {
		checkMrkdwn(t, m.Text)
	}
	if len(m.Blocks) > maxBlockCount {
		t.Errorf("%d blocks, max %d", len(m.Blocks), maxBlockCount)
	}
	raw, err := json.Marshal(m.Blocks)
	if err != nil {
		t.Fatal(err)
	}
	var blocks []map[string]any
	if err := json.Unmarshal(raw, &blocks); err != nil {
		t.Fatal(err)
	}
	for i, b := range blocks {
		where := fmt.Sprintf("block %d (%v)", i, b["type"])
		checkID(t, where, b["block_id"])
		switch b["type"] {
		case "section":
			checkText(t, where, b["text"], maxSectionText)
		case "header":
			checkText(t, where, b["text"], maxHeaderText)
		case "context":
			els, _ := b["elements"].([]any)
			if len(els) == 0 || len(els) > 10 {
				t.Errorf("%s: %d elements", where, len(els))
			}
			for _, e := range els {
				checkText(t, where, e, maxContextText)
			}
		case "actions":
			els, _ := b["elements"].([]any)
			if len(els) == 0 || len(els) > 25 {
				t.Errorf("%s: %d elements", where, len(els))
			}
			for _, e := range els {
				btn, _ := e.(map[string]any)
				checkText(t, where+" button", btn["text"], 75)
				checkID(t, where, btn["action_id"])
				if v, _ := btn["value"].(string); len(v) > maxButtonValue {
					t.Errorf("%s: value is %d bytes", where, len(v))
				}
			}
		case "divider":
		default:
			t.Errorf("%s: unexpected block type", where)
		}
	}
}

func checkID(t *testing.T, where string, id any) {
	t.Helper()
	if s, _ := id.(string); len(s) > 255 {
		t.Errorf("%s: id is %d bytes", where, len(s))
	}
}

func checkText(t *testing.T, where string, obj any, max int) {
	t.Helper()
	o, ok := obj.(map[string]any)
	if !ok {
		t.Errorf("%s: no text object", where)
		return
	}
	s, _ := o["text"].(string)
	if s == "" || len(s) > max {
		t.Errorf("%s: text is %d bytes (1..%d)", where, len(s), max)
	}
	if o["type"] == "mrkdwn" {
		checkMrkdwn(t, s)
	}
}

var (
	ourMarkup  = regexp.MustCompile(`<(?:https?://[^|<>\s]+\|[^<>]+|@[UW][A-Z0-9]+|!subteam\^S[A-Z0-9]+|!date\^\d+\^[^|<>]+\|[^<>]+)>`)
	entity     = regexp.MustCompile(`&(?:amp|lt|gt);`)
	unsafeText = regexp.MustCompile(`[<>]|&`)
)

func checkMrkdwn(t *testing.T, s string) {
	t.Helper()
	rest := entity.ReplaceAllString(ourMarkup.ReplaceAllString(s, ""), "")
	if loc := unsafeText.FindStringIndex(rest); loc != nil {
		lo, hi := max(0, loc[0]-40), min(len(rest), loc[1]+40)
		t.Errorf("unescaped %q in mrkdwn near %q", rest[loc[0]:loc[1]], rest[lo:hi])
	}
}
