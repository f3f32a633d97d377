//go:build tune

package search

// Ranking experiments: go test -tags tune -run TestTune -v ./internal/search
// Prints the metrics of each settings variant on every question set.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kbbot/kbbot/internal/knowledge"
	"github.com/kbbot/kbbot/internal/quality"
)

type corpus struct{ dir, qs string }

var tuneSets = []corpus{
	{"../../knowledge", "../../../shared/eval/kb-dev.jsonl"},
	{"../../../shared/seeds", "../../../shared/eval/seeds-dev.jsonl"},
	{"/usr/share/doc/postgresql-doc-15/html", "../../../shared/eval/pgdocs-dev.jsonl"},
	{"/usr/share/doc/postgresql-doc-15/html", "../../../shared/eval/pgdocs-dev-extra.jsonl"},
	{"../../knowledge", "testdata/eval/kb-extra.jsonl"},
	{"/usr/share/doc/postgresql-doc-15/html", "testdata/eval/pgdocs-extra2.jsonl"},
}

func TestTune(t *testing.T) {
	variants := tuneVariants()
	if v := os.Getenv("TUNE_ONLY"); v != "" {
		var keep []namedSettings
		for _, x := range variants {
			if strings.Contains(x.name, v) {
				keep = append(keep, x)
			}
		}
		variants = keep
	}
	loaded := map[string]knowledge.Result{}
	for _, c := range tuneSets {
		if _, ok := loaded[c.dir]; ok {
			continue
		}
		r, err := knowledge.Load(context.Background(), c.dir, knowledge.Options{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		loaded[c.dir] = r
	}
	for _, v := range variants {
		built := map[string]*Index{}
		line := fmt.Sprintf("%-28s", v.name)
		for _, c := range tuneSets {
			ix := built[c.dir]
			if ix == nil {
				dir := filepath.Join(t.TempDir(), "ix")
				t0 := time.Now()
				var err error
				ix, err = Build(context.Background(), dir, loaded[c.dir].Articles, nil, Options{Settings: v.s})
				if err != nil {
					t.Fatal(err)
				}
				_ = t0
				built[c.dir] = ix
			}
			qs, err := quality.ReadQuestions(c.qs)
			if err != nil {
				t.Fatal(err)
			}
			m, misses, err := quality.Evaluate(context.Background(), ix, qs, 10)
			if err != nil {
				t.Fatal(err)
			}
			name := strings.TrimSuffix(filepath.Base(c.qs), ".jsonl")
			line += fmt.Sprintf(" | %s h1 %.2f mrr %.3f a3 %.2f none %.1f p50 %.2f", name, m.Hit1, m.MRR10, m.Answer3, m.NoneRejected, m.P50ms)
			if os.Getenv("TUNE_MISSES") != "" {
				for _, s := range misses {
					t.Log(name, s)
				}
			}
		}
		for _, ix := range built {
			ix.Close()
		}
		t.Log(line)
	}
}

type namedSettings struct {
	name string
	s    Settings
}

func tuneVariants() []namedSettings {
	d := DefaultSettings
	v := func(name string, f func(*Settings)) namedSettings {
		s := d
		f(&s)
		return namedSettings{name, s}
	}
	return []namedSettings{
		v("default", func(s *Settings) {}),
		v("bm25", func(s *Settings) { s.Scoring = "bm25" }),
		v("nostem", func(s *Settings) { s.Stem = false }),
		v("nostop", func(s *Settings) { s.Stop = false }),
		v("passage800", func(s *Settings) { s.PassageChars = 800 }),
		v("passage3000", func(s *Settings) { s.PassageChars = 3000 }),
		v("passage0", func(s *Settings) { s.PassageChars = 0 }),
		v("title1", func(s *Settings) { s.TitleBoost = 1 }),
		v("title3", func(s *Settings) { s.TitleBoost = 3 }),
		v("title5", func(s *Settings) { s.TitleBoost = 5 }),
		v("heading0", func(s *Settings) { s.HeadingBoost = 0 }),
		v("heading3", func(s *Settings) { s.HeadingBoost = 3 }),
		v("tags0", func(s *Settings) { s.TagsBoost = 0 }),
		v("phrase0", func(s *Settings) { s.PhraseBoost = 0 }),
		v("phrase1", func(s *Settings) { s.PhraseBoost = 1 }),
		v("phrasemax3", func(s *Settings) { s.PhraseMaxWords = 3 }),
		v("phrasemax4", func(s *Settings) { s.PhraseMaxWords = 4 }),
		v("phrase3", func(s *Settings) { s.PhraseBoost = 3 }),
		v("cand20", func(s *Settings) { s.Candidates = 20 }),
		v("cand30", func(s *Settings) { s.Candidates = 30 }),
		v("cand40", func(s *Settings) { s.Candidates = 40 }),
		v("cand200", func(s *Settings) { s.Candidates = 200 }),
		v("common0", func(s *Settings) { s.CommonShare = 0 }),
		v("common05", func(s *Settings) { s.CommonShare = 0.05 }),
		v("common2", func(s *Settings) { s.CommonShare = 0.2 }),
		v("cw1", func(s *Settings) { s.CoverageWeight = 1 }),
		v("cw3", func(s *Settings) { s.CoverageWeight = 3 }),
		v("h2", func(s *Settings) { s.HeadingBoost = 2 }),
		v("t1h3", func(s *Settings) { s.TitleBoost, s.HeadingBoost = 1, 3 }),
		v("t1h3p1", func(s *Settings) { s.TitleBoost, s.HeadingBoost, s.PhraseBoost = 1, 3, 1 }),
		v("t1h2p1", func(s *Settings) { s.TitleBoost, s.HeadingBoost, s.PhraseBoost = 1, 2, 1 }),
		v("t1h3p1cw2", func(s *Settings) { s.TitleBoost, s.HeadingBoost, s.PhraseBoost, s.CoverageWeight = 1, 3, 1, 2 }),
		v("t1h3p1cw0", func(s *Settings) { s.TitleBoost, s.HeadingBoost, s.PhraseBoost, s.CoverageWeight = 1, 3, 1, 0 }),
	}
}
