package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"

	"github.com/kbbot/kbbot/internal/quality"
)

func init() {
	register("eval", "measure answer quality on a question set", runEval)
}

func runEval(ctx context.Context, e env) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	qfile := fs.String("questions", "", "question set, JSON Lines (required)")
	folders := addFolderFlags(fs, true)
	asJSON := fs.Bool("json", false, "print one JSON object with the metrics")
	if err := parseFlags(fs, e, "--questions FILE [--knowledge DIR] [--index DIR] [--json]"); err != nil {
		return err
	}
	if *qfile == "" {
		fmt.Fprintln(e.stderr, "kbbot eval: --questions FILE is required")
		fs.Usage()
		return exitCode(2)
	}
	qs, err := quality.ReadQuestions(*qfile)
	if err != nil {
		return err
	}
	cfg, err := folders.load(e)
	if err != nil {
		return err
	}
	log := quietLogger(cfg, e.stderr)
	lib, err := openLibrary(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer lib.Close()
	if *folders.knowledge != "" {
		// The index may be from an older state of the folder.
		if _, err := lib.Reindex(ctx, nil); err != nil {
			return fmt.Errorf("bring index up to date: %w", err)
		}
	}
	lib.Warm() // latency figures should not include a warm-up after a rebuild
	m, misses, err := quality.Evaluate(ctx, lib, qs, 10)
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(e.stdout).Encode(m)
	}
	fmt.Fprintf(e.stdout, "questions %d  hit@1 %.3f  hit@3 %.3f  mrr@10 %.3f  answer@1 %.3f  answer@3 %.3f  none_rejected %.3f  p50 %.2f ms  p99 %.2f ms\n",
		m.Questions, m.Hit1, m.Hit3, m.MRR10, m.Answer1, m.Answer3, m.NoneRejected, m.P50ms, m.P99ms)
	if len(misses) > 0 {
		fmt.Fprintf(e.stdout, "\nMisses (%d):\n", len(misses))
		for _, s := range misses {
			fmt.Fprintln(e.stdout, "  "+s)
		}
	}
	return nil
}
