package replay_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kbbot/kbbot/internal/kb"
	"github.com/kbbot/kbbot/internal/replay"
	"github.com/kbbot/kbbot/internal/search"
	"github.com/kbbot/kbbot/internal/store"
	"github.com/kbbot/kbbot/internal/store/storetest"
)

func article(path, title string, sections ...kb.Section) kb.Article {
	return kb.Article{Path: path, Title: title, Sections: sections}
}

func sec(heading, text string) kb.Section {
	return kb.Section{Heading: heading, Path: []string{heading}, Text: text}
}

var (
	tls = article("tls.md", "TLS certificates",
		sec("Renewing certificates", "Certificates are renewed by cert-manager thirty days before they expire. Run kubectl get certificates to see their state."))
	caching = article("caching.md", "Caching",
		sec("Cache stampede", "A cache stampede happens when many requests miss the cache at once and all rebuild the same value. Use request coalescing."))
	sourdough = article("sourdough.md", "Baking sourdough bread",
		sec("Starter", "Feed the sourdough starter with flour and water every day; bake the bread when the starter doubles."))
	stampede = article("stampede.md", "Thundering herds and cache stampedes",
		sec("Cache stampede prevention", "A cache stampede, or thundering herd, is prevented with request coalescing, early recomputation and locks. Cache stampede cache stampede."))
)

func build(t *testing.T, arts ...kb.Article) *search.Index {
	t.Helper()
	ix, err := search.Build(context.Background(), filepath.Join(t.TempDir(), "ix"), arts, nil, search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

// TestCompareOnStoredQuestions replays the questions a real store
// remembers (SQLite and PostgreSQL) on two real indexes: one article
// removed, one added, one that now ranks first.
func TestCompareOnStoredQuestions(t *testing.T) {
	before := build(t, tls, caching)
	after := build(t, caching, sourdough, stampede)
	ctx := context.Background()
	for name, o := range map[string]func(t *testing.T) store.Options{
		store.SQLite:   func(t *testing.T) store.Options { return store.Options{DataDir: t.TempDir()} },
		store.Postgres: func(t *testing.T) store.Options { return store.Options{DatabaseURL: storetest.Postgres(t).URL} },
	} {
		t.Run(name, func(t *testing.T) {
			db, err := store.Open(o(t))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			now := time.Now()
			q := func(text, outcome string, ago time.Duration) kb.QuestionRecord {
				return kb.QuestionRecord{At: now.Add(-ago), Surface: "mention", ChannelType: "channel", Question: text, Outcome: outcome}
			}
			if err := db.WriteQuestions(ctx, store.Policy{QuestionText: true, DMs: true}, []kb.QuestionRecord{
				q("how are TLS certificates renewed?", kb.OutcomeAnswered, 4*time.Hour),
				q("how do I bake sourdough bread?", kb.OutcomeUnknown, 3*time.Hour),
				q("bake sourdough bread how", kb.OutcomeUnknown, 2*time.Hour), // the same terms: asked once
				q("what is a cache stampede?", kb.OutcomeAnswered, time.Hour),
				q("what is the weather on Mars", kb.OutcomeUnknown, time.Hour), // unknown to both
				q("what is a cache stampede", kb.OutcomeError, time.Minute),    // errors are not replayed
			}); err != nil {
				t.Fatal(err)
			}
			qs, err := db.RecentQuestions(ctx, time.Time{}, replay.MaxQuestions)
			if err != nil {
				t.Fatal(err)
			}
			c, err := replay.Compare(ctx, qs, before, after)
			if err != nil {
				t.Fatal(err)
			}
			got := fmt.Sprintf("questions=%d now=%d gone=%d top=%d", c.Questions, c.NowAnswered, c.NoLongerAnswered, c.NewTop)
			if want := "questions=4 now=1 gone=1 top=1"; got != want {
				t.Errorf("got %s, want %s; examples %+v", got, want, c.Examples)
			}
			var ex []string
			for _, x := range c.Examples {
				ex = append(ex, fmt.Sprintf("%s %q %s->%s", x.Kind, x.Question, x.Before, x.After))
			}
			want := []string{
				`new_top "what is a cache stampede?" caching.md->stampede.md`,
				`now_answered "bake sourdough bread how" ->sourdough.md`,
				`no_longer_answered "how are TLS certificates renewed?" tls.md->`,
			}
			if strings.Join(ex, "\n") != strings.Join(want, "\n") {
				t.Errorf("examples:\ngot  %s\nwant %s", strings.Join(ex, "\n     "), strings.Join(want, "\n     "))
			}
		})
	}
}

// TestCompareSameIndex: an index compared with itself changes nothing,
// and a cancelled context stops the comparison.
func TestCompareSameIndex(t *testing.T) {
	ix := build(t, tls, caching)
	qs := []string{"how are TLS certificates renewed?", "what is a cache stampede?", "hello", "llamas"}
	c, err := replay.Compare(context.Background(), qs, ix, ix)
	if err != nil || c.Any() || c.Questions != 3 {
		t.Errorf("got %+v, %v; want 3 questions (not the greeting), no change", c, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := replay.Compare(ctx, qs, ix, ix); err == nil {
		t.Error("cancelled: got no error")
	}
}
