//go:build tune

package search

// Ranking experiments: go test -tags tune -run TestTune -v ./internal/search
// Prints hit@1 / answer@1 (and the mean over sets) of each settings variant
// on every question set. Each corpus is indexed once per index-shaping
// setting; query-time variants reuse it. TUNE_ONLY=name keeps matching
// variants, TUNE_MISSES=set prints a set's misses.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kbbot/kbbot/internal/knowledge"
	"github.com/kbbot/kbbot/internal/quality"
)

type corpus struct{ dir, qs string }

const pydocs = "/usr/share/doc/python3.11/html"

var tuneSets = []corpus{
	{"../../knowledge", "../../../shared/eval/kb-dev.jsonl"},
	{"../../knowledge", "testdata/eval/kb-extra.jsonl"},
	{"../../knowledge", "testdata/eval/kb-fresh.jsonl"},
	{"../../../shared/seeds", "../../../shared/eval/seeds-dev.jsonl"},
	{"../../../shared/seeds", "testdata/eval/seeds-fresh.jsonl"},
	{PGDocs, "../../../shared/eval/pgdocs-dev.jsonl"},
	{PGDocs, "../../../shared/eval/pgdocs-dev-extra.jsonl"},
	{PGDocs, "testdata/eval/pgdocs-extra2.jsonl"},
	{PGDocs, "testdata/eval/pgdocs-fresh.jsonl"},
	{pydocs, "testdata/eval/pydoc-fresh.jsonl"},
	{PGDocs, "../../data/bookindex600.jsonl"},
}

func TestTune(t *testing.T) {
	variants := tuneVariants()
	if v := os.Getenv("TUNE_ONLY"); v != "" {
		var keep []namedSettings
		for _, x := range variants {
			for _, w := range strings.Split(v, ",") {
				if x.name == w || strings.HasSuffix(w, "*") && strings.HasPrefix(x.name, strings.TrimSuffix(w, "*")) {
					keep = append(keep, x)
				}
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
	built := map[string]*Index{} // dir + index key
	defer func() {
		for _, ix := range built {
			ix.Close()
		}
	}()
	head := fmt.Sprintf("%-16s", "variant")
	for _, c := range tuneSets {
		head += fmt.Sprintf(" %11.11s", strings.TrimSuffix(filepath.Base(c.qs), ".jsonl"))
	}
	t.Log(head + "        mean")
	for _, v := range variants {
		line := fmt.Sprintf("%-16s", v.name)
		var sum, asum float64
		var n, an int
		for _, c := range tuneSets {
			key := c.dir + v.s.indexKey()
			ix := built[key]
			if ix == nil {
				var err error
				ix, err = Build(context.Background(), filepath.Join(t.TempDir(), "ix"), loaded[c.dir].Articles, nil, Options{Settings: v.s})
				if err != nil {
					t.Fatal(err)
				}
				built[key] = ix
			}
			ix.opts.Settings = v.s
			qs, err := quality.ReadQuestions(c.qs)
			if err != nil {
				t.Fatal(err)
			}
			m, misses, err := quality.Evaluate(context.Background(), ix, qs, 10)
			if err != nil {
				t.Fatal(err)
			}
			name := strings.TrimSuffix(filepath.Base(c.qs), ".jsonl")
			a1 := fmt.Sprintf("%.2f", m.Answer1)
			if m.Answer1 == 0 && !strings.Contains(name, "kb") && !strings.Contains(name, "seed") {
				a1 = "  -"
			} else {
				asum += m.Answer1
				an++
			}
			h1 := fmt.Sprintf("%.2f", m.Hit1)
			if strings.HasPrefix(name, "kb-dev") {
				h1 = "  -"
			} else {
				sum += m.Hit1
				n++
			}
			a3 := ""
			if os.Getenv("TUNE_A3") != "" {
				a3 = fmt.Sprintf("/%.2f/%.2f", m.Answer3, m.MRR10)
			}
			line += fmt.Sprintf(" %s/%s%s/%.1f", h1, a1, a3, m.NoneRejected)
			if w := os.Getenv("TUNE_MISSES"); w != "" && strings.Contains(name, w) {
				for _, s := range misses {
					t.Log(name, s)
				}
			}
		}
		t.Logf("%s  h1 %.3f a1 %.3f", line, sum/float64(n), asum/float64(max(an, 1)))
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
	out := []namedSettings{v("default", func(s *Settings) {})}
	if os.Getenv("TUNE_GRID") != "" {
		for _, t := range []float64{1, 2, 3} {
			for _, h := range []float64{1, 2} {
				for _, k := range []float64{1.2, 2} {
					for _, a := range []float64{0.3, 0.5} {
						out = append(out, v(fmt.Sprintf("t%gh%gk%ga%g", t, h, k, a), func(s *Settings) {
							s.TitleBoost, s.HeadingBoost, s.K1, s.ArticleShare = t, h, k, a
						}))
					}
				}
			}
		}
		return out
	}
	return append(out, []namedSettings{
		v("ch1", func(s *Settings) { s.ChoiceHeading = 1 }),
		v("ch2", func(s *Settings) { s.ChoiceHeading = 2 }),
		v("ch3", func(s *Settings) { s.ChoiceHeading = 3 }),
		v("ch5", func(s *Settings) { s.ChoiceHeading = 5 }),
		v("pcov0", func(s *Settings) { s.MinPassageCoverage = 0 }),
		v("pcov3", func(s *Settings) { s.MinPassageCoverage = 0.3 }),
		v("k1_2", func(s *Settings) { s.K1 = 2 }),
		v("k1_08", func(s *Settings) { s.K1 = 0.8 }),
		v("b75", func(s *Settings) { s.BodyB = 0.75 }),
		v("b9", func(s *Settings) { s.BodyB = 0.9 }),
		v("title2", func(s *Settings) { s.TitleBoost = 2 }),
		v("title3", func(s *Settings) { s.TitleBoost = 3 }),
		v("heading1", func(s *Settings) { s.HeadingBoost = 1 }),
		v("heading3", func(s *Settings) { s.HeadingBoost = 3 }),
		v("metab0", func(s *Settings) { s.MetaB = 0 }),
		v("metab8", func(s *Settings) { s.MetaB = 0.8 }),
		v("cand60", func(s *Settings) { s.Candidates = 60 }),
		v("nofuzzy", func(s *Settings) { s.Fuzzy = false }),
		v("k1_3", func(s *Settings) { s.K1 = 3 }),
		v("k1_15", func(s *Settings) { s.K1 = 1.5 }),
		v("norare", func(s *Settings) { s.RareCandidates = false }),
		v("dom0", func(s *Settings) { s.DominantShare = 0 }),
		v("dom7", func(s *Settings) { s.DominantShare = 0.7 }),
		v("extra3", func(s *Settings) { s.ExtraPassageShare = 0.3 }),
		v("extra7", func(s *Settings) { s.ExtraPassageShare = 0.7 }),
		v("minshare0", func(s *Settings) { s.MinScoreShare = 0 }),
		v("minshare2", func(s *Settings) { s.MinScoreShare = 0.2 }),
		v("minshare3", func(s *Settings) { s.MinScoreShare = 0.3 }),
		v("lead1", func(s *Settings) { s.LeadWeight = 1 }),
		v("lead7", func(s *Settings) { s.LeadWeight = 0.7 }),
		v("lead3", func(s *Settings) { s.LeadWeight = 0.3 }),
		v("unkcov", func(s *Settings) { s.UnknownInCoverage = true }),
		v("unkcov4", func(s *Settings) { s.UnknownInCoverage, s.MinPassageCoverage = true, 0.4 }),
		v("unkcov6", func(s *Settings) { s.UnknownInCoverage, s.MinPassageCoverage = true, 0.6 }),
		v("pcov6", func(s *Settings) { s.MinPassageCoverage = 0.6 }),
		v("hub0", func(s *Settings) { s.HubWeight = 0 }),
		v("hub2", func(s *Settings) { s.HubWeight = 2 }),
		v("art0", func(s *Settings) { s.ArticleShare = 0 }),
		v("art3", func(s *Settings) { s.ArticleShare = 0.3 }),
		v("art7", func(s *Settings) { s.ArticleShare = 0.7 }),
		v("art1", func(s *Settings) { s.ArticleShare = 1 }),
		v("art5c200", func(s *Settings) { s.Candidates = 200 }),
		v("art7c200", func(s *Settings) { s.ArticleShare, s.Candidates = 0.7, 200 }),
		v("cand200", func(s *Settings) { s.Candidates = 200 }),
		v("cand200c0", func(s *Settings) { s.Candidates, s.CommonShare = 200, 0 }),
		v("cand200f3", func(s *Settings) { s.Candidates, s.FullArticles = 200, 3 }),
		v("cand200f30", func(s *Settings) { s.Candidates, s.FullArticles = 200, 30 }),
		v("cand100", func(s *Settings) { s.Candidates = 100 }),
		v("common0", func(s *Settings) { s.CommonShare = 0 }),
		v("parts0", func(s *Settings) { s.PartsBoost = 0 }),
		v("parts1", func(s *Settings) { s.PartsBoost = 1 }),
		v("passage800", func(s *Settings) { s.PassageChars = 800 }),
		v("passage3000", func(s *Settings) { s.PassageChars = 3000 }),
		v("k1_12", func(s *Settings) { s.K1 = 1.2 }),
		v("heading05", func(s *Settings) { s.HeadingBoost = 0.5 }),
		v("heading2", func(s *Settings) { s.HeadingBoost = 2 }),
		v("metab3", func(s *Settings) { s.MetaB = 0.3 }),
		v("b1", func(s *Settings) { s.BodyB = 1 }),
		v("syn0", func(s *Settings) { s.SynonymBoost = 0 }),
		v("full3", func(s *Settings) { s.FullArticles = 3 }),
	}...)
}
