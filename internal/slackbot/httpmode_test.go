package slackbot

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kbbot/kbbot/internal/kb"
	"github.com/kbbot/kbbot/internal/slackemu"
)

func httpHarness(t *testing.T, ho harnessOpts) *harness {
	bot := ho.bot
	ho.bot = func(o *Options) {
		o.Mode, o.HTTPAddr, o.SigningSecret = ModeHTTP, "127.0.0.1:0", "emulated-signing-secret"
		if bot != nil {
			bot(o)
		}
	}
	return newHarness(t, ho)
}

// TestHTTPModeSameHandlers: over HTTP a mention, a DM, a slash command, a
// click and the App Home take the same paths as over Socket Mode.
func TestHTTPModeSameHandlers(t *testing.T) {
	h := httpHarness(t, harnessOpts{})
	ev, err := h.emu.Mention("C0GENERAL", "U0ALICE", "<@U0BOT> how do I rotate keys", "")
	if err != nil {
		t.Fatal(err)
	}
	reply := h.waitCall(func(c slackemu.Call) bool { return post("C0GENERAL")(c) && str(c.Params["thread_ts"]) == ev.TS })
	if ln := h.handled(ev.EventID); field(ln, "outcome") != "answered" || field(ln, "surface") != "mention" {
		t.Errorf("mention: %v", ln)
	}
	dm, err := h.emu.DirectMessage("D0BOB", "U0BOB", "what is an index")
	if err != nil {
		t.Fatal(err)
	}
	h.waitCall(post("D0BOB"))
	h.handled(dm.EventID)
	cmd, err := h.emu.SlashCommand("/kb", "topics", "U0BOB", "C0GENERAL")
	if err != nil {
		t.Fatal(err)
	}
	if ln := h.handled(cmd.TriggerID); field(ln, "outcome") != "topics" {
		t.Errorf("slash: %v", ln)
	}
	msg, ok := h.emu.Message("C0GENERAL", str(reply.Response["ts"]))
	if !ok {
		t.Fatalf("no message %v", reply.Response["ts"])
	}
	click, err := h.emu.ClickButton("U0BOB", "", msg, actionHelpful, "")
	if err != nil {
		t.Fatal(err)
	}
	if ln := h.handled(click.TriggerID); field(ln, "outcome") != "helpful" {
		t.Errorf("click: %v", ln)
	}
	home, err := h.emu.AppHomeOpened("U0ALICE")
	if err != nil {
		t.Fatal(err)
	}
	if ln := h.handled(home.EventID); field(ln, "outcome") != "published" {
		t.Errorf("home: %v", ln)
	}
	if !h.bot.Connected() {
		t.Error("Connected false while serving")
	}
}

// TestHTTPModeBusy: requests arrive concurrently; those the queue has no
// room for get 503 and Slack's retries are answered once there is room.
// Each question is answered exactly once.
func TestHTTPModeBusy(t *testing.T) {
	release := make(chan struct{})
	h := httpHarness(t, harnessOpts{
		emu: func(o *slackemu.Options) {
			o.RetryDelays = []time.Duration{200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond}
		},
		bot: func(o *Options) { o.Workers, o.QueueSize = 1, 2 },
	})
	h.search.setAsk(func(ctx context.Context, q string) (kb.Answer, error) {
		select {
		case <-release:
		case <-ctx.Done():
		}
		return fakeAnswer(q), nil
	})
	const n = 6
	evs := make([]slackemu.Event, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			ev, err := h.emu.Mention("C0GENERAL", "U0ALICE", fmt.Sprintf("<@U0BOT> question %d", i), "")
			if err != nil {
				t.Error(err)
			}
			evs[i] = ev
		})
	}
	wg.Wait()
	// At most three fit (one on the worker, two queued): three or more are
	// refused with 503 before the searcher is released.
	if err := h.emu.WaitUntil(h.ctx, func() bool {
		refused := 0
		for _, p := range h.emu.Problems() {
			if p.Kind == "ack_timeout" && strings.Contains(p.Detail, "HTTP 503") {
				refused++
			}
		}
		return refused >= n-3
	}); err != nil {
		t.Fatal(err)
	}
	close(release)
	for _, ev := range evs {
		h.handled(ev.EventID)
	}
	for _, ev := range evs {
		got := 0
		for _, c := range h.emu.CallsTo("chat.postMessage") {
			if str(c.Params["thread_ts"]) == ev.TS {
				got++
			}
		}
		if got != 1 {
			t.Errorf("event %s: %d answers, want 1", ev.EventID, got)
		}
	}
	for _, p := range h.emu.Problems() {
		if p.Kind == "retries_exhausted" {
			t.Errorf("lost: %+v", p)
		}
	}
}
