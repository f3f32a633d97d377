package search

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/rs/zerolog"

	"github.com/kbbot/kbbot/internal/kb"
	"github.com/kbbot/kbbot/internal/knowledge"
	"github.com/kbbot/kbbot/internal/quality"
)

const shared = "../../../shared"

// build indexes a folder into a fresh temporary generation.
func build(t testing.TB, dir string, opts Options) *Index {
	t.Helper()
	r, err := knowledge.Load(context.Background(), dir, knowledge.Options{}, nil)
	if err != nil {
		t.Fatalf("load %s: %v", dir, err)
	}
	ix, err := Build(context.Background(), filepath.Join(t.TempDir(), "ix"), r.Articles, r.Skipped, opts)
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

// The quality gates: answer@1 (the first excerpt holds the answer) on the
// development sets and on our frozen sets, at the level measured when the
// ranking was last changed (README, "Search quality").
func TestQualityGates(t *testing.T) {
	seeds := build(t, filepath.Join(shared, "seeds"), Options{})
	kbix := build(t, "../../knowledge", Options{})
	for _, tc := range []struct {
		ix            *Index
		set           string
		answer1, none float64
	}{
		{seeds, filepath.Join(shared, "eval", "seeds-dev.jsonl"), 0.8, 1},
		{seeds, "testdata/eval/seeds-fresh.jsonl", 0.65, 1},
		{seeds, "testdata/eval/seeds-holdout.jsonl", 0.75, 1},
		{seeds, "testdata/eval/seeds-holdout2.jsonl", 0.75, 1},
		{seeds, "testdata/eval/seeds-holdout3.jsonl", 0.75, 1},
		{seeds, "testdata/eval/seeds-holdout4.jsonl", 0.75, 1},
		{seeds, "testdata/eval/seeds-holdout5.jsonl", 0.6, 1},
		{seeds, "testdata/eval/seeds-holdout6.jsonl", 0.55, 1},
		{seeds, "testdata/eval/seeds-holdout7.jsonl", 0.55, 1},
		{seeds, "testdata/eval/seeds-holdout8.jsonl", 0.4, 0.65},
		{seeds, "testdata/eval/seeds-holdout9.jsonl", 0.4, 1},
		{kbix, filepath.Join(shared, "eval", "kb-dev.jsonl"), 0.9, 1},
		{kbix, "testdata/eval/kb-fresh.jsonl", 0.8, 0.8},
		{kbix, "testdata/eval/kb-extra.jsonl", 0.95, 1},
		{kbix, "testdata/eval/kb-holdout.jsonl", 0.85, 0.8},
		{kbix, "testdata/eval/kb-holdout2.jsonl", 0.9, 1},
		{kbix, "testdata/eval/kb-holdout3.jsonl", 0.75, 1},
		{kbix, "testdata/eval/kb-holdout4.jsonl", 0.75, 1},
		{kbix, "testdata/eval/kb-holdout5.jsonl", 0.7, 1},
		{kbix, "testdata/eval/kb-holdout6.jsonl", 0.65, 0.75},
		{kbix, "testdata/eval/kb-holdout7.jsonl", 0.8, 0.5},
		{kbix, "testdata/eval/kb-holdout8.jsonl", 0.65, 0.25},
		{kbix, "testdata/eval/kb-holdout9.jsonl", 0.6, 0.75},
	} {
		t.Run(filepath.Base(tc.set), func(t *testing.T) {
			qs, err := quality.ReadQuestions(tc.set)
			if err != nil {
				t.Fatalf("question set (is ../shared beside the checkout?): %v", err)
			}
			m, misses, err := quality.Evaluate(context.Background(), tc.ix, qs, 10)
			if err != nil {
				t.Fatal(err)
			}
			if m.Answer1 < tc.answer1 || m.NoneRejected < tc.none {
				t.Errorf("answer@1 %.3f (want >= %.2f), none_rejected %.3f (want >= %.2f); misses:\n%s", m.Answer1, tc.answer1, m.NoneRejected, tc.none, strings.Join(misses, "\n"))
			}
		})
	}
}

func TestClassify(t *testing.T) {
	for q, want := range map[string]kb.Kind{
		"hi":                          kb.KindGreeting,
		"Hello there!":                kb.KindGreeting,
		"thanks":                      kb.KindGreeting,
		"help":                        kb.KindHelp,
		"what can you do?":            kb.KindHelp,
		"":                            kb.KindEmpty,
		" ... !! ":                    kb.KindEmpty,
		"?":                           kb.KindHelp,
		"what is a reverse proxy?":    kb.KindQuestion,
		"hi, what is a load balancer": kb.KindQuestion,
		"help me with JWT expiry":     kb.KindQuestion,
	} {
		if got := Classify(q); got != want {
			t.Errorf("Classify(%q) = %v, want %v", q, got, want)
		}
	}
}

func TestBadQuestions(t *testing.T) {
	ix := build(t, "../../knowledge", Options{})
	long := strings.Repeat("database index replication ", 400) // 10,800 characters
	for name, q := range map[string]string{
		"empty":        "",
		"blank":        "   \n\t ",
		"long":         long,
		"query syntax": `* ? ~ + - : " ( ) /x/ field:value title:caching +redis -cache "unterminated`,
		"regex":        `/.*(a+)+$/`,
		"only stops":   "what is the of and",
		"unicode":      "¿Qué es una base de datos? 数据库 🚀",
		"control":      "\x00\x01caching\x7f",
	} {
		t.Run(name, func(t *testing.T) {
			ans, err := ix.Ask(context.Background(), q, 3)
			if err != nil {
				t.Fatalf("Ask(%.40q): %v", q, err)
			}
			if n := len(ix.terms(q)); n > maxTerms {
				t.Errorf("%d search terms, want at most %d", n, maxTerms)
			}
			if name == "long" && !ans.Answered() {
				t.Errorf("a long question about databases got no answer")
			}
		})
	}
}

func TestExcerptsAndLinks(t *testing.T) {
	ix := build(t, "testdata/kb", Options{BaseURL: "https://kb.example.com/docs/", ExcerptChars: 200})
	ans, err := ix.Ask(context.Background(), "how does cache-aside work with a TTL?", 3)
	if err != nil {
		t.Fatal(err)
	}
	if !ans.Answered() {
		t.Fatal("no answer")
	}
	r := ans.Results[0]
	if r.Path != "caching.md" || r.Section != "How does cache-aside work?" {
		t.Errorf("best result %s › %s", r.Path, r.Section)
	}
	if r.URL != "https://kb.example.com/docs/caching.md#how-does-cache-aside-work" {
		t.Errorf("url %q", r.URL)
	}
	plain := r.Excerpt.Plain()
	if len(plain) > 200 {
		t.Errorf("excerpt is %d bytes, want <= 200: %q", len(plain), plain)
	}
	var marked []string
	for _, f := range r.Excerpt {
		if f.Match {
			marked = append(marked, strings.ToLower(f.Text))
		}
	}
	if !strings.Contains(strings.Join(marked, " "), "cache") {
		t.Errorf("matched words not marked: %v in %q", marked, plain)
	}
	// The cut is at a word boundary: starts with a word or an ellipsis, ends
	// with punctuation or an ellipsis.
	if strings.HasPrefix(plain, " ") || !(strings.HasSuffix(plain, ".") || strings.HasSuffix(plain, "…")) {
		t.Errorf("excerpt not cut cleanly: %q", plain)
	}
	// Front-matter url wins over the base URL.
	ans, _ = ix.Ask(context.Background(), "what is a message queue", 3)
	if !ans.Answered() || ans.Results[0].URL != "https://wiki.example.com/queues" {
		t.Errorf("front-matter url not used: %+v", ans.Results)
	}
	// Without a base URL the link is the relative path.
	ix2 := build(t, "testdata/kb", Options{})
	ans, _ = ix2.Ask(context.Background(), "cache-aside", 1)
	if !ans.Answered() || ans.Results[0].URL != "caching.md#how-does-cache-aside-work" {
		t.Errorf("relative link: %+v", ans.Results)
	}
}

func TestCutAround(t *testing.T) {
	s := strings.Repeat("alpha beta gamma delta ", 40) + "needle " + strings.Repeat("omega psi chi ", 40)
	at := strings.Index(s, "needle")
	got := cutAround(s, at, 120)
	if len(got) > 120 || !strings.Contains(got, "needle") {
		t.Fatalf("cutAround: %d bytes, %q", len(got), got)
	}
	inner := strings.TrimSuffix(strings.TrimPrefix(got, "…"), "…")
	for _, w := range strings.Fields(inner) {
		if !strings.Contains(s, " "+w+" ") {
			t.Errorf("word %q was cut", w)
		}
	}
}

func TestOneResultPerArticle(t *testing.T) {
	ix := build(t, "../../knowledge", Options{})
	ans, err := ix.Ask(context.Background(), "database replication and sharding", 10)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range ans.Results {
		if seen[r.Path] {
			t.Errorf("article %s appears twice", r.Path)
		}
		seen[r.Path] = true
	}
}

func TestSynonyms(t *testing.T) {
	ix := build(t, "testdata/kb", Options{})
	ans, _ := ix.Ask(context.Background(), "k8s probes", 3)
	if !ans.Answered() || ans.Results[0].Path != "kubernetes.md" {
		t.Errorf("k8s did not find kubernetes.md: %+v", ans.Results)
	}
	// A possessive is looked up as the word: "k8s's" is k8s.
	ans, _ = ix.Ask(context.Background(), "what are k8s's probes", 3)
	if !ans.Answered() || ans.Results[0].Path != "kubernetes.md" {
		t.Errorf("k8s's did not find kubernetes.md: %+v", ans.Results)
	}
	// Everyday short forms reach the spelled-out word.
	def := DefaultSynonyms()
	for short, long := range map[string]string{"app": "application", "creds": "credentials", "pw": "password", "regex": "regular expression", "dev": "developer", "devs": "developers"} {
		if !slices.Contains(def.Of(short), long) {
			t.Errorf("%q does not search for %q: %v", short, long, def.Of(short))
		}
	}
	extra := filepath.Join(t.TempDir(), "syn.txt")
	os.WriteFile(extra, []byte("# ours\nfurnace, kubernetes\n"), 0o644)
	syn, err := LoadSynonyms(extra)
	if err != nil {
		t.Fatal(err)
	}
	ix3 := build(t, "testdata/kb", Options{Synonyms: syn})
	ans, _ = ix3.Ask(context.Background(), "furnace probes", 3)
	if !ans.Answered() || ans.Results[0].Path != "kubernetes.md" {
		t.Errorf("admin synonym not used: %+v", ans.Results)
	}
	if _, err := ParseSynonyms(strings.NewReader("lonely\n")); err == nil {
		t.Error("a one-word group should be an error")
	}
}

func newLib(t *testing.T, kdir string) *Library {
	t.Helper()
	l := NewLibrary(LibraryOptions{KnowledgeDir: kdir, IndexDir: filepath.Join(t.TempDir(), "index"), Logger: zerolog.Nop()})
	t.Cleanup(func() { l.Close() })
	return l
}

func copyKB(t *testing.T) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "kb")
	if err := copyDir("testdata/kb", dst); err != nil {
		t.Fatal(err)
	}
	return dst
}

func TestLibraryIncremental(t *testing.T) {
	kdir := copyKB(t)
	l := newLib(t, kdir)
	if err := l.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	ask := func(q string) kb.Answer {
		a, err := l.Ask(context.Background(), q, 3)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	if ask("zebra stripes").Answered() {
		t.Fatal("answered before the article exists")
	}
	os.WriteFile(filepath.Join(kdir, "zebra.md"), []byte("---\ntitle: Zebras\n---\n\n## Why do zebras have stripes?\n\nZebra stripes confuse biting flies.\n"), 0o644)
	os.WriteFile(filepath.Join(kdir, "caching.md"), []byte("---\ntitle: Caching\n---\n\n## What is cache-aside?\n\nCache-aside now mentions a platypus.\n"), 0o644)
	os.Remove(filepath.Join(kdir, "queues.md"))
	rep, err := l.Reindex(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Full || strings.Join(rep.Added, ",") != "zebra.md" || strings.Join(rep.Changed, ",") != "caching.md" || strings.Join(rep.Removed, ",") != "queues.md" {
		t.Errorf("report full=%v added=%v changed=%v removed=%v", rep.Full, rep.Added, rep.Changed, rep.Removed)
	}
	if a := ask("zebra stripes"); !a.Answered() || a.Results[0].Path != "zebra.md" {
		t.Errorf("added article not found: %+v", a.Results)
	}
	if a := ask("platypus"); !a.Answered() || a.Results[0].Path != "caching.md" {
		t.Errorf("changed article not found: %+v", a.Results)
	}
	if a := ask("message queue consumers"); a.Answered() && a.Results[0].Path == "queues.md" {
		t.Errorf("removed article still answers")
	}
	rep, err = l.Reindex(context.Background(), nil)
	if err != nil || len(rep.Added)+len(rep.Changed)+len(rep.Removed) != 0 {
		t.Errorf("second reindex: %+v %v, want no changes", rep, err)
	}
}

func TestLibraryRecoversFromCrashAndCorruption(t *testing.T) {
	kdir := copyKB(t)
	l := newLib(t, kdir)
	if err := l.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	root := l.root
	l.Close()
	// A build that died half-way leaves a .building- folder: harmless.
	os.MkdirAll(filepath.Join(root, ".building-123", "bleve"), 0o755)
	os.WriteFile(filepath.Join(root, ".building-123", "bleve", "root.bolt"), []byte("garbage"), 0o644)
	l2 := NewLibrary(LibraryOptions{KnowledgeDir: kdir, IndexDir: root, Logger: zerolog.Nop()})
	if err := l2.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	if l2.Stats().LastOutcome != "no reindex since start" {
		t.Errorf("the old index should have opened without a rebuild: %s", l2.Stats().LastOutcome)
	}
	if a, _ := l2.Ask(context.Background(), "cache-aside", 1); !a.Answered() {
		t.Error("old index does not answer after a crashed build")
	}
	cur := l2.cur.Load().Dir()
	l2.Close()
	// Corrupt the live generation: Open rebuilds from the folder.
	os.WriteFile(filepath.Join(cur, "articles.gob"), []byte("not gob"), 0o644)
	l3 := NewLibrary(LibraryOptions{KnowledgeDir: kdir, IndexDir: root, Logger: zerolog.Nop()})
	defer l3.Close()
	if err := l3.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	if a, _ := l3.Ask(context.Background(), "cache-aside", 1); !a.Answered() {
		t.Error("rebuilt index does not answer")
	}
	if _, err := os.Stat(filepath.Join(root, ".building-123")); !os.IsNotExist(err) {
		t.Errorf("abandoned build folder not cleaned up: %v", err)
	}
}

func TestLibraryCoalescesAndAnswersDuringReindex(t *testing.T) {
	kdir := copyKB(t)
	l := newLib(t, kdir)
	if err := l.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	var stop atomic.Bool
	var failures atomic.Int64
	var asked atomic.Int64
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				a, err := l.Ask(context.Background(), "how does cache-aside work", 3)
				asked.Add(1)
				if err != nil || !a.Answered() {
					failures.Add(1)
				}
			}
		}()
	}
	before := l.runs.Load()
	var rwg sync.WaitGroup
	for i := 0; i < 8; i++ {
		rwg.Add(1)
		go func(i int) {
			defer rwg.Done()
			os.WriteFile(filepath.Join(kdir, "extra.md"), []byte("---\ntitle: Extra\n---\n\nRevision "+strings.Repeat("x", i)+" of the extra notes.\n"), 0o644)
			if _, err := l.Rebuild(context.Background(), nil); err != nil {
				t.Error(err)
			}
		}(i)
	}
	rwg.Wait()
	stop.Store(true)
	wg.Wait()
	if runs := l.runs.Load() - before; runs > 2 || runs < 1 {
		t.Errorf("8 concurrent requests ran %d rebuilds, want 1 or 2", runs)
	}
	if failures.Load() != 0 {
		t.Errorf("%d of %d questions failed or got no answer during reindexing", failures.Load(), asked.Load())
	}
}

func TestRefreshPicksUpAnotherProcessesBuild(t *testing.T) {
	kdir := copyKB(t)
	a := newLib(t, kdir)
	if err := a.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	// A second library on the same folders plays `kbbot index`.
	b := NewLibrary(LibraryOptions{KnowledgeDir: kdir, IndexDir: a.root, Logger: zerolog.Nop()})
	defer b.Close()
	os.WriteFile(filepath.Join(kdir, "zebra.md"), []byte("---\ntitle: Zebras\n---\n\nZebra stripes confuse biting flies.\n"), 0o644)
	if _, err := b.Rebuild(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if changed, err := a.Refresh(); err != nil || !changed {
		t.Fatalf("Refresh = %v, %v; want true, nil", changed, err)
	}
	if ans, _ := a.Ask(context.Background(), "zebra stripes", 1); !ans.Answered() {
		t.Error("refreshed library does not see the new article")
	}
	if changed, _ := a.Refresh(); changed {
		t.Error("second Refresh reported a change")
	}
}

func TestPolitenessAndAliases(t *testing.T) {
	ix := build(t, "testdata/kb", Options{})
	for q, want := range map[string]string{
		"hi, what is a message queue?":              "queues.md",
		"what is cache-aside? thanks":               "caching.md",
		"hello kbbot, how do readiness probes work": "kubernetes.md",
		"what is kube":                              "kubernetes.md", // only an alias uses the word
	} {
		ans, err := ix.Ask(context.Background(), q, 3)
		if err != nil {
			t.Fatal(err)
		}
		if !ans.Answered() || ans.Results[0].Path != want {
			t.Errorf("%q: got %+v, want %s first", q, ans.Results, want)
		}
	}
}

func TestLinksEscapePaths(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "c#-and 100%.md"), []byte("---\ntitle: Odd name\n---\n\n## What is a quokka?\n\nA quokka is a small marsupial.\n"), 0o644)
	ix := build(t, dir, Options{BaseURL: "https://kb.example.com/"})
	ans, _ := ix.Ask(context.Background(), "what is a quokka", 1)
	if !ans.Answered() || ans.Results[0].URL != "https://kb.example.com/c%23-and%20100%25.md#what-is-a-quokka" {
		t.Errorf("url: %+v", ans.Results)
	}
}

func TestReindexAfterAnotherProcessReplacedTheIndex(t *testing.T) {
	kdir := copyKB(t)
	a := newLib(t, kdir)
	if err := a.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Two `kbbot index` runs: the second one's cleanup removes the
	// generation a still has open.
	for i := 0; i < 2; i++ {
		b := NewLibrary(LibraryOptions{KnowledgeDir: kdir, IndexDir: a.root, Logger: zerolog.Nop()})
		if _, err := b.Rebuild(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
		b.Close()
	}
	os.WriteFile(filepath.Join(kdir, "zebra.md"), []byte("---\ntitle: Zebras\n---\n\nZebra stripes confuse biting flies.\n"), 0o644)
	rep, err := a.Reindex(context.Background(), nil)
	if err != nil {
		t.Fatalf("reindex after another process replaced the index: %v", err)
	}
	if strings.Join(rep.Added, ",") != "zebra.md" {
		t.Errorf("added %v, want zebra.md", rep.Added)
	}
	if ans, _ := a.Ask(context.Background(), "zebra stripes", 1); !ans.Answered() {
		t.Error("new article not found")
	}
}

func TestCloseAbandonsARunningReindex(t *testing.T) {
	kdir := copyKB(t)
	l := NewLibrary(LibraryOptions{KnowledgeDir: kdir, IndexDir: filepath.Join(t.TempDir(), "index"), Logger: zerolog.Nop()})
	if err := l.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 400; i++ {
		os.WriteFile(filepath.Join(kdir, fmt.Sprintf("gen-%03d.md", i)), []byte(fmt.Sprintf("---\ntitle: Generated %d\n---\n\nFiller text number %d about nothing.\n", i, i)), 0o644)
	}
	done := make(chan error, 1)
	go func() { _, err := l.Rebuild(context.Background(), nil); done <- err }()
	// Close while it runs (or just after): it must return, and leave no
	// half-built generation behind as the live one.
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	<-done
	l2 := NewLibrary(LibraryOptions{KnowledgeDir: kdir, IndexDir: l.root, Logger: zerolog.Nop()})
	defer l2.Close()
	if err := l2.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	if ans, _ := l2.Ask(context.Background(), "cache-aside", 1); !ans.Answered() {
		t.Error("index unusable after Close during a rebuild")
	}
}

func TestExampleQuestionsAreAnswered(t *testing.T) {
	ix := build(t, "../../knowledge", Options{})
	ex := ix.Stats().Examples
	if len(ex) < 3 {
		t.Fatalf("examples %v, want at least 3", ex)
	}
	for _, q := range ex {
		if ans, _ := ix.Ask(context.Background(), q, 3); !ans.Answered() {
			t.Errorf("example %q gets no answer", q)
		}
	}
}
