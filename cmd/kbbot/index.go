package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/kbbot/kbbot/internal/kb"
)

func init() {
	register("index", "rebuild the search index from the knowledge folder", runIndex)
}

func runIndex(ctx context.Context, e env) error {
	fs := flag.NewFlagSet("index", flag.ContinueOnError)
	folders := addFolderFlags(fs, true)
	if err := parseFlags(fs, e, "[--knowledge DIR] [--index DIR]"); err != nil {
		return err
	}
	cfg, err := folders.load(e)
	if err != nil {
		return err
	}
	lib, err := newLibrary(cfg, quietLogger(cfg, e.stderr)) // the summary below says it all
	if err != nil {
		return err
	}
	defer lib.Close()
	var progress func(kb.Progress)
	if isTerminal(e.stderr) {
		var bar *progressbar.ProgressBar
		progress = func(p kb.Progress) {
			if bar == nil {
				bar = progressbar.NewOptions(p.Total, progressbar.OptionSetWriter(e.stderr), progressbar.OptionSetDescription("reading"), progressbar.OptionClearOnFinish(), progressbar.OptionShowCount())
			}
			bar.Set(p.Done)
		}
	}
	start := time.Now()
	rep, err := lib.Rebuild(ctx, progress)
	if err != nil {
		return fmt.Errorf("index %s: %w", cfg.KnowledgeDir, err)
	}
	printReport(e, rep, cfg.KnowledgeDir, cfg.IndexDir, time.Since(start))
	return nil
}

func printReport(e env, rep kb.Report, kdir, idir string, took time.Duration) {
	fmt.Fprintf(e.stdout, "Indexed %d articles (%d sections) from %s into %s in %s.\n", rep.Articles, rep.Sections, kdir, idir, took.Round(time.Millisecond))
	if len(rep.Skipped) > 0 {
		fmt.Fprintf(e.stdout, "Skipped %d files:\n", len(rep.Skipped))
		for _, s := range rep.Skipped {
			fmt.Fprintf(e.stdout, "  %s: %s\n", s.Path, s.Reason)
		}
	}
}
