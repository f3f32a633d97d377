package search

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/kbbot/kbbot/internal/knowledge"
	"github.com/kbbot/kbbot/internal/quality"
)

// PGDocs is the PostgreSQL manual from Debian's postgresql-doc-15 (make bench installs it).
const PGDocs = "/usr/share/doc/postgresql-doc-15/html"

func pgArticles(b *testing.B) knowledge.Result {
	b.Helper()
	if _, err := os.Stat(PGDocs); err != nil {
		b.Fatalf("%s is missing: apt-get install postgresql-doc-15 (make bench does)", PGDocs)
	}
	r, err := knowledge.Load(context.Background(), PGDocs, knowledge.Options{}, nil)
	if err != nil {
		b.Fatal(err)
	}
	return r
}

// BenchmarkIndexPGDocs is a full build of the PostgreSQL manual (read and
// parse every page, then index), as `kbbot index` does it.
func BenchmarkIndexPGDocs(b *testing.B) {
	pgArticles(b) // fail early, warm the page cache
	for i := 0; i < b.N; i++ {
		dir := filepath.Join(b.TempDir(), "ix")
		r, err := knowledge.Load(context.Background(), PGDocs, knowledge.Options{}, nil)
		if err != nil {
			b.Fatal(err)
		}
		ix, err := Build(context.Background(), dir, r.Articles, r.Skipped, Options{})
		if err != nil {
			b.Fatal(err)
		}
		ix.Close()
	}
}

// BenchmarkAskPGDocs answers every question of both PostgreSQL sets with
// MAX_RESULTS=3, excerpts included, and reports per-question percentiles.
func BenchmarkAskPGDocs(b *testing.B) {
	r := pgArticles(b)
	ix, err := Build(context.Background(), filepath.Join(b.TempDir(), "ix"), r.Articles, nil, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	ix.Warm() // as the library does when it opens a generation
	var qs []string
	for _, set := range []string{"pgdocs-dev.jsonl", "pgdocs-dev-extra.jsonl"} {
		q, err := quality.ReadQuestions(filepath.Join(shared, "eval", set))
		if err != nil {
			b.Fatal(err)
		}
		for _, x := range q {
			qs = append(qs, x.Q)
		}
	}
	ctx := context.Background()
	run := func(b *testing.B, ask func(q string) error) {
		var lat []time.Duration
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			t0 := time.Now()
			if err := ask(qs[i%len(qs)]); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(t0))
		}
		b.StopTimer()
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
		b.ReportMetric(ms(lat[len(lat)/2]), "p50_ms")
		b.ReportMetric(ms(lat[min(len(lat)-1, len(lat)*99/100)]), "p99_ms")
	}
	// What a user waits for: three results with their excerpts.
	b.Run("excerpts", func(b *testing.B) {
		run(b, func(q string) error { _, err := ix.Ask(ctx, q, 3); return err })
	})
	// Ranking alone, as Xapian's figure is (xapian_eval.py cuts no excerpts).
	b.Run("ranking", func(b *testing.B) {
		run(b, func(q string) error {
			ix.mu.RLock()
			defer ix.mu.RUnlock()
			_, _, _, err := ix.find(ctx, q, ix.opts.Settings)
			return err
		})
	})
}
