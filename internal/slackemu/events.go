package slackemu

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync/atomic"
	"time"
)

// Event is an Events API event sent to the bot.
type Event struct {
	EventID    string // "Ev..."; the same across retries
	Type       string // the inner event's type
	TS         string // the message ts (or event_ts)
	Channel    string
	User       string
	EnvelopeID string         // of the first delivery; "" if it was queued
	Payload    map[string]any // the event_callback object
}

// Command is a slash command sent to the bot.
type Command struct {
	ID          string // the response URL's id
	Command     string
	Text        string
	User        string
	Channel     string
	TriggerID   string
	ResponseURL string
	EnvelopeID  string // "" if it was queued
	Payload     map[string]any
}

// Action is a block_actions interaction sent to the bot.
type Action struct {
	ID          string // the response URL's id
	ActionID    string
	BlockID     string
	Value       string
	User        string
	Channel     string
	MessageTS   string
	TriggerID   string
	ResponseURL string
	ActionTS    string
	EnvelopeID  string // "" if it was queued
	Payload     map[string]any
}

// responseTarget is what a response URL posts to.
type responseTarget struct {
	id        string
	user      string
	channel   string
	threadTS  string
	messageTS string // the message an action came from; for commands, the last reply
	command   bool
	created   time.Time
	uses      int
}

const verificationToken = "emulated-verification-token"

// Mention sends an app_mention for a user's message in channel, as Slack
// does when text mentions the bot (include "<@U0BOT> "). threadTS puts the
// message in a thread. The user's message is added to the channel history.
func (s *Server) Mention(channel, user, text, threadTS string) (Event, error) {
	s.mu.Lock()
	c, err := s.checkLocked(channel, user)
	if err != nil {
		s.mu.Unlock()
		return Event{}, fmt.Errorf("mention: %w", err)
	}
	if c.IsIM {
		s.mu.Unlock()
		return Event{}, fmt.Errorf("mention in %s: Slack sends no app_mention in DMs; use DirectMessage", channel)
	}
	ts := s.nextTSLocked()
	blocks := richTextBlocks(text)
	inner := map[string]any{
		"type":          "app_mention",
		"user":          user,
		"text":          text,
		"ts":            ts,
		"channel":       channel,
		"event_ts":      ts,
		"client_msg_id": newUUID(),
		"team":          s.opts.TeamID,
		"blocks":        blocksAsAny(blocks),
	}
	return s.postUserMessageLocked(inner, channel, user, text, threadTS, ts, blocks)
}

// DirectMessage sends a message.im event: user writes text in the DM channel
// with the bot (channel "" picks the user's DM). The message is added to the
// channel history.
func (s *Server) DirectMessage(channel, user, text string) (Event, error) {
	return s.DirectMessageInThread(channel, user, text, "")
}

// DirectMessageInThread is DirectMessage for a reply in a DM thread.
func (s *Server) DirectMessageInThread(channel, user, text, threadTS string) (Event, error) {
	s.mu.Lock()
	if channel == "" {
		if _, ok := s.users[user]; ok {
			channel = s.imChannelLocked(user)
		}
	}
	c, err := s.checkLocked(channel, user)
	if err != nil {
		s.mu.Unlock()
		return Event{}, fmt.Errorf("direct message: %w", err)
	}
	if !c.IsIM {
		s.mu.Unlock()
		return Event{}, fmt.Errorf("direct message in %s: not a DM channel; use Mention or SendEvent", channel)
	}
	if c.User != user {
		s.mu.Unlock()
		return Event{}, fmt.Errorf("direct message in %s: the DM is with %s, not %s", channel, c.User, user)
	}
	ts := s.nextTSLocked()
	blocks := richTextBlocks(text)
	inner := map[string]any{
		"type":          "message",
		"channel":       channel,
		"user":          user,
		"text":          text,
		"ts":            ts,
		"event_ts":      ts,
		"channel_type":  "im",
		"client_msg_id": newUUID(),
		"team":          s.opts.TeamID,
		"blocks":        blocksAsAny(blocks),
	}
	return s.postUserMessageLocked(inner, channel, user, text, threadTS, ts, blocks)
}

// SendEvent wraps any inner event (a bot_message, a message_changed, an
// unknown type...) in an event_callback and sends it. event_ts is filled in
// when missing. Nothing is added to the history.
func (s *Server) SendEvent(inner map[string]any) (Event, error) {
	if t, _ := inner["type"].(string); t == "" {
		return Event{}, errors.New("send event: inner event has no type")
	}
	inner = deepCopyMap(inner)
	s.mu.Lock()
	if _, ok := inner["event_ts"]; !ok {
		if ts, ok := inner["ts"].(string); ok {
			inner["event_ts"] = ts
		} else {
			inner["event_ts"] = s.nextTSLocked()
		}
	}
	return s.sendEventLocked(inner)
}

// AppHomeOpened sends app_home_opened for user's Home tab, with the view
// last published for them, if any.
func (s *Server) AppHomeOpened(user string) (Event, error) {
	s.mu.Lock()
	if _, ok := s.users[user]; !ok {
		s.mu.Unlock()
		return Event{}, fmt.Errorf("app home opened: user %s: user_not_found", user)
	}
	inner := map[string]any{
		"type":     "app_home_opened",
		"user":     user,
		"channel":  s.imChannelLocked(user),
		"event_ts": s.nextTSLocked(),
		"tab":      "home",
	}
	if v := s.views[user]; v != nil {
		inner["view"] = deepCopyMap(v)
	}
	return s.sendEventLocked(inner)
}

// sendEventLocked wraps inner, unlocks s.mu and delivers it.
func (s *Server) sendEventLocked(inner map[string]any) (Event, error) {
	cb := s.eventCallbackLocked(inner)
	raw, err := json.Marshal(cb)
	if err != nil {
		s.mu.Unlock()
		return Event{}, fmt.Errorf("encode event: %w", err)
	}
	id := cb["event_id"].(string)
	s.events[id] = cb
	e := eventOf(cb)
	s.mu.Unlock()
	j := &job{typ: TypeEventsAPI, payload: raw, eventID: id, retryable: true}
	e.EnvelopeID = s.dispatch(j, true)
	return e, nil
}

func eventOf(cb map[string]any) Event {
	inner, _ := cb["event"].(map[string]any)
	e := Event{Payload: deepCopyMap(cb)}
	e.EventID, _ = cb["event_id"].(string)
	e.Type, _ = inner["type"].(string)
	e.Channel, _ = inner["channel"].(string)
	e.User, _ = inner["user"].(string)
	if e.TS, _ = inner["ts"].(string); e.TS == "" {
		e.TS, _ = inner["event_ts"].(string)
	}
	return e
}

func (s *Server) eventCallbackLocked(inner map[string]any) map[string]any {
	return map[string]any{
		"token":         verificationToken,
		"team_id":       s.opts.TeamID,
		"api_app_id":    s.opts.AppID,
		"event":         inner,
		"type":          "event_callback",
		"event_id":      newEventID(),
		"event_time":    time.Now().Unix(),
		"event_context": "4-" + base64.RawURLEncoding.EncodeToString(randBytes(24)),
		"authorizations": []any{map[string]any{
			"enterprise_id":         nil,
			"team_id":               s.opts.TeamID,
			"user_id":               s.opts.BotUserID,
			"is_bot":                true,
			"is_enterprise_install": false,
		}},
		"is_ext_shared_channel": false,
		"context_team_id":       s.opts.TeamID,
		"context_enterprise_id": nil,
	}
}

// DeliverRetry sends e again as retry attempt (1 to 3, reason "timeout"),
// with the same payload and event_id, as though earlier attempts had been
// lost: the bot sees the event first as a retry. Unacked, it is retried
// further up to attempt 3.
func (s *Server) DeliverRetry(e Event, attempt int) error {
	if attempt < 1 || attempt > maxRetries {
		return fmt.Errorf("deliver retry of %s: attempt %d not in 1..%d", e.EventID, attempt, maxRetries)
	}
	s.mu.Lock()
	cb := s.events[e.EventID]
	if cb == nil {
		cb = e.Payload
	}
	if cb == nil {
		s.mu.Unlock()
		return fmt.Errorf("deliver retry: unknown event %q", e.EventID)
	}
	raw, err := json.Marshal(cb)
	s.mu.Unlock()
	if err != nil {
		return fmt.Errorf("deliver retry of %s: encode: %w", e.EventID, err)
	}
	s.dispatch(&job{typ: TypeEventsAPI, payload: raw, eventID: e.EventID, attempt: attempt, retryable: true}, true)
	return nil
}

// SlashCommand sends command (with its leading "/") as user typed it in
// channel ("" for the user's DM with the bot), with a trigger_id and a
// response_url on this server.
func (s *Server) SlashCommand(command, text, user, channel string) (Command, error) {
	if !strings.HasPrefix(command, "/") {
		return Command{}, fmt.Errorf("slash command %q: must start with /", command)
	}
	s.mu.Lock()
	if channel == "" {
		if _, ok := s.users[user]; ok {
			channel = s.imChannelLocked(user)
		}
	}
	c, err := s.checkLocked(channel, user)
	if err != nil {
		s.mu.Unlock()
		return Command{}, fmt.Errorf("slash command %s: %w", command, err)
	}
	t := s.newResponseTargetLocked(user, channel, "", "")
	t.command = true
	cmd := Command{
		ID: t.id, Command: command, Text: text, User: user, Channel: channel,
		TriggerID: newTriggerID(), ResponseURL: s.responseURLLocked(t.id),
	}
	cmd.Payload = map[string]any{
		"token":                 verificationToken,
		"team_id":               s.opts.TeamID,
		"team_domain":           s.opts.TeamDomain,
		"channel_id":            channel,
		"channel_name":          channelName(c),
		"user_id":               user,
		"user_name":             s.users[user].Name,
		"command":               command,
		"text":                  text,
		"api_app_id":            s.opts.AppID,
		"is_enterprise_install": "false",
		"response_url":          cmd.ResponseURL,
		"trigger_id":            cmd.TriggerID,
	}
	raw, _ := json.Marshal(cmd.Payload)
	s.mu.Unlock()
	cmd.EnvelopeID = s.dispatch(&job{typ: TypeSlashCommands, payload: raw, accepts: true, target: t}, true)
	return cmd, nil
}

// ClickButton sends a block_actions interaction: user clicks the element
// with actionID in message (as found in Messages), which sits in channel (""
// for message.Channel). value overrides the element's value when not "". The
// message's current blocks are sent, and response_url can replace or delete
// it.
func (s *Server) ClickButton(user, channel string, message Message, actionID, value string) (Action, error) {
	if channel == "" {
		channel = message.Channel
	}
	s.mu.Lock()
	c, err := s.checkLocked(channel, user)
	if err != nil {
		s.mu.Unlock()
		return Action{}, fmt.Errorf("click %s: %w", actionID, err)
	}
	m := &message
	if stored := s.findMessageLocked(channel, message.TS); stored != nil {
		m = copyMessage(stored)
	}
	if m.Deleted {
		s.mu.Unlock()
		return Action{}, fmt.Errorf("click %s: message %s was deleted", actionID, m.TS)
	}
	blockID, elem := findElement(m.Blocks, actionID)
	if elem == nil {
		s.mu.Unlock()
		return Action{}, fmt.Errorf("click %s: no element with that action_id in message %s", actionID, m.TS)
	}
	if value == "" {
		value, _ = elem["value"].(string)
	}
	t := s.newResponseTargetLocked(user, channel, m.ThreadTS, m.TS)
	a := Action{
		ID: t.id, ActionID: actionID, BlockID: blockID, Value: value, User: user, Channel: channel,
		MessageTS: m.TS, TriggerID: newTriggerID(), ResponseURL: s.responseURLLocked(t.id), ActionTS: s.nextTSLocked(),
	}
	act := map[string]any{
		"type":      elem["type"],
		"action_id": actionID,
		"block_id":  blockID,
		"action_ts": a.ActionTS,
	}
	if value != "" {
		act["value"] = value
	}
	if txt, ok := elem["text"].(map[string]any); ok {
		act["text"] = deepCopyMap(txt)
	}
	if st, ok := elem["style"].(string); ok {
		act["style"] = st
	}
	container := map[string]any{
		"type":         "message",
		"message_ts":   m.TS,
		"channel_id":   channel,
		"is_ephemeral": m.Ephemeral,
	}
	if m.ThreadTS != "" {
		container["thread_ts"] = m.ThreadTS
	}
	name := s.users[user].Name
	a.Payload = map[string]any{
		"type":                  "block_actions",
		"user":                  map[string]any{"id": user, "username": name, "name": name, "team_id": s.opts.TeamID},
		"api_app_id":            s.opts.AppID,
		"token":                 verificationToken,
		"container":             container,
		"trigger_id":            a.TriggerID,
		"team":                  map[string]any{"id": s.opts.TeamID, "domain": s.opts.TeamDomain},
		"enterprise":            nil,
		"is_enterprise_install": false,
		"channel":               map[string]any{"id": channel, "name": channelName(c)},
		"message":               s.messageJSONLocked(m),
		"state":                 map[string]any{"values": map[string]any{}},
		"response_url":          a.ResponseURL,
		"actions":               []any{act},
	}
	raw, _ := json.Marshal(a.Payload)
	s.mu.Unlock()
	a.EnvelopeID = s.dispatch(&job{typ: TypeInteractive, payload: raw}, true)
	return a, nil
}

// findElement finds the interactive element with actionID in blocks and the
// block_id of its block.
func findElement(blocks []map[string]any, actionID string) (string, map[string]any) {
	for i, b := range blocks {
		var elems []any
		switch b["type"] {
		case "actions", "context_actions":
			elems, _ = b["elements"].([]any)
		case "section":
			elems = []any{b["accessory"]}
		case "input":
			elems = []any{b["element"]}
		}
		for _, e := range elems {
			m, ok := e.(map[string]any)
			if !ok || m["action_id"] != actionID {
				continue
			}
			blockID, _ := b["block_id"].(string)
			if blockID == "" {
				blockID = fmt.Sprintf("blk%d", i)
			}
			return blockID, m
		}
	}
	return "", nil
}

func (s *Server) checkLocked(channel, user string) (Channel, error) {
	if _, ok := s.users[user]; !ok {
		return Channel{}, fmt.Errorf("user %q: user_not_found", user)
	}
	c, ok := s.channels[channel]
	if !ok {
		return Channel{}, fmt.Errorf("channel %q: channel_not_found", channel)
	}
	return c, nil
}

func channelName(c Channel) string {
	if c.IsIM {
		return "directmessage"
	}
	return c.Name
}

func (s *Server) newResponseTargetLocked(user, channel, threadTS, messageTS string) *responseTarget {
	t := &responseTarget{id: hex.EncodeToString(randBytes(12)), user: user, channel: channel,
		threadTS: threadTS, messageTS: messageTS, created: time.Now()}
	s.responses[t.id] = t
	return t
}

func (s *Server) responseURLLocked(id string) string {
	return s.baseURL + "/response/" + id
}

// messageJSONLocked renders m as the Web API and event payloads show it.
func (s *Server) messageJSONLocked(m *Message) map[string]any {
	out := map[string]any{
		"type": "message",
		"user": m.User,
		"text": m.Text,
		"ts":   m.TS,
		"team": s.opts.TeamID,
	}
	if m.BotID != "" {
		out["bot_id"] = m.BotID
		out["app_id"] = s.opts.AppID
		out["bot_profile"] = map[string]any{
			"id": m.BotID, "app_id": s.opts.AppID, "name": s.opts.BotName,
			"deleted": false, "team_id": s.opts.TeamID,
		}
	}
	if m.Blocks != nil {
		out["blocks"] = blocksAsAny(m.Blocks)
	}
	if m.Attachments != nil {
		out["attachments"] = blocksAsAny(m.Attachments)
	}
	if m.ThreadTS != "" {
		out["thread_ts"] = m.ThreadTS
	}
	return out
}

var mentionRE = regexp.MustCompile(`<@([UW][A-Z0-9]+)(?:\|[^>]*)?>`)

// richTextBlocks builds the rich_text block Slack attaches to a user's
// message, with user mentions as user elements.
func richTextBlocks(text string) []map[string]any {
	var elems []any
	rest := text
	for {
		loc := mentionRE.FindStringSubmatchIndex(rest)
		if loc == nil {
			break
		}
		if loc[0] > 0 {
			elems = append(elems, map[string]any{"type": "text", "text": rest[:loc[0]]})
		}
		elems = append(elems, map[string]any{"type": "user", "user_id": rest[loc[2]:loc[3]]})
		rest = rest[loc[1]:]
	}
	if rest != "" {
		elems = append(elems, map[string]any{"type": "text", "text": rest})
	}
	if elems == nil {
		elems = []any{}
	}
	return []map[string]any{{
		"type":     "rich_text",
		"block_id": base64.RawURLEncoding.EncodeToString(randBytes(3)),
		"elements": []any{map[string]any{"type": "rich_text_section", "elements": elems}},
	}}
}

func randBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

func newUUID() string {
	b := randBytes(16)
	b[6] = (b[6] & 0x0f) | 0x40
	b[8] = (b[8] & 0x3f) | 0x80
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

var eventSeq atomic.Int64

func newEventID() string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	n := eventSeq.Add(1)
	b := randBytes(6)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return fmt.Sprintf("Ev%06d%s", n, b)
}

func newTriggerID() string {
	return fmt.Sprintf("%d.%d.%s", time.Now().UnixMilli(), eventSeq.Add(1), hex.EncodeToString(randBytes(16)))
}

// postUserMessageLocked adds a user's message (inner, as an event) to the
// channel history, threading it under threadTS, and delivers the event.
func (s *Server) postUserMessageLocked(inner map[string]any, channel, user, text, threadTS, ts string, blocks []map[string]any) (Event, error) {
	if threadTS != "" {
		inner["thread_ts"] = threadTS
		if p := s.findMessageLocked(channel, threadTS); p != nil {
			inner["parent_user_id"] = p.User
		}
	}
	s.storeMessageLocked(&Message{Channel: channel, TS: ts, ThreadTS: threadTS, User: user, Text: text, Blocks: blocks})
	return s.sendEventLocked(inner)
}
