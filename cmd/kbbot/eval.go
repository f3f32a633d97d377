package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/kbbot/kbbot/internal/quality"
)

// filesFlag is a repeatable flag.
type filesFlag []string

func (f *filesFlag) String() string     { return strings.Join(*f, " ") }
func (f *filesFlag) Set(v string) error { *f = append(*f, v); return nil }

// evalSet is one question set and, once measured, its result.
type evalSet struct {
	name string // file base name without .jsonl
	qs   []quality.Question
	run  quality.Run
}

func runEval(ctx context.Context, e env) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	var qfiles filesFlag
	fs.Var(&qfiles, "questions", "question set, JSON Lines (required); repeat it or give a glob for several sets; further arguments are sets too")
	folders := addFolderFlags(fs, true)
	asJSON := fs.Bool("json", false, "print the metrics as JSON: one object, or one per line with \"set\" when there are several sets")
	showMisses := fs.Bool("misses", true, "list each set's misses after the table")
	if err := parseFlags(fs, e, "--questions FILE|GLOB [--questions ...] [--knowledge DIR] [--index DIR] [--json] [--misses=false]"); err != nil {
		return err
	}
	// An unquoted glob is expanded by the shell into one --questions value
	// and a list of arguments: take the arguments as sets too.
	patterns := append(qfiles, fs.Args()...)
	if len(patterns) == 0 {
		fmt.Fprintln(e.stderr, "kbbot eval: --questions FILE is required")
		fs.Usage()
		return exitCode(2)
	}
	files, err := questionFiles(patterns, e.stderr)
	if err != nil {
		return err
	}
	// Read every set before the index is built, so a bad line fails fast.
	sets := make([]*evalSet, len(files))
	for i, f := range files {
		qs, err := quality.ReadQuestions(f)
		if err != nil {
			return err
		}
		sets[i] = &evalSet{name: strings.TrimSuffix(filepath.Base(f), ".jsonl"), qs: qs}
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
	for _, s := range sets {
		if s.run, err = quality.Measure(ctx, lib, s.qs, 10); err != nil {
			return fmt.Errorf("set %s: %w", s.name, err)
		}
	}

	if *asJSON {
		return writeEvalJSON(e.stdout, sets)
	}
	if err := writeEvalTable(e.stdout, sets); err != nil {
		return err
	}
	if *showMisses {
		writeMisses(e.stdout, sets)
	}
	return nil
}

// questionFiles expands the --questions values: a value with glob
// characters is a pattern (one that matches nothing is reported and
// skipped), any other value is a file name. Each file is taken once.
func questionFiles(patterns []string, stderr io.Writer) ([]string, error) {
	var files []string
	seen := map[string]bool{}
	add := func(f string) {
		if c := filepath.Clean(f); !seen[c] {
			seen[c] = true
			files = append(files, f)
		}
	}
	for _, p := range patterns {
		if !strings.ContainsAny(p, "*?[") {
			add(p)
			continue
		}
		m, err := filepath.Glob(p)
		if err != nil {
			return nil, fmt.Errorf("questions %q: %w", p, err)
		}
		if len(m) == 0 {
			fmt.Fprintf(stderr, "kbbot eval: no question set matches %s\n", p)
		}
		for _, f := range m {
			add(f)
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no question set matches %s", strings.Join(patterns, " "))
	}
	return files, nil
}

// evalJSON is the JSON shape: the metrics as plain numbers (the keys of
// quality.Metrics), their intervals under "ci", and "set" only when there
// are several sets, so a single set prints the object it always has.
type evalJSON struct {
	Set string `json:"set,omitempty"`
	quality.Metrics
	CI map[string][2]float64 `json:"ci"`
}

func writeEvalJSON(w io.Writer, sets []*evalSet) error {
	enc := json.NewEncoder(w)
	for _, s := range sets {
		o := evalJSON{Metrics: s.run.Metrics, CI: s.run.CI}
		if o.CI == nil {
			o.CI = map[string][2]float64{}
		}
		if len(sets) > 1 {
			o.Set = s.name
		}
		if err := enc.Encode(o); err != nil {
			return fmt.Errorf("write eval JSON: %w", err)
		}
	}
	return nil
}

// writeEvalTable prints one row per set; a quality metric shows its value
// and 95% interval, or "-" when no question in the set measures it.
func writeEvalTable(w io.Writer, sets []*evalSet) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "set\tquestions\thit@1\thit@3\tmrr@10\tanswer@1\tanswer@3\tnone_rejected\tp50\tp99")
	for _, s := range sets {
		m := s.run.Metrics
		values := map[string]float64{"hit@1": m.Hit1, "hit@3": m.Hit3, "mrr@10": m.MRR10,
			"answer@1": m.Answer1, "answer@3": m.Answer3, "none_rejected": m.NoneRejected}
		cells := []string{s.name, fmt.Sprint(m.Questions)}
		for _, name := range quality.QualityMetrics {
			ci, ok := s.run.CI[name]
			if !ok {
				cells = append(cells, "-")
				continue
			}
			cells = append(cells, fmt.Sprintf("%.3f [%.3f,%.3f]", values[name], ci[0], ci[1]))
		}
		cells = append(cells, fmt.Sprintf("%.2f ms", m.P50ms), fmt.Sprintf("%.2f ms", m.P99ms))
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write eval table: %w", err)
	}
	return nil
}

func writeMisses(w io.Writer, sets []*evalSet) {
	for _, s := range sets {
		if len(s.run.Misses) == 0 {
			continue
		}
		fmt.Fprintf(w, "\nMisses in %s (%d):\n", s.name, len(s.run.Misses))
		for _, m := range s.run.Misses {
			fmt.Fprintln(w, "  "+m)
		}
	}
}
