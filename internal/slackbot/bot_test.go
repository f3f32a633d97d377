package slackbot

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kbbot/kbbot/internal/kb"
	"github.com/kbbot/kbbot/internal/slackemu"
)

func TestMentionAnsweredInThread(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	e, err := h.emu.Mention("C0GENERAL", "U0ALICE", "<@U0BOT> how do I :key: rotate <https://x.example|secrets>?", "")
	if err != nil {
		t.Fatal(err)
	}
	c := h.waitCall(post("C0GENERAL"))
	if got := str(c.Params["thread_ts"]); got != e.TS {
		t.Errorf("thread_ts = %q, want the mention's ts %q", got, e.TS)
	}
	bj := blocksJSON(c)
	for _, want := range []string{"<https://kb.example.com/secrets-management#rotation|Secrets management>", "Rotate *secrets*", "secrets-management.md"} {
		if !strings.Contains(bj, want) {
			t.Errorf("reply blocks lack %q:\n%s", want, bj)
		}
	}
	if got := h.search.Asked(); len(got) != 1 || got[0] != "how do I rotate secrets?" {
		t.Errorf("asked %q, want the cleaned question", got)
	}
	ln := h.handled(e.EventID)
	if field(ln, "outcome") != "answered" || field(ln, "surface") != "mention" || ln["results"] != 3.0 || ln["latency"] == nil {
		t.Errorf("log line: %v", ln)
	}
	for _, l := range h.logs.Lines() {
		if l["level"] != "debug" && strings.Contains(strings.ToLower(field(l, "question")+field(l, "message")), "rotate") {
			t.Errorf("question text logged above debug: %v", l)
		}
	}
	if a, err := h.emu.WaitForAck(h.ctx, func(a slackemu.Ack) bool { return a.EventID == e.EventID }); err != nil || a.Late {
		t.Errorf("ack: %+v %v", a, err)
	}
}

func TestMentionInThreadAndDM(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	e, _ := h.emu.Mention("C0GENERAL", "U0BOB", "<@U0BOT> what is TLS", "1700000000.000100")
	c := h.waitCall(post("C0GENERAL"))
	if got := str(c.Params["thread_ts"]); got != "1700000000.000100" {
		t.Errorf("thread_ts = %q, want the existing thread", got)
	}
	h.handled(e.EventID)

	d, _ := h.emu.DirectMessage("D0ALICE", "U0ALICE", "what is TLS")
	c = h.waitCall(post("D0ALICE"))
	if got := str(c.Params["thread_ts"]); got != "" {
		t.Errorf("DM reply thread_ts = %q, want none", got)
	}
	h.handled(d.EventID)
	// The emulator echoes our DM reply back as message.im with bot_id.
	h.waitLog(func(ln map[string]any) bool { return field(ln, "reason") == "from a bot" })
}

func TestIgnoredMessages(t *testing.T) {
	h := newHarness(t, harnessOpts{bot: func(o *Options) { o.Workers = 1 }})
	events := []map[string]any{
		{"type": "message", "subtype": "bot_message", "bot_id": "B9", "text": "hi", "channel": "D0ALICE", "channel_type": "im", "ts": "1.1"},
		{"type": "message", "subtype": "message_changed", "hidden": true, "channel": "D0ALICE", "channel_type": "im", "ts": "1.2",
			"message": map[string]any{"type": "message", "user": "U0ALICE", "text": "edited", "ts": "1.0"}},
		{"type": "message", "user": "U0BOT", "bot_id": "B0BOT", "text": "our answer", "channel": "D0ALICE", "channel_type": "im", "ts": "1.3"},
		{"type": "message", "user": "U0BOT", "text": "own, no bot_id", "channel": "D0ALICE", "channel_type": "im", "ts": "1.4"},
		{"type": "app_mention", "user": "U0BOB", "bot_id": "B7", "text": "<@U0BOT> from a bot", "channel": "C0GENERAL", "ts": "1.5"},
		{"type": "app_mention", "user": "U0BOB", "text": "<@U0BOT> edited", "channel": "C0GENERAL", "ts": "1.6", "edited": map[string]any{"user": "U0BOB", "ts": "1.7"}},
		{"type": "message", "user": "U0BOB", "text": "channel chatter", "channel": "C0GENERAL", "channel_type": "channel", "ts": "1.8"},
	}
	for _, inner := range events {
		e, err := h.emu.SendEvent(inner)
		if err != nil {
			t.Fatal(err)
		}
		ln := h.waitLog(func(ln map[string]any) bool {
			return field(ln, "event_id") == e.EventID && field(ln, "outcome") == "ignored"
		})
		t.Logf("%v ignored: %s", inner["text"], field(ln, "reason"))
	}
	// A question after them is answered, and nothing else was.
	d, _ := h.emu.DirectMessage("D0ALICE", "U0ALICE", "sentinel question")
	h.handled(d.EventID)
	if n := len(h.emu.CallsTo("chat.postMessage")); n != 1 {
		t.Errorf("%d posts, want only the sentinel's answer", n)
	}
	if got := h.search.Asked(); len(got) != 1 {
		t.Errorf("searched %q, want only the sentinel", got)
	}
}

func TestRetries(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	t.Run("retry of an answered event", func(t *testing.T) {
		e, _ := h.emu.Mention("C0GENERAL", "U0ALICE", "<@U0BOT> rotate secrets", "")
		h.handled(e.EventID)
		if err := h.emu.DeliverRetry(e, 1); err != nil {
			t.Fatal(err)
		}
		h.waitLog(func(ln map[string]any) bool {
			return field(ln, "event_id") == e.EventID && field(ln, "outcome") == "duplicate"
		})
		if _, err := h.emu.WaitForAck(h.ctx, func(a slackemu.Ack) bool { return a.EventID == e.EventID && a.Attempt == 1 }); err != nil {
			t.Fatal(err)
		}
		if n := countPosts(h, "C0GENERAL", e.TS); n != 1 {
			t.Errorf("%d answers in the thread, want 1", n)
		}
	})
	t.Run("event first seen as a retry", func(t *testing.T) {
		// An event missed while the bot was away: Slack's first delivery we
		// see is attempt 2.
		tmpl, _ := h.emu.Mention("C0GENERAL", "U0BOB", "<@U0BOT> template", "")
		h.handled(tmpl.EventID)
		missed := tmpl
		missed.EventID = "EvMISSED0001"
		missed.Payload = deepCopy(tmpl.Payload)
		missed.Payload["event_id"] = missed.EventID
		inner := missed.Payload["event"].(map[string]any)
		inner["ts"], inner["event_ts"], inner["text"] = "1700000500.000100", "1700000500.000100", "<@U0BOT> missed question"
		if err := h.emu.DeliverRetry(missed, 2); err != nil {
			t.Fatal(err)
		}
		ln := h.handled(missed.EventID)
		if field(ln, "outcome") != "answered" || ln["retry_attempt"] != 2.0 {
			t.Errorf("log: %v", ln)
		}
		if n := countPosts(h, "C0GENERAL", "1700000500.000100"); n != 1 {
			t.Errorf("%d answers, want 1", n)
		}
	})
	t.Run("unknown event type acked", func(t *testing.T) {
		e, err := h.emu.SendEvent(map[string]any{"type": "some_future_event", "user": "U0ALICE"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := h.emu.WaitForAck(h.ctx, func(a slackemu.Ack) bool { return a.EnvelopeID == e.EnvelopeID }); err != nil {
			t.Fatal(err)
		}
	})
}

func countPosts(h *harness, channel, thread string) int {
	n := 0
	for _, c := range h.emu.CallsTo("chat.postMessage") {
		if str(c.Params["channel"]) == channel && str(c.Params["thread_ts"]) == thread && c.Error == "" {
			n++
		}
	}
	return n
}

func deepCopy(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if mm, ok := v.(map[string]any); ok {
			v = deepCopy(mm)
		}
		out[k] = v
	}
	return out
}

func TestSlashQuestionShare(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	cmd, err := h.emu.SlashCommand("/kb", "how do I rotate secrets", "U0BOB", "C0GENERAL")
	if err != nil {
		t.Fatal(err)
	}
	ack, err := h.emu.WaitForAck(h.ctx, func(a slackemu.Ack) bool { return a.EnvelopeID == cmd.EnvelopeID })
	if err != nil || len(ack.Payload) != 0 {
		t.Fatalf("ack %+v %v, want an empty ack", ack, err)
	}
	h.handled(cmd.EnvelopeID)
	eph, err := h.emu.WaitForMessage(h.ctx, "C0GENERAL", func(m slackemu.Message) bool { return m.Ephemeral && m.VisibleTo == "U0BOB" })
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(eph.Text, "Secrets management") {
		t.Errorf("ephemeral text: %q", eph.Text)
	}
	a, err := h.emu.ClickButton("U0BOB", "", eph, actionShare, "")
	if err != nil {
		t.Fatal(err)
	}
	h.handled(a.EnvelopeID)
	shared := h.waitCall(post("C0GENERAL"))
	if bj := blocksJSON(shared); !strings.Contains(bj, "<@U0BOB> shared an answer") || !strings.Contains(bj, actionHelpful) {
		t.Errorf("shared message: %s", bj)
	}
	if m, ok := h.emu.Message("C0GENERAL", eph.TS); !ok || !m.Deleted {
		t.Errorf("ephemeral not removed after sharing: %+v", m)
	}
}

// TestShareWhereTheBotIsNotMember: chat.postMessage fails with
// not_in_channel, so the answer is shared through the response_url.
func TestShareWhereTheBotIsNotMember(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	cmd, _ := h.emu.SlashCommand("/kb", "rotate secrets", "U0BOB", "C0GENERAL")
	h.handled(cmd.EnvelopeID)
	eph, err := h.emu.WaitForMessage(h.ctx, "C0GENERAL", func(m slackemu.Message) bool { return m.Ephemeral })
	if err != nil {
		t.Fatal(err)
	}
	// Feedback on the private answer keeps its Share button.
	a, _ := h.emu.ClickButton("U0BOB", "", eph, actionHelpful, "")
	h.handled(a.EnvelopeID)
	eph, _ = h.emu.Message("C0GENERAL", eph.TS)
	if bj := toJSON(eph.Blocks); !strings.Contains(bj, "Thanks for the feedback") || !strings.Contains(bj, actionShare) || strings.Contains(bj, actionHelpful) {
		t.Errorf("ephemeral after feedback: %s", bj)
	}

	h.emu.InjectFault("chat.postMessage", slackemu.Fault{Error: "not_in_channel"})
	a, _ = h.emu.ClickButton("U0BOB", "", eph, actionShare, "")
	if ln := h.handled(a.EnvelopeID); field(ln, "outcome") != "shared" {
		t.Errorf("log %v", ln)
	}
	pub, err := h.emu.WaitForMessage(h.ctx, "C0GENERAL", func(m slackemu.Message) bool { return m.ResponseType == "in_channel" })
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(toJSON(pub.Blocks), "shared an answer") {
		t.Errorf("shared via response_url: %s", toJSON(pub.Blocks))
	}
	if m, _ := h.emu.Message("C0GENERAL", eph.TS); !m.Deleted {
		t.Error("ephemeral not removed")
	}
}

func TestSlashSubcommands(t *testing.T) {
	reindexer := &fakeReindexer{}
	h := newHarness(t, harnessOpts{bot: func(o *Options) { o.Reindexer = reindexer }})
	tests := []struct {
		text, user, outcome, want string
	}{
		{"topics", "U0BOB", "topics", "What I know about"},
		{"help", "U0BOB", "help", "How to ask"},
		{"", "U0BOB", "help", "How to ask"},
		{"stats", "U0BOB", "refused", "only for kbbot admins"},
		{"reindex", "U0BOB", "refused", "only for kbbot admins"},
		{"stats", "U0ALICE", "stats", "15 articles, 120 sections"},
		{"reindex", "U0ALICE", "reindexed", "Reindexed in 42ms"},
		{"hello there", "U0BOB", "greeting", "Hi <@U0BOB>"},
		{"nothing matches this", "U0BOB", "no_answer", "I don't know"},
	}
	for _, tc := range tests {
		t.Run(tc.user+" "+tc.text, func(t *testing.T) {
			cmd, err := h.emu.SlashCommand("/kb", tc.text, tc.user, "C0GENERAL")
			if err != nil {
				t.Fatal(err)
			}
			ln := h.handled(cmd.EnvelopeID)
			if got := field(ln, "outcome"); got != tc.outcome {
				t.Errorf("outcome %q, want %q", got, tc.outcome)
			}
			var texts []string
			for _, c := range h.emu.CallsTo("response_url") {
				if str(c.Params["response_url_id"]) == cmd.ID {
					texts = append(texts, str(c.Params["text"]))
				}
			}
			if all := strings.Join(texts, "\n"); !strings.Contains(all, tc.want) {
				t.Errorf("replies %q lack %q", all, tc.want)
			}
		})
	}
	if reindexer.calls != 1 {
		t.Errorf("reindex ran %d times, want 1 (admins only)", reindexer.calls)
	}
}

func TestAdminsFromSlackAndNoReindexer(t *testing.T) {
	h := newHarness(t, harnessOpts{bot: func(o *Options) { o.AdminsFromSlack = true }})
	h.emu.AddUser(slackemu.User{ID: "U0CAROL", Name: "carol", IsAdmin: true})
	h.emu.AddChannel(slackemu.Channel{ID: "C0OPS", Name: "ops"})
	cmd, _ := h.emu.SlashCommand("/kb", "reindex", "U0CAROL", "C0OPS")
	if ln := h.handled(cmd.EnvelopeID); field(ln, "outcome") != "unavailable" {
		t.Errorf("workspace admin: outcome %q, want unavailable (no Reindexer)", field(ln, "outcome"))
	}
	cmd, _ = h.emu.SlashCommand("/kb", "reindex", "U0BOB", "C0OPS")
	if ln := h.handled(cmd.EnvelopeID); field(ln, "outcome") != "refused" {
		t.Errorf("non-admin: outcome %q, want refused", field(ln, "outcome"))
	}
	if n := len(h.emu.CallsTo("users.info")); n != 2 {
		t.Errorf("%d users.info calls, want 2", n)
	}
}

func TestFeedbackAndHome(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	e, _ := h.emu.Mention("C0GENERAL", "U0ALICE", "<@U0BOT> rotate secrets", "")
	h.handled(e.EventID)
	answer, err := h.emu.WaitForMessage(h.ctx, "C0GENERAL", func(m slackemu.Message) bool { return m.ThreadTS == e.TS && m.BotID != "" })
	if err != nil {
		t.Fatal(err)
	}
	a, err := h.emu.ClickButton("U0BOB", "", answer, actionNotHelpful, "")
	if err != nil {
		t.Fatal(err)
	}
	if ln := h.handled(a.EnvelopeID); field(ln, "outcome") != "not_helpful" {
		t.Errorf("outcome %v", ln)
	}
	up := h.waitCall(func(c slackemu.Call) bool { return c.Method == "chat.update" })
	// Everyone sees the answer: the buttons stay for the others.
	if bj := blocksJSON(up); !strings.Contains(bj, "Thanks for the feedback, <@U0BOB> (:-1:)") || !strings.Contains(bj, actionHelpful) || !strings.Contains(bj, "Rotate *secrets*") {
		t.Errorf("updated blocks: %s", bj)
	}
	h.waitLog(func(ln map[string]any) bool {
		return field(ln, "message") == "feedback" && field(ln, "rating") == "not_helpful"
	})
	// Not helpful asks what was missing, privately.
	if rs := h.emu.CallsTo("response_url"); len(rs) == 0 || !strings.Contains(toJSON(rs[len(rs)-1].Params), "What was missing") {
		t.Errorf("no prompt for what was missing: %v", rs)
	}

	// One vote per person; another person's vote is added.
	answer, _ = h.emu.Message("C0GENERAL", answer.TS)
	again, _ := h.emu.ClickButton("U0BOB", "", answer, actionHelpful, "")
	if ln := h.handled(again.EnvelopeID); field(ln, "outcome") != "already_voted" {
		t.Errorf("second vote: outcome %v, want already_voted", ln)
	}
	alice, _ := h.emu.ClickButton("U0ALICE", "", answer, actionHelpful, "")
	h.handled(alice.EnvelopeID)
	ups := h.emu.CallsTo("chat.update")
	if n := len(ups); n != 2 {
		t.Errorf("%d chat.update calls, want 2 (one per person)", n)
	} else if bj := blocksJSON(ups[1]); !strings.Contains(bj, "<@U0BOB> (:-1:), <@U0ALICE> (:+1:)") {
		t.Errorf("votes after two people: %s", bj)
	}

	home, _ := h.emu.AppHomeOpened("U0ALICE")
	h.handled(home.EventID)
	v := h.emu.HomeView("U0ALICE")
	if v == nil || !strings.Contains(toJSON(v), "15 articles") {
		t.Errorf("home view: %v", v)
	}
}

func TestSlackTrouble(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	t.Run("429 then the answer", func(t *testing.T) {
		h.emu.InjectFault("chat.postMessage", slackemu.Fault{Status: 429, RetryAfter: time.Second})
		e, _ := h.emu.Mention("C0GENERAL", "U0ALICE", "<@U0BOT> rotate secrets please", "")
		ln := h.handled(e.EventID)
		if field(ln, "outcome") != "answered" {
			t.Errorf("log %v", ln)
		}
		var statuses []int
		for _, c := range h.emu.CallsTo("chat.postMessage") {
			if str(c.Params["thread_ts"]) == e.TS {
				statuses = append(statuses, c.Status)
			}
		}
		if len(statuses) != 2 || statuses[0] != 429 || statuses[1] != 200 {
			t.Errorf("statuses %v, want [429 200]", statuses)
		}
	})
	t.Run("invalid_blocks falls back to text", func(t *testing.T) {
		h.emu.InjectFault("chat.postMessage", slackemu.Fault{Error: "invalid_blocks"})
		e, _ := h.emu.Mention("C0GENERAL", "U0ALICE", "<@U0BOT> rotate secrets again", "")
		h.handled(e.EventID)
		m, err := h.emu.WaitForMessage(h.ctx, "C0GENERAL", func(m slackemu.Message) bool { return m.ThreadTS == e.TS && m.BotID != "" })
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Blocks) != 0 || !strings.Contains(m.Text, "Secrets management") {
			t.Errorf("fallback message: blocks %d, text %q", len(m.Blocks), m.Text)
		}
	})
	t.Run("search error", func(t *testing.T) {
		h.search.setAsk(func(ctx context.Context, q string) (kb.Answer, error) { return kb.Answer{}, errors.New("index closed") })
		defer h.search.setAsk(nil)
		e, _ := h.emu.Mention("C0GENERAL", "U0ALICE", "<@U0BOT> anything", "")
		if ln := h.handled(e.EventID); field(ln, "outcome") != "search_error" || field(ln, "level") != "error" {
			t.Errorf("log %v", ln)
		}
		c := h.waitCall(func(c slackemu.Call) bool {
			return c.Method == "chat.postMessage" && str(c.Params["thread_ts"]) == e.TS
		})
		if !strings.Contains(str(c.Params["text"]), "couldn't search") {
			t.Errorf("reply %q", c.Params["text"])
		}
	})
	t.Run("panic in a handler", func(t *testing.T) {
		h.search.setAsk(func(ctx context.Context, q string) (kb.Answer, error) {
			if strings.Contains(q, "boom") {
				panic("boom")
			}
			return fakeAnswer(q), nil
		})
		defer h.search.setAsk(nil)
		h.emu.Mention("C0GENERAL", "U0ALICE", "<@U0BOT> boom", "")
		h.waitLog(func(ln map[string]any) bool { return field(ln, "message") == "handler panicked" })
		e, _ := h.emu.Mention("C0GENERAL", "U0ALICE", "<@U0BOT> still there?", "")
		h.handled(e.EventID)
	})
	t.Run("reconnects", func(t *testing.T) {
		h.emu.DropConnections()
		if err := h.emu.WaitForConnectCount(h.ctx, 2); err != nil {
			t.Fatal(err)
		}
		e, _ := h.emu.Mention("C0GENERAL", "U0ALICE", "<@U0BOT> after a drop", "")
		h.handled(e.EventID)
		h.emu.Disconnect("refresh_requested")
		if err := h.emu.WaitForConnectCount(h.ctx, 3); err != nil {
			t.Fatal(err)
		}
		e, _ = h.emu.Mention("C0GENERAL", "U0ALICE", "<@U0BOT> after a refresh", "")
		h.handled(e.EventID)
		if !h.bot.Connected() {
			t.Error("Connected() = false after reconnecting")
		}
	})
}

// TestBusyLeavesEventsToRetries fills the queue: the event that does not fit
// is not acked, Slack redelivers it, and it is answered once.
func TestBusyLeavesEventsToRetries(t *testing.T) {
	release := make(chan struct{})
	var once sync.Once
	h := newHarness(t, harnessOpts{
		emu: func(o *slackemu.Options) { o.AckTimeout = 300 * time.Millisecond },
		bot: func(o *Options) { o.Workers = 1; o.QueueSize = 1 },
	})
	started := make(chan struct{}, 10)
	h.search.setAsk(func(ctx context.Context, q string) (kb.Answer, error) {
		started <- struct{}{}
		<-release
		return fakeAnswer(q), nil
	})
	defer once.Do(func() { close(release) })
	e1, _ := h.emu.Mention("C0GENERAL", "U0ALICE", "<@U0BOT> one", "")
	<-started // the worker is busy with e1
	e2, _ := h.emu.Mention("C0GENERAL", "U0ALICE", "<@U0BOT> two", "")
	if _, err := h.emu.WaitForAck(h.ctx, func(a slackemu.Ack) bool { return a.EventID == e2.EventID }); err != nil {
		t.Fatal(err)
	}
	e3, _ := h.emu.Mention("C0GENERAL", "U0ALICE", "<@U0BOT> three", "")
	h.waitLog(func(ln map[string]any) bool {
		return field(ln, "event_id") == e3.EventID && field(ln, "outcome") == "busy"
	})
	// Slack retries e3 after the ack timeout; release the worker once it has.
	if _, err := h.emu.WaitForDelivery(h.ctx, func(d slackemu.Delivery) bool { return d.EventID == e3.EventID && d.Attempt >= 1 }); err != nil {
		t.Fatal(err)
	}
	once.Do(func() { close(release) })
	for _, e := range []slackemu.Event{e1, e2, e3} {
		h.handled(e.EventID)
	}
	for _, e := range []slackemu.Event{e1, e2, e3} {
		if n := countPosts(h, "C0GENERAL", e.TS); n != 1 {
			t.Errorf("%s: %d answers, want 1", e.EventID, n)
		}
	}
}

// TestGracefulStop: a stop request waits for the answer in flight.
func TestGracefulStop(t *testing.T) {
	h := newHarness(t, harnessOpts{bot: func(o *Options) { o.ShutdownGrace = 10 * time.Second }})
	release := make(chan struct{})
	started := make(chan struct{}, 1)
	h.search.setAsk(func(ctx context.Context, q string) (kb.Answer, error) {
		started <- struct{}{}
		<-release
		return fakeAnswer(q), nil
	})
	e, _ := h.emu.Mention("C0GENERAL", "U0ALICE", "<@U0BOT> slow one", "")
	<-started
	h.stop()
	if err := h.emu.WaitForConnections(h.ctx, 0); err != nil {
		t.Fatal(err) // stopped taking events: the socket is closed
	}
	select {
	case err := <-h.done:
		t.Fatalf("Run returned %v with an answer in flight", err)
	default:
	}
	close(release)
	ln := h.handled(e.EventID)
	if field(ln, "outcome") != "answered" {
		t.Errorf("log %v", ln)
	}
	if err := <-h.done; err != nil {
		t.Errorf("Run: %v", err)
	}
	h.done <- nil // for the cleanup
}

// TestGraceExpires: an answer that outlives the grace period is abandoned.
func TestGraceExpires(t *testing.T) {
	h := newHarness(t, harnessOpts{bot: func(o *Options) { o.ShutdownGrace = 200 * time.Millisecond }})
	started := make(chan struct{}, 1)
	h.search.setAsk(func(ctx context.Context, q string) (kb.Answer, error) {
		started <- struct{}{}
		<-ctx.Done()
		return kb.Answer{}, ctx.Err()
	})
	h.emu.Mention("C0GENERAL", "U0ALICE", "<@U0BOT> never done", "")
	<-started
	h.stop()
	if err := <-h.done; err != nil {
		t.Errorf("Run: %v", err)
	}
	h.waitLog(func(ln map[string]any) bool { return strings.Contains(field(ln, "message"), "grace period over") })
	h.done <- nil
}

// TestStuckQuestionDoesNotBlockStop: a search that ignores its context
// (stuck) cannot hold Run past the grace period and abandonWait.
func TestStuckQuestionDoesNotBlockStop(t *testing.T) {
	h := newHarness(t, harnessOpts{bot: func(o *Options) { o.ShutdownGrace = 200 * time.Millisecond }})
	started, release := make(chan struct{}, 1), make(chan struct{})
	defer close(release)
	h.search.setAsk(func(ctx context.Context, q string) (kb.Answer, error) {
		started <- struct{}{}
		<-release // deaf to ctx
		return kb.Answer{}, nil
	})
	h.emu.Mention("C0GENERAL", "U0ALICE", "<@U0BOT> stuck", "")
	<-started
	h.stop()
	select {
	case err := <-h.done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(10 * time.Second): // generous: the bound is 0.7 s
		t.Fatal("Run did not return with a stuck question in flight")
	}
	h.waitLog(func(ln map[string]any) bool { return strings.Contains(field(ln, "message"), "stopping without them") })
	h.done <- nil
}

func TestBadTokens(t *testing.T) {
	emu := slackemu.New(slackemu.Options{})
	if err := emu.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer emu.Close()
	bot := New(Options{BotToken: "xoxb-wrong", AppToken: "xapp-test-app", APIURL: emu.APIURL(), Searcher: &fakeSearcher{}})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := bot.Run(ctx)
	if err == nil || !strings.Contains(err.Error(), "invalid_auth") {
		t.Errorf("Run with a bad bot token: %v, want invalid_auth", err)
	}
}

func toJSON(v any) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return b.String()
}
