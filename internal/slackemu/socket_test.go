package slackemu

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

func TestConnectHello(t *testing.T) {
	s := startServer(t, Options{})
	ctx := testCtx(t)
	b := startBot(t, s, true)

	b.next(t, ctx, socketmode.EventTypeConnected)
	hello := b.next(t, ctx, socketmode.EventTypeHello)
	if got := hello.Request.NumConnections; got != 1 {
		t.Errorf("hello num_connections: got %d, want 1", got)
	}
	if got := hello.Request.ConnectionInfo.AppID; got != "A0001" {
		t.Errorf("hello app_id: got %q, want A0001", got)
	}
	if got := hello.Request.DebugInfo.ApproximateConnectionTime; got <= 0 {
		t.Errorf("hello approximate_connection_time: got %d, want > 0", got)
	}
	if err := s.WaitForConnections(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if got := s.ConnectCount(); got != 1 {
		t.Errorf("ConnectCount: got %d, want 1", got)
	}
	if got := len(s.CallsTo("apps.connections.open")); got != 1 {
		t.Errorf("apps.connections.open calls: got %d, want 1", got)
	}
}

func TestMentionDeliveredAndAcked(t *testing.T) {
	s := startServer(t, Options{})
	ctx := testCtx(t)
	b := startBot(t, s, true)
	b.next(t, ctx, socketmode.EventTypeHello)

	parent := s.NewTS()
	ev, err := s.Mention("C0GENERAL", "U0ALICE", "<@U0BOT> how do I deploy?", parent)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(ev.EventID, "Ev") || ev.EnvelopeID == "" {
		t.Fatalf("event ids: got %+v", ev)
	}
	got := b.nextMatching(t, ctx, isEvent(ev.EventID))
	api, ok := got.Data.(slackevents.EventsAPIEvent)
	if !ok {
		t.Fatalf("data: got %T, want slackevents.EventsAPIEvent", got.Data)
	}
	m, ok := api.InnerEvent.Data.(*slackevents.AppMentionEvent)
	if !ok {
		t.Fatalf("inner data: got %T, want *slackevents.AppMentionEvent", api.InnerEvent.Data)
	}
	if m.User != "U0ALICE" || m.Channel != "C0GENERAL" || m.TimeStamp != ev.TS || m.ThreadTimeStamp != parent ||
		m.Text != "<@U0BOT> how do I deploy?" {
		t.Errorf("app_mention: got %+v", m)
	}
	if len(m.Blocks.BlockSet) != 1 || m.Blocks.BlockSet[0].BlockType() != slack.MBTRichText {
		t.Errorf("app_mention blocks: got %+v, want one rich_text block", m.Blocks.BlockSet)
	}
	if api.TeamID != "T0001" || api.APIAppID != "A0001" {
		t.Errorf("outer event: got team %q app %q", api.TeamID, api.APIAppID)
	}
	if got.Request.RetryAttempt != 0 || got.Request.AcceptsResponsePayload {
		t.Errorf("envelope: got retry_attempt %d accepts %v", got.Request.RetryAttempt, got.Request.AcceptsResponsePayload)
	}

	ack, err := s.WaitForAck(ctx, func(a Ack) bool { return a.EventID == ev.EventID })
	if err != nil {
		t.Fatal(err)
	}
	if ack.EnvelopeID != ev.EnvelopeID || ack.Type != TypeEventsAPI || ack.Attempt != 0 || ack.Latency <= 0 || ack.Late {
		t.Errorf("ack: got %+v", ack)
	}
	msgs := s.Messages("C0GENERAL")
	if len(msgs) != 1 || msgs[0].User != "U0ALICE" || msgs[0].TS != ev.TS || msgs[0].ThreadTS != parent {
		t.Errorf("history: got %+v", msgs)
	}
	if _, err := s.Mention("D0ALICE", "U0ALICE", "<@U0BOT> hi", ""); err == nil {
		t.Error("Mention in a DM: got nil error, want one (Slack sends message.im instead)")
	}
}

func TestDirectMessageParsedAsIM(t *testing.T) {
	s := startServer(t, Options{})
	ctx := testCtx(t)
	b := startBot(t, s, true)
	b.next(t, ctx, socketmode.EventTypeHello)

	ev, err := s.DirectMessage("", "U0BOB", "hello bot")
	if err != nil {
		t.Fatal(err)
	}
	if ev.Channel != "D0BOB" {
		t.Errorf("channel: got %q, want D0BOB", ev.Channel)
	}
	got := b.nextMatching(t, ctx, isEvent(ev.EventID))
	me, ok := got.Data.(slackevents.EventsAPIEvent).InnerEvent.Data.(*slackevents.MessageEvent)
	if !ok {
		t.Fatalf("inner data: got %T, want *slackevents.MessageEvent", got.Data.(slackevents.EventsAPIEvent).InnerEvent.Data)
	}
	if me.ChannelType != "im" || me.User != "U0BOB" || me.Text != "hello bot" || me.BotID != "" || me.SubType != "" {
		t.Errorf("message.im: got %+v", me)
	}
	if _, err := s.DirectMessage("D0ALICE", "U0BOB", "wrong dm"); err == nil {
		t.Error("DirectMessage by a user outside the DM: got nil error")
	}
}

func TestUnackedEventRetriedThreeTimes(t *testing.T) {
	s := startServer(t, Options{AckTimeout: 200 * time.Millisecond})
	ctx := testCtx(t)
	b := startBot(t, s, false) // never acks
	b.next(t, ctx, socketmode.EventTypeHello)

	ev, err := s.Mention("C0GENERAL", "U0ALICE", "<@U0BOT> anyone?", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.WaitForProblem(ctx, func(p Problem) bool { return p.Kind == "retries_exhausted" }); err != nil {
		t.Fatal(err)
	}

	var ds []Delivery
	for _, d := range s.Deliveries() {
		if d.EventID == ev.EventID {
			ds = append(ds, d)
		}
	}
	if len(ds) != 4 {
		t.Fatalf("deliveries: got %d, want 4 (original + 3 retries): %+v", len(ds), ds)
	}
	seen := map[string]bool{}
	for i, d := range ds {
		if d.Attempt != i || d.Acked || !d.TimedOut {
			t.Errorf("delivery %d: got %+v, want attempt %d, timed out, unacked", i, d, i)
		}
		if seen[d.EnvelopeID] {
			t.Errorf("delivery %d reuses envelope id %s", i, d.EnvelopeID)
		}
		seen[d.EnvelopeID] = true
		if i > 0 {
			if gap := d.At.Sub(ds[i-1].At); gap < 200*time.Millisecond {
				t.Errorf("retry %d came %v after the previous delivery, before the ack timeout", i, gap)
			}
		}
	}

	// What the bot saw: same event_id, retry_attempt 1..3, reason "timeout".
	for want := 0; want <= 3; want++ {
		e := b.nextMatching(t, ctx, isEvent(ev.EventID))
		if e.Request.RetryAttempt != want {
			t.Errorf("bot saw retry_attempt %d, want %d", e.Request.RetryAttempt, want)
		}
		wantReason := ""
		if want > 0 {
			wantReason = "timeout"
		}
		if e.Request.RetryReason != wantReason {
			t.Errorf("attempt %d: retry_reason %q, want %q", want, e.Request.RetryReason, wantReason)
		}
		if e.Request.EnvelopeID != ds[want].EnvelopeID {
			t.Errorf("attempt %d: envelope %s, want %s", want, e.Request.EnvelopeID, ds[want].EnvelopeID)
		}
	}
}

func TestAckedRetryStopsRetries(t *testing.T) {
	s := startServer(t, Options{AckTimeout: 150 * time.Millisecond})
	ctx := testCtx(t)
	b := startBot(t, s, false)
	b.next(t, ctx, socketmode.EventTypeHello)

	ev, err := s.Mention("C0GENERAL", "U0BOB", "<@U0BOT> retry me", "")
	if err != nil {
		t.Fatal(err)
	}
	first := b.nextMatching(t, ctx, isEvent(ev.EventID))
	retry := b.nextMatching(t, ctx, isEvent(ev.EventID))
	if retry.Request.RetryAttempt != 1 || retry.Request.EnvelopeID == first.Request.EnvelopeID {
		t.Fatalf("retry: got attempt %d envelope %s (first %s)", retry.Request.RetryAttempt,
			retry.Request.EnvelopeID, first.Request.EnvelopeID)
	}
	if err := b.sm.Ack(*retry.Request); err != nil {
		t.Fatal(err)
	}
	// Once the acked delivery's timer has run, no further retry is due.
	if _, err := s.WaitForAck(ctx, func(a Ack) bool { return a.EventID == ev.EventID && a.Attempt == 1 }); err != nil {
		t.Fatal(err)
	}
	// A late ack of the first envelope is recorded as late, not as a new ack.
	if err := b.sm.Ack(*first.Request); err != nil {
		t.Fatal(err)
	}
	if _, err := s.WaitForProblem(ctx, func(p Problem) bool {
		return p.Kind == "late_ack" && p.EnvelopeID == first.Request.EnvelopeID
	}); err != nil {
		t.Fatal(err)
	}
	for _, p := range s.Problems() {
		if p.Kind == "retries_exhausted" {
			t.Errorf("unexpected problem %+v", p)
		}
	}
}

func TestDeliverRetryFirstSeenAsRetry(t *testing.T) {
	s := startServer(t, Options{})
	ctx := testCtx(t)
	b := startBot(t, s, true)
	b.next(t, ctx, socketmode.EventTypeHello)

	ev, err := s.Mention("C0GENERAL", "U0ALICE", "<@U0BOT> twice", "")
	if err != nil {
		t.Fatal(err)
	}
	b.nextMatching(t, ctx, isEvent(ev.EventID))
	if err := s.DeliverRetry(ev, 2); err != nil {
		t.Fatal(err)
	}
	again := b.nextMatching(t, ctx, isEvent(ev.EventID))
	if again.Request.RetryAttempt != 2 || again.Request.RetryReason != "timeout" || again.Request.EnvelopeID == ev.EnvelopeID {
		t.Errorf("redelivery: got attempt %d reason %q envelope %s", again.Request.RetryAttempt,
			again.Request.RetryReason, again.Request.EnvelopeID)
	}
	if err := s.DeliverRetry(ev, 4); err == nil {
		t.Error("DeliverRetry attempt 4: got nil error")
	}
}

func TestReconnectAfterDropAndDisconnect(t *testing.T) {
	s := startServer(t, Options{})
	ctx := testCtx(t)
	b := startBot(t, s, true)
	b.next(t, ctx, socketmode.EventTypeHello)

	steps := []struct {
		name  string
		fault func()
	}{
		{"drop", s.DropConnections},
		{"refresh_requested", func() { s.Disconnect("refresh_requested") }},
		{"warning", func() { s.Disconnect("warning") }},
	}
	for i, st := range steps {
		st.fault()
		if err := s.WaitForConnectCount(ctx, i+2); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		b.next(t, ctx, socketmode.EventTypeHello)
		ev, err := s.Mention("C0GENERAL", "U0ALICE", "<@U0BOT> after "+st.name, "")
		if err != nil {
			t.Fatal(err)
		}
		b.nextMatching(t, ctx, isEvent(ev.EventID))
		if _, err := s.WaitForAck(ctx, func(a Ack) bool { return a.EventID == ev.EventID }); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
	}
	if got := len(s.CallsTo("apps.connections.open")); got != len(steps)+1 {
		t.Errorf("apps.connections.open calls: got %d, want %d", got, len(steps)+1)
	}
}

func TestEventsQueuedWhileNoSocketArriveAsRetries(t *testing.T) {
	s := startServer(t, Options{})
	ctx := testCtx(t)

	ev, err := s.Mention("C0GENERAL", "U0ALICE", "<@U0BOT> are you there?", "")
	if err != nil {
		t.Fatal(err)
	}
	if ev.EnvelopeID != "" || s.Queued() != 1 {
		t.Fatalf("with no socket: envelope %q, queued %d; want queued", ev.EnvelopeID, s.Queued())
	}
	b := startBot(t, s, true)
	got := b.nextMatching(t, ctx, isEvent(ev.EventID))
	if got.Request.RetryAttempt != 1 || got.Request.RetryReason != "timeout" {
		t.Errorf("queued event: got attempt %d reason %q, want 1 timeout", got.Request.RetryAttempt, got.Request.RetryReason)
	}
	if s.Queued() != 0 {
		t.Errorf("queue after connect: got %d, want 0", s.Queued())
	}
}

func TestEleventhConnectionRefused(t *testing.T) {
	s := startServer(t, Options{})
	for i := range 10 {
		c := rawConn(t, s)
		if h := readJSON(t, c); h["type"] != "hello" || h["num_connections"] != float64(i+1) {
			t.Fatalf("connection %d: got %v, want hello with num_connections %d", i+1, h, i+1)
		}
	}
	extra := rawConn(t, s)
	msg := readJSON(t, extra)
	if msg["type"] != "disconnect" || msg["reason"] != "too_many_websockets" {
		t.Errorf("11th connection: got %v, want disconnect too_many_websockets", msg)
	}
	_ = extra.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, _, err := extra.ReadMessage(); err == nil {
		t.Error("11th connection stayed open")
	}
	if got := s.Connections(); got != 10 {
		t.Errorf("Connections: got %d, want 10", got)
	}
	if got := s.ConnectCount(); got != 10 {
		t.Errorf("ConnectCount: got %d, want 10", got)
	}
}

func TestEnvelopesSpreadOverConnections(t *testing.T) {
	s := startServer(t, Options{})
	conns := []*websocket.Conn{rawConn(t, s), rawConn(t, s)}
	for _, c := range conns {
		readJSON(t, c)
	}
	used := map[int]bool{}
	for i := 0; i < 40 && len(used) < 2; i++ {
		if _, err := s.SendEvent(map[string]any{"type": "app_home_opened", "user": "U0ALICE", "tab": "home"}); err != nil {
			t.Fatal(err)
		}
		ds := s.Deliveries()
		used[ds[len(ds)-1].Conn] = true
	}
	if len(used) != 2 {
		t.Errorf("40 envelopes all went to connections %v; want both used", used)
	}
}

func TestSlashCommandAckPayloadIsEphemeralResponse(t *testing.T) {
	s := startServer(t, Options{})
	ctx := testCtx(t)
	b := startBot(t, s, false)
	b.next(t, ctx, socketmode.EventTypeHello)

	cmd, err := s.SlashCommand("/kb", "deploy", "U0ALICE", "C0GENERAL")
	if err != nil {
		t.Fatal(err)
	}
	e := b.next(t, ctx, socketmode.EventTypeSlashCommand)
	sc, ok := e.Data.(slack.SlashCommand)
	if !ok {
		t.Fatalf("data: got %T, want slack.SlashCommand", e.Data)
	}
	if sc.Command != "/kb" || sc.Text != "deploy" || sc.UserID != "U0ALICE" || sc.ChannelID != "C0GENERAL" ||
		sc.ResponseURL != cmd.ResponseURL || sc.TriggerID == "" || sc.ChannelName != "general" || sc.APIAppID != "A0001" {
		t.Errorf("slash command: got %+v", sc)
	}
	if !e.Request.AcceptsResponsePayload {
		t.Error("slash_commands envelope: accepts_response_payload false, want true")
	}
	if err := b.sm.Ack(*e.Request, map[string]any{"text": "Searching for *deploy*…"}); err != nil {
		t.Fatal(err)
	}
	m, err := s.WaitForMessage(ctx, "C0GENERAL", func(m Message) bool { return m.Text == "Searching for *deploy*…" })
	if err != nil {
		t.Fatal(err)
	}
	if !m.Ephemeral || m.VisibleTo != "U0ALICE" || m.ResponseType != "ephemeral" || m.BotID != "B0BOT" {
		t.Errorf("ack reply: got %+v, want an ephemeral from the bot to U0ALICE", m)
	}

	// in_channel in the ack payload is visible to everyone.
	if _, err := s.SlashCommand("/kb", "loud", "U0BOB", "C0GENERAL"); err != nil {
		t.Fatal(err)
	}
	e = b.next(t, ctx, socketmode.EventTypeSlashCommand)
	if err := b.sm.Ack(*e.Request, map[string]any{"response_type": "in_channel", "text": "for all"}); err != nil {
		t.Fatal(err)
	}
	m, err = s.WaitForMessage(ctx, "C0GENERAL", func(m Message) bool { return m.Text == "for all" })
	if err != nil {
		t.Fatal(err)
	}
	if m.Ephemeral || m.ResponseType != "in_channel" {
		t.Errorf("in_channel ack reply: got %+v", m)
	}
}

func TestSlashCommandTimeoutRecorded(t *testing.T) {
	s := startServer(t, Options{AckTimeout: 100 * time.Millisecond})
	ctx := testCtx(t)
	b := startBot(t, s, false)
	b.next(t, ctx, socketmode.EventTypeHello)
	cmd, err := s.SlashCommand("/kb", "slow", "U0ALICE", "")
	if err != nil {
		t.Fatal(err)
	}
	if cmd.Channel != "D0ALICE" {
		t.Errorf("command channel: got %q, want D0ALICE", cmd.Channel)
	}
	if _, err := s.WaitForProblem(ctx, func(p Problem) bool { return p.Kind == "operation_timeout" }); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, d := range s.Deliveries() {
		if d.Type == TypeSlashCommands {
			n++
		}
	}
	if n != 1 {
		t.Errorf("slash command deliveries: got %d, want 1 (never retried)", n)
	}
}

func TestButtonClickAndResponseURL(t *testing.T) {
	s := startServer(t, Options{})
	ctx := testCtx(t)
	b := startBot(t, s, true)
	b.next(t, ctx, socketmode.EventTypeHello)

	_, ts, err := b.api.PostMessage("C0GENERAL",
		slack.MsgOptionText("answer", false),
		slack.MsgOptionBlocks(
			slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "*answer*", false, false), nil, nil),
			slack.NewActionBlock("fb",
				slack.NewButtonBlockElement("feedback_up", "up", slack.NewTextBlockObject(slack.PlainTextType, "Helpful", true, false)),
				slack.NewButtonBlockElement("feedback_down", "down", slack.NewTextBlockObject(slack.PlainTextType, "Not helpful", true, false)),
			),
		))
	if err != nil {
		t.Fatal(err)
	}
	msg, ok := s.Message("C0GENERAL", ts)
	if !ok {
		t.Fatalf("posted message %s not in history", ts)
	}
	act, err := s.ClickButton("U0BOB", "", msg, "feedback_up", "")
	if err != nil {
		t.Fatal(err)
	}
	e := b.next(t, ctx, socketmode.EventTypeInteractive)
	cb, ok := e.Data.(slack.InteractionCallback)
	if !ok {
		t.Fatalf("data: got %T, want slack.InteractionCallback", e.Data)
	}
	if cb.Type != slack.InteractionTypeBlockActions || len(cb.ActionCallback.BlockActions) != 1 {
		t.Fatalf("callback: got type %q with %d block actions", cb.Type, len(cb.ActionCallback.BlockActions))
	}
	ba := cb.ActionCallback.BlockActions[0]
	if ba.ActionID != "feedback_up" || ba.Value != "up" || ba.BlockID != "fb" || ba.Text.Text != "Helpful" {
		t.Errorf("block action: got %+v", ba)
	}
	if cb.User.ID != "U0BOB" || cb.Channel.ID != "C0GENERAL" || cb.Container.MessageTs != ts ||
		cb.Message.Timestamp != ts || len(cb.Message.Blocks.BlockSet) != 2 || cb.ResponseURL != act.ResponseURL || cb.TriggerID == "" {
		t.Errorf("callback: got user %q channel %q container %+v message ts %q blocks %d response_url %q",
			cb.User.ID, cb.Channel.ID, cb.Container, cb.Message.Timestamp, len(cb.Message.Blocks.BlockSet), cb.ResponseURL)
	}

	// The bot thanks the user ephemerally through response_url...
	if _, _, err := b.api.PostMessage("", slack.MsgOptionResponseURL(cb.ResponseURL, slack.ResponseTypeEphemeral),
		slack.MsgOptionText("Thanks!", false)); err != nil {
		t.Fatalf("response_url post: %v", err)
	}
	thanks, err := s.WaitForMessage(ctx, "C0GENERAL", func(m Message) bool { return m.Text == "Thanks!" })
	if err != nil {
		t.Fatal(err)
	}
	if !thanks.Ephemeral || thanks.VisibleTo != "U0BOB" {
		t.Errorf("response_url reply: got %+v, want ephemeral to U0BOB", thanks)
	}
	calls := s.CallsTo("response_url")
	if len(calls) != 1 || calls[0].Status != 200 || calls[0].Params["text"] != "Thanks!" {
		t.Errorf("response_url calls: got %+v", calls)
	}

	// ...then replaces the original message, then deletes it.
	if _, _, err := b.api.PostMessage("", slack.MsgOptionReplaceOriginal(cb.ResponseURL),
		slack.MsgOptionText("answer (rated)", false)); err != nil {
		t.Fatalf("replace_original: %v", err)
	}
	got, _ := s.Message("C0GENERAL", ts)
	if !got.Updated || got.Text != "answer (rated)" || got.Blocks != nil {
		t.Errorf("after replace_original: got %+v", got)
	}
	if _, _, err := b.api.PostMessage("", slack.MsgOptionDeleteOriginal(cb.ResponseURL)); err != nil {
		t.Fatalf("delete_original: %v", err)
	}
	if got, _ := s.Message("C0GENERAL", ts); !got.Deleted {
		t.Errorf("after delete_original: got %+v, want deleted", got)
	}
	if _, err := s.ClickButton("U0BOB", "", msg, "no_such_action", ""); err == nil {
		t.Error("ClickButton on a missing action_id: got nil error")
	}
}

func TestSlashCommandResponseURLInChannel(t *testing.T) {
	s := startServer(t, Options{})
	ctx := testCtx(t)
	b := startBot(t, s, true)
	b.next(t, ctx, socketmode.EventTypeHello)

	cmd, err := s.SlashCommand("/kb", "help", "U0ALICE", "C0GENERAL")
	if err != nil {
		t.Fatal(err)
	}
	b.next(t, ctx, socketmode.EventTypeSlashCommand)
	for i := range 5 {
		if _, _, err := b.api.PostMessage("", slack.MsgOptionResponseURL(cmd.ResponseURL, slack.ResponseTypeInChannel),
			slack.MsgOptionText("reply", false)); err != nil {
			t.Fatalf("use %d: %v", i+1, err)
		}
	}
	_, _, err = b.api.PostMessage("", slack.MsgOptionResponseURL(cmd.ResponseURL, slack.ResponseTypeInChannel),
		slack.MsgOptionText("sixth", false))
	var sce slack.StatusCodeError
	if !errors.As(err, &sce) || sce.Code != 404 {
		t.Errorf("sixth use: got %v, want 404 (a response_url works five times)", err)
	}
	n := 0
	for _, m := range s.Messages("C0GENERAL") {
		if m.Text == "reply" && m.ResponseType == "in_channel" && !m.Ephemeral {
			n++
		}
	}
	if n != 5 {
		t.Errorf("in_channel replies: got %d, want 5", n)
	}
}

func TestOversizedAckRejected(t *testing.T) {
	s := startServer(t, Options{})
	c := rawConn(t, s)
	readJSON(t, c) // hello

	send := func() string {
		t.Helper()
		if _, err := s.SendEvent(map[string]any{"type": "app_home_opened", "user": "U0ALICE"}); err != nil {
			t.Fatal(err)
		}
		return readJSON(t, c)["envelope_id"].(string)
	}
	frameOf := func(id string, size int) []byte {
		base, _ := json.Marshal(map[string]any{"envelope_id": id, "payload": map[string]any{"text": ""}})
		fill := size - len(base)
		f, _ := json.Marshal(map[string]any{"envelope_id": id, "payload": map[string]any{"text": strings.Repeat("x", fill)}})
		if len(f) != size {
			t.Fatalf("frame size: got %d, want %d", len(f), size)
		}
		return f
	}

	okID := send()
	if err := c.WriteMessage(websocket.TextMessage, frameOf(okID, maxAckSize-1)); err != nil {
		t.Fatal(err)
	}
	ctx := testCtx(t)
	if _, err := s.WaitForAck(ctx, func(a Ack) bool { return a.EnvelopeID == okID }); err != nil {
		t.Fatalf("20,479-byte ack: %v", err)
	}

	bigID := send()
	if err := c.WriteMessage(websocket.TextMessage, frameOf(bigID, maxAckSize)); err != nil {
		t.Fatal(err)
	}
	p, err := s.WaitForProblem(ctx, func(p Problem) bool { return p.Kind == "ack_too_large" })
	if err != nil {
		t.Fatal(err)
	}
	if p.EnvelopeID != bigID {
		t.Errorf("problem envelope: got %q, want %q", p.EnvelopeID, bigID)
	}
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, _, err = c.ReadMessage()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.CloseMessageTooBig {
		t.Errorf("after oversized frame: got %v, want close 1009", err)
	}
	for _, a := range s.Acks() {
		if a.EnvelopeID == bigID {
			t.Errorf("oversized ack recorded as an ack: %+v", a)
		}
	}
}

func TestNoPingsMakesSlackGoReconnect(t *testing.T) {
	s := startServer(t, Options{PingInterval: 50 * time.Millisecond})
	ctx := testCtx(t)
	b := startBot(t, s, true, socketmode.OptionPingInterval(400*time.Millisecond))
	b.next(t, ctx, socketmode.EventTypeHello)

	s.SetPings(false)
	if err := s.WaitForConnectCount(ctx, 2); err != nil {
		t.Fatal(err)
	}
	s.SetPings(true)
	b.next(t, ctx, socketmode.EventTypeHello)
	ev, err := s.Mention("C0GENERAL", "U0ALICE", "<@U0BOT> still there?", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.WaitForAck(ctx, func(a Ack) bool { return a.EventID == ev.EventID }); err != nil {
		t.Fatal(err)
	}
}

func TestAppHomeOpenedCarriesPublishedView(t *testing.T) {
	s := startServer(t, Options{})
	ctx := testCtx(t)
	b := startBot(t, s, true)
	b.next(t, ctx, socketmode.EventTypeHello)

	view := slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: []slack.Block{
		slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, "Knowledge base", false, false)),
	}}}
	resp, err := b.api.PublishView("U0ALICE", view, "")
	if err != nil {
		t.Fatal(err)
	}
	if resp.View.ID == "" || resp.View.Type != slack.VTHomeTab || len(resp.View.Blocks.BlockSet) != 1 {
		t.Errorf("views.publish: got %+v", resp.View)
	}
	if hv := s.HomeView("U0ALICE"); hv == nil || hv["id"] != resp.View.ID {
		t.Errorf("HomeView: got %v", hv)
	}
	if _, err := b.api.PublishView("U0ALICE", view, "stale-hash"); err == nil || err.Error() != "hash_conflict" {
		t.Errorf("stale hash: got %v, want hash_conflict", err)
	}

	ev, err := s.AppHomeOpened("U0ALICE")
	if err != nil {
		t.Fatal(err)
	}
	e := b.nextMatching(t, ctx, isEvent(ev.EventID))
	ho, ok := e.Data.(slackevents.EventsAPIEvent).InnerEvent.Data.(*slackevents.AppHomeOpenedEvent)
	if !ok {
		t.Fatalf("inner: got %T", e.Data.(slackevents.EventsAPIEvent).InnerEvent.Data)
	}
	if ho.User != "U0ALICE" || ho.Tab != "home" || ho.Channel != "D0ALICE" || ho.View == nil || ho.View.ID != resp.View.ID {
		t.Errorf("app_home_opened: got %+v", ho)
	}
}

func TestEchoBotMessages(t *testing.T) {
	s := startServer(t, Options{EchoBotMessages: true})
	ctx := testCtx(t)
	b := startBot(t, s, true)
	b.next(t, ctx, socketmode.EventTypeHello)

	if _, _, err := b.api.PostMessage("D0ALICE", slack.MsgOptionText("answer", false)); err != nil {
		t.Fatal(err)
	}
	e := b.next(t, ctx, socketmode.EventTypeEventsAPI)
	me, ok := e.Data.(slackevents.EventsAPIEvent).InnerEvent.Data.(*slackevents.MessageEvent)
	if !ok || me.BotID != "B0BOT" || me.User != "U0BOT" || me.ChannelType != "im" || me.Text != "answer" {
		t.Errorf("echo: got %+v", me)
	}
}

func TestSubscribe(t *testing.T) {
	s := startServer(t, Options{})
	ctx := testCtx(t)
	feed, cancel := s.Subscribe()
	defer cancel()
	api := newAPI(s)
	if _, _, err := api.PostMessage("C0GENERAL", slack.MsgOptionText("hi all", false)); err != nil {
		t.Fatal(err)
	}
	select {
	case a := <-feed:
		if a.Kind != ActivityMessage || a.Message == nil || a.Message.Text != "hi all" {
			t.Errorf("activity: got %+v", a)
		}
	case <-ctx.Done():
		t.Fatal("no activity")
	}
	cancel()
	if _, open := <-feed; open {
		t.Error("feed still open after cancel")
	}
}
