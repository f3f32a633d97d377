package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/kbbot/kbbot/internal/quality"
)

// derivers are the question sets `kbbot questions` can derive, by the page
// of the manual each reads.
var derivers = map[string]struct {
	page   string
	derive func(io.Reader) ([]quality.Question, error)
}{
	"bookindex": {"bookindex.html", quality.BookIndex},
	"glossary":  {"glossary.html", quality.Glossary},
}

func runQuestions(ctx context.Context, e env) error {
	fs := flag.NewFlagSet("questions", flag.ContinueOnError)
	sample := fs.Int("sample", 0, "print a deterministic subset of N questions (0: all)")
	seed := fs.Uint64("seed", 1, "seed of the --sample subset")
	synopsis := "bookindex|glossary DIR [--sample N] [--seed S]\n\nPrints JSON Lines questions ({\"q\", \"source\"}) derived from DIR/bookindex.html or DIR/glossary.html."
	if err := parseFlags(fs, e, synopsis); err != nil {
		return err
	}
	// Flags may also follow the arguments.
	var pos []string
	for args := fs.Args(); len(args) > 0; args = fs.Args() {
		pos = append(pos, args[0])
		rest := e
		rest.args = args[1:]
		if err := parseFlags(fs, rest, synopsis); err != nil {
			return err
		}
	}
	if len(pos) != 2 {
		fmt.Fprintln(e.stderr, "kbbot questions: give a kind (bookindex or glossary) and the manual's folder")
		fs.Usage()
		return exitCode(2)
	}
	d, ok := derivers[pos[0]]
	if !ok {
		fmt.Fprintf(e.stderr, "kbbot questions: unknown kind %q (bookindex or glossary)\n", pos[0])
		return exitCode(2)
	}
	p := filepath.Join(pos[1], d.page)
	f, err := os.Open(p)
	if err != nil {
		return fmt.Errorf("derive %s questions: %w", pos[0], err)
	}
	defer f.Close()
	qs, err := d.derive(f)
	if err != nil {
		return fmt.Errorf("%s: %w", p, err)
	}
	if len(qs) == 0 {
		return fmt.Errorf("%s: no questions derived", p)
	}
	fmt.Fprintf(e.stderr, "kbbot questions: %d %s questions from %s\n", len(qs), pos[0], p)
	return quality.WriteQuestions(e.stdout, quality.Sample(qs, *sample, *seed))
}
