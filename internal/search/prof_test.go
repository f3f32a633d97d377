//go:build tune

package search

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/kbbot/kbbot/internal/knowledge"
	"github.com/kbbot/kbbot/internal/quality"
)

func TestProf(t *testing.T) {
	r, _ := knowledge.Load(context.Background(), "/usr/share/doc/postgresql-doc-15/html", knowledge.Options{}, nil)
	ix, err := Build(context.Background(), filepath.Join(t.TempDir(), "ix"), r.Articles, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	qs, _ := quality.ReadQuestions("../../../shared/eval/pgdocs-dev-extra.jsonl")
	for i := 0; i < 60; i++ {
		m, _, _ := quality.Evaluate(context.Background(), ix, qs, 3)
		if i == 59 {
			fmt.Println(m, time.Since(t0))
		}
	}
}
