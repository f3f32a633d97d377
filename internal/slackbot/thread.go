package slackbot

import (
	"context"

	"github.com/slack-go/slack"
)

// threadInfo is what a thread tells the bot, read from Slack each time so
// that every replica sees the same (no process memory).
type threadInfo struct {
	first      string // text of the thread's first message, when a person wrote it
	firstUser  string
	answered   bool // the bot has replied in the thread
	handedOver bool // the bot has already asked an expert here
}

// maxThreadMessages bounds how much of a thread is read.
const maxThreadMessages = 200

// thread reads a thread with conversations.replies.
func (b *Bot) thread(ctx context.Context, channel, threadTS string) (threadInfo, error) {
	var msgs []slack.Message
	err := b.call(ctx, "conversations.replies", func(ctx context.Context) error {
		var err error
		msgs, _, _, err = b.api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{
			ChannelID: channel, Timestamp: threadTS, Limit: maxThreadMessages,
		})
		return err
	})
	if err != nil {
		return threadInfo{}, err
	}
	var t threadInfo
	for i, m := range msgs {
		own := b.ownMessage(m.Msg)
		if i == 0 && m.Timestamp == threadTS && !own && m.BotID == "" {
			t.first, t.firstUser = m.Text, m.User
		}
		if own && m.Timestamp != threadTS {
			t.answered = true
			if isHandover(m.Blocks.BlockSet) {
				t.handedOver = true
			}
		}
	}
	return t, nil
}

func (b *Bot) ownMessage(m slack.Msg) bool {
	return (b.botID != "" && m.BotID == b.botID) || (b.botUserID != "" && m.User == b.botUserID)
}

// withContext is the question to search for a follow-up in a thread: the
// follow-up alone when it stands on its own, else with the thread's first
// question, so "and in Postgres?" is searched as the question it refines.
func withContext(followUp, first string) string {
	first = cleanQuestion(first)
	if first == "" || len(contentWords(followUp)) >= followUpAlone {
		return followUp
	}
	return followUp + " " + first
}
