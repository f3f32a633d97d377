//go:build tune

package search

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
)

func TestDebug(t *testing.T) {
	ix := build(t, os.Getenv("DEBUG_DIR"), Options{})
	fmt.Println("docs", ix.docCount, "df", len(ix.df))
	for _, q := range strings.Split(os.Getenv("DEBUG_Q"), ";") {
		ts := ix.terms(q)
		ix.setIDF(context.Background(), ts)
		fmt.Println("Q:", q)
		for _, x := range ts {
			fmt.Printf("  term %q stem %q parts %q syn %v known %v idf %.2f spec %.2f\n", x.word, x.stem, x.parts, x.synonyms, x.known, x.idf, specificity(x.word))
		}
		a, _ := ix.Ask(context.Background(), q, 3)
		for _, r := range a.Results {
			fmt.Printf("  => %s | %s | %.200s\n", r.Path, r.Section, r.Excerpt.Plain())
		}
		req := bleve.NewSearchRequestOptions(ix.buildQuery(ts, ix.opts.Settings), 10, 0, false)
		res, _ := ix.bl.Search(req)
		cands, _ := ix.rank(context.Background(), res.Hits, ix.qterms(ts, ix.opts.Settings), ix.opts.Settings)
		for _, c := range cands {
			p := ix.byArt[c.art][c.pass]
			fmt.Printf("  %.3f %s cov %.2f pcov %.2f %q\n", c.score, ix.arts[c.art].Path, c.cov, c.pcov, ix.arts[c.art].Sections[p.sec].Heading)
		}
	}
}
