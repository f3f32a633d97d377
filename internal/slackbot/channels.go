package slackbot

import (
	"context"
	"strings"
	"sync"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// channelSet answers "is this an auto-answer channel?" for channel IDs and
// names. Names are looked up once per channel with conversations.info.
type channelSet struct {
	ids    map[string]bool
	names  map[string]bool
	lookup func(ctx context.Context, id string) (string, error)

	mu    sync.Mutex
	known map[string]bool // channel id -> in the set, for looked-up names
}

func newChannelSet(list []string, lookup func(context.Context, string) (string, error)) *channelSet {
	s := &channelSet{ids: map[string]bool{}, names: map[string]bool{}, lookup: lookup, known: map[string]bool{}}
	for _, c := range list {
		c = strings.TrimSpace(c)
		switch {
		case c == "":
		case isChannelID(c):
			s.ids[c] = true
		default:
			s.names[strings.ToLower(strings.TrimPrefix(c, "#"))] = true
		}
	}
	return s
}

// isChannelID tells an ID (C0123ABC, G0123ABC) from a name (always lower case).
func isChannelID(s string) bool {
	if len(s) < 3 || (s[0] != 'C' && s[0] != 'G') {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

func (s *channelSet) empty() bool { return len(s.ids) == 0 && len(s.names) == 0 }

// Has reports whether channel is in the set. A failed name lookup counts as
// "no" and is tried again next time.
func (s *channelSet) Has(ctx context.Context, channel string) bool {
	if s.ids[channel] {
		return true
	}
	if len(s.names) == 0 || channel == "" {
		return false
	}
	s.mu.Lock()
	in, ok := s.known[channel]
	s.mu.Unlock()
	if ok {
		return in
	}
	name, err := s.lookup(ctx, channel)
	if err != nil {
		return false
	}
	in = s.names[strings.ToLower(name)]
	s.mu.Lock()
	s.known[channel] = in
	s.mu.Unlock()
	return in
}

func (b *Bot) channelName(ctx context.Context, id string) (string, error) {
	var name string
	err := b.call(ctx, "conversations.info", func(ctx context.Context) error {
		c, err := b.api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: id})
		if err == nil {
			name = c.Name
		}
		return err
	})
	return name, err
}

// channelMessage decides what to do with a post in a channel: the bot only
// reads those in auto-answer channels. It runs on the event loop, so the
// channel-name lookup and the thread read happen in the job.
func (b *Bot) channelMessage(r *request, ev *slackevents.MessageEvent) (job, string) {
	switch {
	case b.auto.empty():
		return nil, "not a direct message" // mentions in channels come as app_mention
	case ev.SubType != "":
		return nil, "subtype " + ev.SubType // edits, joins, bot posts, thread broadcasts
	case ev.BotID != "":
		return nil, "from a bot"
	case ev.User == "" || ev.User == b.botUserID:
		return nil, "own message"
	case b.botUserID != "" && strings.Contains(ev.Text, "<@"+b.botUserID):
		return nil, "mentions the bot" // answered as the app_mention
	}
	r.surface = surfaceChannel
	r.auto = true
	if r.threadTS == "" {
		r.threadTS = ev.TimeStamp // answer in a thread under the question
	}
	return func(ctx context.Context) {
		if !b.auto.Has(ctx, r.channel) {
			b.log.Debug().Str("event_id", r.eventID).Str("channel", r.channel).Str("outcome", "ignored").
				Str("reason", "not an auto-answer channel").Msg("event ignored")
			return
		}
		b.answer(ctx, r)
	}, ""
}
