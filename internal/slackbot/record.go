package slackbot

import (
	"context"
	"time"

	"github.com/slack-go/slack"

	"github.com/kbbot/kbbot/internal/kb"
)

// Recorder remembers questions, feedback clicks and Ask-an-expert
// hand-overs. Its methods must not block: an answer never waits for a
// database.
type Recorder interface {
	RecordQuestion(ctx context.Context, r kb.QuestionRecord)
	RecordFeedback(ctx context.Context, r kb.FeedbackRecord)
	RecordHandover(ctx context.Context, r kb.HandoverRecord)
}

// Once decides which of several replicas answers an event: Claim reports
// true to exactly one caller per event id.
type Once interface {
	Claim(ctx context.Context, eventID string) (bool, error)
}

// generationer is what a Searcher may also tell: which index generation
// answers.
type generationer interface{ Generation() string }

// claimTimeout bounds the once-only check; past it the event is answered
// anyway, since a rare duplicate is better than a lost answer.
const claimTimeout = 2 * time.Second

// recordQuestion hands a question and its outcome to the Recorder. Small
// talk and help are not questions about the knowledge base.
func (b *Bot) recordQuestion(ctx context.Context, r *request, question string, ans kb.Answer, outcome string) {
	if b.opts.Recorder == nil {
		return
	}
	var rec string
	switch outcome {
	case "answered":
		rec = kb.OutcomeAnswered
	case "no_answer":
		rec = kb.OutcomeUnknown
	case "error", "search_error":
		rec = kb.OutcomeError
	default:
		return
	}
	qr := kb.QuestionRecord{
		At: r.received, Surface: r.surface, ChannelType: r.channelType, Question: question,
		Outcome: rec, Latency: time.Since(r.received),
	}
	for i, res := range ans.Results {
		if i == b.opts.MaxResults {
			break
		}
		qr.Results = append(qr.Results, kb.RecordedResult{Path: res.Path, Section: res.Section, Score: res.Score})
	}
	if g, ok := b.opts.Searcher.(generationer); ok {
		qr.Generation = g.Generation()
	}
	b.opts.Recorder.RecordQuestion(ctx, qr)
}

// recordFeedback hands a vote to the Recorder. The answer is named by its
// message, so a second click by the same user replaces the first.
func (b *Bot) recordFeedback(ctx context.Context, r *request, cb slack.InteractionCallback, v actionValue, rating string) {
	if b.opts.Recorder == nil {
		return
	}
	ts := cb.Container.MessageTs
	if ts == "" {
		ts = cb.Message.Timestamp
	}
	answer := r.channel + ":" + ts
	if ts == "" { // an ephemeral answer: the question is all that names it
		answer = r.channel + ":q:" + v.Question
	}
	kbRating := kb.RatingHelpful
	if rating == "not_helpful" {
		kbRating = kb.RatingNotHelpful
	}
	b.opts.Recorder.RecordFeedback(ctx, kb.FeedbackRecord{
		At: r.received, Answer: answer, User: r.user, ChannelType: r.channelType,
		Rating: kbRating, Question: v.Question, Paths: v.Paths,
	})
}

// recordHandover hands an Ask-an-expert hand-over to the Recorder.
func (b *Bot) recordHandover(ctx context.Context, r *request, v actionValue, experts []string) {
	if b.opts.Recorder == nil {
		return
	}
	b.opts.Recorder.RecordHandover(ctx, kb.HandoverRecord{
		At: r.received, User: r.user, ChannelType: r.channelType,
		Question: v.Question, Paths: v.Paths, Experts: experts,
	})
}

// claimed wraps an event's work so that, with a shared Once, only the
// replica that claims the event id answers it. The claim is made on the
// worker, never on the event loop, which must not wait for a database.
func (b *Bot) claimed(r *request, work job) job {
	if b.opts.Once == nil || r.eventID == "" {
		return work
	}
	return func(ctx context.Context) {
		cctx, cancel := context.WithTimeout(ctx, claimTimeout)
		ok, err := b.opts.Once.Claim(cctx, r.eventID)
		cancel()
		switch {
		case err != nil:
			b.log.Warn().Err(err).Str("event_id", r.eventID).Msg("once-only check failed; answering anyway")
		case !ok:
			b.log.Info().Str("event_id", r.eventID).Str("envelope_id", r.envelopeID).Int("retry_attempt", r.retry).
				Str("surface", r.surface).Str("outcome", "duplicate").Msg("event claimed by another replica; not answered")
			return
		}
		work(ctx)
	}
}
