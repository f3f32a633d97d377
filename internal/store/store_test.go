package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/kbbot/kbbot/internal/kb"
	"github.com/kbbot/kbbot/internal/store"
	"github.com/kbbot/kbbot/internal/store/storetest"
)

// backends opens a fresh, unmigrated database on each real backend.
func backends(t *testing.T) map[string]func(t *testing.T) (*store.DB, store.Options) {
	return map[string]func(t *testing.T) (*store.DB, store.Options){
		store.SQLite: func(t *testing.T) (*store.DB, store.Options) {
			o := store.Options{DataDir: t.TempDir()}
			return open(t, o), o
		},
		store.Postgres: func(t *testing.T) (*store.DB, store.Options) {
			o := store.Options{DatabaseURL: storetest.Postgres(t).URL}
			return open(t, o), o
		},
	}
}

func open(t *testing.T, o store.Options) *store.DB {
	t.Helper()
	db, err := store.Open(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func migrated(t *testing.T, db *store.DB) *store.DB {
	t.Helper()
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

func forEach(t *testing.T, f func(t *testing.T, db *store.DB, o store.Options)) {
	for name, mk := range backends(t) {
		t.Run(name, func(t *testing.T) {
			db, o := mk(t)
			f(t, db, o)
		})
	}
}

func TestMigrate(t *testing.T) {
	ctx := context.Background()
	forEach(t, func(t *testing.T, db *store.DB, _ store.Options) {
		// From the previous schema version, with rows in it.
		m, err := db.MigrateTo(ctx, 1)
		if err != nil || m.From != 0 || m.To != 1 {
			t.Fatalf("migrate to 1: got %+v, %v; want 0 -> 1", m, err)
		}
		if err := db.WriteQuestions(ctx, store.Policy{QuestionText: true, DMs: true}, []kb.QuestionRecord{
			{At: time.Now(), Surface: "dm", ChannelType: "im", Question: "what is gossip protocol", Outcome: kb.OutcomeUnknown},
		}); err != nil {
			t.Fatal(err)
		}
		m, err = db.Migrate(ctx)
		if err != nil || m.From != 1 || m.To != store.Latest() {
			t.Fatalf("migrate: got %+v, %v; want 1 -> %d", m, err, store.Latest())
		}
		g, err := db.Gaps(ctx, store.GapOptions{Since: time.Now().Add(-time.Hour)})
		if err != nil || len(g.Unanswered) != 1 {
			t.Fatalf("after migrating: got %+v, %v; want the question written at version 1", g.Unanswered, err)
		}
		if ok, err := db.Claim(ctx, "Ev1"); err != nil || !ok {
			t.Fatalf("claim after migrating: got %v, %v", ok, err)
		}
		if err := db.WriteHandovers(ctx, store.Policy{QuestionText: true, DMs: true}, []kb.HandoverRecord{
			{At: time.Now(), User: "U1", ChannelType: "channel", Question: "who owns gossip", Experts: []string{"U2"}},
		}); err != nil {
			t.Fatalf("hand-over after migrating: %v", err)
		}
		// Again: nothing to do.
		m, err = db.Migrate(ctx)
		if err != nil || m.From != m.To {
			t.Fatalf("second migrate: got %+v, %v; want no change", m, err)
		}
	})
}

// TestMigrateFromPrevious upgrades a database at the version before the
// newest, with rows in every table it has, to the newest.
func TestMigrateFromPrevious(t *testing.T) {
	ctx := context.Background()
	prev := store.Latest() - 1
	forEach(t, func(t *testing.T, db *store.DB, _ store.Options) {
		if m, err := db.MigrateTo(ctx, prev); err != nil || m.To != prev {
			t.Fatalf("migrate to %d: got %+v, %v", prev, m, err)
		}
		p := store.Policy{QuestionText: true, DMs: true}
		if err := db.WriteQuestions(ctx, p, []kb.QuestionRecord{{At: time.Now(), ChannelType: "channel", Question: "what is gossip", Outcome: kb.OutcomeUnknown}}); err != nil {
			t.Fatal(err)
		}
		if err := db.WriteFeedback(ctx, p, []kb.FeedbackRecord{{At: time.Now(), Answer: "C1:1", User: "U1", Rating: kb.RatingNotHelpful, Paths: []string{"x.md"}}}); err != nil {
			t.Fatal(err)
		}
		if m, err := db.Migrate(ctx); err != nil || m.From != prev || m.To != store.Latest() {
			t.Fatalf("migrate: got %+v, %v; want %d -> %d", m, err, prev, store.Latest())
		}
		if err := db.WriteHandovers(ctx, p, []kb.HandoverRecord{{At: time.Now(), User: "U1", ChannelType: "channel", Question: "who knows gossip"}}); err != nil {
			t.Fatal(err)
		}
		g, err := db.Gaps(ctx, store.GapOptions{Since: time.Now().Add(-time.Hour)})
		if err != nil || len(g.Unanswered) != 1 || len(g.NotHelpful) != 1 || len(g.HandedOver) != 1 {
			t.Fatalf("after migrating: got %s, %v; want the old rows and the new hand-over", summary(g), err)
		}
	})
}

func TestMigrateRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	forEach(t, func(t *testing.T, db *store.DB, o store.Options) {
		migrated(t, db)
		if err := store.ForgeVersion(ctx, db, store.Latest()+1); err != nil {
			t.Fatal(err)
		}
		_, err := db.Migrate(ctx)
		if !errors.Is(err, store.ErrSchemaTooNew) || !strings.Contains(err.Error(), "upgrade kbbot") {
			t.Fatalf("got %v, want ErrSchemaTooNew saying to upgrade", err)
		}
		if o.DatabaseURL != "" && strings.Contains(err.Error(), "@") && !strings.Contains(err.Error(), store.Redact(o.DatabaseURL)) {
			t.Errorf("error names the database unredacted: %v", err)
		}
	})
}

func TestGaps(t *testing.T) {
	ctx := context.Background()
	now := time.Now()
	forEach(t, func(t *testing.T, db *store.DB, _ store.Options) {
		migrated(t, db)
		p := store.Policy{QuestionText: true, DMs: true}
		q := func(text, outcome string, ago time.Duration, res ...kb.RecordedResult) kb.QuestionRecord {
			return kb.QuestionRecord{At: now.Add(-ago), Surface: "mention", ChannelType: "channel", Question: text, Outcome: outcome, Results: res, Generation: "g1"}
		}
		err := db.WriteQuestions(ctx, p, []kb.QuestionRecord{
			q("How do I rotate TLS certificates?", kb.OutcomeUnknown, 3*time.Hour),
			q("rotate certificates TLS", kb.OutcomeUnknown, 2*time.Hour),
			q("how do i ROTATE tls certificates", kb.OutcomeUnknown, time.Hour),
			q("what is a bloom filter", kb.OutcomeUnknown, time.Hour),
			q("what is gossip", kb.OutcomeUnknown, 10*24*time.Hour), // before the window
			q("what is an index", kb.OutcomeAnswered, time.Hour, kb.RecordedResult{Path: "indexing.md", Score: 5}),
			q("what is a cache stampede", kb.OutcomeAnswered, time.Hour, kb.RecordedResult{Path: "caching.md", Score: 1.2}),
			q("the", kb.OutcomeUnknown, time.Hour), // only stop words
		})
		if err != nil {
			t.Fatal(err)
		}
		vote := func(answer, user, rating, path string) kb.FeedbackRecord {
			return kb.FeedbackRecord{At: now, Answer: answer, User: user, ChannelType: "channel", Rating: rating, Question: "q " + answer, Paths: []string{path, "other.md"}}
		}
		// U1 changes their mind on A1: one vote, the last one, counts.
		for _, f := range [][]kb.FeedbackRecord{
			{vote("C1:1", "U1", kb.RatingHelpful, "caching.md")},
			{vote("C1:1", "U1", kb.RatingNotHelpful, "caching.md"), vote("C1:1", "U2", kb.RatingNotHelpful, "caching.md")},
			{vote("C1:2", "U1", kb.RatingNotHelpful, "queues.md"), vote("C1:3", "U3", kb.RatingHelpful, "queues.md")},
		} {
			if err := db.WriteFeedback(ctx, p, f); err != nil {
				t.Fatal(err)
			}
		}

		hand := func(text string, ago time.Duration, paths ...string) kb.HandoverRecord {
			return kb.HandoverRecord{At: now.Add(-ago), User: "U1", ChannelType: "channel", Question: text, Paths: paths, Experts: []string{"S0DBA"}}
		}
		if err := db.WriteHandovers(ctx, p, []kb.HandoverRecord{
			hand("Who can shard the orders table?", 2*time.Hour, "sharding.md", "indexing.md"),
			hand("shard orders table who can", time.Hour, "sharding.md"),
			hand("what is gossip", time.Hour),
			hand("who rotates the root CA", 10*24*time.Hour), // before the window
		}); err != nil {
			t.Fatal(err)
		}

		g, err := db.Gaps(ctx, store.GapOptions{Since: now.Add(-7 * 24 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		got := fmt.Sprint(summary(g))
		want := "unanswered=[how do i ROTATE tls certificates x3 | what is a bloom filter x1] " +
			"not_helpful=[caching.md x2 (0 helpful) | queues.md x1 (1 helpful)] weak=[what is a cache stampede x1 caching.md] " +
			"handed_over=[shard orders table who can x2 sharding.md | what is gossip x1 ]"
		if got != want {
			t.Errorf("got  %s\nwant %s", got, want)
		}
		if g.Unanswered[0].Terms != "certificates rotate tls" {
			t.Errorf("terms: got %q, want %q", g.Unanswered[0].Terms, "certificates rotate tls")
		}
	})
}

func summary(g kb.Gaps) string {
	var u, n, w, h []string
	for _, q := range g.Unanswered {
		u = append(u, fmt.Sprintf("%s x%d", q.Question, q.Count))
	}
	for _, a := range g.NotHelpful {
		n = append(n, fmt.Sprintf("%s x%d (%d helpful)", a.Path, a.Count, a.Helpful))
	}
	for _, q := range g.Weak {
		w = append(w, fmt.Sprintf("%s x%d %s", q.Question, q.Count, q.Path))
	}
	for _, q := range g.HandedOver {
		h = append(h, fmt.Sprintf("%s x%d %s", q.Question, q.Count, q.Path))
	}
	return fmt.Sprintf("unanswered=[%s] not_helpful=[%s] weak=[%s] handed_over=[%s]",
		strings.Join(u, " | "), strings.Join(n, " | "), strings.Join(w, " | "), strings.Join(h, " | "))
}

func TestPolicy(t *testing.T) {
	ctx := context.Background()
	forEach(t, func(t *testing.T, db *store.DB, _ store.Options) {
		migrated(t, db)
		recs := []kb.QuestionRecord{
			{At: time.Now(), Surface: "dm", ChannelType: "im", Question: "secret dm question", Outcome: kb.OutcomeUnknown},
			{At: time.Now(), Surface: "mention", ChannelType: "channel", Question: "How to shard Postgres?", Outcome: kb.OutcomeUnknown},
		}
		if err := db.WriteQuestions(ctx, store.Policy{QuestionText: false, DMs: false}, recs); err != nil {
			t.Fatal(err)
		}
		g, err := db.Gaps(ctx, store.GapOptions{Since: time.Now().Add(-time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if len(g.Unanswered) != 1 || g.Unanswered[0].Question != "postgres shard" {
			t.Fatalf("got %+v, want only the channel question, as its terms", g.Unanswered)
		}
		if err := db.WriteHandovers(ctx, store.Policy{QuestionText: false, DMs: false}, []kb.HandoverRecord{
			{At: time.Now(), User: "U1", ChannelType: "im", Question: "secret dm hand-over"},
			{At: time.Now(), User: "U1", ChannelType: "channel", Question: "Who shards Postgres?"},
		}); err != nil {
			t.Fatal(err)
		}
		g, err = db.Gaps(ctx, store.GapOptions{Since: time.Now().Add(-time.Hour)})
		if err != nil || len(g.HandedOver) != 1 || g.HandedOver[0].Question != "postgres shards" {
			t.Fatalf("got %+v, %v; want only the channel hand-over, as its terms", g.HandedOver, err)
		}
	})
}

func TestClaimOnce(t *testing.T) {
	ctx := context.Background()
	forEach(t, func(t *testing.T, db *store.DB, o store.Options) {
		migrated(t, db)
		// Three replicas, each with its own connection pool, race for
		// each of 20 events.
		dbs := []*store.DB{db, open(t, o), open(t, o)}
		wins := make([]int, 20)
		var mu sync.Mutex
		var wg sync.WaitGroup
		for _, d := range dbs {
			wg.Go(func() {
				for i := range wins {
					ok, err := d.Claim(ctx, fmt.Sprintf("Ev%03d", i))
					if err != nil {
						t.Error(err)
						return
					}
					if ok {
						mu.Lock()
						wins[i]++
						mu.Unlock()
					}
				}
			})
		}
		wg.Wait()
		for i, n := range wins {
			if n != 1 {
				t.Errorf("event %d: claimed %d times, want 1", i, n)
			}
		}
	})
}

func TestRetention(t *testing.T) {
	ctx := context.Background()
	forEach(t, func(t *testing.T, db *store.DB, _ store.Options) {
		migrated(t, db)
		p := store.Policy{QuestionText: true, DMs: true}
		old, recent := time.Now().Add(-100*24*time.Hour), time.Now()
		if err := db.WriteQuestions(ctx, p, []kb.QuestionRecord{
			{At: old, Question: "old one", Outcome: kb.OutcomeUnknown},
			{At: recent, Question: "new one", Outcome: kb.OutcomeUnknown},
		}); err != nil {
			t.Fatal(err)
		}
		if err := db.WriteFeedback(ctx, p, []kb.FeedbackRecord{{At: old, Answer: "a", User: "U1", Rating: kb.RatingNotHelpful, Paths: []string{"x.md"}}}); err != nil {
			t.Fatal(err)
		}
		if err := db.WriteHandovers(ctx, p, []kb.HandoverRecord{{At: old, User: "U1", Question: "old hand-over"}, {At: recent, User: "U1", Question: "new hand-over"}}); err != nil {
			t.Fatal(err)
		}
		n, err := db.DeleteOlder(ctx, time.Now().Add(-90*24*time.Hour))
		if err != nil || n != 3 {
			t.Fatalf("got %d, %v; want 3 rows deleted", n, err)
		}
		g, _ := db.Gaps(ctx, store.GapOptions{Since: time.Time{}})
		if len(g.Unanswered) != 1 || g.Unanswered[0].Question != "new one" || len(g.NotHelpful) != 0 ||
			len(g.HandedOver) != 1 || g.HandedOver[0].Question != "new hand-over" {
			t.Errorf("got %s, want only the new question", summary(g))
		}
	})
}

func TestWriterFlushesAtShutdown(t *testing.T) {
	forEach(t, func(t *testing.T, db *store.DB, _ store.Options) {
		migrated(t, db)
		w := store.NewWriter(db, store.WriterOptions{Policy: store.Policy{QuestionText: true, DMs: true}, Logger: zerolog.Nop()})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); w.Run(ctx) }()
		for i := range 300 {
			w.RecordQuestion(ctx, kb.QuestionRecord{At: time.Now(), ChannelType: "channel", Question: fmt.Sprintf("question %d", i), Outcome: kb.OutcomeUnknown})
		}
		w.RecordFeedback(ctx, kb.FeedbackRecord{At: time.Now(), Answer: "a", User: "U1", Rating: kb.RatingNotHelpful, Paths: []string{"x.md"}})
		w.RecordHandover(ctx, kb.HandoverRecord{At: time.Now(), User: "U1", ChannelType: "channel", Question: "who owns x", Paths: []string{"x.md"}})
		cancel()
		<-done
		g, err := db.Gaps(context.Background(), store.GapOptions{Limit: 1000})
		if err != nil || len(g.Unanswered) != 300 || len(g.NotHelpful) != 1 || len(g.HandedOver) != 1 {
			t.Fatalf("got %d questions, %d articles, %d hand-overs, %v; want 300, 1 and 1", len(g.Unanswered), len(g.NotHelpful), len(g.HandedOver), err)
		}
	})
}

// TestWriterSurvivesOutage stops PostgreSQL under a running writer: records
// keep being accepted, Status says what is wrong, and once the server is
// back everything buffered is written.
func TestWriterSurvivesOutage(t *testing.T) {
	srv := storetest.Postgres(t)
	if os.Getenv(storetest.EnvURL) != "" {
		t.Skip("needs a server this test can stop")
	}
	db := migrated(t, open(t, store.Options{DatabaseURL: srv.URL}))
	w := store.NewWriter(db, store.WriterOptions{Policy: store.Policy{QuestionText: true, DMs: true}, Logger: zerolog.Nop()})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); w.Run(ctx) }()
	defer func() { cancel(); <-done }()
	record := func(i int) {
		w.RecordQuestion(ctx, kb.QuestionRecord{At: time.Now(), ChannelType: "channel", Question: fmt.Sprintf("question %d", i), Outcome: kb.OutcomeUnknown})
	}
	record(0)
	waitFor(t, "the first row", func() bool { return count(t, db) == 1 })

	srv.Stop(t)
	for i := 1; i <= 50; i++ {
		record(i)
	}
	waitFor(t, "Status to report the failure", func() bool { ok, _ := w.Status(); return !ok })
	_, detail := w.Status()
	if !strings.Contains(detail, "records waiting") || strings.Contains(detail, "password") {
		t.Errorf("status detail: got %q", detail)
	}
	srv.Start(t)
	waitFor(t, "the buffered rows", func() bool { return count(t, db) == 51 })
	if ok, detail := w.Status(); !ok {
		t.Errorf("status after recovery: got %q, want ok", detail)
	}
}

func count(t *testing.T, db *store.DB) int {
	g, err := db.Gaps(context.Background(), store.GapOptions{Limit: 1000})
	if err != nil {
		return -1
	}
	return len(g.Unanswered)
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestRedact(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"postgres://kb:s3cret@db:5432/kbbot?sslmode=require", "postgres://kb:xxxxx@db:5432/kbbot?sslmode=require"},
		{"postgres://db/kbbot?password=s3cret&user=kb", "postgres://db/kbbot?password=xxxxx&user=kb"},
		{"host=db password=s3cret", "(unparsable database URL)"},
	} {
		if got := store.Redact(tc.in); got != tc.want {
			t.Errorf("Redact(%q): got %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestTerms(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"How do I prevent SQL injection?", "injection prevent sql"},
		{"prevent sql injection, how", "injection prevent sql"},
		{"What's C++ vs C#?", "c# c++ vs"},
		{"HTTP 429 http", "429 http"},
		{"what is the", ""},
	} {
		if got := store.Terms(tc.in); got != tc.want {
			t.Errorf("Terms(%q): got %q, want %q", tc.in, got, tc.want)
		}
	}
}
