package main

import (
	"context"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"github.com/kbbot/kbbot/internal/config"
	"github.com/kbbot/kbbot/internal/kb"
	"github.com/kbbot/kbbot/internal/knowledge"
	"github.com/kbbot/kbbot/internal/replay"
	"github.com/kbbot/kbbot/internal/search"
	"github.com/kbbot/kbbot/internal/store"
)

// libraryHooks are what a library may tell its owner; the zero value
// tells nothing.
type libraryHooks struct {
	onReindex func(kb.Report, error)                                                // hears about every reindex run
	compare   func(ctx context.Context, before, after kb.Asker) (kb.Changes, error) // see search.LibraryOptions.Compare
}

// replayFrom compares a new index with the old one on the recent distinct
// questions db remembers.
func replayFrom(db *store.DB) func(ctx context.Context, before, after kb.Asker) (kb.Changes, error) {
	return func(ctx context.Context, before, after kb.Asker) (kb.Changes, error) {
		qs, err := db.RecentQuestions(ctx, time.Time{}, replay.MaxQuestions)
		if err != nil {
			return kb.Changes{}, fmt.Errorf("questions to replay from %s: %w", db, err)
		}
		return replay.Compare(ctx, qs, before, after)
	}
}

// newLibrary wires the search library from the configuration.
func newLibrary(cfg config.Config, log zerolog.Logger, hooks libraryHooks) (*search.Library, error) {
	syn, err := search.LoadSynonyms(cfg.SynonymsFile)
	if err != nil {
		return nil, fmt.Errorf("SYNONYMS_FILE: %w", err)
	}
	// No BaseURL in the search options: newLinker makes the links, from
	// more sources than a base URL.
	return search.NewLibrary(search.LibraryOptions{
		KnowledgeDir: cfg.KnowledgeDir,
		IndexDir:     cfg.IndexDir,
		Load:         knowledge.Options{MaxFileBytes: cfg.MaxFileBytes},
		Search:       search.Options{ExcerptChars: cfg.ExcerptChars, Synonyms: syn, Logger: log},
		Logger:       log,
		OnReindex:    hooks.onReindex,
		Compare:      hooks.compare,
	}), nil
}

// openLibrary opens the index, building it first if it is missing, corrupt
// or stale in format.
func openLibrary(ctx context.Context, cfg config.Config, log zerolog.Logger) (*search.Library, error) {
	lib, err := newLibrary(cfg, log, libraryHooks{})
	if err != nil {
		return nil, err
	}
	if err := lib.Open(ctx); err != nil {
		return nil, fmt.Errorf("open index %s: %w", cfg.IndexDir, err)
	}
	return lib, nil
}

var _ interface {
	Ask(context.Context, string, int) (kb.Answer, error)
} = (*search.Library)(nil)
