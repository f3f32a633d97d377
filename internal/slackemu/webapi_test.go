package slackemu

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

func TestTokens(t *testing.T) {
	s := startServer(t, Options{})
	api := s.APIURL()
	bearer := func(tok string) http.Header { return http.Header{"Authorization": {"Bearer " + tok}} }
	tests := []struct {
		name      string
		method    string
		form      url.Values
		header    http.Header
		wantError string // "" for ok
	}{
		{"bot token in header", "auth.test", url.Values{}, bearer("xoxb-test-bot"), ""},
		{"bot token in form", "auth.test", url.Values{"token": {"xoxb-test-bot"}}, nil, ""},
		{"wrong token in header", "auth.test", url.Values{}, bearer("xoxb-nope"), "invalid_auth"},
		{"wrong token in form", "auth.test", url.Values{"token": {"xoxb-nope"}}, nil, "invalid_auth"},
		{"no token", "auth.test", url.Values{}, nil, "not_authed"},
		{"app token on a bot method", "auth.test", url.Values{}, bearer("xapp-test-app"), "invalid_auth"},
		{"app token in header", "apps.connections.open", url.Values{}, bearer("xapp-test-app"), ""},
		{"app token in form", "apps.connections.open", url.Values{"token": {"xapp-test-app"}}, nil, "invalid_auth"},
		{"bot token on connections.open", "apps.connections.open", url.Values{}, bearer("xoxb-test-bot"), "invalid_auth"},
		{"unknown method", "chat.scheduleMessage", url.Values{}, bearer("xoxb-test-bot"), "unknown_method"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := postForm(t, api+tc.method, tc.form, tc.header)
			if tc.wantError == "" {
				if got["ok"] != true {
					t.Errorf("got %v, want ok", got)
				}
				return
			}
			if got["ok"] != false || got["error"] != tc.wantError {
				t.Errorf("got %v, want error %s", got, tc.wantError)
			}
		})
	}
	calls := s.CallsTo("auth.test")
	if len(calls) == 0 || calls[0].Token != "xoxb-test-bot" || calls[0].Params["token"] != nil {
		t.Errorf("recorded auth.test: got %+v", calls)
	}

	// slack-go itself sends the token in the form.
	res, err := newAPI(s).AuthTest()
	if err != nil {
		t.Fatal(err)
	}
	if res.UserID != "U0BOT" || res.BotID != "B0BOT" || res.TeamID != "T0001" || !strings.HasSuffix(res.URL, "/") {
		t.Errorf("auth.test: got %+v", res)
	}
	bad := slack.New("xoxb-wrong", slack.OptionAPIURL(s.APIURL()))
	if _, err := bad.AuthTest(); err == nil || err.Error() != "invalid_auth" {
		t.Errorf("bad token via slack-go: got %v, want invalid_auth", err)
	}
}

var tsRE = regexp.MustCompile(`^\d{10}\.\d{6}$`)

func TestPostMessageRecorded(t *testing.T) {
	s := startServer(t, Options{})
	api := newAPI(s)
	parent := s.NewTS()
	ch, ts, err := api.PostMessage("C0GENERAL", slack.MsgOptionText("first", false), slack.MsgOptionTS(parent))
	if err != nil {
		t.Fatal(err)
	}
	_, ts2, err := api.PostMessage("C0GENERAL", slack.MsgOptionText("second", false))
	if err != nil {
		t.Fatal(err)
	}
	if ch != "C0GENERAL" || !tsRE.MatchString(ts) || !tsRE.MatchString(ts2) || ts2 <= ts {
		t.Errorf("post: got channel %q ts %q then %q; want unique increasing Slack ts", ch, ts, ts2)
	}
	calls := s.CallsTo("chat.postMessage")
	if len(calls) != 2 || calls[0].Params["thread_ts"] != parent || calls[0].Params["text"] != "first" || calls[0].Status != 200 {
		t.Fatalf("calls: got %+v", calls)
	}
	if calls[0].Response["ts"] != ts {
		t.Errorf("recorded response ts: got %v, want %s", calls[0].Response["ts"], ts)
	}
	msgs := s.Messages("C0GENERAL")
	if len(msgs) != 2 || msgs[0].ThreadTS != parent || msgs[0].BotID != "B0BOT" || msgs[0].User != "U0BOT" || msgs[0].TS != ts {
		t.Errorf("history: got %+v", msgs)
	}

	// A user ID as channel opens the DM.
	ch, _, err = api.PostMessage("U0BOB", slack.MsgOptionText("psst", false))
	if err != nil || ch != "D0BOB" {
		t.Errorf("post to a user: got channel %q err %v, want D0BOB", ch, err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := s.WaitFor(ctx, func(c Call) bool { return c.Method == "chat.postMessage" && c.Params["text"] == "psst" })
	if err != nil || c.Response["channel"] != "D0BOB" {
		t.Errorf("WaitFor: got %+v, %v", c, err)
	}
	short, cancel2 := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel2()
	if _, err := s.WaitFor(short, func(c Call) bool { return c.Method == "never" }); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("WaitFor timeout: got %v, want context.DeadlineExceeded", err)
	}
}

func TestChatErrors(t *testing.T) {
	s := startServer(t, Options{})
	api := newAPI(s)
	section := func(n int) slack.Block {
		return slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, strings.Repeat("a", n), false, false), nil, nil)
	}
	many := make([]slack.Block, 51)
	for i := range many {
		many[i] = slack.NewDividerBlock()
	}
	tests := []struct {
		name      string
		channel   string
		opts      []slack.MsgOption
		wantError string
		wantMsg   string // one of the errors[]
	}{
		{"51 blocks", "C0GENERAL", []slack.MsgOption{slack.MsgOptionBlocks(many...)}, "invalid_blocks",
			"no more than 50 items allowed [json-pointer:/blocks]"},
		{"section text 3001", "C0GENERAL", []slack.MsgOption{slack.MsgOptionBlocks(section(3001))}, "invalid_blocks",
			"must be less than 3001 characters [json-pointer:/blocks/0/text/text]"},
		{"unknown channel", "C0NOPE", []slack.MsgOption{slack.MsgOptionText("x", false)}, "channel_not_found", ""},
		{"no text", "C0GENERAL", nil, "no_text", ""},
		{"text over 40,000", "C0GENERAL", []slack.MsgOption{slack.MsgOptionText(strings.Repeat("b", 40001), false)}, "msg_too_long", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := api.PostMessage(tc.channel, tc.opts...)
			var se slack.SlackErrorResponse
			if !errors.As(err, &se) || se.Err != tc.wantError {
				t.Fatalf("got %v, want %s", err, tc.wantError)
			}
			if tc.wantMsg == "" {
				return
			}
			found := false
			for _, e := range se.Errors {
				if e.Message != nil && *e.Message == tc.wantMsg {
					found = true
				}
			}
			if !found || len(se.ResponseMetadata.Messages) == 0 {
				t.Errorf("errors: got %+v / %v, want %q", se.Errors, se.ResponseMetadata.Messages, tc.wantMsg)
			}
		})
	}
	if _, _, err := api.PostMessage("C0GENERAL", slack.MsgOptionBlocks(section(3000))); err != nil {
		t.Errorf("section text of 3000: got %v, want ok", err)
	}
}

func TestUpdateEphemeralDelete(t *testing.T) {
	s := startServer(t, Options{})
	api := newAPI(s)
	_, ts, err := api.PostMessage("C0GENERAL", slack.MsgOptionText("draft", false),
		slack.MsgOptionBlocks(slack.NewDividerBlock()))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := api.UpdateMessage("C0GENERAL", ts, slack.MsgOptionText("final", false)); err != nil {
		t.Fatal(err)
	}
	m, _ := s.Message("C0GENERAL", ts)
	if m.Text != "final" || !m.Updated || m.Blocks != nil {
		t.Errorf("after update: got %+v, want text final, blocks removed", m)
	}
	if _, _, _, err := api.UpdateMessage("C0GENERAL", "1.000001", slack.MsgOptionText("x", false)); err == nil || err.Error() != "message_not_found" {
		t.Errorf("update unknown ts: got %v, want message_not_found", err)
	}

	ets, err := api.PostEphemeral("C0GENERAL", "U0ALICE", slack.MsgOptionText("only you", false))
	if err != nil || !tsRE.MatchString(ets) {
		t.Fatalf("postEphemeral: got %q, %v", ets, err)
	}
	em, _ := s.Message("C0GENERAL", ets)
	if !em.Ephemeral || em.VisibleTo != "U0ALICE" {
		t.Errorf("ephemeral: got %+v", em)
	}
	if _, err := api.PostEphemeral("C0GENERAL", "U0NOBODY", slack.MsgOptionText("x", false)); err == nil || err.Error() != "user_not_found" {
		t.Errorf("ephemeral to unknown user: got %v, want user_not_found", err)
	}
	if _, _, _, err := api.UpdateMessage("C0GENERAL", ets, slack.MsgOptionText("x", false)); err == nil {
		t.Error("updating an ephemeral: got nil error")
	}
	if _, _, err := api.DeleteMessage("C0GENERAL", ts); err != nil {
		t.Fatal(err)
	}
	if m, _ := s.Message("C0GENERAL", ts); !m.Deleted {
		t.Errorf("after delete: got %+v", m)
	}
}

func TestUsersAndConversationsInfo(t *testing.T) {
	s := startServer(t, Options{})
	s.AddUser(User{ID: "U0CAROL", Name: "carol"})
	s.AddChannel(Channel{ID: "G0SECRET", Name: "secret", IsPrivate: true})
	api := newAPI(s)

	u, err := api.GetUserInfo("U0ALICE")
	if err != nil || !u.IsAdmin || u.Name != "alice" || u.IsBot {
		t.Errorf("users.info alice: got %+v, %v", u, err)
	}
	if u, err := api.GetUserInfo("U0CAROL"); err != nil || u.IsAdmin {
		t.Errorf("users.info carol: got %+v, %v", u, err)
	}
	if _, err := api.GetUserInfo("U0NOBODY"); err == nil || err.Error() != "user_not_found" {
		t.Errorf("unknown user: got %v, want user_not_found", err)
	}
	dm, err := api.GetConversationInfo(&slack.GetConversationInfoInput{ChannelID: "D0ALICE"})
	if err != nil || !dm.IsIM || dm.User != "U0ALICE" {
		t.Errorf("conversations.info D0ALICE: got %+v, %v", dm, err)
	}
	gen, err := api.GetConversationInfo(&slack.GetConversationInfoInput{ChannelID: "C0GENERAL"})
	if err != nil || gen.Name != "general" || gen.IsIM || !gen.IsChannel {
		t.Errorf("conversations.info C0GENERAL: got %+v, %v", gen, err)
	}
	priv, err := api.GetConversationInfo(&slack.GetConversationInfoInput{ChannelID: "G0SECRET"})
	if err != nil || !priv.IsPrivate {
		t.Errorf("conversations.info G0SECRET: got %+v, %v", priv, err)
	}
	if _, err := api.GetConversationInfo(&slack.GetConversationInfoInput{ChannelID: "C0NOPE"}); err == nil || err.Error() != "channel_not_found" {
		t.Errorf("unknown channel: got %v, want channel_not_found", err)
	}
}

func TestViewsPublishLimits(t *testing.T) {
	s := startServer(t, Options{})
	api := newAPI(s)
	blocks := func(n int) slack.Blocks {
		var b slack.Blocks
		for range n {
			b.BlockSet = append(b.BlockSet, slack.NewDividerBlock())
		}
		return b
	}
	if _, err := api.PublishView("U0BOB", slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: blocks(100)}, ""); err != nil {
		t.Errorf("100 blocks: got %v, want ok", err)
	}
	_, err := api.PublishView("U0BOB", slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: blocks(101)}, "")
	var se slack.SlackErrorResponse
	if !errors.As(err, &se) || se.Err != "invalid_arguments" || len(se.ResponseMetadata.Messages) == 0 {
		t.Errorf("101 blocks: got %v, want invalid_arguments with messages", err)
	}
	if _, err := api.PublishView("U0NOBODY", slack.HomeTabViewRequest{Type: slack.VTHomeTab}, ""); err == nil || err.Error() != "user_not_found" {
		t.Errorf("unknown user: got %v, want user_not_found", err)
	}
	if c := s.CallsTo("views.publish"); len(c) == 0 || c[0].Token != "xoxb-test-bot" || c[0].Params["user_id"] != "U0BOB" {
		t.Errorf("recorded views.publish (JSON body, header token): got %+v", c)
	}
}

func TestFaults(t *testing.T) {
	s := startServer(t, Options{})
	api := newAPI(s)
	post := func(c *slack.Client) error {
		_, _, err := c.PostMessage("C0GENERAL", slack.MsgOptionText("hi", false))
		return err
	}

	t.Run("429 gives RateLimitedError", func(t *testing.T) {
		s.InjectFault("chat.postMessage", Fault{Status: 429, RetryAfter: 1500 * time.Millisecond})
		err := post(api)
		var rl *slack.RateLimitedError
		if !errors.As(err, &rl) || rl.RetryAfter != 2*time.Second {
			t.Fatalf("got %v, want *slack.RateLimitedError with RetryAfter 2s (1.5s rounded up)", err)
		}
		c := s.CallsTo("chat.postMessage")
		if last := c[len(c)-1]; last.Status != 429 || last.Error != "ratelimited" {
			t.Errorf("recorded: got %+v", last)
		}
		if err := post(api); err != nil {
			t.Errorf("next call after a one-time fault: %v", err)
		}
	})
	t.Run("429 honoured by OptionRetry", func(t *testing.T) {
		s.InjectFault("chat.postMessage", Fault{Status: 429, RetryAfter: time.Second})
		before := len(s.CallsTo("chat.postMessage"))
		start := time.Now()
		if err := post(newAPI(s, slack.OptionRetry(2))); err != nil {
			t.Fatalf("with retries: %v", err)
		}
		if waited := time.Since(start); waited < time.Second {
			t.Errorf("retried after %v, before Retry-After", waited)
		}
		if got := len(s.CallsTo("chat.postMessage")) - before; got != 2 {
			t.Errorf("calls: got %d, want 2 (429, then ok)", got)
		}
	})
	t.Run("5xx", func(t *testing.T) {
		s.InjectFault("chat.postMessage", Fault{Status: 503})
		var sce slack.StatusCodeError
		if err := post(api); !errors.As(err, &sce) || sce.Code != 503 {
			t.Errorf("got %v, want StatusCodeError 503", err)
		}
	})
	t.Run("error code", func(t *testing.T) {
		s.InjectFault("chat.postMessage", Fault{Error: "invalid_blocks", Times: 2})
		for i := range 2 {
			if err := post(api); err == nil || err.Error() != "invalid_blocks" {
				t.Errorf("call %d: got %v, want invalid_blocks", i, err)
			}
		}
		if err := post(api); err != nil {
			t.Errorf("third call: %v", err)
		}
	})
	t.Run("delay", func(t *testing.T) {
		s.InjectFault("auth.test", Fault{Delay: 100 * time.Millisecond})
		start := time.Now()
		if _, err := api.AuthTest(); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d < 100*time.Millisecond {
			t.Errorf("slow response came after %v", d)
		}
	})
}
