package slackemu

import (
	"fmt"
	"strings"
	"time"
)

// User is a member of the emulated workspace.
type User struct {
	ID       string
	Name     string
	RealName string
	IsAdmin  bool
	IsOwner  bool
	IsBot    bool
	Deleted  bool
	TZ       string // default "Europe/London"
}

// Channel is a conversation: a public or private channel, or a DM (IsIM)
// between the bot and User.
type Channel struct {
	ID        string
	Name      string
	IsIM      bool
	IsPrivate bool
	User      string // the other member of a DM
}

// Message is one message as the workspace shows it.
type Message struct {
	Channel      string
	TS           string
	ThreadTS     string
	User         string
	BotID        string
	Text         string
	Blocks       []map[string]any
	Attachments  []map[string]any
	Ephemeral    bool   // only VisibleTo sees it
	VisibleTo    string // user ID for ephemerals
	ResponseType string // "ephemeral" or "in_channel" for response_url and ack replies
	Updated      bool
	Deleted      bool
	Metadata     map[string]any // chat.postMessage's metadata, as sent
}

// ActivityKind says what an Activity reports.
type ActivityKind string

// Activity kinds.
const (
	ActivityMessage       ActivityKind = "message"         // a message was posted (Message.Ephemeral tells ephemerals apart)
	ActivityUpdated       ActivityKind = "message_updated" // chat.update or replace_original
	ActivityDeleted       ActivityKind = "message_deleted" // chat.delete or delete_original
	ActivityViewPublished ActivityKind = "view_published"  // views.publish
	ActivityDelivered     ActivityKind = "delivered"       // an envelope was sent to the bot
	ActivityAcked         ActivityKind = "acked"           // the bot acknowledged an envelope
)

// Activity is one item of the live feed returned by Subscribe.
type Activity struct {
	Kind     ActivityKind
	At       time.Time
	Message  *Message       // message kinds
	User     string         // view_published: whose home
	View     map[string]any // view_published
	Delivery *Delivery      // delivered, acked
}

// AddUser adds or replaces a user.
func (s *Server) AddUser(u User) {
	if u.TZ == "" {
		u.TZ = "Europe/London"
	}
	if u.Name == "" {
		u.Name = strings.ToLower(u.ID)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[u.ID] = u
}

// AddChannel adds or replaces a channel.
func (s *Server) AddChannel(c Channel) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.channels[c.ID] = c
}

// User returns a user of the workspace.
func (s *Server) User(id string) (User, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[id]
	return u, ok
}

// Channel returns a channel of the workspace.
func (s *Server) Channel(id string) (Channel, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.channels[id]
	return c, ok
}

// IMChannel returns the ID of the DM channel between the bot and user,
// creating it if needed.
func (s *Server) IMChannel(user string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.users[user]; !ok {
		return "", fmt.Errorf("im channel for %s: user_not_found", user)
	}
	return s.imChannelLocked(user), nil
}

func (s *Server) imChannelLocked(user string) string {
	for _, c := range s.channels {
		if c.IsIM && c.User == user {
			return c.ID
		}
	}
	id := "D" + strings.TrimPrefix(user, "U")
	if _, taken := s.channels[id]; taken {
		id = fmt.Sprintf("D%s%d", strings.TrimPrefix(user, "U"), len(s.channels))
	}
	s.channels[id] = Channel{ID: id, IsIM: true, User: user}
	return id
}

// resolveChannelLocked maps a channel ID, or a user ID (which opens a DM), to a
// channel.
func (s *Server) resolveChannelLocked(id string) (Channel, bool) {
	if c, ok := s.channels[id]; ok {
		return c, true
	}
	if _, ok := s.users[id]; ok && (strings.HasPrefix(id, "U") || strings.HasPrefix(id, "W")) {
		return s.channels[s.imChannelLocked(id)], true
	}
	return Channel{}, false
}

// nextTSLocked returns a Slack-style ts ("1700000000.000100"), unique and
// increasing across the workspace.
func (s *Server) nextTSLocked() string {
	us := time.Now().UnixMicro()
	if us <= s.lastTS {
		us = s.lastTS + 1
	}
	s.lastTS = us
	return fmt.Sprintf("%d.%06d", us/1e6, us%1e6)
}

// NewTS returns a fresh, unique ts.
func (s *Server) NewTS() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nextTSLocked()
}

func (s *Server) storeMessageLocked(m *Message) {
	s.history[m.Channel] = append(s.history[m.Channel], m)
	s.byTS[m.Channel+"/"+m.TS] = m
	s.publishLocked(Activity{Kind: ActivityMessage, Message: copyMessage(m)})
	s.notifyLocked()
}

func (s *Server) findMessageLocked(channel, ts string) *Message {
	return s.byTS[channel+"/"+ts]
}

// Messages returns the channel's history in posting order: top-level messages,
// thread replies, ephemerals and response_url replies, with updates applied.
// Deleted messages stay, marked Deleted.
func (s *Server) Messages(channel string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Message, 0, len(s.history[channel]))
	for _, m := range s.history[channel] {
		out = append(out, *copyMessage(m))
	}
	return out
}

// Message returns one message by channel and ts.
func (s *Server) Message(channel, ts string) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.findMessageLocked(channel, ts)
	if m == nil {
		return Message{}, false
	}
	return *copyMessage(m), true
}

// HomeView returns the view last published for user with views.publish, or
// nil.
func (s *Server) HomeView(user string) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.views[user]
	if v == nil {
		return nil
	}
	return deepCopyMap(v)
}

// Subscribe returns a live feed of workspace activity and a cancel func. The
// channel is buffered; activity is dropped for a subscriber that falls behind.
// The channel is closed by cancel or Close.
func (s *Server) Subscribe() (<-chan Activity, func()) {
	ch := make(chan Activity, 256)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		close(ch)
		return ch, func() {}
	}
	s.subSeq++
	id := s.subSeq
	s.subs[id] = ch
	return ch, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if c, ok := s.subs[id]; ok {
			delete(s.subs, id)
			close(c)
		}
	}
}

func (s *Server) publishLocked(a Activity) {
	if a.At.IsZero() {
		a.At = time.Now()
	}
	for _, ch := range s.subs {
		select {
		case ch <- a:
		default:
		}
	}
}

func copyMessage(m *Message) *Message {
	c := *m
	c.Blocks = copyBlocks(m.Blocks)
	c.Attachments = copyBlocks(m.Attachments)
	return &c
}

func copyBlocks(b []map[string]any) []map[string]any {
	if b == nil {
		return nil
	}
	out := make([]map[string]any, len(b))
	for i, m := range b {
		out[i] = deepCopyMap(m)
	}
	return out
}

func deepCopyMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = deepCopy(v)
	}
	return out
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		return deepCopyMap(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = deepCopy(e)
		}
		return out
	case []map[string]any:
		return copyBlocks(x)
	default:
		return v
	}
}

// toMaps converts a decoded JSON array of objects; ok is false if it is not one.
func toMaps(v any) ([]map[string]any, bool) {
	switch x := v.(type) {
	case nil:
		return nil, true
	case []map[string]any:
		return x, true
	case []any:
		out := make([]map[string]any, 0, len(x))
		for _, e := range x {
			m, ok := e.(map[string]any)
			if !ok {
				return nil, false
			}
			out = append(out, m)
		}
		return out, true
	}
	return nil, false
}

func blocksAsAny(b []map[string]any) []any {
	if b == nil {
		return nil
	}
	out := make([]any, len(b))
	for i, m := range b {
		out[i] = deepCopyMap(m)
	}
	return out
}
