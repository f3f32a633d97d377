package slackbot

import (
	"context"
	crand "crypto/rand"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/slack-go/slack"
)

// Retrying Slack's server errors without posting twice.
//
// A 5xx, a network error or one of Slack's "internal_error" codes is
// transient: the call is tried again with exponential backoff (RetryBackoff,
// doubling, at most 5s apart) for up to RetryFor, or until the job's
// context ends. Calls that are idempotent (chat.update, views.publish,
// users.info...) are simply repeated; so are private replies (an ephemeral
// or response_url answer only the asker sees, where a rare duplicate beats
// a lost answer).
//
// chat.postMessage is not idempotent, and a failure is ambiguous when the
// request reached Slack (a 500, a 502 or 504 from its edge, a connection
// reset or timeout after sending): the message may be in the channel
// anyway. Each post therefore carries a client-generated marker in its
// message metadata (event_type kbbot_post), and before posting again after
// an ambiguous failure the bot looks for a message with that marker in the
// thread (conversations.replies) or the channel (conversations.history)
// since the first attempt. Found: that was the post. Not found: post again.
// The lookup needs the *:history scopes; if it fails, the bot does not
// post again: it never posts twice, and the lost answer is logged with the
// question's id and counted (kbbot_answers_total{outcome="undelivered"}).
// Failures that surely did not take effect (a refused connection, a 503,
// Slack's "service_unavailable") are retried without the lookup.

// Retry defaults.
const (
	defaultRetryFor     = 60 * time.Second
	defaultRetryBackoff = 250 * time.Millisecond
	maxRetryBackoff     = 5 * time.Second
	markerEventType     = "kbbot_post"
)

// errUnverifiable marks a post whose ambiguous failure cannot be checked.
var errUnverifiable = errors.New("cannot check whether the message was posted")

// failure says how a call failed, for the retry decision.
type failure int

const (
	permanent failure = iota // an answer from Slack: do not retry (429 aside)
	unsent                   // transient, and the request surely did not take effect
	ambiguous                // transient, and it may have taken effect
)

// classify sorts an error from a Web API call.
func classify(ctx context.Context, err error) failure {
	if err == nil || ctx.Err() != nil {
		return permanent
	}
	if e, ok := errors.AsType[slack.StatusCodeError](err); ok {
		switch {
		case e.Code == http.StatusServiceUnavailable:
			return unsent
		case e.Code >= 500:
			return ambiguous
		}
		return permanent
	}
	if e, ok := errors.AsType[slack.SlackErrorResponse](err); ok {
		switch e.Err {
		case "service_unavailable", "request_timeout":
			return unsent
		case "internal_error", "fatal_error":
			return ambiguous
		}
		return permanent
	}
	// response_url failures come back as a bare error naming the status.
	switch err.Error() {
	case "503", strconv.Itoa(http.StatusServiceUnavailable) + " Service Unavailable":
		return unsent
	}
	if op, ok := errors.AsType[*net.OpError](err); ok && op.Op == "dial" {
		return unsent
	}
	if _, ok := errors.AsType[net.Error](err); ok {
		return ambiguous
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return ambiguous
	}
	return permanent
}

// retryState paces the retries of one call.
type retryState struct {
	deadline time.Time
	wait     time.Duration
}

func (b *Bot) newRetry() *retryState {
	return &retryState{deadline: time.Now().Add(b.opts.RetryFor), wait: b.opts.RetryBackoff}
}

// next waits before the next attempt and reports whether there is one.
func (r *retryState) next(ctx context.Context) bool {
	d := r.wait/2 + rand.N(r.wait) // jittered: replicas must not retry in step
	if time.Now().Add(d).After(r.deadline) {
		return false
	}
	r.wait = min(r.wait*2, maxRetryBackoff)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// newMarker is a client-generated id for one post.
func newMarker() string {
	return crand.Text()
}

// markerOption puts the marker in the message's metadata.
func markerOption(marker string) slack.MsgOption {
	return slack.MsgOptionMetadata(slack.SlackMetadata{EventType: markerEventType, EventPayload: map[string]any{"id": marker}})
}

// findPosted looks for the bot's message carrying marker, posted in
// channel (in thread threadTS, if set) since since. It returns its ts.
func (b *Bot) findPosted(ctx context.Context, channel, threadTS, marker string, since time.Time) (string, bool, error) {
	oldest := strconv.FormatFloat(float64(since.Add(-2*time.Second).UnixMicro())/1e6, 'f', 6, 64)
	var msgs []slack.Message
	var err error
	if threadTS != "" {
		err = b.call(ctx, "conversations.replies", func(ctx context.Context) error {
			m, _, _, err := b.api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{
				ChannelID: channel, Timestamp: threadTS, Oldest: oldest, Limit: 200, IncludeAllMetadata: true,
			})
			msgs = m
			return err
		})
	} else {
		err = b.call(ctx, "conversations.history", func(ctx context.Context) error {
			res, err := b.api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
				ChannelID: channel, Oldest: oldest, Limit: 200, IncludeAllMetadata: true,
			})
			if res != nil {
				msgs = res.Messages
			}
			return err
		})
	}
	if err != nil {
		return "", false, err
	}
	for _, m := range msgs {
		if m.Metadata.EventType == markerEventType && m.Metadata.EventPayload["id"] == marker {
			return m.Timestamp, true, nil
		}
	}
	return "", false, nil
}
