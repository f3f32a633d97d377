package slackemu

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
)

// ChannelMessage sends the message event Slack delivers for a user's post in
// a public or private channel (message.channels, message.groups), to apps
// subscribed to them. threadTS puts it in a thread. A post that mentions the
// bot also comes as app_mention in Slack; send that with Mention. The
// message is added to the channel history.
func (s *Server) ChannelMessage(channel, user, text, threadTS string) (Event, error) {
	s.mu.Lock()
	c, err := s.checkLocked(channel, user)
	if err != nil {
		s.mu.Unlock()
		return Event{}, fmt.Errorf("channel message: %w", err)
	}
	if c.IsIM {
		s.mu.Unlock()
		return Event{}, fmt.Errorf("channel message in %s: a DM; use DirectMessage", channel)
	}
	kind := "channel"
	if c.IsPrivate {
		kind = "group"
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
		"channel_type":  kind,
		"client_msg_id": newUUID(),
		"team":          s.opts.TeamID,
		"blocks":        blocksAsAny(blocks),
	}
	return s.postUserMessageLocked(inner, channel, user, text, threadTS, ts, blocks)
}

// conversationsReplies serves conversations.replies: the thread's parent
// and its replies, oldest first, without ephemerals or deleted messages.
// oldest drops earlier replies (the parent always comes, as in Slack),
// limit is honoured, cursor is the index to start at, and message metadata
// is returned when include_all_metadata is set.
func (s *Server) conversationsReplies(p map[string]any) apiResult {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.resolveChannelLocked(str(p, "channel"))
	if !ok {
		return errResult("channel_not_found")
	}
	channel, ts := c.ID, str(p, "ts")
	if ts == "" {
		return errResult("invalid_arguments")
	}
	parent := s.findMessageLocked(channel, ts)
	if parent == nil || parent.Deleted {
		return errResult("thread_not_found")
	}
	oldest, _ := strconv.ParseFloat(str(p, "oldest"), 64)
	meta := str(p, "include_all_metadata") == "1" || str(p, "include_all_metadata") == "true"
	var thread []*Message
	for _, m := range s.history[channel] {
		if m.Ephemeral || m.Deleted || (m.TS != ts && m.ThreadTS != ts) {
			continue
		}
		if t, _ := strconv.ParseFloat(m.TS, 64); t < oldest && m.TS != ts {
			continue
		}
		thread = append(thread, m)
	}
	sort.SliceStable(thread, func(i, j int) bool { return thread[i].TS < thread[j].TS })
	start, _ := strconv.Atoi(str(p, "cursor"))
	limit, _ := strconv.Atoi(str(p, "limit"))
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	start = min(max(start, 0), len(thread))
	end := min(start+limit, len(thread))
	msgs := make([]any, 0, end-start)
	for _, m := range thread[start:end] {
		j := s.messageJSONLocked(m)
		if meta && m.Metadata != nil {
			j["metadata"] = deepCopyMap(m.Metadata)
		}
		if m.ThreadTS == "" && m.TS == ts {
			j["thread_ts"] = ts
			j["reply_count"] = len(thread) - 1
		}
		msgs = append(msgs, j)
	}
	body := map[string]any{"messages": msgs, "has_more": end < len(thread)}
	if end < len(thread) {
		body["response_metadata"] = map[string]any{"next_cursor": strconv.Itoa(end)}
	}
	return okResult(body)
}

// MessageShortcut sends a message_action interaction: user picks the app's
// message shortcut callbackID from the menu of message (as found in
// Messages). The payload carries the message, a response_url and a
// trigger_id, as Slack's does.
func (s *Server) MessageShortcut(user string, message Message, callbackID string) (Action, error) {
	channel := message.Channel
	s.mu.Lock()
	c, err := s.checkLocked(channel, user)
	if err != nil {
		s.mu.Unlock()
		return Action{}, fmt.Errorf("shortcut %s: %w", callbackID, err)
	}
	m := &message
	if stored := s.findMessageLocked(channel, message.TS); stored != nil {
		m = copyMessage(stored)
	}
	t := s.newResponseTargetLocked(user, channel, m.ThreadTS, "")
	a := Action{
		ID: t.id, ActionID: callbackID, User: user, Channel: channel, MessageTS: m.TS,
		TriggerID: newTriggerID(), ResponseURL: s.responseURLLocked(t.id), ActionTS: s.nextTSLocked(),
	}
	name := s.users[user].Name
	a.Payload = map[string]any{
		"type":         "message_action",
		"token":        verificationToken,
		"action_ts":    a.ActionTS,
		"callback_id":  callbackID,
		"trigger_id":   a.TriggerID,
		"message_ts":   m.TS,
		"response_url": a.ResponseURL,
		"user":         map[string]any{"id": user, "username": name, "name": name, "team_id": s.opts.TeamID},
		"team":         map[string]any{"id": s.opts.TeamID, "domain": s.opts.TeamDomain},
		"channel":      map[string]any{"id": channel, "name": channelName(c)},
		"message":      s.messageJSONLocked(m),
		"api_app_id":   s.opts.AppID,
	}
	raw, _ := json.Marshal(a.Payload)
	s.mu.Unlock()
	a.EnvelopeID = s.dispatch(&job{typ: TypeInteractive, payload: raw}, true)
	return a, nil
}
