package search

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// hugeLineKB is testdata/kb plus a one-line article of about 1 MB whose
// sentences each carry words of their own (a large vocabulary, hundreds of
// passages), with the question's rare word in some of them.
func hugeLineKB(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("testdata/kb")); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("---\ntitle: Huge\n---\n\n")
	for i := 0; b.Len() < 1<<20; i++ {
		fmt.Fprintf(&b, "The gauge%d reads plinth%d on tuesdays and wombat%d otherwise. ", i, i, i)
		if i%50 == 0 {
			b.WriteString("Calibrate the zorblatt before the frobnicator restarts. ")
		}
	}
	b.WriteString("\n")
	if err := os.WriteFile(filepath.Join(dir, "huge.md"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// expiring is a context whose deadline passes after its Err has been asked
// a given number of times: it stops Ask at each of its context checks in
// turn, without timing.
type expiring struct {
	context.Context
	left atomic.Int64
}

func expireAfter(n int64) *expiring {
	c := &expiring{Context: context.Background()}
	c.left.Store(n)
	return c
}

func (c *expiring) Err() error {
	if c.left.Add(-1) < 0 {
		return context.DeadlineExceeded
	}
	return nil
}

// TestAskHonoursItsContext: a deadline that passes at any point of a search
// ends it with the deadline's error, never with a late answer; questions
// that make Ask walk the whole vocabulary (unknown words) or every passage
// of a huge article included.
func TestAskHonoursItsContext(t *testing.T) {
	ix := build(t, hugeLineKB(t), Options{})
	for _, q := range []string{
		"how do I calibrate the zorblatt before the frobnicator restarts",
		"how does cache-aside work with a TTL?",
		strings.Repeat("qwertyuiop asdfghjklz mnbvcxzlkj ", 8), // unknown words: fuzzy matching over the vocabulary
	} {
		t.Run(q[:20], func(t *testing.T) {
			full, err := ix.Ask(context.Background(), q, 3)
			if err != nil {
				t.Fatal(err)
			}
			stopped := 0
			for n := int64(0); ; n++ {
				ans, err := ix.Ask(expireAfter(n), q, 3)
				if err == nil {
					if len(ans.Results) != len(full.Results) {
						t.Fatalf("after %d checks: %d results, want %d", n, len(ans.Results), len(full.Results))
					}
					break // the search finished before the deadline passed
				}
				if !errors.Is(err, context.DeadlineExceeded) {
					t.Fatalf("deadline after %d checks: %v, want the deadline's error", n, err)
				}
				stopped++
			}
			if stopped < 2 {
				t.Errorf("Ask looked at its context %d times, want it checked along the way", stopped)
			}
			t.Logf("%d context checks; answered %v", stopped, full.Answered())
		})
	}
	// And a real deadline: a search given 2 s returns the answer well
	// within it, or the deadline's error.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if ans, err := ix.Ask(ctx, "how do I calibrate the zorblatt", 3); err != nil && !errors.Is(err, context.DeadlineExceeded) || err == nil && !ans.Answered() {
		t.Errorf("huge article: %v, answered %v", err, ans.Answered())
	}
}

// BenchmarkAskHugeArticle: a question answered from a 1 MB single-line
// article (its passages are capped by the loader).
func BenchmarkAskHugeArticle(b *testing.B) {
	ix := build(b, hugeLineKB(b), Options{})
	for b.Loop() {
		if _, err := ix.Ask(context.Background(), "how do I calibrate the zorblatt before the frobnicator restarts", 3); err != nil {
			b.Fatal(err)
		}
	}
}
