package search

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/rs/zerolog"

	"github.com/kbbot/kbbot/internal/kb"
)

// TestLibraryCompareHook: a reindex that swaps in a new generation hands
// the old (still answering) and the new one to Compare, and its result is
// the report's Changes; the first build and a reindex with nothing to do
// compare nothing.
func TestLibraryCompareHook(t *testing.T) {
	kdir := copyKB(t)
	const q = "how do I bake sourdough bread?"
	var mu sync.Mutex
	var calls []string // "before answered -> after answered", per call
	l := NewLibrary(LibraryOptions{
		KnowledgeDir: kdir, IndexDir: filepath.Join(t.TempDir(), "index"), Logger: zerolog.Nop(),
		Compare: func(ctx context.Context, before, after kb.Asker) (kb.Changes, error) {
			b, err1 := before.Ask(ctx, q, 1)
			a, err2 := after.Ask(ctx, q, 1)
			mu.Lock()
			defer mu.Unlock()
			calls = append(calls, fmt.Sprintf("%v->%v", b.Answered() && err1 == nil, a.Answered() && err2 == nil))
			return kb.Changes{Questions: len(calls)}, nil
		},
	})
	t.Cleanup(func() { l.Close() })
	ctx := context.Background()
	if err := l.Open(ctx); err != nil {
		t.Fatal(err)
	}
	if rep, err := l.Reindex(ctx, nil); err != nil || rep.Changes != nil {
		t.Fatalf("nothing changed: got changes %+v, %v; want none", rep.Changes, err)
	}
	bread := filepath.Join(kdir, "sourdough.md")
	write := func() {
		err := os.WriteFile(bread, []byte("# Baking sourdough bread\n\n## How do I bake sourdough bread?\n\n"+
			"Feed the sourdough starter, mix flour and water, let the dough rise and bake the bread.\n"), 0o644)
		if err != nil {
			t.Fatal(err)
		}
	}
	steps := []struct {
		name   string
		change func()
		run    func(context.Context, func(kb.Progress)) (kb.Report, error)
	}{
		{"added, incremental", write, l.Reindex},
		{"removed, full rebuild", func() { os.Remove(bread) }, l.Rebuild},
		{"added again, full rebuild", write, l.Rebuild},
	}
	for i, st := range steps {
		st.change()
		rep, err := st.run(ctx, nil)
		if err != nil || rep.Changes == nil || rep.Changes.Questions != i+1 {
			t.Fatalf("%s: got changes %+v, %v; want the hook's result of call %d", st.name, rep.Changes, err, i+1)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if got, want := strings.Join(calls, " "), "false->true true->false false->true"; got != want {
		t.Errorf("the hook saw %s, want %s (the old generation, then the new one)", got, want)
	}
}
