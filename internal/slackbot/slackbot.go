// Package slackbot answers questions in Slack, over Socket Mode or over
// signed HTTP requests (the Events API, interactivity and slash commands).
package slackbot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/kbbot/kbbot/internal/kb"
)

// Searcher answers questions from the knowledge base.
type Searcher interface {
	Ask(ctx context.Context, question string, limit int) (kb.Answer, error)
	Stats() kb.Stats
}

// Reindexer rebuilds the index on request (/kb reindex).
type Reindexer interface {
	Reindex(ctx context.Context, progress func(kb.Progress)) (kb.Report, error)
}

// Metrics receives counts for monitoring. Every method must be cheap and safe
// for concurrent use; the zero Options use a no-op.
type Metrics interface {
	// Question counts a question taken on a surface (mention, dm, slash, share).
	Question(surface string)
	// Answer counts a handled request by outcome (answered, no_answer,
	// greeting, help, error, ...) with its latency from receipt to reply.
	Answer(surface, outcome string, latency time.Duration)
	// SlackError counts a failed Web API call by method and Slack error code.
	SlackError(method, code string)
	// Reconnect counts a Socket Mode reconnection.
	Reconnect()
	// Limited counts a question not answered because its user was over
	// UserRateLimit, by surface.
	Limited(surface string)
}

type nopMetrics struct{}

func (nopMetrics) Question(string)                      {}
func (nopMetrics) Answer(string, string, time.Duration) {}
func (nopMetrics) SlackError(string, string)            {}
func (nopMetrics) Reconnect()                           {}
func (nopMetrics) Limited(string)                       {}

// Options configure a Bot. BotToken, Searcher and AppToken (socket mode) or
// SigningSecret (http mode) are required; everything else has a default.
type Options struct {
	BotToken string // xoxb-
	AppToken string // xapp-, socket mode
	APIURL   string // Slack Web API base, ending in "/"; default Slack's

	// Mode is ModeSocket (default) or ModeHTTP. Both feed the same handlers;
	// only the transport and the acknowledgement differ.
	Mode          string
	HTTPAddr      string // http mode: where Slack's requests are served, default ":3000"
	SigningSecret string // http mode: verifies every request (slackverify)

	SlashCommand    string   // default "/kb"
	MaxResults      int      // results per answer, default 3
	AdminUserIDs    []string // may run /kb stats and /kb reindex
	AdminsFromSlack bool     // workspace admins and owners (users.info) are admins too
	// ExampleQuestions are shown in help and on the App Home; by default
	// they are made from the most common topics.
	ExampleQuestions []string
	// AutoAnswerChannels are channel IDs or names in which the bot answers
	// questions nobody asked it, in a thread, when confident (question.go).
	AutoAnswerChannels []string
	// Catalog lists the articles for /kb topics and article owners; nil
	// lists tags instead and knows no owners.
	Catalog Catalog
	// Experts maps owner names used in front matter to Slack user (U...)
	// or user group (S...) IDs; non-nil turns on Ask an expert.
	Experts map[string]string
	// DefaultExperts are asked when an article names no owner.
	DefaultExperts []string

	Searcher  Searcher
	Reindexer Reindexer // nil: /kb reindex says it is not available
	Logger    zerolog.Logger
	Metrics   Metrics // nil: no-op

	Recorder Recorder    // nil: questions and votes are only logged
	Once     Once        // nil: each replica de-duplicates events on its own
	Gaps     GapReporter // nil: /kb gaps says it is not available

	// UserRateLimit is questions per minute per user (a burst of that
	// many, refilled at that rate); 0 means no limit (limit.go).
	UserRateLimit int
	// ChannelPostRate paces chat.postMessage to this many messages a second
	// per channel, after a short burst; default 1, negative means no pacing.
	ChannelPostRate float64

	Workers          int           // concurrent answers, default 16
	QueueSize        int           // acked work waiting for a worker, default 1024
	ShutdownGrace    time.Duration // time to finish in-flight answers on stop, default 10s
	PingInterval     time.Duration // reconnect if Slack sends no ping for this long, default 30s
	RateLimitRetries int           // retries of a call answered 429, default 3
	RetryFor         time.Duration // how long a 5xx or network failure is retried, default 60s
	RetryBackoff     time.Duration // first wait before such a retry, doubling, default 250ms
	DedupTTL         time.Duration // how long event ids are remembered, default 10m
	DedupSize        int           // at most this many, default 10000
	HTTPClient       *http.Client  // default: 20s timeout, idle connections for every worker
}

func (o Options) withDefaults() Options {
	if o.APIURL == "" {
		o.APIURL = slack.APIURL
	}
	if !strings.HasSuffix(o.APIURL, "/") {
		o.APIURL += "/" // slack-go appends the method name directly
	}
	if o.Mode == "" {
		o.Mode = ModeSocket
	}
	if o.HTTPAddr == "" {
		o.HTTPAddr = ":3000"
	}
	if o.SlashCommand == "" {
		o.SlashCommand = "/kb"
	}
	if o.MaxResults <= 0 {
		o.MaxResults = 3
	}
	if o.Metrics == nil {
		o.Metrics = nopMetrics{}
	}
	if o.ChannelPostRate == 0 {
		o.ChannelPostRate = 1
	}
	if o.Workers <= 0 {
		o.Workers = 16
	}
	if o.QueueSize <= 0 {
		o.QueueSize = 1024
	}
	if o.ShutdownGrace <= 0 {
		o.ShutdownGrace = 10 * time.Second
	}
	if o.PingInterval <= 0 {
		o.PingInterval = 30 * time.Second
	}
	if o.RateLimitRetries <= 0 {
		o.RateLimitRetries = 3
	}
	if o.RetryFor <= 0 {
		o.RetryFor = defaultRetryFor
	}
	if o.RetryBackoff <= 0 {
		o.RetryBackoff = defaultRetryBackoff
	}
	if o.DedupTTL <= 0 {
		o.DedupTTL = 10 * time.Minute
	}
	if o.DedupSize <= 0 {
		o.DedupSize = 10000
	}
	if o.HTTPClient == nil {
		// Every call goes to one host; the default transport keeps only two
		// idle connections per host, so busy workers would keep redialling.
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = o.Workers * 2
		o.HTTPClient = &http.Client{Timeout: 20 * time.Second, Transport: tr}
	}
	return o
}

// Bot is a Slack bot, over Socket Mode or HTTP. Create it with New and
// start it with Run.
type Bot struct {
	opts     Options
	log      zerolog.Logger
	metrics  Metrics
	api      *slack.Client
	render   renderer
	seen     *seenSet
	admins   *adminCache
	auto     *channelSet
	users    *buckets // questions per user; nil: no limit
	channels *buckets // posts per channel; nil: no pacing

	queue chan job
	// queueMu makes room-then-send one step when HTTP requests dispatch
	// concurrently, and keeps them from sending once the queue is closed.
	queueMu     sync.Mutex
	queueClosed bool
	draining    bool // http mode: stopping; new requests are refused

	botUserID string // from auth.test, to ignore our own messages
	botID     string

	connected atomic.Bool
	started   time.Time
	counts    struct{ questions, answered, noAnswer, errors, reconnects atomic.Int64 }
}

// job is acked work for a worker. ctx is cancelled only when the shutdown
// grace period runs out.
type job func(ctx context.Context)

// New builds a Bot; it does not connect until Run.
func New(opts Options) *Bot {
	opts = opts.withDefaults()
	log := opts.Logger.With().Str("component", "slackbot").Logger()
	api := slack.New(opts.BotToken,
		slack.OptionAppLevelToken(opts.AppToken),
		slack.OptionAPIURL(opts.APIURL),
		slack.OptionHTTPClient(opts.HTTPClient),
		slack.OptionLog(logAdapter{log.With().Str("component", "slack-go").Logger()}),
		// No OptionRetry: call() retries 429s itself so that each one is
		// logged and counted, and the wait respects the job's context.
	)
	b := &Bot{
		opts:    opts,
		log:     log,
		metrics: opts.Metrics,
		api:     api,
		render:  renderer{command: opts.SlashCommand, maxResults: opts.MaxResults, examples: opts.ExampleQuestions},
		seen:    newSeenSet(opts.DedupTTL, opts.DedupSize),
		queue:   make(chan job, opts.QueueSize),
	}
	if opts.UserRateLimit > 0 {
		b.users = newBuckets(float64(opts.UserRateLimit)/60, opts.UserRateLimit)
	}
	if opts.ChannelPostRate > 0 {
		b.channels = newBuckets(opts.ChannelPostRate, channelPostBurst)
	}
	b.admins = newAdminCache(opts.AdminUserIDs, opts.AdminsFromSlack, b.lookupUser)
	b.auto = newChannelSet(opts.AutoAnswerChannels, b.channelName)
	return b
}

// Connected reports whether the bot can take work, for readiness: the
// Socket Mode connection is up, or, in http mode, requests are served and
// the bot is not draining.
func (b *Bot) Connected() bool { return b.connected.Load() }

// acker sends Socket Mode acknowledgements; *socketmode.Client is one.
type acker interface {
	AckCtx(ctx context.Context, envelopeID string, payload any) error
}

// Run connects to Slack (or, in http mode, serves its requests) and answers
// until ctx is cancelled, then stops taking events, lets in-flight answers
// finish within ShutdownGrace, and returns nil, at most ShutdownGrace + about
// a second after ctx ends even if a job ignores its context. It returns an
// error if Slack rejects the tokens or the HTTP address cannot be listened
// on. Call it once.
func (b *Bot) Run(ctx context.Context) error {
	if b.opts.Searcher == nil {
		return errors.New("slackbot: Options.Searcher is nil")
	}
	if b.opts.Mode != ModeSocket && b.opts.Mode != ModeHTTP {
		return fmt.Errorf("slackbot: unknown mode %q", b.opts.Mode)
	}
	b.started = time.Now()
	if err := b.identify(ctx); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}

	// Workers get their own context: a stop request must not abort answers
	// already acked, only the end of the grace period does.
	workCtx, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	var workers sync.WaitGroup
	for range b.opts.Workers {
		workers.Go(func() { b.work(workCtx) })
	}

	// One grace period from the stop request, whatever the transport spends
	// of it (an HTTP server finishing its requests).
	var stoppedAt atomic.Int64
	defer context.AfterFunc(ctx, func() { stoppedAt.Store(time.Now().UnixNano()) })()

	var runErr error
	if b.opts.Mode == ModeHTTP {
		runErr = b.runHTTP(ctx) // httpmode.go
	} else {
		runErr = b.runSocket(ctx)
	}

	b.queueMu.Lock()
	b.queueClosed = true
	close(b.queue)
	b.queueMu.Unlock()
	done := make(chan struct{})
	go func() { workers.Wait(); close(done) }()
	grace := b.opts.ShutdownGrace
	if at := stoppedAt.Load(); at != 0 {
		grace -= time.Since(time.Unix(0, at))
	}
	timer := time.NewTimer(max(grace, 0))
	defer timer.Stop()
	select {
	case <-done:
	case <-timer.C:
		if isClosed(done) {
			break // finished just as the grace ran out
		}
		b.log.Warn().Dur("grace", b.opts.ShutdownGrace).Msg("shutdown grace period over; abandoning in-flight answers")
		cancelWork()
		// Every wait in a job ends with its context, so workers return
		// at once; one stuck in code that ignores it is left behind
		// rather than holding up the stop.
		abandon := time.NewTimer(abandonWait)
		defer abandon.Stop()
		select {
		case <-done:
		case <-abandon.C:
			b.log.Error().Dur("waited", b.opts.ShutdownGrace+abandonWait).Msg("workers still busy after their context ended; stopping without them")
		}
	}
	b.log.Info().Msg("stopped")
	return runErr
}

// runSocket reads Socket Mode events until ctx ends or the socket fails for
// good, then closes the socket once the acks already queued are written.
func (b *Bot) runSocket(ctx context.Context) error {
	sm := socketmode.New(b.api,
		socketmode.OptionPingInterval(b.opts.PingInterval),
		socketmode.OptionLog(logAdapter{b.log.With().Str("component", "socketmode").Logger()}),
	)

	sockCtx, stopSocket := context.WithCancel(context.WithoutCancel(ctx))
	defer stopSocket()
	sockErr := make(chan error, 1)
	go func() { sockErr <- sm.RunContext(sockCtx) }()

	var runErr error
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case err := <-sockErr:
			sockErr = nil
			if sockCtx.Err() == nil {
				runErr = fmt.Errorf("socket mode: %w", err)
			}
			break loop
		case evt := <-sm.Events:
			b.dispatch(ctx, sm, evt)
		}
	}

	// Stop taking events: closing the socket leaves anything not yet acked
	// to Slack, which redelivers it (to another instance, or to us later).
	b.connected.Store(false)
	if sockErr != nil {
		// AckCtx only queues an ack for slack-go's sender. Keep the socket
		// open a moment so the acks of events already taken are written;
		// dropped, Slack would redeliver events this replica answers.
		flush := time.NewTimer(ackFlush)
		select {
		case <-flush.C:
		case <-sockErr:
			sockErr = nil
		}
		flush.Stop()
	}
	stopSocket()
	if sockErr != nil {
		<-sockErr
	}
	return runErr
}

func isClosed(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// identify asks auth.test who the bot is, so its own messages can be
// ignored. Bad tokens are fatal; other failures are retried.
func (b *Bot) identify(ctx context.Context) error {
	wait := 200 * time.Millisecond
	for {
		resp, err := b.api.AuthTestContext(ctx)
		if err == nil {
			b.botUserID, b.botID = resp.UserID, resp.BotID
			b.render.botUserID = resp.UserID
			b.log.Info().Str("bot_user_id", resp.UserID).Str("bot_id", resp.BotID).Str("team_id", resp.TeamID).Msg("authenticated")
			return nil
		}
		code := errorCode(err)
		b.metrics.SlackError("auth.test", code)
		switch code {
		case "invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired", "not_allowed_token_type":
			return fmt.Errorf("auth.test: %w (check SLACK_BOT_TOKEN)", err)
		case "http_404":
			return fmt.Errorf("auth.test: %w (check SLACK_API_URL, which must end with /api/)", err)
		}
		b.log.Warn().Str("method", "auth.test").Str("error_code", code).Err(err).Dur("retry_in", wait).Msg("slack api call failed")
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(wait*2, 10*time.Second)
	}
}

func (b *Bot) work(ctx context.Context) {
	for j := range b.queue {
		b.runJob(ctx, j)
	}
}

// runJob runs one job; a panic is logged and the worker carries on.
func (b *Bot) runJob(ctx context.Context, j job) {
	defer func() {
		if r := recover(); r != nil {
			b.counts.errors.Add(1)
			b.log.Error().Interface("panic", r).Str("stack", string(debug.Stack())).Msg("handler panicked")
		}
	}()
	j(ctx)
}

// ackTimeout bounds how long the event loop waits to queue an ack; it only
// waits at all while slack-go is between sockets.
const ackTimeout = time.Second

// ackFlush is how long a stopping bot keeps its socket open for queued acks.
const ackFlush = 200 * time.Millisecond

// abandonWait is how long Run waits, after the grace period, for workers
// whose context it has cancelled.
const abandonWait = 500 * time.Millisecond

// dispatch acks an envelope and hands its work to the pool. It runs on the
// event-loop goroutine and must never block for long.
func (b *Bot) dispatch(ctx context.Context, ack acker, evt socketmode.Event) {
	received := time.Now()
	switch evt.Type {
	case socketmode.EventTypeConnecting:
		b.connected.Store(false)
		b.log.Debug().Msg("connecting to slack")
	case socketmode.EventTypeConnected:
		b.connected.Store(true)
		if ce, ok := evt.Data.(*socketmode.ConnectedEvent); ok && ce.ConnectionCount > 0 {
			b.counts.reconnects.Add(1)
			b.metrics.Reconnect()
			b.log.Info().Int("connection", ce.ConnectionCount).Msg("reconnected to slack")
		} else {
			b.log.Info().Msg("connected to slack")
		}
	case socketmode.EventTypeHello:
		b.connected.Store(true)
	case socketmode.EventTypeConnectionError:
		b.connected.Store(false)
		if ce, ok := evt.Data.(*slack.ConnectionErrorEvent); ok {
			b.log.Warn().Err(ce.ErrorObj).Int("attempt", ce.Attempt).Dur("backoff", ce.Backoff).Msg("slack connection failed; retrying")
		}
	case socketmode.EventTypeInvalidAuth:
		b.connected.Store(false)
		b.log.Error().Msg("slack rejected the app token (SLACK_APP_TOKEN)")
	case socketmode.EventTypeIncomingError:
		if ie, ok := evt.Data.(*slack.IncomingEventError); ok {
			b.log.Warn().Err(ie.ErrorObj).Msg("unreadable socket mode frame")
		}
	case socketmode.EventTypeErrorWriteFailed:
		if we, ok := evt.Data.(*socketmode.ErrorWriteFailed); ok {
			id := ""
			if we.Response != nil {
				id = we.Response.EnvelopeID
			}
			b.log.Warn().Err(we.Cause).Str("envelope_id", id).Msg("socket mode write failed")
		}
	case socketmode.EventTypeErrorBadMessage:
		b.onBadMessage(ctx, ack, evt)
	case socketmode.EventTypeEventsAPI:
		b.onEventsAPI(ctx, ack, evt, received)
	case socketmode.EventTypeSlashCommand:
		b.onSlashCommand(ctx, ack, evt, received)
	case socketmode.EventTypeInteractive:
		b.onInteractive(ctx, ack, evt, received)
	default:
		b.log.Debug().Str("type", string(evt.Type)).Msg("socket mode event ignored")
	}
}

// ackEnvelope queues the ack for an envelope and reports whether it was
// queued. Acks do not depend on the stop signal: work taken is acked.
func (b *Bot) ackEnvelope(ctx context.Context, ack acker, envelopeID string, payload any) bool {
	if envelopeID == "" {
		return true
	}
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), ackTimeout)
	defer cancel()
	if err := ack.AckCtx(actx, envelopeID, payload); err != nil {
		b.log.Warn().Err(err).Str("envelope_id", envelopeID).Msg("ack failed; slack will redeliver")
		return false
	}
	return true
}

// room reports whether the queue can take another job. Only the event loop
// sends to the queue, so a job fits if room said so.
func (b *Bot) room() bool { return len(b.queue) < cap(b.queue) }

// onBadMessage acks envelopes slack-go could not parse (an event type it does
// not know), which it leaves unacked, so Slack stops redelivering them.
func (b *Bot) onBadMessage(ctx context.Context, ack acker, evt socketmode.Event) {
	bm, ok := evt.Data.(*socketmode.ErrorBadMessage)
	if !ok {
		return
	}
	var env struct {
		EnvelopeID string `json:"envelope_id"`
		Type       string `json:"type"`
	}
	_ = json.Unmarshal(bm.Message, &env)
	b.ackEnvelope(ctx, ack, env.EnvelopeID, nil)
	b.log.Warn().Err(bm.Cause).Str("envelope_id", env.EnvelopeID).Str("type", env.Type).Msg("unsupported socket mode message acked and ignored")
}

// logAdapter lets slack-go write through zerolog at debug level.
type logAdapter struct{ log zerolog.Logger }

func (l logAdapter) Output(_ int, s string) error {
	l.log.Debug().Msg(strings.TrimSpace(s))
	return nil
}
