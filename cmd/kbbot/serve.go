package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/rs/zerolog"

	"github.com/kbbot/kbbot/internal/articlepage"
	"github.com/kbbot/kbbot/internal/config"
	"github.com/kbbot/kbbot/internal/health"
	"github.com/kbbot/kbbot/internal/kb"
	"github.com/kbbot/kbbot/internal/search"
	"github.com/kbbot/kbbot/internal/slackbot"
	"github.com/kbbot/kbbot/internal/sourcelink"
	"github.com/kbbot/kbbot/internal/watch"
)

// The search library is what the Slack layer asks and reindexes, and the
// health package is where it reports.
var (
	_ slackbot.Searcher  = meteredLibrary{}
	_ slackbot.Reindexer = meteredLibrary{}
	_ slackbot.Metrics   = (*health.Metrics)(nil)
	_ slackbot.Catalog   = (*search.Library)(nil)
)

// meteredLibrary times every search for the latency histogram and gives
// the answers their source links.
type meteredLibrary struct {
	*search.Library
	m     *health.Metrics
	links *sourcelink.Linker
}

func (l meteredLibrary) Ask(ctx context.Context, q string, limit int) (kb.Answer, error) {
	start := time.Now()
	a, err := l.Library.Ask(ctx, q, limit)
	l.m.ObserveSearch(time.Since(start))
	return l.links.Answer(a), err
}

func runServe(ctx context.Context, e env) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	if err := parseFlags(fs, e, ""); err != nil {
		return err
	}
	cfg, err := loadConfig(e)
	if err != nil {
		return err
	}
	if err := cfg.ValidateSlack(); err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	log := newLogger(cfg, e.stderr)
	return withStopBound(ctx, cfg.ShutdownGrace+stopMargin, log, func() error { return serve(ctx, cfg, log, nil) })
}

// stopMargin is how long past SHUTDOWN_GRACE a stopping serve may take to
// close the index, the store and the HTTP server.
const stopMargin = 2 * time.Second

// withStopBound runs fn and returns its error, or, if fn has not returned
// within bound of ctx ending, an error saying so, leaving fn behind: the
// process then exits, and the orchestrator's stop never has to kill it.
func withStopBound(ctx context.Context, bound time.Duration, log zerolog.Logger, fn func() error) error {
	done := make(chan error, 1)
	go func() { done <- fn() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	t := time.NewTimer(bound)
	defer t.Stop()
	select {
	case err := <-done:
		return err
	case <-t.C:
		log.Error().Dur("waited", bound).Msg("still stopping after SHUTDOWN_GRACE; exiting without finishing")
		return fmt.Errorf("serve: not stopped %s after the stop signal (SHUTDOWN_GRACE + %s)", bound, stopMargin)
	}
}

// serve runs the bot with its operations endpoint and knowledge watcher
// until ctx ends. It is shared by kbbot serve and the playground. started,
// if not nil, is called once the bot is built (before it connects).
func serve(ctx context.Context, cfg config.Config, log zerolog.Logger, started func(*slackbot.Bot)) error {
	// An old index must not hide a knowledge folder that is gone or
	// mistyped: it would answer from stale articles with no error.
	if st, err := os.Stat(cfg.KnowledgeDir); err != nil || !st.IsDir() {
		return fmt.Errorf("KNOWLEDGE_DIR: %s is not a folder (set KNOWLEDGE_DIR to the folder of articles)", cfg.KnowledgeDir)
	}
	metrics := health.NewMetrics(nil)
	db, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()
	// The writer outlives the bot: it is stopped, and writes what is left,
	// only once the last answer is out (defers run in reverse).
	writer := newWriter(db, cfg, log, metrics)
	writerCtx, stopWriter := context.WithCancel(context.WithoutCancel(ctx))
	writerDone := make(chan struct{})
	go func() { defer close(writerDone); writer.Run(writerCtx) }()
	defer func() { stopWriter(); <-writerDone }()
	var once slackbot.Once
	if cfg.DatabaseURL != "" {
		once = db // replicas share it: one of them answers each event
	}

	raw, err := newLibrary(cfg, log, libraryHooks{
		onReindex: func(rep kb.Report, err error) { metrics.Reindexed(rep, err) },
		compare:   replayFrom(db),
	})
	if err != nil {
		return err
	}
	links := newLinker(cfg)
	lib := meteredLibrary{raw, metrics, links}
	bot := slackbot.New(slackbot.Options{
		BotToken:        cfg.BotToken,
		AppToken:        cfg.AppToken,
		APIURL:          cfg.APIURL,
		Mode:            cfg.Mode,
		HTTPAddr:        cfg.SlackHTTPAddr,
		SigningSecret:   cfg.SigningSecret,
		SlashCommand:    cfg.SlashCommand,
		MaxResults:      cfg.MaxResults,
		AdminUserIDs:    cfg.AdminUserIDs,
		AdminsFromSlack: cfg.AdminsFromSlack,
		Searcher:        lib,
		Reindexer:       lib,
		Logger:          log,
		Metrics:         metrics,
		ShutdownGrace:   cfg.ShutdownGrace,
		UserRateLimit:   cfg.UserRateLimit,
		ChannelPostRate: channelPostRate(cfg.ChannelPostRate),
		Recorder:        recorder{writer, metrics},
		Once:            once,
		Gaps:            gapReporter{db},

		AutoAnswerChannels: cfg.AutoAnswerChannels,
		Catalog:            raw,
		Experts:            experts(cfg),
		DefaultExperts:     cfg.DefaultExperts,
	})
	if started != nil {
		started(bot)
	}

	// The operations endpoint comes up first, so probes see "not ready"
	// while a missing index is built, and goes down last.
	ready := func() (bool, string) {
		switch {
		case !raw.Ready():
			return false, "index not loaded"
		case !bot.Connected() && cfg.Mode == config.ModeHTTP:
			return false, "not serving Slack requests (starting or draining)"
		case !bot.Connected():
			return false, "not connected to Slack"
		}
		if ok, detail := writer.Status(); !ok {
			return true, detail // answers go on; records wait in the buffer
		}
		return true, ""
	}
	ops := health.NewServer(cfg.HTTPAddr, ready, metrics, log)
	if cfg.PublicURL != "" {
		// Behind an Ingress that routes PUBLIC_URL/articles/ to HTTP_ADDR.
		ops.Handle("GET "+sourcelink.ArticlesPath+"{path...}", articlepage.New(articlepage.Options{
			Dir: cfg.KnowledgeDir, MaxFileBytes: cfg.MaxFileBytes, Prefix: sourcelink.ArticlesPath, Logger: log,
		}))
	}
	if err := ops.Listen(); err != nil { // a busy port fails now, not after connecting
		return fmt.Errorf("HTTP_ADDR: %w", err)
	}
	opsCtx, stopOps := context.WithCancel(context.WithoutCancel(ctx))
	defer stopOps()
	botCtx, stopBot := context.WithCancel(ctx)
	defer stopBot()
	opsErr := make(chan error, 1)
	go func() {
		err := ops.Run(opsCtx)
		if err != nil {
			stopBot() // no probes, no metrics: better to stop and be restarted
		}
		opsErr <- err
	}()
	finish := func(err error) error {
		stopOps()
		return errors.Join(err, <-opsErr)
	}

	if err := raw.Open(botCtx); err != nil {
		return finish(fmt.Errorf("open index %s: %w", cfg.IndexDir, err))
	}
	defer raw.Close()
	metrics.SetArticles(raw.Stats().Articles)

	// Changes made while the bot was stopped: the watcher only sees those
	// after its first look at the folder, so compare the folder with the
	// opened index once, in the background (the old index answers meanwhile).
	reconciled := make(chan struct{})
	go func() {
		defer close(reconciled)
		if _, err := raw.Reconcile(botCtx); err != nil && botCtx.Err() == nil {
			log.Error().Err(err).Msg("could not bring the index up to date with the knowledge folder")
		}
	}()
	defer func() { stopBot(); <-reconciled }()

	// An index `kbbot index` built beside this process is picked up within
	// POLL_INTERVAL, whether or not the folder is watched.
	refreshDone := make(chan struct{})
	go func() {
		defer close(refreshDone)
		every := cfg.PollInterval
		if every <= 0 {
			every = time.Minute
		}
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-botCtx.Done():
				return
			case <-tick.C:
			}
			changed, err := raw.Refresh()
			switch {
			case err != nil:
				log.Warn().Err(err).Msg("could not pick up the index on disk")
			case changed:
				metrics.SetArticles(raw.Stats().Articles)
			}
		}
	}()
	defer func() { stopBot(); <-refreshDone }()

	watchDone := make(chan struct{})
	if cfg.WatchKnowledge {
		w := watch.New(cfg.KnowledgeDir, watch.Options{Debounce: cfg.WatchDebounce, PollInterval: cfg.PollInterval, Logger: log},
			func(ctx context.Context) error {
				if _, err := raw.Refresh(); err != nil { // a generation kbbot index built
					log.Warn().Err(err).Msg("could not pick up the index on disk")
				}
				_, err := raw.Reindex(ctx, nil)
				return err
			})
		go func() {
			defer close(watchDone)
			if err := w.Run(botCtx); err != nil {
				log.Error().Err(err).Msg("knowledge watcher stopped")
			}
		}()
	} else {
		close(watchDone)
	}

	if links.Clickable() {
		log.Info().Str("links", links.Source()).Msg("answers link to their sources")
	} else {
		log.Warn().Msg(sourcelink.Advice)
	}
	log.Info().Str("mode", cfg.Mode).Str("api_url", cfg.APIURL).Str("command", cfg.SlashCommand).Str("http_addr", ops.Addr()).Msg("starting slack bot")
	botErr := bot.Run(botCtx)
	if botErr != nil {
		botErr = fmt.Errorf("slack bot: %w", botErr)
	}
	stopBot()
	<-watchDone
	return finish(botErr)
}

// channelPostRate maps CHANNEL_POST_RATE (0 = off) to slackbot's option
// (0 = default, negative = off).
func channelPostRate(n int) float64 {
	if n == 0 {
		return -1
	}
	return float64(n)
}
