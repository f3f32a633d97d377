//go:build tune

package search

import (
	"context"
	"fmt"
	"path"
	"path/filepath"
	"testing"

	"github.com/kbbot/kbbot/internal/knowledge"
	"github.com/kbbot/kbbot/internal/quality"
)

// TestCoverageDump prints, for every question of every tune set, what the
// "I don't know" rule sees: whether it should be answered, whether the top
// article is right, and the coverage figures.
func TestCoverageDump(t *testing.T) {
	loaded := map[string]*Index{}
	for _, c := range tuneSets {
		ix := loaded[c.dir]
		if ix == nil {
			r, _ := knowledge.Load(context.Background(), c.dir, knowledge.Options{}, nil)
			var err error
			ix, err = Build(context.Background(), filepath.Join(t.TempDir(), "ix"), r.Articles, nil, Options{})
			if err != nil {
				t.Fatal(err)
			}
			loaded[c.dir] = ix
		}
		qs, _ := quality.ReadQuestions(c.qs)
		name := filepath.Base(c.qs)
		for _, q := range qs {
			s := ix.opts.Settings
			ts, cands, qts, _ := ix.find(context.Background(), q.Q, s)
			if len(cands) == 0 {
				fmt.Printf("COV %s none=%v nocand\n", name, q.None)
				continue
			}
			c0 := cands[0]
			unk, guess := 0, 0
			for _, x := range ts {
				if !x.known {
					unk++
				} else if x.corrected != "" {
					guess++
				}
			}
			s2 := s
			s2.UnknownInCoverage = false
			ix.opts.Settings = s2
			pk := ix.passageCoverage(ix.stats[c0.art], c0.pass, qts)
			ix.opts.Settings = s
			right := false
			for _, src := range q.Source {
				right = right || path.Base(ix.arts[c0.art].Path) == src
			}
			fmt.Printf("COV %s none=%v right=%v n=%d unk=%d guess=%d cov=%.2f pcov=%.2f pcovk=%.2f ok=%v q=%q\n", name, q.None, right, len(ts), unk, guess, c0.cov, c0.pcov, pk, ix.covers(ts, c0.cov, c0.pcov), q.Q)
		}
	}
}
