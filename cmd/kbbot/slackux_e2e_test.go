package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kbbot/kbbot/internal/config"
	"github.com/kbbot/kbbot/internal/slackemu"
)

// TestHelpChannelsE2E runs the real binary with a help channel and experts
// configured, and checks the surfaces beyond a direct question: answers in
// the help channel only when confident, follow-ups read with their thread's
// question, the Ask kbbot shortcut, and Ask an expert once per thread.
func TestHelpChannelsE2E(t *testing.T) {
	for _, mode := range []string{config.ModeSocket, config.ModeHTTP} {
		t.Run(mode, func(t *testing.T) { testHelpChannelsE2E(t, mode) })
	}
}

func testHelpChannelsE2E(t *testing.T, mode string) {
	kdir := copyKnowledge(t)
	p := filepath.Join(kdir, "database-indexes.md")
	b, _ := os.ReadFile(p)
	if err := os.WriteFile(p, []byte(strings.Replace(string(b), "---\n", "---\nowner: dba\n", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	emu := slackemu.New(slackemu.Options{})
	emu.AddChannel(slackemu.Channel{ID: "C0HELP", Name: "help-backend"})
	if err := emu.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer emu.Close()
	bot := startBot(t, emu, append(botEnv(t, emu, "KNOWLEDGE_DIR="+kdir,
		"AUTO_ANSWER_CHANNELS=#help-backend", // by name: looked up with conversations.info
		"EXPERTS=dba:S0DBA", "DEFAULT_EXPERTS=U0BOB"), modeEnv(emu, mode)...))
	e := &e2e{t: t, emu: emu, bot: bot}
	defer func() {
		bot.kill()
		if t.Failed() {
			t.Logf("bot log:\n%s", bot.logs)
		}
	}()
	post := func(t *testing.T, channel, user, text, thread string) slackemu.Event {
		t.Helper()
		ev, err := emu.ChannelMessage(channel, user, text, thread)
		if err != nil {
			t.Fatal(err)
		}
		return ev
	}
	// silent waits for the bot to decide on an event and checks it said nothing.
	silent := func(t *testing.T, ev slackemu.Event, outcome string) {
		t.Helper()
		e.waitLog(t, func(ln map[string]any) bool { return s(ln["event_id"]) == ev.EventID && s(ln["outcome"]) == outcome })
		if n := e.countReplies(ev.Channel, ev.TS); n != 0 {
			t.Errorf("%d replies to %q, want none", n, ev.Payload["event"].(map[string]any)["text"])
		}
	}

	var helpQ slackemu.Event
	t.Run("help channel: a question is answered in a thread", func(t *testing.T) {
		helpQ = post(t, "C0HELP", "U0ALICE", "how do I stop TLS certificates from expiring?", "")
		bj := jsonText(e.reply(t, "C0HELP", helpQ.TS).Params["blocks"])
		if !strings.Contains(bj, "TLS certificates") || strings.Contains(bj, "You asked") {
			t.Errorf("answer (from the TLS article, without restating the question above it):\n%s", bj)
		}
	})
	t.Run("help channel: chatter and off-topic questions get silence", func(t *testing.T) {
		silent(t, post(t, "C0HELP", "U0BOB", "deploying the new build to staging now", ""), "silent")
		silent(t, post(t, "C0HELP", "U0BOB", "lunch?", ""), "silent")
		silent(t, post(t, "C0HELP", "U0BOB", "what time is the all-hands meeting on Friday?", ""), "silent")
	})
	t.Run("other channels: questions nobody asked the bot are left alone", func(t *testing.T) {
		ev := post(t, "C0GENERAL", "U0BOB", "how do I stop TLS certificates from expiring?", "")
		e.waitLog(t, func(ln map[string]any) bool { return s(ln["event_id"]) == ev.EventID && s(ln["outcome"]) == "ignored" })
		if n := e.countReplies("C0GENERAL", ev.TS); n != 0 {
			t.Errorf("%d replies in a channel that is not a help channel", n)
		}
	})
	t.Run("help channel: a follow-up in the thread is read with its question", func(t *testing.T) {
		before := e.countReplies("C0HELP", helpQ.TS)
		ev := post(t, "C0HELP", "U0ALICE", "and how often?", helpQ.TS)
		e.handled(t, ev.EventID)
		if n := e.countReplies("C0HELP", helpQ.TS); n != before+1 {
			t.Fatalf("%d new replies in the thread, want 1", n-before)
		}
		last := e.emu.CallsTo("chat.postMessage")
		bj := jsonText(last[len(last)-1].Params["blocks"])
		// The thread's question decides the first article; others may follow.
		if first, _, _ := strings.Cut(bj, "divider"); !strings.Contains(first, "TLS certificates") {
			t.Errorf("follow-up answered first from the wrong article:\n%s", bj)
		}
		silent(t, post(t, "C0HELP", "U0ALICE", "thanks!", helpQ.TS), "silent")
	})
	t.Run("mention in a thread the bot answered uses the thread's question", func(t *testing.T) {
		q := e.mention(t, "C0GENERAL", "how do I stop TLS certificates from expiring?", "")
		e.reply(t, "C0GENERAL", q.TS)
		f := e.mention(t, "C0GENERAL", "and how often?", q.TS)
		e.handled(t, f.EventID)
		calls := e.emu.CallsTo("chat.postMessage")
		if bj := jsonText(calls[len(calls)-1].Params["blocks"]); !strings.Contains(bj, "TLS certificates") {
			t.Errorf("follow-up with context:\n%s", bj)
		}
		// The same words alone, in a new thread, are about secrets: the context decided.
		alone := e.mention(t, "C0GENERAL", "and how often?", "")
		if bj := jsonText(e.reply(t, "C0GENERAL", alone.TS).Params["blocks"]); strings.Contains(bj, "TLS certificates") {
			t.Errorf("without a thread the follow-up should not find the TLS article:\n%s", bj)
		}
	})
	t.Run("Ask kbbot shortcut answers privately with Share", func(t *testing.T) {
		ev := post(t, "C0GENERAL", "U0BOB", "how do I rotate a leaked API key?", "")
		msg, _ := emu.Message("C0GENERAL", ev.TS)
		a, err := emu.MessageShortcut("U0ALICE", msg, "ask_kbbot")
		if err != nil {
			t.Fatal(err)
		}
		e.waitLog(t, func(ln map[string]any) bool {
			return s(ln["envelope_id"]) == a.EnvelopeID && s(ln["message"]) == "handled"
		})
		rs := e.responses(a.ID)
		if len(rs) != 1 {
			t.Fatalf("%d responses, want 1", len(rs))
		}
		bj := jsonText(rs[0].Params)
		if s(rs[0].Params["response_type"]) == "in_channel" || !strings.Contains(bj, "kb_share") || !strings.Contains(bj, "Secret rotation") {
			t.Errorf("shortcut response (want ephemeral, with Share):\n%s", bj)
		}
		if n := e.countReplies("C0GENERAL", ev.TS); n != 0 {
			t.Errorf("%d public replies to a shortcut", n)
		}
	})
	t.Run("Ask an expert mentions the article's owner once per thread", func(t *testing.T) {
		q := e.mention(t, "C0GENERAL", "what is a database index?", "")
		c := e.reply(t, "C0GENERAL", q.TS)
		answer, _ := emu.Message("C0GENERAL", s(c.Response["ts"]))
		if _, err := emu.ClickButton("U0ALICE", "", answer, "kb_expert", ""); err != nil {
			t.Fatal(err)
		}
		handover := e.waitCall(t, func(c slackemu.Call) bool {
			return c.Method == "chat.postMessage" && s(c.Params["thread_ts"]) == q.TS && strings.Contains(s(c.Params["text"]), "could you help")
		})
		if txt := s(handover.Params["text"]); !strings.Contains(txt, "<!subteam^S0DBA>") || strings.Contains(txt, "U0BOB") {
			t.Errorf("hand-over %q: want the owner's group S0DBA only", txt)
		}
		a, err := emu.ClickButton("U0BOB", "", answer, "kb_expert", "")
		if err != nil {
			t.Fatal(err)
		}
		e.waitLog(t, func(ln map[string]any) bool {
			return s(ln["envelope_id"]) == a.EnvelopeID && s(ln["outcome"]) == "already_asked"
		})
		n := 0
		for _, c := range emu.CallsTo("chat.postMessage") {
			if strings.Contains(s(c.Params["text"]), "could you help") {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d hand-overs, want 1", n)
		}
	})
	t.Run("I don't know offers Ask an expert, who are the defaults", func(t *testing.T) {
		q := e.mention(t, "C0GENERAL", "what is the airspeed of an unladen swallow?", "")
		c := e.reply(t, "C0GENERAL", q.TS)
		if !strings.Contains(jsonText(c.Params["blocks"]), "kb_expert") {
			t.Fatalf("no Ask an expert under I don't know:\n%s", jsonText(c.Params["blocks"]))
		}
		m, _ := emu.Message("C0GENERAL", s(c.Response["ts"]))
		if _, err := emu.ClickButton("U0ALICE", "", m, "kb_expert", ""); err != nil {
			t.Fatal(err)
		}
		h := e.waitCall(t, func(c slackemu.Call) bool {
			return c.Method == "chat.postMessage" && s(c.Params["thread_ts"]) == q.TS && strings.Contains(s(c.Params["text"]), "could you help")
		})
		if !strings.Contains(s(h.Params["text"]), "<@U0BOB>") {
			t.Errorf("hand-over %q: want DEFAULT_EXPERTS U0BOB", h.Params["text"])
		}
	})
}
