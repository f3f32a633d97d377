//go:build tune

package search

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/kbbot/kbbot/internal/knowledge"
)

func TestDebug(t *testing.T) {
	dir := os.Getenv("DEBUG_DIR")
	r, _ := knowledge.Load(context.Background(), dir, knowledge.Options{}, nil)
	ix, err := Build(context.Background(), filepath.Join(t.TempDir(), "ix"), r.Articles, nil, Options{Settings: func() Settings { s := DefaultSettings; s.TitleBoost, s.HeadingBoost, s.PhraseBoost = 1, 3, 1; return s }()})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println("docs", ix.docCount, "df", len(ix.df))
	for _, q := range strings.Split(os.Getenv("DEBUG_Q"), ";") {
		ts := ix.terms(q)
		ix.setIDF(ts)
		fmt.Println("Q:", q)
		for _, x := range ts {
			fmt.Printf("  term %q stem %q syn %v known %v idf %.2f\n", x.word, x.stem, x.synonyms, x.known, x.idf)
		}
		a, _ := ix.Ask(context.Background(), q, 3)
		for _, r := range a.Results {
			fmt.Printf("  => %s | %s | %.200s\n", r.Path, r.Section, r.Excerpt.Plain())
		}
		req := bleve.NewSearchRequestOptions(ix.buildQuery(ts, ix.opts.Settings), 10, 0, false)
		res, _ := ix.bl.Search(req)
		for _, h := range res.Hits {
			p := ix.passages[h.ID]
			fmt.Printf("  %.3f %s cov %.2f %q\n", h.Score, h.ID, ix.coverage(ts, p.art), ix.arts[p.art].Sections[p.sec].Heading)
		}
	}
}
