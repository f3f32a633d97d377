//go:build tune

package search

import (
	"context"
	"encoding/json"
	"os"
	"path"
	"strings"
	"testing"

	"github.com/kbbot/kbbot/internal/quality"
)

// TestGateDump writes, per question of the sets in AM_QS (comma-separated)
// over the folder AM_DIR, what the "I don't know" gates see, as JSON lines in
// AM_OUT: each word (known, corrected, IDF, specificity) and, for the first
// five candidates, which words their shown passage and whole article hold.
// Gate variants can then be tried offline on every question at once
// (README protocol row "the I don't know gates ...", 2026-12-04).
func TestGateDump(t *testing.T) {
	ix := build(t, os.Getenv("AM_DIR"), Options{})
	out, _ := os.Create(os.Getenv("AM_OUT"))
	defer out.Close()
	enc := json.NewEncoder(out)
	s := ix.opts.Settings
	type tinfo struct {
		W         string
		Known     bool
		Corrected bool
		IDF, Spec float64
		Num       bool
		DF        float64
	}
	type cinfo struct {
		Path      string
		Score     float64
		Cov, Pcov float64
		InP, InA  []bool
	}
	for _, f := range strings.Split(os.Getenv("AM_QS"), ",") {
		qs, _ := quality.ReadQuestions(f)
		for _, q := range qs {
			ts, cands, qts, _ := ix.find(context.Background(), q.Q, s)
			rec := map[string]any{"set": strings.TrimSuffix(path.Base(f), ".jsonl"), "q": q.Q, "none": q.None, "source": q.Source, "n": ix.docCount}
			var ti []tinfo
			for _, x := range ts {
				sp := specificity(x.word)
				if !x.known {
					sp = unknownSpecificity(x.word)
				}
				ti = append(ti, tinfo{x.word, x.known, x.corrected != "", x.idf, sp, isNumber(x.word), x.df})
			}
			rec["terms"] = ti
			var ci []cinfo
			for _, c := range cands[:min(len(cands), 5)] {
				st := ix.stats[c.art]
				ps := &st.passages[c.pass]
				var inP, inA []bool
				for _, qq := range qts {
					p, a := false, false
					for _, al := range qq.alts {
						if altTF(&ps.body, al) > 0 || altTF(&ps.heading, al) > 0 || altTF(&st.title, al) > 0 || altTF(&st.tags, al) > 0 {
							p = true
						}
						if has(st.all, al) {
							a = true
						}
					}
					inP = append(inP, p)
					inA = append(inA, a)
				}
				ci = append(ci, cinfo{path.Base(ix.arts[c.art].Path), c.score, c.cov, c.pcov, inP, inA})
			}
			rec["cands"] = ci
			if len(cands) > 0 {
				c := cands[0]
				a := ix.arts[c.art]
				p := ix.byArt[c.art][c.pass]
				rec["ptext"] = a.Title + "\n" + strings.Join(a.Sections[p.sec].Path, "\n") + "\n" + p.text
			}
			if ts != nil && len(cands) > 0 {
				rec["answered"] = ix.covers(ts, cands[0].cov, cands[0].pcov)
			}
			enc.Encode(rec)
		}
	}
}
