package slackbot

import (
	"context"
	"strings"
	"time"

	"github.com/rs/zerolog"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"github.com/kbbot/kbbot/internal/kb"
)

// Surfaces: where a request came from, in logs and metrics.
const (
	surfaceMention  = "mention"
	surfaceDM       = "dm"
	surfaceSlash    = "slash"
	surfaceShare    = "share"
	surfaceFeedback = "feedback"
	surfaceHome     = "home"
	surfaceChannel  = "channel"  // a post in an auto-answer channel
	surfaceShortcut = "shortcut" // the "Ask kbbot" message shortcut
	surfaceExpert   = "expert"   // the Ask an expert button
)

// askTimeout bounds one search, and so how long a question holds the index
// (its read lock) and a worker while searching: the search honours its
// context. Posting the answer then takes at most RetryFor more (retries of
// Slack failures), plus its turn in the channel's pace; every wait ends at
// the shutdown grace period.
const askTimeout = 15 * time.Second

// request is one piece of acked work and what its log line needs.
type request struct {
	eventID     string
	envelopeID  string
	retry       int
	surface     string
	channel     string
	channelType string
	user        string
	threadTS    string // reply in this thread ("" for top level)
	ts          string // the message's own ts, for events about a message
	auto        bool   // nobody asked the bot: answer only when confident
	text        string // raw text as Slack sent it
	responseURL string
	received    time.Time
}

// logDone writes the one info line for a handled request.
func (b *Bot) logDone(r *request, outcome string, results int, err error) {
	ev := b.log.Info()
	if err != nil {
		ev = b.log.Error().Err(err)
	}
	if r.eventID != "" {
		ev = ev.Str("event_id", r.eventID)
	} else {
		ev = ev.Str("envelope_id", r.envelopeID)
	}
	if r.retry > 0 {
		ev = ev.Int("retry_attempt", r.retry)
	}
	latency := time.Since(r.received)
	ev.Str("surface", r.surface).
		Str("channel", r.channel).
		Str("channel_type", r.channelType).
		Str("user", r.user).
		Dur("latency", latency.Round(100*time.Microsecond)).
		Int("results", results).
		Str("outcome", outcome).
		Msg("handled")
	b.metrics.Answer(r.surface, outcome, latency)
}

// channelType names a conversation by its id for logs (mentions carry no
// channel_type).
func channelType(id string) string {
	switch {
	case strings.HasPrefix(id, "D"):
		return "im"
	case strings.HasPrefix(id, "G"):
		return "group"
	case strings.HasPrefix(id, "C"):
		return "channel"
	}
	return "unknown"
}

// onEventsAPI acks an Events API envelope and queues its work, once per
// event_id. A retry of an event already taken is acked and dropped; an event
// first seen as a retry (missed while we were reconnecting) is answered.
func (b *Bot) onEventsAPI(ctx context.Context, ack acker, evt socketmode.Event, received time.Time) {
	env := evt.Request
	if env == nil {
		env = &socketmode.Request{}
	}
	ea, ok := evt.Data.(slackevents.EventsAPIEvent)
	if !ok {
		b.ackEnvelope(ctx, ack, env.EnvelopeID, nil)
		return
	}
	r := &request{envelopeID: env.EnvelopeID, retry: env.RetryAttempt, received: received}
	if cb, ok := ea.Data.(*slackevents.EventsAPICallbackEvent); ok {
		r.eventID = cb.EventID
	}
	if ea.Type == slackevents.AppRateLimited {
		b.ackEnvelope(ctx, ack, env.EnvelopeID, nil)
		b.log.Warn().Msg("slack is rate limiting event deliveries to this app (app_rate_limited)")
		return
	}

	var work job
	var ignore string
	switch ev := ea.InnerEvent.Data.(type) {
	case *slackevents.AppMentionEvent:
		r.surface, r.channel, r.channelType, r.user, r.text = surfaceMention, ev.Channel, channelType(ev.Channel), ev.User, ev.Text
		r.threadTS, r.ts = ev.ThreadTimeStamp, ev.TimeStamp
		if r.threadTS == "" {
			r.threadTS = ev.TimeStamp
		}
		switch {
		case ev.BotID != "":
			ignore = "from a bot"
		case ev.User == "" || ev.User == b.botUserID:
			ignore = "own message"
		case ev.Edited != nil:
			ignore = "edited message"
		default:
			work = func(ctx context.Context) { b.answer(ctx, r) }
		}
	case *slackevents.MessageEvent:
		r.surface, r.channel, r.channelType, r.user, r.text = surfaceDM, ev.Channel, ev.ChannelType, ev.User, ev.Text
		r.threadTS, r.ts = ev.ThreadTimeStamp, ev.TimeStamp // a DM is answered in place, or in its thread
		switch {
		case ev.ChannelType != "im":
			work, ignore = b.channelMessage(r, ev) // channels.go
		case ev.SubType != "":
			ignore = "subtype " + ev.SubType
		case ev.BotID != "":
			ignore = "from a bot"
		case ev.User == "" || ev.User == b.botUserID:
			ignore = "own message"
		default:
			work = func(ctx context.Context) { b.answer(ctx, r) }
		}
	case *slackevents.AppHomeOpenedEvent:
		r.surface, r.channel, r.channelType, r.user = surfaceHome, ev.Channel, "im", ev.User
		if ev.Tab == "messages" {
			ignore = "messages tab"
		} else {
			work = func(ctx context.Context) { b.publishHome(ctx, r) }
		}
	default:
		ignore = "event type " + ea.InnerEvent.Type
	}

	with := func(ev *zerolog.Event) *zerolog.Event {
		return ev.Str("event_id", r.eventID).Str("envelope_id", r.envelopeID).Int("retry_attempt", r.retry)
	}
	if work == nil {
		b.ackEnvelope(ctx, ack, env.EnvelopeID, nil)
		with(b.log.Debug()).Str("reason", ignore).Str("channel", r.channel).Str("user", r.user).Str("outcome", "ignored").Msg("event ignored")
		return
	}
	if r.eventID != "" && b.seen.Seen(r.eventID) {
		b.ackEnvelope(ctx, ack, env.EnvelopeID, nil)
		with(b.log.Info()).Str("surface", r.surface).Str("outcome", "duplicate").Msg("event already taken; retry ignored")
		return
	}
	if b.limited(r, func() { b.queueNotice(r) }) {
		// Acked and remembered: a redelivery must not get past the limit.
		if b.ackEnvelope(ctx, ack, env.EnvelopeID, nil) && r.eventID != "" {
			b.seen.Add(r.eventID)
		}
		return
	}
	if !b.room() {
		// No ack and no memory of it: Slack redelivers the event as a retry
		// in a few seconds, when there may be room.
		with(b.log.Warn()).Str("surface", r.surface).Str("outcome", "busy").Msg("work queue full; leaving the event for slack to redeliver")
		return
	}
	if !b.ackEnvelope(ctx, ack, env.EnvelopeID, nil) {
		return // Slack redelivers it; answering too would answer twice
	}
	if r.eventID != "" {
		b.seen.Add(r.eventID)
	}
	work = b.claimed(r, work) // once across replicas, when they share a store

	b.queue <- work // cannot block: room() said so, and only this goroutine sends
}

// answer searches for a question and replies where it was asked.
func (b *Bot) answer(ctx context.Context, r *request) {
	question := cleanQuestion(r.text)
	followUp := r.threadTS != "" && r.ts != "" && r.threadTS != r.ts
	if r.auto {
		min := minContentWords
		if followUp {
			min = 1 // the thread gives the rest
		}
		if !looksLikeQuestion(r.text, min) {
			b.logDone(r, "silent", 0, nil)
			return
		}
	}
	query := question
	if followUp && r.surface != surfaceDM {
		// Read the thread from Slack, not from memory: any replica may
		// have answered it.
		t, err := b.thread(ctx, r.channel, r.threadTS)
		switch {
		case err != nil:
			b.log.Warn().Err(err).Str("channel", r.channel).Msg("could not read the thread; answering the message alone")
		case t.answered:
			query = withContext(question, t.first)
		}
		if r.auto && (err != nil || !t.answered) {
			b.logDone(r, "silent", 0, nil) // a conversation among people
			return
		}
	}
	b.metrics.Question(r.surface)
	b.counts.questions.Add(1)
	b.log.Debug().Str("event_id", r.eventID).Str("envelope_id", r.envelopeID).Str("question", question).Str("query", query).Msg("question")

	o := answerOpts{
		share: r.surface == surfaceSlash,
		// In a thread or a DM the question sits right above the answer.
		inThread: r.surface == surfaceMention || r.surface == surfaceDM || r.surface == surfaceChannel,
		expert:   b.opts.Experts != nil && r.surface != surfaceDM && r.surface != surfaceSlash,
	}
	var gate func(kb.Answer) bool
	if r.auto {
		// A follow-up is judged with its thread's question, as it was searched.
		gate = func(a kb.Answer) bool { return confident(query, a) }
	}
	// On a search error msg is a fixed apology: the user hears back anyway.
	var ans kb.Answer
	o.got = &ans
	msg, outcome, results, searchErr := b.replyTo(ctx, question, query, r.user, o, gate)
	if outcome == "silent" {
		b.logDone(r, outcome, 0, searchErr)
		return
	}
	var err error
	switch r.surface {
	case surfaceSlash:
		err = b.respondOrEphemeral(ctx, r, msg)
	default:
		_, err = b.post(ctx, r.channel, r.threadTS, msg)
	}
	switch {
	case searchErr != nil:
		err = searchErr
	case err != nil:
		// Acknowledged, so Slack will not redeliver it: the answer is lost.
		outcome = "undelivered"
		b.counts.errors.Add(1)
	}
	b.recordQuestion(ctx, r, question, ans, outcome)
	b.logDone(r, outcome, results, err)
}

// reply runs the search and renders what to say. A search error is logged
// by the caller and the user gets a fixed sentence.
func (b *Bot) reply(ctx context.Context, question, user string, o answerOpts) (message, string, int, error) {
	return b.replyTo(ctx, question, question, user, o, nil)
}

// replyTo is reply for a question searched as query (a follow-up with its
// thread's question). gate, if not nil, must accept the answer, else the
// outcome is "silent" and nothing is to be said.
func (b *Bot) replyTo(ctx context.Context, question, query, user string, o answerOpts, gate func(kb.Answer) bool) (message, string, int, error) {
	actx, cancel := context.WithTimeout(ctx, askTimeout)
	defer cancel()
	ans, err := b.opts.Searcher.Ask(actx, query, b.opts.MaxResults)
	if gate != nil && (err != nil || !gate(ans)) {
		return message{}, "silent", 0, err
	}
	if err != nil {
		b.counts.errors.Add(1)
		return b.render.searchFailed(), "search_error", 0, err
	}
	if o.got != nil {
		*o.got = ans
	}
	switch {
	case ans.Kind == kb.KindGreeting && saysThanks(question):
		return b.render.welcome(user), "greeting", 0, nil
	case ans.Kind == kb.KindGreeting:
		return b.render.greeting(user, b.shownStats()), "greeting", 0, nil
	case ans.Kind == kb.KindHelp, ans.Kind == kb.KindEmpty, question == "":
		return b.render.help(b.shownStats()), "help", 0, nil
	case !ans.Answered():
		b.counts.noAnswer.Add(1)
		return b.render.dontKnowFor(question, o), "no_answer", 0, nil
	}
	b.counts.answered.Add(1)
	n := min(len(ans.Results), b.opts.MaxResults)
	return b.render.answer(ans, question, o), "answered", n, nil
}

// respondOrEphemeral answers a slash command privately. The response_url is
// the robust way: it works in any conversation the command was run in,
// including ones the bot is not a member of, where chat.postEphemeral fails.
func (b *Bot) respondOrEphemeral(ctx context.Context, r *request, m message) error {
	if r.responseURL != "" {
		return b.respond(ctx, r.responseURL, m, respondEphemeral)
	}
	_, err := b.send(ctx, "chat.postEphemeral", r.channel, m, slack.MsgOptionPostEphemeral(r.user))
	return err
}

// onSlashCommand acks a slash command at once, with an empty payload, and
// answers through its response_url from a worker: the 3-second limit then
// never depends on how long a search or Slack takes.
func (b *Bot) onSlashCommand(ctx context.Context, ack acker, evt socketmode.Event, received time.Time) {
	env := evt.Request
	if env == nil {
		env = &socketmode.Request{}
	}
	cmd, ok := evt.Data.(slack.SlashCommand)
	if !ok {
		b.ackEnvelope(ctx, ack, env.EnvelopeID, nil)
		return
	}
	r := &request{
		envelopeID: env.EnvelopeID, surface: surfaceSlash, channel: cmd.ChannelID, channelType: channelType(cmd.ChannelID),
		user: cmd.UserID, text: cmd.Text, responseURL: cmd.ResponseURL, received: received,
	}
	notify := false
	if isQuestion(cmd.Text) && b.limited(r, func() { notify = true }) {
		// The ack payload is the command's reply: the notice costs no call
		// and no queue slot. Past the first in a minute, an empty ack.
		var payload any
		if notify {
			payload = map[string]any{"response_type": "ephemeral", "text": b.render.limited(b.opts.UserRateLimit).Text}
		}
		b.ackEnvelope(ctx, ack, env.EnvelopeID, payload)
		return
	}
	if !b.room() {
		// The ack payload is shown to the user as the command's reply.
		b.ackEnvelope(ctx, ack, env.EnvelopeID, map[string]any{"response_type": "ephemeral", "text": b.render.busy().Text})
		b.log.Warn().Str("envelope_id", r.envelopeID).Str("surface", r.surface).Str("outcome", "busy").Msg("work queue full; slash command turned away")
		return
	}
	b.ackEnvelope(ctx, ack, env.EnvelopeID, nil)
	b.queue <- func(ctx context.Context) { b.slash(ctx, r) }
}

// isQuestion reports whether /kb TEXT asks a question rather than running a
// subcommand (see slash).
func isQuestion(text string) bool {
	switch strings.ToLower(strings.TrimSpace(text)) {
	case "", "help", "?", "topics", "stats", "reindex", "gaps":
		return false
	}
	return true
}

// slash routes /kb SUBCOMMAND or /kb QUESTION.
func (b *Bot) slash(ctx context.Context, r *request) {
	sub := strings.ToLower(strings.TrimSpace(r.text))
	if name, ok := strings.CutPrefix(sub, "topics "); ok && b.opts.Catalog != nil {
		b.replySlash(ctx, r, b.render.topicMessage(b.opts.Catalog.Articles(), strings.TrimSpace(name)), "topics")
		return
	}
	switch sub {
	case "", "help", "?":
		b.replySlash(ctx, r, b.render.help(b.shownStats()), "help")
	case "topics":
		if b.opts.Catalog != nil {
			b.replySlash(ctx, r, b.render.topicGroupsMessage(b.opts.Catalog.Articles()), "topics")
			return
		}
		b.replySlash(ctx, r, b.render.topics(b.opts.Searcher.Stats()), "topics")
	case "stats", "reindex", "gaps":
		if !b.admins.IsAdmin(ctx, r.user) {
			b.replySlash(ctx, r, b.render.refusal(sub), "refused")
			return
		}
		if sub == "gaps" {
			b.gaps(ctx, r)
			return
		}
		if sub == "stats" {
			b.replySlash(ctx, r, b.render.stats(b.opts.Searcher.Stats(), b.botStats()), "stats")
			return
		}
		b.reindex(ctx, r)
	default:
		b.answer(ctx, r)
	}
}

func (b *Bot) replySlash(ctx context.Context, r *request, m message, outcome string) {
	err := b.respondOrEphemeral(ctx, r, m)
	if err != nil {
		outcome = "error"
	}
	b.logDone(r, outcome, 0, err)
}

func (b *Bot) botStats() botStats {
	return botStats{
		Uptime:    time.Since(b.started),
		Questions: b.counts.questions.Load(),
		Answered:  b.counts.answered.Load(),
		NoAnswer:  b.counts.noAnswer.Load(),
		Errors:    b.counts.errors.Load(),
		Recons:    b.counts.reconnects.Load(),
	}
}

// Progress posts during a reindex: a response_url takes five replies, and
// the start and the summary need two of them.
const (
	maxProgressPosts = 2
	progressEvery    = 5 * time.Second
)

// reindex runs an admin's /kb reindex and reports progress and a summary.
func (b *Bot) reindex(ctx context.Context, r *request) {
	if b.opts.Reindexer == nil {
		b.replySlash(ctx, r, b.render.reindexUnavailable(), "unavailable")
		return
	}
	if err := b.respondOrEphemeral(ctx, r, b.render.reindexStarted()); err != nil {
		b.log.Warn().Err(err).Msg("could not post reindex start")
	}
	posts, last := 0, time.Now()
	progress := func(p kb.Progress) {
		if posts >= maxProgressPosts || time.Since(last) < progressEvery || p.Done >= p.Total {
			return
		}
		posts++
		last = time.Now()
		if err := b.respondOrEphemeral(ctx, r, b.render.reindexProgress(p)); err != nil {
			b.log.Debug().Err(err).Msg("could not post reindex progress")
		}
	}
	rep, err := b.opts.Reindexer.Reindex(ctx, progress)
	if err != nil {
		_ = b.respondOrEphemeral(ctx, r, b.render.reindexFailed())
		b.logDone(r, "reindex_failed", 0, err)
		return
	}
	err = b.respondOrEphemeral(ctx, r, b.render.reindexReport(rep))
	b.log.Info().Str("user", r.user).Int("articles", rep.Articles).Int("added", len(rep.Added)).
		Int("changed", len(rep.Changed)).Int("removed", len(rep.Removed)).Int("skipped", len(rep.Skipped)).
		Dur("took", rep.Duration.Round(time.Millisecond)).Bool("full", rep.Full).Msg("reindexed on request")
	outcome := "reindexed"
	if err != nil {
		outcome = "error"
	}
	b.logDone(r, outcome, 0, err)
}

// onInteractive acks a button click and queues its handling.
func (b *Bot) onInteractive(ctx context.Context, ack acker, evt socketmode.Event, received time.Time) {
	env := evt.Request
	if env == nil {
		env = &socketmode.Request{}
	}
	b.ackEnvelope(ctx, ack, env.EnvelopeID, nil)
	cb, ok := evt.Data.(slack.InteractionCallback)
	if ok && cb.Type == slack.InteractionTypeMessageAction {
		b.onShortcut(env.EnvelopeID, cb, received) // shortcut.go
		return
	}
	if !ok || cb.Type != slack.InteractionTypeBlockActions || len(cb.ActionCallback.BlockActions) == 0 {
		b.log.Debug().Str("envelope_id", env.EnvelopeID).Str("type", string(cb.Type)).Msg("interaction ignored")
		return
	}
	action := cb.ActionCallback.BlockActions[0]
	channel := cb.Channel.ID
	if channel == "" {
		channel = cb.Container.ChannelID
	}
	r := &request{
		envelopeID: env.EnvelopeID, channel: channel, channelType: channelType(channel), user: cb.User.ID,
		responseURL: cb.ResponseURL, received: received,
	}
	var work job
	switch action.ActionID {
	case actionShare:
		r.surface = surfaceShare
		work = func(ctx context.Context) { b.share(ctx, r, cb, action) }
	case actionHelpful, actionNotHelpful:
		r.surface = surfaceFeedback
		work = func(ctx context.Context) { b.feedback(ctx, r, cb, action) }
	case actionExpert:
		r.surface = surfaceExpert
		work = func(ctx context.Context) { b.askExpert(ctx, r, cb, action) }
	default:
		b.log.Debug().Str("envelope_id", env.EnvelopeID).Str("action_id", action.ActionID).Msg("unknown action ignored")
		return
	}
	if !b.room() {
		b.log.Warn().Str("envelope_id", env.EnvelopeID).Str("surface", r.surface).Str("outcome", "busy").Msg("work queue full; click dropped")
		return
	}
	b.queue <- work
}

// share posts an ephemeral answer for everyone in the channel and removes
// the private copy.
func (b *Bot) share(ctx context.Context, r *request, cb slack.InteractionCallback, action *slack.BlockAction) {
	v := decodeValue(action.Value)
	b.metrics.Question(surfaceShare)
	msg, outcome, results, err := b.reply(ctx, v.Question, r.user, answerOpts{sharedBy: r.user})
	if err != nil {
		b.logDone(r, outcome, 0, err)
		return
	}
	_, err = b.post(ctx, r.channel, cb.Container.ThreadTs, msg)
	if err != nil && r.responseURL != "" {
		// chat.postMessage needs the bot in the channel; a response_url can
		// post for everyone wherever the command was run.
		switch errorCode(err) {
		case "not_in_channel", "channel_not_found", "is_archived":
			err = b.respond(ctx, r.responseURL, msg, respondInChannel)
		}
	}
	if err != nil {
		b.logDone(r, "error", results, err)
		return
	}
	if r.responseURL != "" {
		if derr := b.respond(ctx, r.responseURL, message{}, respondDelete); derr != nil {
			b.log.Debug().Err(derr).Msg("could not remove the private copy of a shared answer")
		}
	}
	b.logDone(r, "shared", results, nil)
}

// feedback records a Helpful / Not helpful click and thanks the user in the
// message itself.
func (b *Bot) feedback(ctx context.Context, r *request, cb slack.InteractionCallback, action *slack.BlockAction) {
	v := decodeValue(action.Value)
	rating := "helpful"
	if action.ActionID == actionNotHelpful {
		rating = "not_helpful"
	}
	b.log.Info().Str("envelope_id", r.envelopeID).Str("user", r.user).Str("channel", r.channel).
		Str("message_ts", cb.Container.MessageTs).Str("rating", rating).Strs("paths", v.Paths).Msg("feedback")
	b.log.Debug().Str("envelope_id", r.envelopeID).Str("question", v.Question).Msg("feedback question")
	b.recordFeedback(ctx, r, cb, v, rating)

	blocks := cb.Message.Blocks.BlockSet
	var err error
	switch {
	case len(blocks) > 0 && !cb.Container.IsEphemeral:
		// Everyone sees this message: keep the buttons for the others and
		// count one vote per person (votes.go).
		voted, ok := withVote(blocks, r.user, rating)
		if !ok {
			text := ":white_check_mark: You've already given feedback on this answer. Thanks!"
			err = b.respond(ctx, r.responseURL, message{Text: text, Blocks: []slack.Block{section(text)}}, respondEphemeral)
			b.logDone(r, "already_voted", len(v.Paths), err)
			return
		}
		m := message{Text: cb.Message.Text, Blocks: voted}
		ts := cb.Container.MessageTs
		if ts == "" {
			ts = cb.Message.Timestamp
		}
		_, err = b.send(ctx, "chat.update", r.channel, m, slack.MsgOptionUpdate(ts))
	case len(blocks) > 0:
		err = b.respond(ctx, r.responseURL, message{Text: cb.Message.Text, Blocks: withThanks(blocks, r.user)}, respondReplace)
	default:
		// No copy of the message in the click (ephemeral messages may come
		// without one): render it again from the question in the button.
		var m message
		m, _, _, err = b.reply(ctx, v.Question, r.user, answerOpts{share: cb.Container.IsEphemeral, thanked: r.user})
		if err == nil {
			if cb.Container.IsEphemeral || cb.Container.MessageTs == "" {
				err = b.respond(ctx, r.responseURL, m, respondReplace)
			} else {
				_, err = b.send(ctx, "chat.update", r.channel, m, slack.MsgOptionUpdate(cb.Container.MessageTs))
			}
		}
	}
	if err == nil && rating == "not_helpful" {
		offer := b.opts.Experts != nil && !cb.Container.IsEphemeral && !strings.HasPrefix(r.channel, "D")
		if perr := b.askWhatWasMissing(ctx, r, v.Question, v.Paths, offer); perr != nil {
			b.log.Debug().Err(perr).Msg("could not ask what was missing")
		}
	}
	outcome := rating
	if err != nil {
		outcome = "error"
	}
	b.logDone(r, outcome, len(v.Paths), err)
}

// publishHome publishes the App Home tab for a user; admins also see the
// knowledge-gap report, read afresh each time they open the tab.
func (b *Bot) publishHome(ctx context.Context, r *request) {
	blocks := b.render.home(b.shownStats())
	if b.opts.Gaps != nil && b.admins.IsAdmin(ctx, r.user) {
		g, err := b.opts.Gaps.Gaps(ctx, time.Now().Add(-gapsWindow))
		if err != nil {
			b.log.Warn().Err(err).Str("user", r.user).Msg("gap report for the App Home failed")
			blocks = append(blocks, b.render.homeGapsFailed(gapsWindow)...)
		} else {
			blocks = append(blocks, b.render.homeGaps(g, gapsWindow)...)
		}
		blocks = blocks[:min(len(blocks), maxHomeBlocks)]
	}
	view := slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: blocks}}
	err := b.call(ctx, "views.publish", func(ctx context.Context) error {
		_, err := b.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: r.user, View: view})
		return err
	})
	outcome := "published"
	if err != nil {
		outcome = "error"
	}
	b.logDone(r, outcome, 0, err)
}
