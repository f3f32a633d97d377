package main

import (
	"context"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"github.com/kbbot/kbbot/internal/config"
	"github.com/kbbot/kbbot/internal/health"
	"github.com/kbbot/kbbot/internal/kb"
	"github.com/kbbot/kbbot/internal/slackbot"
	"github.com/kbbot/kbbot/internal/store"
)

// The store is what the Slack layer records to, claims events with and
// reads the gap report from.
var (
	_ slackbot.Recorder    = recorder{}
	_ slackbot.Once        = (*store.DB)(nil)
	_ slackbot.GapReporter = gapReporter{}
	_ store.Metrics        = (*health.Metrics)(nil)
)

func storeOptions(cfg config.Config) store.Options {
	return store.Options{DatabaseURL: cfg.DatabaseURL, DataDir: cfg.DataDir}
}

// openStore opens the configured store and brings its schema up to date.
func openStore(ctx context.Context, cfg config.Config, log zerolog.Logger) (*store.DB, error) {
	db, err := store.Open(storeOptions(cfg))
	if err != nil {
		return nil, err
	}
	mctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	m, err := db.Migrate(mctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	ev := log.Info().Str("component", "store").Str("db", db.String()).Int64("schema", m.To)
	if m.From != m.To {
		ev = ev.Int64("migrated_from", m.From)
	}
	ev.Msg("store ready")
	return db, nil
}

func newWriter(db *store.DB, cfg config.Config, log zerolog.Logger, m store.Metrics) *store.Writer {
	return store.NewWriter(db, store.WriterOptions{
		Policy:    store.Policy{QuestionText: cfg.StoreQuestionText, DMs: cfg.StoreDMs},
		Retention: time.Duration(cfg.RetentionDays) * 24 * time.Hour,
		Logger:    log,
		Metrics:   m,
	})
}

// recorder queues records on the writer and counts votes for Prometheus.
type recorder struct {
	w *store.Writer
	m *health.Metrics
}

func (r recorder) RecordQuestion(ctx context.Context, q kb.QuestionRecord) {
	r.w.RecordQuestion(ctx, q)
}

func (r recorder) RecordFeedback(ctx context.Context, f kb.FeedbackRecord) {
	r.m.Feedback(f.Rating)
	r.w.RecordFeedback(ctx, f)
}

func (r recorder) RecordHandover(ctx context.Context, h kb.HandoverRecord) {
	r.w.RecordHandover(ctx, h)
}

// gapReporter is the store's gap report with /kb gaps' list length.
type gapReporter struct{ db *store.DB }

func (g gapReporter) Gaps(ctx context.Context, since time.Time) (kb.Gaps, error) {
	gaps, err := g.db.Gaps(ctx, store.GapOptions{Since: since, Limit: 8})
	if err != nil {
		return gaps, fmt.Errorf("gap report from %s: %w", g.db, err)
	}
	return gaps, nil
}
