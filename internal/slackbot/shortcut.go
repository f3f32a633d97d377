package slackbot

import (
	"context"
	"time"

	"github.com/slack-go/slack"

	"github.com/kbbot/kbbot/internal/kb"
)

// ShortcutCallbackID is the callback_id of the "Ask kbbot" message shortcut
// in the app manifest.
const ShortcutCallbackID = "ask_kbbot"

// onShortcut queues the answer to a message someone picked "Ask kbbot" on:
// the message's text is the question, and the answer goes only to them,
// with the Share button.
func (b *Bot) onShortcut(envelopeID string, cb slack.InteractionCallback, received time.Time) {
	if cb.CallbackID != ShortcutCallbackID {
		b.log.Debug().Str("envelope_id", envelopeID).Str("callback_id", cb.CallbackID).Msg("unknown shortcut ignored")
		return
	}
	channel := cb.Channel.ID
	r := &request{
		envelopeID: envelopeID, surface: surfaceShortcut, channel: channel, channelType: channelType(channel),
		user: cb.User.ID, text: cb.Message.Text, responseURL: cb.ResponseURL, received: received,
	}
	if b.limited(r, func() { b.queueNotice(r) }) {
		return
	}
	if !b.room() {
		b.log.Warn().Str("envelope_id", envelopeID).Str("surface", r.surface).Str("outcome", "busy").Msg("work queue full; shortcut dropped")
		return
	}
	b.queue <- func(ctx context.Context) { b.shortcut(ctx, r) }
}

func (b *Bot) shortcut(ctx context.Context, r *request) {
	question := cleanQuestion(r.text)
	b.metrics.Question(r.surface)
	b.counts.questions.Add(1)
	var ans kb.Answer
	msg, outcome, results, searchErr := b.reply(ctx, question, r.user, answerOpts{share: true, got: &ans})
	err := b.respondOrEphemeral(ctx, r, msg)
	switch {
	case searchErr != nil:
		err = searchErr
	case err != nil:
		outcome = "error"
		b.counts.errors.Add(1)
	}
	b.recordQuestion(ctx, r, question, ans, outcome)
	b.logDone(r, outcome, results, err)
}
