//go:build tune

package search

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/kbbot/kbbot/internal/knowledge"
	"github.com/kbbot/kbbot/internal/quality"
)

// TestAB interleaves query-time variants on one PostgreSQL index so that host
// noise hits them all alike: go test -tags tune -run TestAB -v ./internal/search
func TestAB(t *testing.T) {
	r, _ := knowledge.Load(context.Background(), PGDocs, knowledge.Options{}, nil)
	ix, err := Build(context.Background(), filepath.Join(t.TempDir(), "ix"), r.Articles, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ix.Warm()
	var qs []string
	for _, set := range []string{"pgdocs-dev.jsonl", "pgdocs-dev-extra.jsonl"} {
		q, _ := quality.ReadQuestions(filepath.Join(shared, "eval", set))
		for _, x := range q {
			qs = append(qs, x.Q)
		}
	}
	base := ix.opts.Settings
	variants := map[string]func(*Settings){
		"default":  func(*Settings) {},
		"cand30":   func(s *Settings) { s.Candidates = 30 },
		"common05": func(s *Settings) { s.CommonShare = 0.05 },
	}
	names := []string{"default", "cand30", "common05"}
	lat := map[string][]time.Duration{}
	for round := 0; round < 15; round++ {
		for _, n := range names {
			s := base
			variants[n](&s)
			ix.opts.Settings = s
			for _, q := range qs {
				t0 := time.Now()
				ix.Ask(context.Background(), q, 3)
				lat[n] = append(lat[n], time.Since(t0))
			}
		}
	}
	for _, n := range names {
		l := lat[n]
		sort.Slice(l, func(i, j int) bool { return l[i] < l[j] })
		fmt.Printf("%-10s p50 %.3f ms  p99 %.3f ms\n", n, float64(l[len(l)/2].Microseconds())/1000, float64(l[len(l)*99/100].Microseconds())/1000)
	}
}
