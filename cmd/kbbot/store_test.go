package main

import (
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kbbot/kbbot/internal/kb"
	"github.com/kbbot/kbbot/internal/store"
	"github.com/kbbot/kbbot/internal/store/storetest"
)

// storeEnvs is the environment for the CLI on each real backend.
func storeEnvs(t *testing.T) map[string]func(t *testing.T) map[string]string {
	return map[string]func(t *testing.T) map[string]string{
		store.SQLite: func(t *testing.T) map[string]string {
			return map[string]string{"DATA_DIR": t.TempDir(), "LOG_LEVEL": "warn"}
		},
		store.Postgres: func(t *testing.T) map[string]string {
			// A password the server (trust auth) ignores, to check that it
			// is never printed.
			u, _ := url.Parse(storetest.Postgres(t).URL)
			u.User = url.UserPassword(u.User.Username(), "s3cret-pw")
			return map[string]string{"DATABASE_URL": u.String(), "DATA_DIR": t.TempDir(), "LOG_LEVEL": "info"}
		},
	}
}

func TestMigrateAndReport(t *testing.T) {
	for name, mk := range storeEnvs(t) {
		t.Run(name, func(t *testing.T) {
			env := mk(t)
			out, errOut, err := cli(t, env, "migrate")
			if err != nil || !strings.Contains(out, "migrated from schema version 0 to 3") {
				t.Fatalf("migrate: %v\n%s%s", err, out, errOut)
			}
			out, errOut, err = cli(t, env, "migrate")
			if err != nil || !strings.Contains(out, "schema version 3, up to date") {
				t.Fatalf("migrate again: %v\n%s%s", err, out, errOut)
			}
			if strings.Contains(out+errOut, "s3cret") {
				t.Errorf("the password was printed:\n%s%s", out, errOut)
			}
			seed(t, env)

			out, errOut, err = cli(t, env, "report", "--json")
			if err != nil {
				t.Fatalf("report --json: %v\n%s", err, errOut)
			}
			var g struct {
				Unanswered []map[string]any `json:"unanswered"`
				NotHelpful []map[string]any `json:"not_helpful"`
				Weak       []map[string]any `json:"weak"`
				HandedOver []map[string]any `json:"handed_over"`
			}
			if err := json.Unmarshal([]byte(out), &g); err != nil {
				t.Fatalf("report --json: %v\n%s", err, out)
			}
			if len(g.Unanswered) != 1 || g.Unanswered[0]["question"] != "how do I rotate TLS certificates" || g.Unanswered[0]["count"] != 2.0 {
				t.Errorf("unanswered: got %v, want the two TLS questions as one", g.Unanswered)
			}
			if len(g.NotHelpful) != 1 || g.NotHelpful[0]["path"] != "caching.md" || g.NotHelpful[0]["count"] != 1.0 {
				t.Errorf("not_helpful: got %v", g.NotHelpful)
			}
			if len(g.Weak) != 1 || g.Weak[0]["question"] != "what is a cache stampede" || g.Weak[0]["count"] != 1.0 {
				t.Errorf("weak: got %v", g.Weak)
			}
			if len(g.HandedOver) != 1 || g.HandedOver[0]["question"] != "who owns the payments queue?" || g.HandedOver[0]["path"] != "queues.md" {
				t.Errorf("handed_over: got %v", g.HandedOver)
			}

			out, _, err = cli(t, env, "report", "--csv", "--since", "30d")
			rows, cerr := csv.NewReader(strings.NewReader(out)).ReadAll()
			if err != nil || cerr != nil || len(rows) != 5 || rows[0][0] != "list" || rows[1][0] != "unanswered" || rows[2][2] != "caching.md" || rows[4][0] != "handed_over" {
				t.Errorf("report --csv: %v %v\n%s", err, cerr, out)
			}
			out, _, err = cli(t, env, "report")
			if err != nil || !strings.Contains(out, "Asked but not answered (1):") || !strings.Contains(out, "2  how do I rotate TLS certificates") ||
				!strings.Contains(out, "1  who owns the payments queue? -> queues.md") {
				t.Errorf("report: %v\n%s", err, out)
			}
			// An hour back there is nothing.
			out, _, _ = cli(t, env, "report", "--json", "--since", "1ms")
			if !strings.Contains(out, `"unanswered": []`) {
				t.Errorf("report --since 1ms: got %s, want empty lists", out)
			}
		})
	}
}

// seed writes a few records as the bot would.
func seed(t *testing.T, env map[string]string) {
	t.Helper()
	db, err := store.Open(store.Options{DatabaseURL: env["DATABASE_URL"], DataDir: env["DATA_DIR"]})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	p := store.Policy{QuestionText: true, DMs: true}
	now := time.Now().Add(-time.Minute)
	if err := db.WriteQuestions(ctx, p, []kb.QuestionRecord{
		{At: now.Add(-time.Hour), Surface: "mention", ChannelType: "channel", Question: "rotate TLS certificates?", Outcome: kb.OutcomeUnknown},
		{At: now, Surface: "dm", ChannelType: "im", Question: "how do I rotate TLS certificates", Outcome: kb.OutcomeUnknown},
		{At: now, Surface: "slash", ChannelType: "channel", Question: "what is a cache stampede", Outcome: kb.OutcomeAnswered,
			Results: []kb.RecordedResult{{Path: "caching.md", Score: 1.1}}},
		{At: now, Surface: "slash", ChannelType: "channel", Question: "what is an index", Outcome: kb.OutcomeAnswered,
			Results: []kb.RecordedResult{{Path: "indexing.md", Score: 6}}},
	}); err != nil {
		t.Fatal(err)
	}
	if err := db.WriteFeedback(ctx, p, []kb.FeedbackRecord{
		{At: now, Answer: "C1:1", User: "U1", ChannelType: "channel", Rating: kb.RatingNotHelpful, Question: "what is a cache stampede", Paths: []string{"caching.md"}},
	}); err != nil {
		t.Fatal(err)
	}
	if err := db.WriteHandovers(ctx, p, []kb.HandoverRecord{
		{At: now, User: "U1", ChannelType: "channel", Question: "who owns the payments queue?", Paths: []string{"queues.md"}, Experts: []string{"U2"}},
	}); err != nil {
		t.Fatal(err)
	}
}

func TestMigrateRefusesNewerSchema(t *testing.T) {
	env := map[string]string{"DATA_DIR": t.TempDir(), "LOG_LEVEL": "warn"}
	if _, _, err := cli(t, env, "migrate"); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", filepath.Join(env["DATA_DIR"], store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO goose_db_version (version_id, is_applied) VALUES (99, 1)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	for _, args := range [][]string{{"migrate"}, {"report"}} {
		_, _, err := cli(t, env, args...)
		if err == nil || !strings.Contains(err.Error(), "schema is newer than this kbbot") || !strings.Contains(err.Error(), "version 99") {
			t.Errorf("%s: got %v, want a clear schema-too-new error", args[0], err)
		}
	}
}
