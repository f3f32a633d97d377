package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/kbbot/kbbot/internal/kb"
	"github.com/kbbot/kbbot/internal/store"
)

func runReport(ctx context.Context, e env) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	since := fs.String("since", "7d", "how far back: days (7d) or a duration (36h)")
	asJSON := fs.Bool("json", false, `print a JSON object {"unanswered", "not_helpful", "weak", "handed_over"}`)
	asCSV := fs.Bool("csv", false, "print CSV: list,question,path,count,score,last")
	limit := fs.Int("limit", 20, "rows per list")
	weak := fs.Float64("weak", store.DefaultWeakScore, "answers whose best score is below this are weak")
	if err := parseFlags(fs, e, "[--since 7d] [--json | --csv] [--limit N] [--weak SCORE]"); err != nil {
		return err
	}
	if *asJSON && *asCSV {
		fmt.Fprintln(e.stderr, "kbbot report: --json and --csv exclude each other")
		return exitCode(2)
	}
	window, err := parseSince(*since)
	if err != nil {
		fmt.Fprintf(e.stderr, "kbbot report: --since: %v\n", err)
		return exitCode(2)
	}
	cfg, err := loadConfig(e)
	if err != nil {
		return err
	}
	db, err := openStore(ctx, cfg, quietLogger(cfg, e.stderr))
	if err != nil {
		return err
	}
	defer db.Close()
	g, err := db.Gaps(ctx, store.GapOptions{Since: time.Now().Add(-window), Limit: *limit, Weak: *weak})
	if err != nil {
		return fmt.Errorf("gap report from %s: %w", db, err)
	}
	switch {
	case *asJSON:
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(g)
	case *asCSV:
		return writeGapsCSV(e, g)
	}
	printGaps(e, g, *since)
	return nil
}

// parseSince reads "7d" as seven days, and anything else as a Go duration.
func parseSince(s string) (time.Duration, error) {
	if d, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(d)
		if err != nil || n <= 0 {
			return 0, fmt.Errorf("want a number of days such as 7d, got %q", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("want 7d or a duration such as 36h, got %q", s)
	}
	return d, nil
}

func writeGapsCSV(e env, g kb.Gaps) error {
	w := csv.NewWriter(e.stdout)
	w.Write([]string{"list", "question", "path", "count", "score", "last"})
	for _, q := range g.Unanswered {
		w.Write([]string{"unanswered", q.Question, "", strconv.Itoa(q.Count), "", q.Last.Format(time.RFC3339)})
	}
	for _, a := range g.NotHelpful {
		w.Write([]string{"not_helpful", a.Question, a.Path, strconv.Itoa(a.Count), "", ""})
	}
	for _, q := range g.Weak {
		w.Write([]string{"weak", q.Question, q.Path, strconv.Itoa(q.Count), strconv.FormatFloat(q.Score, 'f', 3, 64), q.Last.Format(time.RFC3339)})
	}
	for _, q := range g.HandedOver {
		w.Write([]string{"handed_over", q.Question, q.Path, strconv.Itoa(q.Count), "", q.Last.Format(time.RFC3339)})
	}
	w.Flush()
	return w.Error()
}

func printGaps(e env, g kb.Gaps, since string) {
	fmt.Fprintf(e.stdout, "Knowledge gaps since %s (%s):\n", g.Since.UTC().Format("2006-01-02 15:04 UTC"), since)
	fmt.Fprintf(e.stdout, "\nAsked but not answered (%d):\n", len(g.Unanswered))
	for _, q := range g.Unanswered {
		fmt.Fprintf(e.stdout, "  %4d  %s\n", q.Count, q.Question)
	}
	fmt.Fprintf(e.stdout, "\nVoted Not helpful (%d):\n", len(g.NotHelpful))
	for _, a := range g.NotHelpful {
		fmt.Fprintf(e.stdout, "  %4d  %s (%d helpful)", a.Count, a.Path, a.Helpful)
		if a.Question != "" {
			fmt.Fprintf(e.stdout, "  e.g. %q", a.Question)
		}
		fmt.Fprintln(e.stdout)
	}
	fmt.Fprintf(e.stdout, "\nAnswered weakly (%d):\n", len(g.Weak))
	for _, q := range g.Weak {
		fmt.Fprintf(e.stdout, "  %4d  %s -> %s (score %.2f)\n", q.Count, q.Question, q.Path, q.Score)
	}
	fmt.Fprintf(e.stdout, "\nHanded to an expert (%d):\n", len(g.HandedOver))
	for _, q := range g.HandedOver {
		fmt.Fprintf(e.stdout, "  %4d  %s", q.Count, q.Question)
		if q.Path != "" {
			fmt.Fprintf(e.stdout, " -> %s", q.Path)
		}
		fmt.Fprintln(e.stdout)
	}
}
