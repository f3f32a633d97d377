package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/kbbot/kbbot/internal/health"
	"github.com/kbbot/kbbot/internal/search"
	"github.com/kbbot/kbbot/internal/slackbot"
)

func init() {
	register("serve", "connect to Slack (Socket Mode) and answer questions", runServe)
}

// The search library is what the Slack layer asks and reindexes, and the
// health package is where it reports.
var (
	_ slackbot.Searcher  = (*search.Library)(nil)
	_ slackbot.Reindexer = (*search.Library)(nil)
	_ slackbot.Metrics   = (*health.Metrics)(nil)
)

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

	lib, err := openLibrary(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer lib.Close()

	metrics := health.NewMetrics(nil)
	metrics.SetArticles(lib.Stats().Articles)
	bot := slackbot.New(slackbot.Options{
		BotToken:        cfg.BotToken,
		AppToken:        cfg.AppToken,
		APIURL:          cfg.APIURL,
		SlashCommand:    cfg.SlashCommand,
		MaxResults:      cfg.MaxResults,
		AdminUserIDs:    cfg.AdminUserIDs,
		AdminsFromSlack: cfg.AdminsFromSlack,
		Searcher:        lib,
		Reindexer:       lib,
		Logger:          log,
		Metrics:         metrics,
		ShutdownGrace:   cfg.ShutdownGrace,
	})
	ready := func() (bool, string) {
		switch {
		case !lib.Ready():
			return false, "index not loaded"
		case !bot.Connected():
			return false, "not connected to Slack"
		}
		return true, ""
	}
	ops := health.NewServer(cfg.HTTPAddr, ready, metrics, log)
	if err := ops.Listen(); err != nil { // a busy port fails now, not after connecting
		return fmt.Errorf("HTTP_ADDR: %w", err)
	}

	// Stop in reverse order of start: the bot drains its answers first, and
	// the probes keep answering (not ready) meanwhile.
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

	log.Info().Str("api_url", cfg.APIURL).Str("command", cfg.SlashCommand).Msg("starting slack bot")
	botErr := bot.Run(botCtx)
	if botErr != nil {
		botErr = fmt.Errorf("slack bot: %w", botErr)
	}
	stopOps()
	return errors.Join(botErr, <-opsErr)
}
