package slackemu

// chat.postMessage, chat.postEphemeral, chat.update and chat.delete.

import "unicode/utf8"

// messageContent reads and checks text, blocks and attachments. present
// reports which were given.
type messageContent struct {
	text                               string
	blocks                             []map[string]any
	attachments                        []map[string]any
	hasText, hasBlocks, hasAttachments bool
}

// readContent reads a message's text, blocks and attachments from a
// chat.* call, checking them as Slack does.
func readContent(p map[string]any, maxBlocks int) (messageContent, *apiResult) {
	var mc messageContent
	_, mc.hasText = p["text"]
	mc.text = str(p, "text")
	if b, ok := p["blocks"]; ok && b != nil {
		blocks, ok := toMaps(b)
		if !ok {
			r := errResult("invalid_blocks_format")
			return mc, &r
		}
		mc.blocks, mc.hasBlocks = blocks, true
		if mc.blocks == nil {
			mc.blocks = []map[string]any{}
		}
	}
	if a, ok := p["attachments"]; ok && a != nil {
		att, ok := toMaps(a)
		if !ok {
			r := errResult("invalid_attachments")
			return mc, &r
		}
		if len(att) > maxAttachments {
			r := errResult("too_many_attachments")
			return mc, &r
		}
		mc.attachments, mc.hasAttachments = att, true
	}
	if utf8.RuneCountInString(mc.text) > maxTextChars {
		r := errResult("msg_too_long")
		return mc, &r
	}
	if mc.hasBlocks {
		if errs := validateBlocks(mc.blocks, maxBlocks, "/blocks"); len(errs) > 0 {
			r := blocksErrResult("invalid_blocks", errs)
			return mc, &r
		}
	}
	return mc, nil
}

func (mc messageContent) empty() bool {
	return mc.text == "" && len(mc.blocks) == 0 && len(mc.attachments) == 0
}

func (s *Server) postMessage(p map[string]any) apiResult {
	mc, bad := readContent(p, maxMessageBlocks)
	s.mu.Lock()
	c, ok := s.resolveChannelLocked(str(p, "channel"))
	if !ok {
		s.mu.Unlock()
		return errResult("channel_not_found")
	}
	if bad != nil {
		s.mu.Unlock()
		return *bad
	}
	if mc.empty() {
		s.mu.Unlock()
		return errResult("no_text")
	}
	m := &Message{
		Channel: c.ID, TS: s.nextTSLocked(), ThreadTS: str(p, "thread_ts"),
		User: s.opts.BotUserID, BotID: s.opts.BotID, Text: mc.text,
		Blocks: mc.blocks, Attachments: mc.attachments, Metadata: metadataParam(p),
	}
	s.storeMessageLocked(m)
	msg := s.messageJSONLocked(m)
	echo := s.opts.EchoBotMessages && c.IsIM
	s.mu.Unlock()
	if echo {
		inner := deepCopyMap(msg)
		inner["channel"] = c.ID
		inner["channel_type"] = "im"
		inner["event_ts"] = m.TS
		if _, err := s.SendEvent(inner); err != nil {
			s.log.Error().Err(err).Msg("echo bot message")
		}
	}
	return okResult(map[string]any{"channel": c.ID, "ts": m.TS, "message": msg})
}

func (s *Server) postEphemeral(p map[string]any) apiResult {
	mc, bad := readContent(p, maxMessageBlocks)
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.resolveChannelLocked(str(p, "channel"))
	if !ok {
		return errResult("channel_not_found")
	}
	user := str(p, "user")
	if _, ok := s.users[user]; !ok {
		return errResult("user_not_found")
	}
	if c.IsIM && c.User != user {
		return errResult("user_not_in_channel")
	}
	if bad != nil {
		return *bad
	}
	if mc.empty() {
		return errResult("no_text")
	}
	m := &Message{
		Channel: c.ID, TS: s.nextTSLocked(), ThreadTS: str(p, "thread_ts"),
		User: s.opts.BotUserID, BotID: s.opts.BotID, Text: mc.text, Blocks: mc.blocks,
		Attachments: mc.attachments, Ephemeral: true, VisibleTo: user,
	}
	s.storeMessageLocked(m)
	return okResult(map[string]any{"message_ts": m.TS})
}

func (s *Server) chatUpdate(p map[string]any) apiResult {
	mc, bad := readContent(p, maxMessageBlocks)
	s.mu.Lock()
	defer s.mu.Unlock()
	c, m, fail := s.ownMessageLocked(p, "cant_update_message")
	if fail != nil {
		return *fail
	}
	if bad != nil {
		return *bad
	}
	if !mc.hasText && !mc.hasBlocks && !mc.hasAttachments {
		return errResult("no_text")
	}
	if mc.hasText {
		m.Text = mc.text
		if !mc.hasBlocks {
			m.Blocks = nil // text without blocks removes the old blocks
		}
	}
	if mc.hasBlocks {
		m.Blocks = mc.blocks
	}
	if mc.hasAttachments {
		m.Attachments = mc.attachments
	}
	m.Updated = true
	s.publishLocked(Activity{Kind: ActivityUpdated, Message: copyMessage(m)})
	s.notifyLocked()
	return okResult(map[string]any{"channel": c.ID, "ts": m.TS, "text": m.Text, "message": s.messageJSONLocked(m)})
}

// ownMessageLocked finds the message chat.update or chat.delete names, which
// must be one the bot posted; denied is the error for someone else's.
func (s *Server) ownMessageLocked(p map[string]any, denied string) (Channel, *Message, *apiResult) {
	fail := func(code string) (Channel, *Message, *apiResult) {
		r := errResult(code)
		return Channel{}, nil, &r
	}
	c, ok := s.resolveChannelLocked(str(p, "channel"))
	if !ok {
		return fail("channel_not_found")
	}
	m := s.findMessageLocked(c.ID, str(p, "ts"))
	if m == nil || m.Deleted || m.Ephemeral {
		return fail("message_not_found")
	}
	if m.BotID != s.opts.BotID {
		return fail(denied)
	}
	return c, m, nil
}

func (s *Server) chatDelete(p map[string]any) apiResult {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, m, fail := s.ownMessageLocked(p, "cant_delete_message")
	if fail != nil {
		return *fail
	}
	m.Deleted = true
	s.publishLocked(Activity{Kind: ActivityDeleted, Message: copyMessage(m)})
	s.notifyLocked()
	return okResult(map[string]any{"channel": c.ID, "ts": m.TS})
}
