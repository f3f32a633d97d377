package main

import (
	"context"
	"flag"
)

// runRun is what `make run` starts: a fresh clone has no Slack app and no
// tokens, and should still get a working bot to talk to.
func runRun(ctx context.Context, e env) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	if err := parseFlags(fs, e, ""); err != nil {
		return err
	}
	cfg, err := loadConfig(e)
	if err != nil {
		return err
	}
	e.args = nil
	if cfg.HasSlackTokens() {
		return runServe(ctx, e)
	}
	log := newLogger(cfg, e.stderr)
	log.Info().Str("component", "run").
		Msg("no Slack tokens configured (SLACK_BOT_TOKEN, SLACK_APP_TOKEN), so starting the local playground instead of Slack")
	return runPlayground(ctx, e)
}
