package slackemu

import (
	"testing"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

func TestChannelMessageRepliesAndShortcut(t *testing.T) {
	s := startServer(t, Options{})
	s.AddChannel(Channel{ID: "G0PRIVATE", Name: "secret-club", IsPrivate: true})
	bot := startBot(t, s, true)
	ctx := testCtx(t)

	q, err := s.ChannelMessage("C0GENERAL", "U0ALICE", "how do I rotate a key?", "")
	if err != nil {
		t.Fatal(err)
	}
	ev := bot.nextMatching(t, ctx, isEvent(q.EventID))
	msg, ok := ev.Data.(slackevents.EventsAPIEvent).InnerEvent.Data.(*slackevents.MessageEvent)
	if !ok || msg.ChannelType != "channel" || msg.Text != "how do I rotate a key?" || msg.ThreadTimeStamp != "" {
		t.Fatalf("got %#v, want a top-level message.channels event", ev.Data)
	}
	if _, _, err := bot.api.PostMessageContext(ctx, "C0GENERAL", slack.MsgOptionText("an answer", false), slack.MsgOptionTS(q.TS)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ChannelMessage("C0GENERAL", "U0BOB", "and in Postgres?", q.TS); err != nil {
		t.Fatal(err)
	}
	if _, err := bot.api.PostEphemeralContext(ctx, "C0GENERAL", "U0ALICE", slack.MsgOptionText("only you", false), slack.MsgOptionTS(q.TS)); err != nil {
		t.Fatal(err)
	}
	msgs, hasMore, _, err := bot.api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{ChannelID: "C0GENERAL", Timestamp: q.TS})
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, m := range msgs {
		texts = append(texts, m.Text)
	}
	if len(texts) != 3 || texts[0] != "how do I rotate a key?" || texts[1] != "an answer" || texts[2] != "and in Postgres?" || hasMore {
		t.Errorf("got replies %q (has_more %v), want the question, the answer and the follow-up", texts, hasMore)
	}
	if msgs[1].BotID == "" {
		t.Error("the bot's reply has no bot_id")
	}
	page, hasMore, next, err := bot.api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{ChannelID: "C0GENERAL", Timestamp: q.TS, Limit: 2})
	if err != nil || len(page) != 2 || !hasMore || next == "" {
		t.Errorf("limit 2: got %d messages, has_more %v, cursor %q, %v", len(page), hasMore, next, err)
	}
	if _, _, _, err := bot.api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{ChannelID: "C0GENERAL", Timestamp: "1.000000"}); err == nil || err.Error() != "thread_not_found" {
		t.Errorf("unknown thread: got %v, want thread_not_found", err)
	}

	p, err := s.ChannelMessage("G0PRIVATE", "U0ALICE", "hello", "")
	if err != nil {
		t.Fatal(err)
	}
	ev = bot.nextMatching(t, ctx, isEvent(p.EventID))
	if m := ev.Data.(slackevents.EventsAPIEvent).InnerEvent.Data.(*slackevents.MessageEvent); m.ChannelType != "group" {
		t.Errorf("private channel: channel_type %q, want group", m.ChannelType)
	}

	stored, _ := s.Message("C0GENERAL", q.TS)
	a, err := s.MessageShortcut("U0BOB", stored, "ask_kbbot")
	if err != nil {
		t.Fatal(err)
	}
	ev = bot.next(t, ctx, socketmode.EventTypeInteractive)
	cb := ev.Data.(slack.InteractionCallback)
	if cb.Type != slack.InteractionTypeMessageAction || cb.CallbackID != "ask_kbbot" || cb.Message.Text != "how do I rotate a key?" ||
		cb.User.ID != "U0BOB" || cb.Channel.ID != "C0GENERAL" || cb.ResponseURL != a.ResponseURL || cb.TriggerID == "" {
		t.Errorf("shortcut payload: %+v", cb)
	}
}
