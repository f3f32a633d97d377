package search

import (
	"context"
	"errors"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzAsk: questions are whatever anyone types in Slack. On any bytes,
// question analysis and Ask must not panic, must return within a generous
// bound of their deadline, and must give either an answer that keeps its
// shape or the deadline's error. Seed corpus: testdata/fuzz/FuzzAsk.
func FuzzAsk(f *testing.F) {
	ix := build(f, "testdata/kb", Options{BaseURL: "https://kb.example.com/docs/"})
	for _, q := range []string{
		"how does cache-aside work with a TTL?",
		"what is a kubernetes pod",
		"hi", "help", "?", "", "thanks!",
		`* ? ~ + - : " ( ) /x/ field:value title:caching +redis -cache "unterminated`,
		`/.*(a+)+$/`,
		"pg_stat_statements EXPLAIN ANALYZE queueDepth HTTP2 C++ C# .NET",
		"¿Qué es una base de datos? 数据库 🚀",
		"\x00\x01caching\x7f",
		"<!channel> <@U123> how do queues retry",
	} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, q string) {
		if n := len(ix.terms(q)); n > maxTerms {
			t.Fatalf("%d search terms, want at most %d", n, maxTerms)
		}
		Classify(q)
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		start := time.Now()
		ans, err := ix.Ask(ctx, q, 3)
		if d := time.Since(start); d > 10*time.Second {
			t.Fatalf("Ask(%.60q) took %v with a 2s deadline", q, d)
		}
		if err != nil {
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("Ask(%.60q): %v", q, err)
			}
			return
		}
		if len(ans.Results) > 3 {
			t.Fatalf("%d results, want at most 3", len(ans.Results))
		}
		for _, r := range ans.Results {
			if r.Path == "" || r.Title == "" {
				t.Fatalf("result without path or title: %+v", r)
			}
			if !utf8.ValidString(r.Excerpt.Plain()) {
				t.Fatalf("invalid UTF-8 in excerpt %q", r.Excerpt.Plain())
			}
		}
	})
}
