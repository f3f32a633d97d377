package playground

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/kbbot/kbbot/internal/slackemu"
)

// message is a message as the page shows it: rendered HTML, plus the raw
// text and blocks for anyone who opens the developer tools.
type message struct {
	Channel   string           `json:"channel"`
	TS        string           `json:"ts"`
	ThreadTS  string           `json:"thread_ts,omitempty"`
	User      string           `json:"user"`
	Author    string           `json:"author"`
	Bot       bool             `json:"bot,omitempty"`
	Ephemeral bool             `json:"ephemeral,omitempty"`
	HTML      string           `json:"html"`
	Text      string           `json:"text"`
	Blocks    []map[string]any `json:"blocks,omitempty"`
}

// channel is a conversation in the sidebar.
type channel struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	IM   bool   `json:"im,omitempty"`
	Help bool   `json:"help,omitempty"` // the bot answers here without a mention
}

// workspace is the first event of a stream: who is who and what is there.
type workspace struct {
	Team      string    `json:"team"`
	User      string    `json:"user"`
	UserName  string    `json:"user_name"`
	Bot       string    `json:"bot"`
	BotName   string    `json:"bot_name"`
	Command   string    `json:"command"`
	Shortcut  string    `json:"shortcut"` // the message shortcut's name in a message's menu
	Channels  []channel `json:"channels"`
	Messages  []message `json:"messages"`
	Home      string    `json:"home"` // rendered home view, "" if none yet
	Connected bool      `json:"connected"`
}

// shown reports whether the page shows a conversation.
func (s *Server) shown(channel string) bool {
	return channel == s.opts.Channel || channel == s.dm || (channel == s.opts.HelpChannel && channel != "")
}

// visible reports whether the user sees m in the page.
func (s *Server) visible(m *slackemu.Message) bool {
	if !s.shown(m.Channel) {
		return false
	}
	return !m.Ephemeral || m.VisibleTo == s.opts.User
}

func (s *Server) message(m *slackemu.Message) message {
	pm := message{
		Channel: m.Channel, TS: m.TS, ThreadTS: m.ThreadTS, User: m.User,
		Ephemeral: m.Ephemeral, Text: m.Text, Blocks: m.Blocks,
	}
	if m.BotID != "" {
		pm.Bot = true
		pm.Author = s.emu.Options().BotName
	} else if u, ok := s.emu.User(m.User); ok {
		pm.Author = u.RealName
		if pm.Author == "" {
			pm.Author = u.Name
		}
	} else {
		pm.Author = m.User
	}
	pm.HTML = s.names.messageHTML(m.Text, m.Blocks)
	return pm
}

// messageHTML renders a message from its blocks, or from its text when it
// has none but the rich_text copy Slack makes of what a person typed.
func (n names) messageHTML(text string, blocks []map[string]any) string {
	for _, b := range blocks {
		if b["type"] != "rich_text" {
			return n.blocks(blocks)
		}
	}
	return `<div class="bk-text">` + n.mrkdwn(text) + `</div>`
}

func (s *Server) home() string {
	v := s.emu.HomeView(s.opts.User)
	if v == nil {
		return ""
	}
	return s.names.blocks(objs(v, "blocks"))
}

func (s *Server) workspace() workspace {
	eo := s.emu.Options()
	u, _ := s.emu.User(s.opts.User)
	general, _ := s.emu.Channel(s.opts.Channel)
	ws := workspace{
		Team: eo.TeamName, User: s.opts.User, UserName: u.Name, Bot: eo.BotUserID, BotName: eo.BotName,
		Command: s.opts.SlashCommand, Shortcut: "Ask " + eo.BotName,
		Channels:  []channel{{ID: general.ID, Name: general.Name}},
		Messages:  []message{},
		Home:      s.home(),
		Connected: s.emu.Connections() > 0,
	}
	ids := []string{s.opts.Channel}
	if s.opts.HelpChannel != "" {
		help, _ := s.emu.Channel(s.opts.HelpChannel)
		ws.Channels = append(ws.Channels, channel{ID: help.ID, Name: help.Name, Help: true})
		ids = append(ids, help.ID)
	}
	ws.Channels = append(ws.Channels, channel{ID: s.dm, Name: eo.BotName, IM: true})
	ids = append(ids, s.dm)
	for _, id := range ids {
		for _, m := range s.emu.Messages(id) {
			if !m.Deleted && s.visible(&m) {
				ws.Messages = append(ws.Messages, s.message(&m))
			}
		}
	}
	return ws
}

// handleEvents streams the workspace as server-sent events: "workspace"
// first, then "message" (new or changed), "delete", "home" and "status" as
// they happen. The browser's EventSource reconnects on its own and gets a
// fresh "workspace".
func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	feed, unsubscribe := s.emu.Subscribe() // before the snapshot, so nothing falls between
	defer unsubscribe()
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)

	send := func(event string, v any) bool {
		data, err := json.Marshal(v)
		if err != nil {
			s.log.Error().Err(err).Str("event", event).Msg("encode event")
			return true
		}
		if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, data); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	ws := s.workspace()
	if !send("workspace", ws) {
		return
	}
	connected := ws.Connected
	// The emulator reports no connection changes in its feed; look now and
	// then, which also keeps idle proxies from closing the stream.
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-tick.C:
			if c := s.emu.Connections() > 0; c != connected {
				connected = c
				if !send("status", map[string]bool{"connected": c}) {
					return
				}
			}
		case a, ok := <-feed:
			if !ok {
				return
			}
			if !s.forward(a, send) {
				return
			}
		}
	}
}

// forward sends one emulator activity to the page, if the page shows it.
func (s *Server) forward(a slackemu.Activity, send func(string, any) bool) bool {
	switch a.Kind {
	case slackemu.ActivityMessage, slackemu.ActivityUpdated:
		if a.Message == nil || !s.visible(a.Message) {
			return true
		}
		if a.Message.Deleted {
			return send("delete", map[string]string{"channel": a.Message.Channel, "ts": a.Message.TS})
		}
		return send("message", s.message(a.Message))
	case slackemu.ActivityDeleted:
		if a.Message == nil || !s.visible(a.Message) {
			return true
		}
		return send("delete", map[string]string{"channel": a.Message.Channel, "ts": a.Message.TS})
	case slackemu.ActivityViewPublished:
		if a.User != s.opts.User {
			return true
		}
		return send("home", map[string]string{"html": s.names.blocks(objs(a.View, "blocks"))})
	}
	return true
}

// sendRequest is what the composer posts.
type sendRequest struct {
	Channel  string `json:"channel"`
	ThreadTS string `json:"thread_ts"`
	Text     string `json:"text"`
}

// maxComposerText is about Slack's own limit for a message a person types.
const maxComposerText = 4000

// handleSend turns what the user typed into what Slack would send the bot:
// "/kb ..." is a slash command, a message in a channel that mentions the bot
// is an app_mention, anything in the help channel is a message.channels
// event, and anything in the DM is a message.im event.
func (s *Server) handleSend(w http.ResponseWriter, r *http.Request) {
	var req sendRequest
	if err := readJSON(r, &req); err != nil {
		writeError(w, http.StatusBadRequest, "bad request: "+err.Error())
		return
	}
	text := strings.TrimSpace(req.Text)
	switch {
	case text == "":
		writeError(w, http.StatusBadRequest, "Type a message first.")
		return
	case len(text) > maxComposerText:
		writeError(w, http.StatusBadRequest, fmt.Sprintf("That message is too long (at most %d characters).", maxComposerText))
		return
	case !s.shown(req.Channel):
		writeError(w, http.StatusBadRequest, "Unknown conversation.")
		return
	}
	user := s.opts.User
	if strings.HasPrefix(text, "/") {
		cmd, rest, _ := strings.Cut(text, " ")
		if !strings.EqualFold(cmd, s.opts.SlashCommand) {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("%s is not a command here. Try %s help.", cmd, s.opts.SlashCommand))
			return
		}
		c, err := s.emu.SlashCommand(s.opts.SlashCommand, slackEscape(strings.TrimSpace(rest)), user, req.Channel)
		if err != nil {
			s.fail(w, "slash command", err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"ok": true, "command": c.Command})
		return
	}
	// What a Slack client sends: the text escaped, mentions as <@ID>.
	slackText := s.mention.ReplaceAllString(slackEscape(text), "$1<@"+s.botID+">")
	var (
		ev  slackemu.Event
		err error
	)
	mentioned := strings.Contains(slackText, "<@"+s.botID+">")
	switch {
	case req.Channel == s.dm:
		ev, err = s.emu.DirectMessageInThread(req.Channel, user, slackText, req.ThreadTS)
	case req.Channel == s.opts.HelpChannel && !mentioned:
		// The bot reads the help channel itself and answers in a thread
		// only when confident: the page opens no thread for it.
		ev, err = s.emu.ChannelMessage(req.Channel, user, slackText, req.ThreadTS)
		if err != nil {
			s.fail(w, "send", err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"ok": true, "ts": ev.TS, "thread_ts": req.ThreadTS})
		return
	default:
		if !mentioned {
			name := s.emu.Options().BotName
			writeError(w, http.StatusBadRequest, fmt.Sprintf("In a channel, %s only hears messages that mention it: start with @%s, or use %s.", name, name, s.opts.SlashCommand))
			return
		}
		ev, err = s.emu.Mention(req.Channel, user, slackText, req.ThreadTS)
	}
	if err != nil {
		s.fail(w, "send", err)
		return
	}
	thread := req.ThreadTS
	if thread == "" && req.Channel != s.dm {
		thread = ev.TS // the bot answers a mention in a thread under it
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "ts": ev.TS, "thread_ts": thread})
}

var slackEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// slackEscape escapes text the way a Slack client does before sending it.
func slackEscape(s string) string { return slackEscaper.Replace(s) }

// clickRequest is a button click in a message.
type clickRequest struct {
	Channel  string `json:"channel"`
	TS       string `json:"ts"`
	ActionID string `json:"action_id"`
}

// handleClick sends a block_actions interaction for a button in a message.
func (s *Server) handleClick(w http.ResponseWriter, r *http.Request) {
	var req clickRequest
	if err := readJSON(r, &req); err != nil {
		writeError(w, http.StatusBadRequest, "bad request: "+err.Error())
		return
	}
	m, ok := s.shownMessage(w, req.Channel, req.TS)
	if !ok {
		return
	}
	if _, err := s.emu.ClickButton(s.opts.User, req.Channel, m, req.ActionID, ""); err != nil {
		s.fail(w, "click", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true})
}

// shownMessage is the message at channel and ts if the user can still
// see it; otherwise it answers 404 and reports false.
func (s *Server) shownMessage(w http.ResponseWriter, channel, ts string) (slackemu.Message, bool) {
	m, ok := s.emu.Message(channel, ts)
	if !ok || m.Deleted || !s.visible(&m) {
		writeError(w, http.StatusNotFound, "That message is gone.")
		return slackemu.Message{}, false
	}
	return m, true
}

// shortcutRequest is "Ask kbbot" picked in a message's menu.
type shortcutRequest struct {
	Channel string `json:"channel"`
	TS      string `json:"ts"`
}

// handleShortcut sends the message_action interaction of the bot's message
// shortcut for a message; the answer comes back only to the user.
func (s *Server) handleShortcut(w http.ResponseWriter, r *http.Request) {
	var req shortcutRequest
	if err := readJSON(r, &req); err != nil {
		writeError(w, http.StatusBadRequest, "bad request: "+err.Error())
		return
	}
	m, ok := s.shownMessage(w, req.Channel, req.TS)
	if !ok {
		return
	}
	if _, err := s.emu.MessageShortcut(s.opts.User, m, s.opts.ShortcutCallbackID); err != nil {
		s.fail(w, "shortcut", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true})
}

// handleHome tells the bot the user opened its Home tab, as Slack does; the
// view it publishes arrives as a "home" event. The reply carries the view
// published last, to show meanwhile.
func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) {
	var req struct{}
	if err := readJSON(r, &req); err != nil {
		writeError(w, http.StatusBadRequest, "bad request: "+err.Error())
		return
	}
	if _, err := s.emu.AppHomeOpened(s.opts.User); err != nil {
		s.fail(w, "app home opened", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "html": s.home()})
}

// fail logs an emulator error and gives the page a short sentence.
func (s *Server) fail(w http.ResponseWriter, op string, err error) {
	s.log.Warn().Err(err).Str("op", op).Msg("emulator refused a request from the page")
	writeError(w, http.StatusBadRequest, "The emulated Slack refused that: "+err.Error())
}
