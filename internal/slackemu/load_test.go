package slackemu

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// TestConcurrentBotsAndSenders runs three slack-go clients while eight
// goroutines send events and post messages; every event must be acked once.
func TestConcurrentBotsAndSenders(t *testing.T) {
	s := startServer(t, Options{})
	ctx := testCtx(t)
	bots := []*testBot{startBot(t, s, true), startBot(t, s, true), startBot(t, s, true)}
	for _, b := range bots {
		b.next(t, ctx, socketmode.EventTypeHello)
	}
	if err := s.WaitForConnections(ctx, 3); err != nil {
		t.Fatal(err)
	}

	const senders, each = 8, 25
	ids := make(chan string, senders*each)
	var wg sync.WaitGroup
	for g := range senders {
		wg.Go(func() {
			api := newAPI(s)
			for i := range each {
				ev, err := s.Mention("C0GENERAL", "U0ALICE", fmt.Sprintf("<@U0BOT> q%d-%d", g, i), "")
				if err != nil {
					t.Error(err)
					return
				}
				ids <- ev.EventID
				if _, _, err := api.PostMessage("C0GENERAL", slack.MsgOptionText("a", false), slack.MsgOptionTS(ev.TS)); err != nil {
					t.Error(err)
					return
				}
				_ = s.Messages("C0GENERAL")
				_ = s.Deliveries()
			}
		})
	}
	wg.Wait()
	close(ids)

	want := map[string]bool{}
	for id := range ids {
		want[id] = true
	}
	err := s.WaitUntil(ctx, func() bool { return len(s.Acks()) >= len(want) })
	if err != nil {
		t.Fatalf("acks: got %d of %d: %v", len(s.Acks()), len(want), err)
	}
	acked := map[string]int{}
	conns := map[int]bool{}
	for _, a := range s.Acks() {
		acked[a.EventID]++
		conns[a.Conn] = true
	}
	for id := range want {
		if acked[id] != 1 {
			t.Errorf("event %s acked %d times, want 1", id, acked[id])
		}
	}
	if len(conns) != 3 {
		t.Errorf("acks came over %d connections, want 3", len(conns))
	}
	if got := len(s.Messages("C0GENERAL")); got != 2*senders*each {
		t.Errorf("history: got %d messages, want %d", got, 2*senders*each)
	}
	if p := s.Problems(); len(p) != 0 {
		t.Errorf("problems: %+v", p)
	}
}

// BenchmarkMentionRoundTrip measures one event delivered to slack-go, acked,
// and answered with chat.postMessage.
func BenchmarkMentionRoundTrip(b *testing.B) {
	s := New(Options{})
	if err := s.Start("127.0.0.1:0"); err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	api := slack.New(s.Options().BotToken, slack.OptionAppLevelToken(s.Options().AppToken), slack.OptionAPIURL(s.APIURL()))
	sm := socketmode.New(api)
	ctx := b.Context()
	go func() { _ = sm.RunContext(ctx) }()
	acked := make(chan struct{}, 1)
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case e := <-sm.Events:
				if e.Type != socketmode.EventTypeEventsAPI {
					continue
				}
				_ = sm.Ack(*e.Request)
				_, _, _ = sm.PostMessage("C0GENERAL", slack.MsgOptionText("answer", false))
				acked <- struct{}{}
			}
		}
	}()
	if err := s.WaitForConnections(ctx, 1); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		if _, err := s.Mention("C0GENERAL", "U0ALICE", "<@U0BOT> q", ""); err != nil {
			b.Fatal(err)
		}
		<-acked
	}
}

// TestHandlerMounted serves the emulator from another server, as a
// playground does, and drives it with slack-go.
func TestHandlerMounted(t *testing.T) {
	s := New(Options{})
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(hs.Close)
	t.Cleanup(func() { _ = s.Close() })
	ctx := testCtx(t)

	api := slack.New("xoxb-test-bot", slack.OptionAppLevelToken("xapp-test-app"), slack.OptionAPIURL(hs.URL+"/api/"))
	sm := socketmode.New(api)
	runCtx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { _ = sm.RunContext(runCtx) })
	t.Cleanup(func() { cancel(); wg.Wait() })

	if err := s.WaitForConnections(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if s.URL() != hs.URL {
		t.Errorf("URL: got %q, want %q (learnt from requests)", s.URL(), hs.URL)
	}
	cmd, err := s.SlashCommand("/kb", "x", "U0ALICE", "C0GENERAL")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(cmd.ResponseURL, hs.URL+"/response/") {
		t.Errorf("response_url: got %q", cmd.ResponseURL)
	}
	for {
		select {
		case e := <-sm.Events:
			if e.Type != socketmode.EventTypeSlashCommand {
				continue
			}
			if err := sm.Ack(*e.Request, map[string]any{"text": "mounted"}); err != nil {
				t.Fatal(err)
			}
			if _, err := s.WaitForMessage(ctx, "C0GENERAL", func(m Message) bool { return m.Text == "mounted" }); err != nil {
				t.Fatal(err)
			}
			return
		case <-ctx.Done():
			t.Fatal("no slash command")
		}
	}
}
