package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kbbot/kbbot/internal/slackemu"
)

// TestHostileURLNeverReachesSlack: articles whose front-matter url is a
// Slack mention (!channel, !here, !subteam^ID, @U...) or a script
// (javascript:) are answered, but the answer links them to the knowledge
// base instead: nothing posted pings anyone or carries the script.
func TestHostileURLNeverReachesSlack(t *testing.T) {
	emu := opsEmulator(t, slackemu.Options{})
	kdir := opsKnowledge(t)
	hostile := []string{"!channel", "!here", "!everyone", "!subteam^S0ADMINS", "@U0ALICE", "#C0GENERAL", "javascript:alert(1)", "data:text/html,<script>alert(1)</script>"}
	for i, u := range hostile {
		body := fmt.Sprintf("---\ntitle: \"Gizmo %d maintenance\"\ntags: [ops]\nurl: %q\n---\n\n## How do I oil gizmo%d?\n\nOil gizmo%d with sprocketine every week and log it.\n", i, u, i, i)
		opsWrite(t, filepath.Join(kdir, fmt.Sprintf("gizmo-%d.md", i)), body)
	}
	opsStart(t, emu, "bot", "KNOWLEDGE_DIR="+kdir, "LOG_LEVEL=info")
	ctx := opsCtx(t, 60*time.Second)
	feed := opsWatch(t, emu)
	for i, u := range hostile {
		t.Run(u, func(t *testing.T) {
			c := opsAsk(t, ctx, emu, feed, fmt.Sprintf("how do I oil gizmo%d", i))
			if !opsCites(c, fmt.Sprintf("Gizmo %d maintenance", i)) {
				t.Fatalf("answer does not cite the article: %q", s(c.Params["text"]))
			}
			raw, err := json.Marshal(c.Params)
			if err != nil {
				t.Fatal(err)
			}
			// JSON escapes < and > as \u003c and \u003e; undo that to see
			// what Slack would parse.
			posted := strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(string(raw))
			for _, bad := range []string{"<!", "<@", "<#", "javascript:", "data:text"} {
				if strings.Contains(posted, bad) {
					t.Errorf("posted message contains %q:\n%s", bad, posted)
				}
			}
			if want := fmt.Sprintf("<https://kb.example.com/gizmo-%d.md", i); !strings.Contains(posted, want) {
				t.Errorf("posted message does not link %s…; got:\n%s", want, posted)
			}
		})
	}
}

// TestServerErrorRunLosesNoAnswer: during a run of 500s from
// chat.postMessage, half of which had posted the message before failing,
// every acknowledged question is answered exactly once.
func TestServerErrorRunLosesNoAnswer(t *testing.T) {
	emu := opsEmulator(t, slackemu.Options{})
	bot := opsStart(t, emu, "bot", "LOG_LEVEL=info")
	ctx := opsCtx(t, 120*time.Second)
	const faults, questions = 20, 20 // each question takes at least one fault while any are left
	for i := range faults {
		emu.InjectFault("chat.postMessage", slackemu.Fault{Status: 500, Applied: i%2 == 0})
	}
	var asked []slackemu.Event
	for i := range questions {
		ev, err := emu.Mention("C0GENERAL", "U0ALICE", fmt.Sprintf("<@U0BOT> %s (%d)", opsQuestions[i%len(opsQuestions)].text, i), "")
		if err != nil {
			t.Fatal(err)
		}
		asked = append(asked, ev)
	}
	for _, ev := range asked {
		ln := opsWaitLog(t, ctx, bot, func(ln map[string]any) bool {
			return s(ln["message"]) == "handled" && s(ln["event_id"]) == ev.EventID
		})
		if s(ln["outcome"]) != "answered" {
			t.Errorf("%s: outcome %q, want answered", ev.EventID, s(ln["outcome"]))
		}
	}
	perThread := map[string]int{}
	for _, m := range emu.Messages("C0GENERAL") {
		if m.BotID != "" && m.ThreadTS != "" {
			perThread[m.ThreadTS]++
		}
	}
	for _, ev := range asked {
		if n := perThread[ev.TS]; n != 1 {
			t.Errorf("question %s has %d answers, want exactly 1", ev.TS, n)
		}
	}
	failed := 0
	for _, c := range emu.CallsTo("chat.postMessage") {
		if c.Status == 500 {
			failed++
		}
	}
	if failed != faults {
		t.Errorf("%d chat.postMessage calls failed with 500, want all %d injected faults used", failed, faults)
	}
	t.Logf("%d questions, %d 500s (half of them after posting), %d lookups", questions, failed, len(emu.CallsTo("conversations.replies")))

	// An outage: every post fails for 30 seconds (half the bot's retry
	// budget), then Slack recovers. The duration is the fault's, not a wait
	// for the bot.
	emu.InjectFault("chat.postMessage", slackemu.Fault{Status: 500, Times: -1})
	outage := time.AfterFunc(30*time.Second, emu.ClearFaults)
	defer outage.Stop()
	var during []slackemu.Event
	for i := range 5 {
		ev, err := emu.Mention("C0GENERAL", "U0BOB", "<@U0BOT> "+opsQuestions[i].text, "")
		if err != nil {
			t.Fatal(err)
		}
		during = append(during, ev)
	}
	for _, ev := range during {
		ln := opsWaitLog(t, ctx, bot, func(ln map[string]any) bool {
			return s(ln["message"]) == "handled" && s(ln["event_id"]) == ev.EventID
		})
		if s(ln["outcome"]) != "answered" {
			t.Errorf("outage %s: outcome %q, want answered", ev.EventID, s(ln["outcome"]))
		}
		n := 0
		for _, m := range emu.Messages("C0GENERAL") {
			if m.BotID != "" && m.ThreadTS == ev.TS {
				n++
			}
		}
		if n != 1 {
			t.Errorf("outage question %s has %d answers, want exactly 1", ev.TS, n)
		}
	}
}

// TestUserRateLimitE2E: one user sending many questions at once gets a few
// answered and one private notice, not a flood and not silence; another
// user's question is still answered; the channel's posts are paced to
// about one a second after a short burst, and none is dropped.
func TestUserRateLimitE2E(t *testing.T) {
	const limit, sent = 5, 30
	emu := opsEmulator(t, slackemu.Options{})
	bot := opsStart(t, emu, "bot", "LOG_LEVEL=info", fmt.Sprintf("USER_RATE_LIMIT=%d", limit), "CHANNEL_POST_RATE=1")
	ctx := opsCtx(t, 60*time.Second)
	addr := opsHTTPAddr(t, ctx, bot)
	var flood []slackemu.Event
	for i := range sent {
		ev, err := emu.Mention("C0GENERAL", "U0ALICE", fmt.Sprintf("<@U0BOT> %s (%d)", opsQuestions[i%len(opsQuestions)].text, i), "")
		if err != nil {
			t.Fatal(err)
		}
		flood = append(flood, ev)
	}
	bob, err := emu.Mention("C0GENERAL", "U0BOB", "<@U0BOT> "+opsQuestions[1].text, "")
	if err != nil {
		t.Fatal(err)
	}
	outcomes := map[string]int{}
	for _, ev := range flood {
		ln := opsWaitLog(t, ctx, bot, func(ln map[string]any) bool {
			return s(ln["event_id"]) == ev.EventID && (s(ln["message"]) == "handled" || s(ln["outcome"]) == "rate_limited")
		})
		outcomes[s(ln["outcome"])]++
	}
	if outcomes["answered"] != limit || outcomes["rate_limited"] != sent-limit {
		t.Errorf("flood outcomes %v, want %d answered and %d rate_limited", outcomes, limit, sent-limit)
	}
	if ln := opsWaitLog(t, ctx, bot, func(ln map[string]any) bool {
		return s(ln["message"]) == "handled" && s(ln["event_id"]) == bob.EventID
	}); s(ln["outcome"]) != "answered" {
		t.Errorf("the other user's question: outcome %q, want answered", s(ln["outcome"]))
	}
	opsWaitLog(t, ctx, bot, func(ln map[string]any) bool { return s(ln["outcome"]) == "limit_notice" })

	var notices []slackemu.Message
	var posts []slackemu.Call
	for _, m := range emu.Messages("C0GENERAL") {
		if m.Ephemeral {
			notices = append(notices, m)
		}
	}
	if len(notices) != 1 || notices[0].VisibleTo != "U0ALICE" || !strings.Contains(notices[0].Text, "questions in a minute") {
		t.Errorf("private notices %+v, want exactly one, to U0ALICE, about the limit", notices)
	}
	for _, c := range emu.CallsTo("chat.postMessage") {
		if c.Status == 200 && c.Error == "" {
			posts = append(posts, c)
		}
	}
	if len(posts) != limit+1 {
		t.Fatalf("%d answers posted, want %d (the user's %d and the other user's)", len(posts), limit+1, limit)
	}
	// A burst of 3, then one a second: the 6th post is at least 3 s after
	// the bucket's first token, less the first post's own latency.
	if gap := posts[len(posts)-1].At.Sub(posts[0].At); gap < 2*time.Second {
		t.Errorf("%d posts to one channel within %v, want them paced to about 1/s after a burst of 3", len(posts), gap)
	}
	_, body := opsPollGet(t, ctx, "http://"+addr+"/metrics", 200)
	want := fmt.Sprintf(`kbbot_rate_limited_questions_total{surface="mention"} %d`, sent-limit)
	if !strings.Contains(body, want) {
		t.Errorf("/metrics lacks %s", want)
	}
	t.Logf("%d questions from one user: %v, %d notice; %d posts in %v", sent, outcomes, len(notices), len(posts), posts[len(posts)-1].At.Sub(posts[0].At).Round(time.Millisecond))
}

// TestChangesWhileStoppedIndexedAtStart: an article added and one deleted
// while the bot was stopped are reflected after the restart, with the
// watcher off, so the start-up check is what finds them.
func TestChangesWhileStoppedIndexedAtStart(t *testing.T) {
	emu := opsEmulator(t, slackemu.Options{})
	kdir, idx := opsKnowledge(t), t.TempDir()
	dirs := []string{"KNOWLEDGE_DIR=" + kdir, "INDEX_DIR=" + idx, "LOG_LEVEL=info", "WATCH_KNOWLEDGE=false"}
	ctx := opsCtx(t, 90*time.Second)

	first := opsStart(t, emu, "first", dirs...)
	feed := opsWatch(t, emu)
	if c := opsAsk(t, ctx, emu, feed, "should I ping the whole channel during an incident"); !opsCites(c, "Incident pings") {
		t.Fatalf("before: got %q, want Incident pings", s(c.Params["text"]))
	}
	if err := first.term(20 * time.Second); err != nil {
		t.Fatal(err)
	}
	if n := opsCount(first.logs, func(ln map[string]any) bool { return s(ln["level"]) == "warn" || s(ln["level"]) == "error" }); n > 0 {
		t.Errorf("a normal first start logged %d warnings or errors:\n%s", n, opsTail(first.logs, 40))
	}

	// While it is down: one article added, one deleted.
	opsWrite(t, filepath.Join(kdir, "frobnicator.md"), opsArticle("Frobnicator restarts",
		"How do I restart the frobnicator?", "Drain the frobnicator queue, then restart it with the quuxctl tool."))
	if err := os.Remove(filepath.Join(kdir, "incident-pings.md")); err != nil {
		t.Fatal(err)
	}

	second := opsStart(t, emu, "second", dirs...)
	opsWaitLog(t, ctx, second, func(ln map[string]any) bool { return s(ln["message"]) == "index opened" })
	check := opsWaitLog(t, ctx, second, func(ln map[string]any) bool {
		return strings.HasPrefix(s(ln["message"]), "start-up check")
	})
	if check["added"] != 1.0 || check["removed"] != 1.0 {
		t.Errorf("start-up check: %v, want 1 added and 1 removed", check)
	}
	if d, err := time.ParseDuration(s(check["took"])); err != nil || d < 0 {
		t.Errorf("start-up check took %v, want a duration with its unit such as \"243ms\"", check["took"])
	}
	if c := opsAsk(t, ctx, emu, feed, "how do I restart the frobnicator"); !opsCites(c, "Frobnicator restarts") {
		t.Errorf("after restart: got %q, want the article added while stopped", s(c.Params["text"]))
	}
	if c := opsAsk(t, ctx, emu, feed, "should I ping the whole channel during an incident"); opsCites(c, "Incident pings") {
		t.Errorf("after restart: the article deleted while stopped is still cited: %q", s(c.Params["text"]))
	}
	// A restart with nothing changed finds nothing to do.
	if err := second.term(20 * time.Second); err != nil {
		t.Fatal(err)
	}
	third := opsStart(t, emu, "third", dirs...)
	check = opsWaitLog(t, ctx, third, func(ln map[string]any) bool { return strings.HasPrefix(s(ln["message"]), "start-up check") })
	if check["added"] != 0.0 || check["changed"] != 0.0 || check["removed"] != 0.0 {
		t.Errorf("start-up check with nothing changed: %v", check)
	}
}

// TestIndexBuiltBesideServePickedUp: `kbbot index` run beside serve (on the
// same folders, watcher off) is answered from within POLL_INTERVAL, and
// /kb stats shows the new index's size and build time.
func TestIndexBuiltBesideServePickedUp(t *testing.T) {
	emu := opsEmulator(t, slackemu.Options{})
	kdir, idx := opsKnowledge(t), t.TempDir()
	bot := opsStart(t, emu, "bot", "KNOWLEDGE_DIR="+kdir, "INDEX_DIR="+idx, "LOG_LEVEL=info", "WATCH_KNOWLEDGE=false", "POLL_INTERVAL=1s")
	ctx := opsCtx(t, 60*time.Second)
	feed := opsWatch(t, emu)
	opsWaitLog(t, ctx, bot, func(ln map[string]any) bool { return s(ln["message"]) == "starting slack bot" })

	opsWrite(t, filepath.Join(kdir, "frobnicator.md"), opsArticle("Frobnicator restarts",
		"How do I restart the frobnicator?", "Drain the frobnicator queue, then restart it with the quuxctl tool."))
	built := time.Now()
	opsCLI(t, botEnv(t, emu, "KNOWLEDGE_DIR="+kdir, "INDEX_DIR="+idx), "index")
	ln := opsWaitLog(t, ctx, bot, func(ln map[string]any) bool {
		return s(ln["message"]) == "picked up an index built by another process"
	})
	t.Logf("picked up %v after kbbot index started (POLL_INTERVAL=1s)", time.Since(built).Round(time.Millisecond))
	if ln["articles"] != 5.0 {
		t.Errorf("picked up index has %v articles, want 5", ln["articles"])
	}
	if c := opsAsk(t, ctx, emu, feed, "how do I restart the frobnicator"); !opsCites(c, "Frobnicator restarts") {
		t.Errorf("after kbbot index: got %q, want the new article", s(c.Params["text"]))
	}
	stats := opsResponse(t, ctx, emu, opsSlash(t, emu, "U0ALICE", "stats"), "Knowledge base")
	text := s(stats.Params["text"])
	builtAt, _ := time.Parse(time.RFC3339Nano, s(ln["built_at"]))
	for _, want := range []string{"5 articles", "last indexed " + builtAt.UTC().Format("2006-01-02 15:04 UTC"), "built by another process", "index "} {
		if !strings.Contains(text, want) {
			t.Errorf("/kb stats lacks %q:\n%s", want, text)
		}
	}
	if dates := regexp.MustCompile(`\d{4}-\d\d-\d\d[ T][0-9:.]+( UTC|Z)?`).FindAllString(text, -1); len(dates) == 0 || slices.ContainsFunc(dates, func(d string) bool { return !strings.HasSuffix(d, " UTC") }) {
		t.Errorf("/kb stats dates %q, want all as 2006-01-02 15:04 UTC:\n%s", dates, text)
	}
}

// TestStopWithStuckAnswer: with an answer stuck in flight (Slack holds
// chat.postMessage for a minute), serve exits within SHUTDOWN_GRACE and a
// small margin of SIGTERM.
func TestStopWithStuckAnswer(t *testing.T) {
	const grace = 2 * time.Second
	emu := opsEmulator(t, slackemu.Options{})
	bot := opsStart(t, emu, "bot", "SHUTDOWN_GRACE="+grace.String(), "LOG_LEVEL=debug")
	ctx := opsCtx(t, 60*time.Second)
	emu.InjectFault("chat.postMessage", slackemu.Fault{Delay: time.Minute, Times: -1})
	defer emu.ClearFaults()
	ev, err := emu.Mention("C0GENERAL", "U0ALICE", "<@U0BOT> "+opsQuestions[0].text, "")
	if err != nil {
		t.Fatal(err)
	}
	opsWaitLog(t, ctx, bot, func(ln map[string]any) bool {
		return s(ln["message"]) == "question" && s(ln["event_id"]) == ev.EventID
	})
	start := time.Now()
	// The bound asserted is the feature (an orchestrator kills a process
	// that overstays); the margin is generous for a loaded machine.
	bound := grace + stopMargin + 3*time.Second
	err = bot.term(bound)
	took := time.Since(start)
	if err != nil && strings.Contains(err.Error(), "did not exit") {
		t.Fatalf("serve did not exit within %v of SIGTERM with an answer stuck: %v", bound, err)
	}
	t.Logf("exited %v after SIGTERM (SHUTDOWN_GRACE=%v), exit: %v", took.Round(time.Millisecond), grace, err)
	if took < grace {
		t.Errorf("exited after %v, before the %v grace period: the answer in flight was not given its time", took, grace)
	}
	opsWaitLog(t, ctx, bot, func(ln map[string]any) bool { return strings.Contains(s(ln["message"]), "grace period over") })
}

// TestHugeArticleAnsweredOthersUnaffected: a 4 MB article on one line is
// loaded in bounded pieces, and a question about it is answered; questions
// from another user asked at the same time are answered as well. Latencies
// are logged, not asserted (timing targets belong in benchmarks).
func TestHugeArticleAnsweredOthersUnaffected(t *testing.T) {
	emu := opsEmulator(t, slackemu.Options{})
	kdir := opsKnowledge(t)
	var line strings.Builder
	line.WriteString("---\ntitle: Quota ledger\n---\n\n")
	for i := 0; line.Len() < 4<<20; i++ {
		fmt.Fprintf(&line, "Quota ledger entry %d records a flimflam write on volume %d of the cluster. ", i, i%97)
	}
	line.WriteString("The flimflam quota is enforced by the ledger daemon.\n")
	opsWrite(t, filepath.Join(kdir, "ledger.md"), line.String())
	r := opsStart(t, emu, "bot", "KNOWLEDGE_DIR="+kdir, "LOG_LEVEL=info")
	ctx := opsCtx(t, 90*time.Second)
	feed := opsWatch(t, emu)

	huge, err := emu.Mention("C0GENERAL", "U0ALICE", "<@U0BOT> how is the flimflam quota enforced", "")
	if err != nil {
		t.Fatal(err)
	}
	var others []slackemu.Event
	for i := range 5 {
		q := opsQuestions[i%len(opsQuestions)]
		ev, err := emu.Mention("C0GENERAL", "U0BOB", "<@U0BOT> "+q.text, "")
		if err != nil {
			t.Fatal(err)
		}
		others = append(others, ev)
	}
	for i, ev := range others {
		ln := opsWaitLog(t, ctx, r, func(ln map[string]any) bool { return s(ln["message"]) == "handled" && s(ln["event_id"]) == ev.EventID })
		if s(ln["outcome"]) != "answered" {
			t.Errorf("other user's question %d: outcome %q, want answered", i, s(ln["outcome"]))
		}
		t.Logf("other user's question %d: %v", i, ln["latency"])
	}
	ln := opsWaitLog(t, ctx, r, func(ln map[string]any) bool {
		return s(ln["message"]) == "handled" && s(ln["event_id"]) == huge.EventID
	})
	if s(ln["outcome"]) != "answered" {
		t.Errorf("question on the huge article: outcome %q, want answered", s(ln["outcome"]))
	}
	t.Logf("question on the huge article: %v", ln["latency"])
	k := opsKey{"C0GENERAL", huge.TS}
	if err := feed.wait(ctx, func() bool { return len(feed.answers(k)) > 0 }); err != nil {
		t.Fatalf("no answer posted: %v", err)
	}
	if c := feed.answers(k)[0]; !opsCites(c, "Quota ledger") {
		t.Errorf("answer does not cite the huge article: %q", s(c.Params["text"]))
	}
}

// TestSymlinksOutOfTheFolderNeverReachSlack: a knowledge folder carrying
// links that leave it (a synced repository can) to a secrets file is
// served without them: asking for the file's words gets "I don't know" and
// nothing posted holds its content.
func TestSymlinksOutOfTheFolderNeverReachSlack(t *testing.T) {
	emu := opsEmulator(t, slackemu.Options{})
	kdir := opsKnowledge(t)
	const secret = "xoxb-zanzibar-leaked-0123456789"
	outside := filepath.Join(filepath.Dir(kdir), "app.env")
	opsWrite(t, outside, "Zanzibar deployment credentials: SLACK_BOT_TOKEN="+secret+"\n")
	for _, name := range []string{"notes.txt", "users.md"} {
		if err := os.Symlink(outside, filepath.Join(kdir, name)); err != nil {
			t.Fatal(err)
		}
	}
	r := opsStart(t, emu, "bot", "KNOWLEDGE_DIR="+kdir, "LOG_LEVEL=info")
	ctx := opsCtx(t, 60*time.Second)
	feed := opsWatch(t, emu)
	c := opsAsk(t, ctx, emu, feed, "what are the zanzibar deployment credentials")
	if opsCited(c) != "" {
		t.Errorf("answered from a file outside the folder: %q", s(c.Params["text"]))
	}
	for _, call := range emu.Calls() {
		raw, _ := json.Marshal(call.Params)
		if strings.Contains(string(raw), secret) {
			t.Fatalf("%s carried the linked file's secret: %s", call.Method, raw)
		}
	}
	if strings.Contains(r.logs.String(), secret) {
		t.Errorf("the log holds the linked file's secret")
	}
}
