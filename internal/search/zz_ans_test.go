//go:build tune

package search

import (
	"context"
	"fmt"
	"os"
	"path"
	"strings"
	"testing"

	"github.com/kbbot/kbbot/internal/quality"
)

// TestAnswerMisses shows, for answer questions whose article is right but
// whose first excerpt lacks the answer, which passage holds it.
func TestAnswerMisses(t *testing.T) {
	ix := build(t, os.Getenv("AM_DIR"), Options{})
	qs, _ := quality.ReadQuestions(os.Getenv("AM_Q"))
	for _, q := range qs {
		if len(q.Answer) == 0 {
			continue
		}
		a, _ := ix.Ask(context.Background(), q.Q, 3)
		if len(a.Results) == 0 || !contains(q.Source, path.Base(a.Results[0].Path)) {
			continue
		}
		got := a.Results[0].Excerpt.Plain()
		ok := true
		for _, el := range q.Answer {
			hit := false
			for _, alt := range strings.Split(el, "|") {
				hit = hit || strings.Contains(strings.ToLower(got), strings.ToLower(alt))
			}
			ok = ok && hit
		}
		if ok {
			continue
		}
		// Which passage of the article holds the answer?
		where := "none"
		for ai, art := range ix.arts {
			if art.Path != a.Results[0].Path {
				continue
			}
			for _, p := range ix.byArt[ai] {
				if strings.Contains(strings.ToLower(strings.Join(strings.Fields(p.text), " ")), strings.ToLower(strings.Split(q.Answer[0], "|")[0])) {
					where = fmt.Sprintf("passage %d %q", p.order, art.Sections[p.sec].Heading)
					break
				}
			}
		}
		fmt.Printf("Q %q want %v\n  shown (%s): %s\n  answer in: %s\n", q.Q, q.Answer, a.Results[0].Section, got, where)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestPassages(t *testing.T) {
	ix := build(t, os.Getenv("AM_DIR"), Options{})
	q := os.Getenv("AM_QQ")
	ts := ix.terms(q)
	ix.setIDF(context.Background(), ts)
	qs := ix.qterms(ts, ix.opts.Settings)
	for _, x := range ts {
		fmt.Printf("term %q stem %q syn %v parts %v idf %.2f\n", x.word, x.stem, x.synonyms, x.parts, x.idf)
	}
	for ai, a := range ix.arts {
		if a.Path != os.Getenv("AM_P") {
			continue
		}
		for j, p := range ix.byArt[ai] {
			fmt.Printf("%6.3f ch %6.3f pcov %.2f %q %.80s\n", ix.bm25f(ix.stats[ai], j, qs, ix.opts.Settings), ix.choice(ix.stats[ai], j, qs, ix.opts.Settings), ix.passageCoverage(ix.stats[ai], j, qs), a.Sections[p.sec].Heading, p.text)
		}
	}
}
