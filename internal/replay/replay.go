// Package replay tells what a reindex changed, by asking recent questions of
// the index it replaced and of the new one.
package replay

import (
	"context"
	"fmt"

	"github.com/kbbot/kbbot/internal/kb"
)

// MaxQuestions is how many distinct recent questions a comparison replays.
const MaxQuestions = 500

// examplesPerKind bounds the examples kept of each kind of change.
const examplesPerKind = 3

// limit is how many results each replayed question asks for: the first is
// all the comparison looks at, but the I-don't-know rule sees the same
// candidates as a real question.
const limit = 3

// Compare asks every question of before and after and counts the answers
// that changed: now answered, no longer answered, or another first article.
// A question either index fails on is left out; a cancelled ctx stops the
// comparison with its error.
func Compare(ctx context.Context, questions []string, before, after kb.Asker) (kb.Changes, error) {
	var c kb.Changes
	kept := map[string]int{}
	example := func(ch kb.Change) {
		if kept[ch.Kind] < examplesPerKind {
			kept[ch.Kind]++
			c.Examples = append(c.Examples, ch)
		}
	}
	for _, q := range questions {
		if err := ctx.Err(); err != nil {
			return c, fmt.Errorf("compare answers: %w", err)
		}
		b, err := before.Ask(ctx, q, limit)
		if err != nil {
			continue
		}
		a, err := after.Ask(ctx, q, limit)
		if err != nil {
			continue
		}
		if b.Kind != kb.KindQuestion && a.Kind != kb.KindQuestion {
			continue // small talk either way: not a question about the knowledge base
		}
		c.Questions++
		bt, at := top(b), top(a)
		switch {
		case bt == at:
		case bt == "":
			c.NowAnswered++
			example(kb.Change{Kind: kb.ChangeNowAnswered, Question: q, After: at})
		case at == "":
			c.NoLongerAnswered++
			example(kb.Change{Kind: kb.ChangeNoLongerAnswered, Question: q, Before: bt})
		default:
			c.NewTop++
			example(kb.Change{Kind: kb.ChangeNewTop, Question: q, Before: bt, After: at})
		}
	}
	return c, nil
}

func top(a kb.Answer) string {
	if len(a.Results) == 0 {
		return ""
	}
	return a.Results[0].Path
}
