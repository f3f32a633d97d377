package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/kbbot/kbbot/internal/knowledge"
)

func runCheck(ctx context.Context, e env) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	folders := addFolderFlags(fs, false)
	if err := parseFlags(fs, e, "[--knowledge DIR]"); err != nil {
		return err
	}
	cfg, err := folders.load(e)
	if err != nil {
		return err
	}
	res, err := knowledge.Check(cfg.KnowledgeDir, knowledge.CheckOptions{Options: knowledge.Options{MaxFileBytes: cfg.MaxFileBytes}})
	if err != nil {
		return err
	}
	errs, warns := 0, 0
	for _, p := range res.Problems {
		fmt.Fprintln(e.stdout, p)
		if p.Severity == knowledge.Error {
			errs++
		} else {
			warns++
		}
	}
	fmt.Fprintln(e.stdout, res.IgnoredLine())
	fmt.Fprintln(e.stdout, linksLine(newLinker(cfg)))
	fmt.Fprintf(e.stdout, "%s: %d files, %d errors, %d warnings\n", cfg.KnowledgeDir, res.Files, errs, warns)
	if errs > 0 {
		return exitCode(1)
	}
	return nil
}
