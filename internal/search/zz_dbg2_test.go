//go:build tune

package search

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/kbbot/kbbot/internal/knowledge"
)

func TestDbgPassages(t *testing.T) {
	r, _ := knowledge.Load(context.Background(), os.Getenv("DEBUG_DIR"), knowledge.Options{}, nil)
	ix, _ := Build(context.Background(), filepath.Join(t.TempDir(), "ix"), r.Articles, nil, Options{})
	ts := ix.terms(os.Getenv("DEBUG_Q"))
	ix.setIDF(context.Background(), ts)
	qs := ix.qterms(ts, ix.opts.Settings)
	for _, q := range qs {
		fmt.Printf("qterm idf %.2f alts %+v\n", q.idf, q.alts)
	}
	rev := map[uint32]string{}
	for w, id := range ix.ids {
		rev[id] = w
	}
	for _, q := range qs {
		for _, a := range q.alts {
			for _, id := range a.ids {
				fmt.Printf("id %d = %q\n", id, rev[id])
			}
		}
	}
	for ai, a := range ix.arts {
		if a.Path != os.Getenv("DEBUG_ART") {
			continue
		}
		st := ix.stats[ai]
		for p := range st.passages {
			sec := a.Sections[ix.byArt[ai][p].sec]
			fmt.Printf("   text %.90q tf %v head %v\n", ix.byArt[ai][p].text, func() (o []float64) {
				for _, q := range qs {
					for _, a := range q.alts {
						o = append(o, altTF(&st.passages[p].body, a))
					}
				}
				return
			}(), func() (o []float64) {
				for _, q := range qs {
					for _, a := range q.alts {
						o = append(o, altTF(&st.passages[p].heading, a))
					}
				}
				return
			}())
			var ws []string
			for _, id := range st.passages[p].body.ids[:min(12, len(st.passages[p].body.ids))] {
				ws = append(ws, rev[id])
			}
			fmt.Println("   bag", ws)
			fmt.Printf("p%d choice %.3f full %.3f lead %v n %d %q\n", p, ix.choice(st, p, qs, ix.opts.Settings), ix.bm25f(st, p, qs, ix.opts.Settings), st.passages[p].lead, st.passages[p].body.n, sec.Heading)
		}
	}
}
