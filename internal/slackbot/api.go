package slackbot

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
)

// call runs one idempotent Web API call; see callWith.
func (b *Bot) call(ctx context.Context, method string, fn func(context.Context) error) error {
	return b.callWith(ctx, method, fn, nil)
}

// callWith runs one Web API call. A 429 is retried after its Retry-After, at
// most RateLimitRetries times; a transient failure (5xx, network) is retried
// with backoff for up to RetryFor (see retry.go). verify is nil for an
// idempotent call; for one that is not, it is asked after an ambiguous
// failure whether the call took effect anyway, and the call is repeated
// only if it says no. Every failure is logged with the method and Slack's
// error code and counted, and the error is returned wrapped with the method.
func (b *Bot) callWith(ctx context.Context, method string, fn func(context.Context) error, verify func(context.Context) (bool, error)) error {
	var retry *retryState
	limited := 0
	for attempt := 0; ; attempt++ {
		err := fn(ctx)
		if err == nil {
			return nil
		}
		code := errorCode(err)
		b.metrics.SlackError(method, code)
		if rl, ok := errors.AsType[*slack.RateLimitedError](err); ok && limited < b.opts.RateLimitRetries {
			limited++
			wait := rl.RetryAfter
			if wait <= 0 {
				wait = time.Second
			}
			b.log.Warn().Str("method", method).Str("error_code", code).Dur("retry_after", wait).Int("attempt", attempt+1).Msg("slack rate limited; waiting")
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return fmt.Errorf("%s: %w", method, ctx.Err())
			case <-t.C:
			}
			continue
		}
		if f := classify(ctx, err); f != permanent {
			if retry == nil {
				retry = b.newRetry()
			}
			if f == ambiguous && verify != nil {
				done, verr := verify(ctx)
				switch {
				case verr != nil:
					b.log.Error().Str("method", method).Str("error_code", code).Err(err).AnErr("check_error", verr).Msg("slack call failed and could not be checked; not repeating it, to never post twice")
					return fmt.Errorf("%s: %w", method, err)
				case done:
					b.log.Info().Str("method", method).Str("error_code", code).Int("attempt", attempt+1).Msg("slack call failed but had taken effect")
					return nil
				}
			}
			if retry.next(ctx) {
				b.log.Warn().Str("method", method).Str("error_code", code).Err(err).Int("attempt", attempt+1).Msg("slack api call failed; retrying")
				continue
			}
		}
		if code != "invalid_blocks" { // the caller logs the fallback
			ev := b.log.Warn()
			if code == "canceled" {
				ev = b.log.Debug()
			}
			ev.Str("method", method).Str("error_code", code).Err(err).Int("attempts", attempt+1).Msg("slack api call failed")
		}
		return fmt.Errorf("%s: %w", method, err)
	}
}

// errorCode is Slack's error code for err, or a short name for transport
// failures, for logs and metrics.
func errorCode(err error) string {
	if err == nil {
		return ""
	}
	if e, ok := errors.AsType[slack.SlackErrorResponse](err); ok {
		return e.Err
	}
	if _, ok := errors.AsType[*slack.RateLimitedError](err); ok {
		return "ratelimited"
	}
	if e, ok := errors.AsType[slack.StatusCodeError](err); ok {
		return fmt.Sprintf("http_%d", e.Code)
	}
	switch {
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	}
	if _, ok := errors.AsType[net.Error](err); ok {
		return "network"
	}
	// response_url replies that fail come back as plain errors with the code.
	if s := err.Error(); s != "" && !strings.ContainsAny(s, " :") {
		return s
	}
	return "unknown"
}

// isBlocksRejected reports whether Slack refused a message for its blocks.
func isBlocksRejected(err error) bool {
	switch errorCode(err) {
	case "invalid_blocks", "invalid_blocks_format", "msg_blocks_too_long":
		return true
	}
	return false
}

// send posts, updates or responds with m (the mode options pick which) and
// returns the message ts. If Slack rejects the blocks it sends the text
// fallback alone, so the user still gets an answer.
func (b *Bot) send(ctx context.Context, method, channel string, m message, mode ...slack.MsgOption) (string, error) {
	return b.sendChecked(ctx, method, channel, m, nil, mode...)
}

// sendChecked is send with verify for a call that is not idempotent (see
// callWith); extra options go only to the first attempt's build.
func (b *Bot) sendChecked(ctx context.Context, method, channel string, m message, verify func(context.Context) (string, bool, error), mode ...slack.MsgOption) (string, error) {
	build := func(withBlocks bool) []slack.MsgOption {
		opts := append([]slack.MsgOption{}, mode...)
		opts = append(opts,
			slack.MsgOptionText(m.Text, false), // already escaped by the renderer
			slack.MsgOptionDisableLinkUnfurl(),
			slack.MsgOptionDisableMediaUnfurl())
		if withBlocks && len(m.Blocks) > 0 {
			opts = append(opts, slack.MsgOptionBlocks(m.Blocks...))
		}
		return opts
	}
	var ts string
	var check func(context.Context) (bool, error)
	if verify != nil {
		check = func(ctx context.Context) (bool, error) {
			t, ok, err := verify(ctx)
			if ok {
				ts = t
			}
			return ok, err
		}
	}
	do := func(opts []slack.MsgOption) error {
		return b.callWith(ctx, method, func(ctx context.Context) error {
			_, t, _, err := b.api.SendMessageContext(ctx, channel, opts...)
			ts = t
			return err
		}, check)
	}
	err := do(build(true))
	// A response_url answers a rejected message with a bare HTTP 400 (slack-go
	// drops the body), so for it a 400 is taken as a rejection too.
	rejected := isBlocksRejected(err) || method == "response_url" && errorCode(err) == "http_400"
	if err != nil && len(m.Blocks) > 0 && rejected {
		detail := []string(nil)
		if e, ok := errors.AsType[slack.SlackErrorResponse](err); ok {
			detail = e.ResponseMetadata.Messages
			for _, x := range e.Errors {
				if x.Message != nil {
					detail = append(detail, *x.Message)
				}
			}
		}
		b.log.Warn().Str("method", method).Str("error_code", errorCode(err)).Strs("details", detail).Msg("slack rejected the blocks; sending plain text")
		err = do(build(false))
	}
	return ts, err
}

// post sends a new message to a channel, in a thread if threadTS is set.
// It carries a marker so that a failure which may have posted it anyway is
// checked before it is posted again (see retry.go).
func (b *Bot) post(ctx context.Context, channel, threadTS string, m message) (string, error) {
	marker := newMarker()
	mode := []slack.MsgOption{markerOption(marker)}
	if threadTS != "" {
		mode = append(mode, slack.MsgOptionTS(threadTS))
	}
	if err := b.pace(ctx, channel); err != nil {
		return "", fmt.Errorf("chat.postMessage: %w", err)
	}
	since := time.Now()
	verify := func(ctx context.Context) (string, bool, error) {
		return b.findPosted(ctx, channel, threadTS, marker, since)
	}
	return b.sendChecked(ctx, "chat.postMessage", channel, m, verify, mode...)
}

// ephemeral sends m to user alone in channel (in a thread if threadTS is set).
func (b *Bot) ephemeral(ctx context.Context, channel, user, threadTS string, m message) error {
	mode := []slack.MsgOption{slack.MsgOptionPostEphemeral(user)}
	if threadTS != "" {
		mode = append(mode, slack.MsgOptionTS(threadTS))
	}
	_, err := b.send(ctx, "chat.postEphemeral", channel, m, mode...)
	return err
}

// responseMode is how a response_url reply is shown.
type responseMode int

const (
	respondEphemeral responseMode = iota // a new message only the user sees
	respondInChannel                     // a new message everyone sees
	respondReplace                       // replaces the message clicked on
	respondDelete                        // deletes the message clicked on
)

// respond replies through a response_url (slash commands, button clicks).
func (b *Bot) respond(ctx context.Context, url string, m message, mode responseMode) error {
	var opt slack.MsgOption
	switch mode {
	case respondEphemeral:
		opt = slack.MsgOptionResponseURL(url, slack.ResponseTypeEphemeral)
	case respondInChannel:
		opt = slack.MsgOptionResponseURL(url, slack.ResponseTypeInChannel)
		// Seen by everyone, and a response_url cannot be checked: an
		// ambiguous failure is not repeated.
		_, err := b.sendChecked(ctx, "response_url", "", m, func(context.Context) (string, bool, error) { return "", false, errUnverifiable }, opt)
		return err
	case respondReplace:
		opt = slack.MsgOptionReplaceOriginal(url)
	case respondDelete:
		opt = slack.MsgOptionDeleteOriginal(url)
	}
	_, err := b.send(ctx, "response_url", "", m, opt)
	return err
}

// adminCache answers "is this user an admin?": listed ids always are, and
// with AdminsFromSlack so are workspace admins and owners, looked up with
// users.info and remembered for a while.
type adminCache struct {
	listed    map[string]bool
	fromSlack bool
	lookup    func(ctx context.Context, user string) (*slack.User, error)
	ttl       time.Duration

	mu    sync.Mutex
	known map[string]adminEntry
}

type adminEntry struct {
	admin bool
	at    time.Time
}

func newAdminCache(ids []string, fromSlack bool, lookup func(context.Context, string) (*slack.User, error)) *adminCache {
	c := &adminCache{listed: map[string]bool{}, fromSlack: fromSlack, lookup: lookup, ttl: 10 * time.Minute, known: map[string]adminEntry{}}
	for _, id := range ids {
		c.listed[id] = true
	}
	return c
}

// IsAdmin reports whether user may run admin commands. A failed lookup
// counts as "no" and is not remembered.
func (c *adminCache) IsAdmin(ctx context.Context, user string) bool {
	if c.listed[user] {
		return true
	}
	if !c.fromSlack || user == "" {
		return false
	}
	c.mu.Lock()
	e, ok := c.known[user]
	c.mu.Unlock()
	if ok && time.Since(e.at) < c.ttl {
		return e.admin
	}
	u, err := c.lookup(ctx, user)
	if err != nil {
		return false
	}
	admin := u.IsAdmin || u.IsOwner || u.IsPrimaryOwner
	c.mu.Lock()
	c.known[user] = adminEntry{admin: admin, at: time.Now()}
	c.mu.Unlock()
	return admin
}

func (b *Bot) lookupUser(ctx context.Context, user string) (*slack.User, error) {
	var u *slack.User
	err := b.call(ctx, "users.info", func(ctx context.Context) error {
		var err error
		u, err = b.api.GetUserInfoContext(ctx, user)
		return err
	})
	return u, err
}
