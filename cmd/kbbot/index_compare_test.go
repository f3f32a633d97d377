package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kbbot/kbbot/internal/kb"
	"github.com/kbbot/kbbot/internal/store"
)

// TestIndexCompare runs kbbot index --compare on each real store: after an
// article is removed and another added, it names the questions that lost
// and gained an answer.
func TestIndexCompare(t *testing.T) {
	for name, mk := range storeEnvs(t) {
		t.Run(name, func(t *testing.T) {
			env := mk(t)
			kdir := copyKnowledge(t)
			env["KNOWLEDGE_DIR"], env["INDEX_DIR"] = kdir, t.TempDir()
			if out, errOut, err := cli(t, env, "index", "--compare"); err != nil ||
				!strings.Contains(out, "Answers: nothing to compare with") {
				t.Fatalf("first index: %v\n%s%s", err, out, errOut)
			}
			if out, errOut, err := cli(t, env, "index", "--compare"); err != nil ||
				!strings.Contains(out, "Answers: no stored questions to replay yet.") {
				t.Fatalf("index with an empty store: %v\n%s%s", err, out, errOut)
			}

			db, err := store.Open(store.Options{DatabaseURL: env["DATABASE_URL"], DataDir: env["DATA_DIR"]})
			if err != nil {
				t.Fatal(err)
			}
			now := time.Now()
			err = db.WriteQuestions(context.Background(), store.Policy{QuestionText: true, DMs: true}, []kb.QuestionRecord{
				{At: now.Add(-time.Hour), ChannelType: "channel", Question: "how do I rotate secrets?", Outcome: kb.OutcomeAnswered},
				{At: now.Add(-time.Hour), ChannelType: "channel", Question: "how do I bake sourdough bread?", Outcome: kb.OutcomeUnknown},
				{At: now, ChannelType: "channel", Question: "what is a database index?", Outcome: kb.OutcomeAnswered},
			})
			db.Close()
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Remove(filepath.Join(kdir, "secret-rotation.md")); err != nil {
				t.Fatal(err)
			}
			bread := "---\ntitle: Baking sourdough bread\n---\n\n## How do I bake sourdough bread?\n\n" +
				"Feed the sourdough starter, mix flour, water and salt, let the dough rise overnight and bake the bread at 250 degrees.\n"
			if err := os.WriteFile(filepath.Join(kdir, "sourdough.md"), []byte(bread), 0o644); err != nil {
				t.Fatal(err)
			}

			out, errOut, err := cli(t, env, "index", "--compare")
			if err != nil {
				t.Fatalf("index --compare: %v\n%s", err, errOut)
			}
			for _, want := range []string{
				"Answers to 3 recent questions: 1 now answered, 1 no longer answered, 0 with another first article.",
				`now answered: "how do I bake sourdough bread?" (no answer) -> sourdough.md`,
				`no longer answered: "how do I rotate secrets?" secret-rotation.md -> (no answer)`,
			} {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
			if strings.Contains(out+errOut, "s3cret") {
				t.Errorf("the password was printed:\n%s%s", out, errOut)
			}
			// Without --compare the store is not needed, and nothing is said.
			if out, _, err := cli(t, env, "index"); err != nil || strings.Contains(out, "Answers") {
				t.Errorf("index without --compare: %v\n%s", err, out)
			}
		})
	}
}
