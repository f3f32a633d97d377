package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/kbbot/kbbot/internal/kb"
)

func runAsk(ctx context.Context, e env) error {
	fs := flag.NewFlagSet("ask", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print the answer as JSON")
	folders := addFolderFlags(fs, true)
	if err := parseFlags(fs, e, "[--json] QUESTION..."); err != nil {
		return err
	}
	q := strings.TrimSpace(strings.Join(fs.Args(), " "))
	if q == "" {
		fmt.Fprintln(e.stderr, "kbbot ask: give a question, e.g. kbbot ask what is a database index")
		return exitCode(2)
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
	ans, err := lib.Ask(ctx, q, cfg.MaxResults)
	if err != nil {
		return err
	}
	ans = newLinker(cfg).Answer(ans)
	if *asJSON {
		return writeAnswerJSON(e.stdout, ans)
	}
	writeAnswerText(e.stdout, ans, isTerminal(e.stdout))
	return nil
}

type jsonResult struct {
	Title   string  `json:"title"`
	Section string  `json:"section"`
	Path    string  `json:"path"`
	URL     string  `json:"url"`
	Excerpt string  `json:"excerpt"`
	Score   float64 `json:"score"`
}

func writeAnswerJSON(w io.Writer, ans kb.Answer) error {
	out := struct {
		Answered bool         `json:"answered"`
		Results  []jsonResult `json:"results"`
	}{Answered: ans.Answered(), Results: []jsonResult{}}
	for _, r := range ans.Results {
		out.Results = append(out.Results, jsonResult{r.Title, r.Section, r.Path, r.URL, r.Excerpt.Plain(), r.Score})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// writeAnswerText prints an answer for a person: matched words in bold when
// the output is a terminal.
func writeAnswerText(w io.Writer, ans kb.Answer, ansi bool) {
	switch ans.Kind {
	case kb.KindGreeting:
		fmt.Fprintln(w, "Hello! Ask me a backend-development question, e.g. \"what is a database index?\"")
		return
	case kb.KindHelp, kb.KindEmpty:
		fmt.Fprintln(w, "Ask a question about backend development in plain words, e.g. \"how do I prevent SQL injection?\".")
		return
	}
	if !ans.Answered() {
		fmt.Fprintln(w, "I don't know: nothing in the knowledge base answers that. Try other words, or list the topics with `/kb topics` in Slack.")
		return
	}
	bold := func(s string) string {
		if ansi {
			return "\x1b[1m" + s + "\x1b[0m"
		}
		return s
	}
	for i, r := range ans.Results {
		title := r.Title
		if r.Section != "" {
			title += " › " + r.Section
		}
		fmt.Fprintf(w, "%d. %s\n", i+1, bold(title))
		// Prose is wrapped; a code block keeps its lines, set off by a bar.
		var prose strings.Builder
		flush := func() {
			if strings.TrimSpace(prose.String()) != "" {
				fmt.Fprintf(w, "   %s\n", wrap(prose.String(), 90, "   "))
			}
			prose.Reset()
		}
		for _, f := range r.Excerpt {
			switch {
			case f.Code:
				flush()
				for _, line := range strings.Split(strings.TrimRight(f.Text, "\n"), "\n") {
					fmt.Fprintf(w, "   │ %s\n", line)
				}
			case f.Match:
				prose.WriteString(bold(f.Text))
			default:
				prose.WriteString(f.Text)
			}
		}
		flush()
		where := r.URL
		if where == "" {
			where = r.Path
		}
		fmt.Fprintf(w, "   %s\n\n", where)
	}
}

// wrap breaks text at spaces so lines stay under width visible characters.
func wrap(s string, width int, indent string) string {
	var b strings.Builder
	n := 0
	for i, word := range strings.Fields(s) {
		vis := len(strings.ReplaceAll(strings.ReplaceAll(word, "\x1b[1m", ""), "\x1b[0m", ""))
		if i > 0 {
			if n+1+vis > width {
				b.WriteString("\n" + indent)
				n = 0
			} else {
				b.WriteByte(' ')
				n++
			}
		}
		b.WriteString(word)
		n += vis
	}
	return b.String()
}
