package main

import (
	"context"
	"fmt"

	"github.com/rs/zerolog"

	"github.com/kbbot/kbbot/internal/config"
	"github.com/kbbot/kbbot/internal/kb"
	"github.com/kbbot/kbbot/internal/knowledge"
	"github.com/kbbot/kbbot/internal/search"
)

// newLibrary wires the search library from the configuration. onReindex,
// if not nil, hears about every reindex run.
func newLibrary(cfg config.Config, log zerolog.Logger, onReindex ...func(kb.Report, error)) (*search.Library, error) {
	var hook func(kb.Report, error)
	if len(onReindex) > 0 {
		hook = onReindex[0]
	}
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
		OnReindex:    hook,
	}), nil
}

// openLibrary opens the index, building it first if it is missing, corrupt
// or stale in format.
func openLibrary(ctx context.Context, cfg config.Config, log zerolog.Logger) (*search.Library, error) {
	lib, err := newLibrary(cfg, log)
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
