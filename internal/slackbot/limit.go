package slackbot

import (
	"context"
	"sync"
	"time"
)

// Limits that keep one person, or one busy channel, from taking what others
// need.
//
// Per user: each user has a token bucket of UserRateLimit questions that
// refills at UserRateLimit per minute, so a burst of that many passes and a
// steady stream is held to the rate. A question over the limit is acked and
// not searched; the first one in a minute gets a short private notice (an
// ephemeral message, or the reply to the slash command), the rest nothing,
// so a flood of questions never becomes a flood of notices. The check runs
// on the event loop before a job is queued, so limited questions never take
// a queue slot or a worker. Auto-answers in help channels are not limited:
// nobody asked the bot, and most messages there are not for it.
//
// Per channel: chat.postMessage to one channel is paced to ChannelPostRate
// messages a second (Slack's guidance is about one a second per channel,
// with short bursts allowed), after a burst of channelPostBurst. A post
// waits for its turn in the worker that made it; nothing is dropped, and
// the wait ends with the job's context.

// channelPostBurst is how many posts to a channel go out back to back
// before pacing starts.
const channelPostBurst = 3

// limitIdle is how long an unused bucket is kept; a bucket idle this long
// is full again anyway.
const limitIdle = 2 * time.Minute

// bucket is a token bucket: burst tokens, refilled at rate per second.
type bucket struct {
	tokens float64
	last   time.Time
	notice time.Time // when the last over-the-limit notice was given
}

// buckets holds one bucket per key (a user, a channel).
type buckets struct {
	rate  float64 // tokens per second
	burst float64

	mu    sync.Mutex
	m     map[string]*bucket
	swept time.Time
}

func newBuckets(perSecond float64, burst int) *buckets {
	return &buckets{rate: perSecond, burst: float64(burst), m: map[string]*bucket{}}
}

// get returns key's bucket, refilled to now. Call with mu held.
func (bs *buckets) get(key string, now time.Time) *bucket {
	if now.Sub(bs.swept) > limitIdle {
		for k, b := range bs.m {
			if now.Sub(b.last) > limitIdle {
				delete(bs.m, k)
			}
		}
		bs.swept = now
	}
	b := bs.m[key]
	if b == nil {
		b = &bucket{tokens: bs.burst, last: now}
		bs.m[key] = b
		return b
	}
	if d := now.Sub(b.last); d > 0 {
		b.tokens = min(bs.burst, b.tokens+d.Seconds()*bs.rate)
		b.last = now
	}
	return b
}

// allow takes a token for key if there is one. When there is none, notify
// says whether this is the first refusal in a minute (the one to tell the
// user about).
func (bs *buckets) allow(key string, now time.Time) (ok, notify bool) {
	bs.mu.Lock()
	defer bs.mu.Unlock()
	b := bs.get(key, now)
	if b.tokens >= 1 {
		b.tokens--
		return true, false
	}
	if now.Sub(b.notice) >= time.Minute {
		b.notice = now
		return false, true
	}
	return false, false
}

// reserve takes key's next token, which may be in the future, and returns
// how long to wait for it.
func (bs *buckets) reserve(key string, now time.Time) time.Duration {
	bs.mu.Lock()
	defer bs.mu.Unlock()
	b := bs.get(key, now)
	b.tokens--
	if b.tokens >= 0 {
		return 0
	}
	return time.Duration(-b.tokens / bs.rate * float64(time.Second))
}

// cancel gives back a token reserved by a post that did not wait for it.
func (bs *buckets) cancel(key string) {
	bs.mu.Lock()
	defer bs.mu.Unlock()
	if b := bs.m[key]; b != nil {
		b.tokens = min(bs.burst, b.tokens+1)
	}
}

// limited reports whether user is over the question limit; if so it counts
// it and, at most once a minute per user, queues notice (a nil notice is
// never queued). It runs on the event loop.
func (b *Bot) limited(r *request, notice func()) bool {
	if b.users == nil || r.user == "" || r.auto {
		return false
	}
	ok, notify := b.users.allow(r.user, time.Now())
	if ok {
		return false
	}
	b.metrics.Limited(r.surface)
	ev := b.log.Info().Str("event_id", r.eventID).Str("envelope_id", r.envelopeID).Str("surface", r.surface).
		Str("channel", r.channel).Str("user", r.user).Str("outcome", "rate_limited").Bool("notice", notify)
	ev.Msg("question over the per-user limit; not answered")
	if notify && notice != nil {
		notice()
	}
	return true
}

// queueNotice queues the over-the-limit notice for r, if there is room. It
// runs on the event loop.
func (b *Bot) queueNotice(r *request) {
	if !b.room() {
		b.log.Warn().Str("event_id", r.eventID).Str("envelope_id", r.envelopeID).Str("user", r.user).Msg("work queue full; over-the-limit notice dropped")
		return
	}
	b.queue <- func(ctx context.Context) { b.limitNotice(ctx, r) }
}

// limitNotice tells a user privately that they are over the limit.
func (b *Bot) limitNotice(ctx context.Context, r *request) {
	m := b.render.limited(b.opts.UserRateLimit)
	var err error
	if r.responseURL != "" {
		err = b.respond(ctx, r.responseURL, m, respondEphemeral)
	} else {
		err = b.ephemeral(ctx, r.channel, r.user, r.threadTS, m)
	}
	outcome := "limit_notice"
	if err != nil {
		outcome = "error"
	}
	b.logDone(r, outcome, 0, err)
}

// pace waits for channel's turn to post. It returns ctx's error if the job
// ends first.
func (b *Bot) pace(ctx context.Context, channel string) error {
	if b.channels == nil || channel == "" {
		return nil
	}
	wait := b.channels.reserve(channel, time.Now())
	if wait <= 0 {
		return nil
	}
	b.log.Debug().Str("channel", channel).Dur("wait", wait.Round(time.Millisecond)).Msg("pacing posts to the channel")
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		b.channels.cancel(channel)
		return ctx.Err()
	}
}
