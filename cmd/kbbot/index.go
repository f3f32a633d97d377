package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/kbbot/kbbot/internal/kb"
)

func runIndex(ctx context.Context, e env) error {
	fs := flag.NewFlagSet("index", flag.ContinueOnError)
	folders := addFolderFlags(fs, true)
	changed := fs.Bool("changed", false, "re-read only files whose content changed, as /kb reindex and the watcher do (default: full rebuild)")
	compare := fs.Bool("compare", false, "replay recent stored questions (DATA_DIR or DATABASE_URL) on the old and new index and print which answers changed")
	if err := parseFlags(fs, e, "[--changed] [--compare] [--knowledge DIR] [--index DIR]"); err != nil {
		return err
	}
	cfg, err := folders.load(e)
	if err != nil {
		return err
	}
	log := quietLogger(cfg, e.stderr) // the summary below says it all
	var hooks libraryHooks
	if *compare {
		db, err := openStore(ctx, cfg, log)
		if err != nil {
			return err
		}
		defer db.Close()
		hooks.compare = replayFrom(db)
	}
	lib, err := newLibrary(cfg, log, hooks)
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
	reindex := lib.Rebuild
	if *changed {
		if err := lib.Open(ctx); err != nil {
			return fmt.Errorf("open index %s: %w", cfg.IndexDir, err)
		}
		reindex = lib.Reindex
	}
	rep, err := reindex(ctx, progress)
	if err != nil {
		return fmt.Errorf("index %s: %w", cfg.KnowledgeDir, err)
	}
	printReport(e, rep, cfg.KnowledgeDir, cfg.IndexDir, time.Since(start))
	if *compare {
		printChanges(e, rep.Changes)
	}
	return nil
}

// printChanges prints what the new index answers differently.
func printChanges(e env, c *kb.Changes) {
	switch {
	case c == nil:
		fmt.Fprintln(e.stdout, "Answers: nothing to compare with (no earlier index, or nothing changed in the folder).")
		return
	case c.Questions == 0:
		fmt.Fprintln(e.stdout, "Answers: no stored questions to replay yet.")
		return
	}
	fmt.Fprintf(e.stdout, "Answers to %d recent questions: %d now answered, %d no longer answered, %d with another first article.\n",
		c.Questions, c.NowAnswered, c.NoLongerAnswered, c.NewTop)
	for _, x := range c.Examples {
		fmt.Fprintf(e.stdout, "  %s: %q %s\n", changeLabel(x.Kind), x.Question, changeArrow(x))
	}
}

func changeLabel(kind string) string {
	switch kind {
	case kb.ChangeNowAnswered:
		return "now answered"
	case kb.ChangeNoLongerAnswered:
		return "no longer answered"
	}
	return "another first article"
}

func changeArrow(x kb.Change) string {
	or := func(p string) string {
		if p == "" {
			return "(no answer)"
		}
		return p
	}
	return or(x.Before) + " -> " + or(x.After)
}

func printReport(e env, rep kb.Report, kdir, idir string, took time.Duration) {
	kind := "full rebuild"
	if !rep.Full {
		kind = "changed files only"
	}
	fmt.Fprintf(e.stdout, "Indexed %d articles (%d sections) from %s into %s in %s (%s).\n", rep.Articles, rep.Sections, kdir, idir, took.Round(time.Millisecond), kind)
	if n := len(rep.Added) + len(rep.Changed) + len(rep.Removed); n > 0 && n <= 20 {
		for _, x := range []struct {
			what  string
			paths []string
		}{{"added", rep.Added}, {"changed", rep.Changed}, {"removed", rep.Removed}} {
			if len(x.paths) > 0 {
				fmt.Fprintf(e.stdout, "  %s: %s\n", x.what, strings.Join(x.paths, ", "))
			}
		}
	} else if n > 20 {
		fmt.Fprintf(e.stdout, "  %d added, %d changed, %d removed\n", len(rep.Added), len(rep.Changed), len(rep.Removed))
	}
	if len(rep.Skipped) > 0 {
		fmt.Fprintf(e.stdout, "Skipped %d files:\n", len(rep.Skipped))
		for _, s := range rep.Skipped {
			fmt.Fprintf(e.stdout, "  %s: %s\n", s.Path, s.Reason)
		}
	}
}
