package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kbbot/kbbot/internal/slackemu"
)

// TestGapsSurfacesE2E runs the real binary on its default SQLite store: an
// admin's App Home shows the knowledge-gap report with the question nobody
// could answer; anyone else's Home is the usual one. Once an article
// answers that question, /kb reindex says so.
func TestGapsSurfacesE2E(t *testing.T) {
	kdir := copyKnowledge(t)
	emu := slackemu.New(slackemu.Options{})
	if err := emu.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer emu.Close()
	bot := startBot(t, emu, botEnv(t, emu, "KNOWLEDGE_DIR="+kdir)) // ADMIN_USER_IDS=U0ALICE
	e := &e2e{t: t, emu: emu, bot: bot}
	defer func() {
		bot.kill()
		if t.Failed() {
			t.Logf("bot log:\n%s", bot.logs)
		}
	}()

	q, err := emu.Mention("C0GENERAL", "U0BOB", "<@U0BOT> how do I bake sourdough bread?", "")
	if err != nil {
		t.Fatal(err)
	}
	if ln := e.handled(t, q.EventID); s(ln["outcome"]) != "no_answer" {
		t.Fatalf("question: outcome %v, want no_answer", ln["outcome"])
	}

	home := func(t *testing.T, user string) string {
		t.Helper()
		ev, err := emu.AppHomeOpened(user)
		if err != nil {
			t.Fatal(err)
		}
		if ln := e.handled(t, ev.EventID); s(ln["outcome"]) != "published" {
			t.Fatalf("home for %s: outcome %v, want published", user, ln["outcome"])
		}
		b, _ := json.Marshal(emu.HomeView(user))
		return string(b)
	}
	t.Run("an admin sees the gaps", func(t *testing.T) {
		// The store is written in the background: open the tab again until
		// the question is there (each opening is a real event, handled).
		deadline := time.Now().Add(20 * time.Second)
		var v string
		for v = home(t, "U0ALICE"); !strings.Contains(v, "sourdough bread"); v = home(t, "U0ALICE") {
			if time.Now().After(deadline) {
				t.Fatalf("the admin's Home never showed the unanswered question:\n%s", v)
			}
		}
		for _, want := range []string{"Knowledge gaps, last 7 days", "Asked but not answered", "1× “how do I bake sourdough bread?”", "Shown to kbbot admins only", "What I know"} {
			if !strings.Contains(v, want) {
				t.Errorf("admin Home lacks %q:\n%s", want, v)
			}
		}
	})
	t.Run("anyone else sees today's Home", func(t *testing.T) {
		v := home(t, "U0BOB")
		if strings.Contains(v, "Knowledge gaps") || strings.Contains(v, "sourdough") || !strings.Contains(v, "What I know") {
			t.Errorf("non-admin Home:\n%s", v)
		}
	})
	t.Run("/kb reindex says which answers changed", func(t *testing.T) {
		bread := "---\ntitle: Baking sourdough bread\n---\n\n## How do I bake sourdough bread?\n\n" +
			"Feed the sourdough starter, mix flour, water and salt, let the dough rise overnight and bake the bread at 250 degrees.\n"
		if err := os.WriteFile(filepath.Join(kdir, "sourdough.md"), []byte(bread), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd, err := emu.SlashCommand("/kb", "reindex", "U0ALICE", "C0GENERAL")
		if err != nil {
			t.Fatal(err)
		}
		if ln := e.handled(t, cmd.EnvelopeID); s(ln["outcome"]) != "reindexed" {
			t.Fatalf("outcome %v, want reindexed", ln["outcome"])
		}
		var texts []string
		for _, c := range e.responses(cmd.ID) {
			texts = append(texts, s(c.Params["text"]))
		}
		got := strings.Join(texts, "\n")
		for _, want := range []string{"Answers to 1 recent question asked again", "Now answered: 1", "“how do I bake sourdough bread?”: no answer → `sourdough.md`"} {
			if !strings.Contains(got, want) {
				t.Errorf("/kb reindex reply lacks %q:\n%s", want, got)
			}
		}
		ln := e.waitLog(t, func(ln map[string]any) bool {
			return s(ln["message"]) == "reindex: answers compared on recent questions"
		})
		if ln["now_answered"] != 1.0 || ln["questions"] != 1.0 {
			t.Errorf("log line: got %v, want 1 question now answered", ln)
		}
	})
}

// TestWatcherReindexComparesE2E: the automatic reindex after an edit of the
// knowledge folder replays the stored questions too, and logs what changed.
func TestWatcherReindexComparesE2E(t *testing.T) {
	kdir, data := copyKnowledge(t), t.TempDir()
	emu := slackemu.New(slackemu.Options{})
	if err := emu.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer emu.Close()
	bot := startBot(t, emu, botEnv(t, emu, "KNOWLEDGE_DIR="+kdir, "DATA_DIR="+data, "WATCH_KNOWLEDGE=true", "WATCH_DEBOUNCE=100ms"))
	e := &e2e{t: t, emu: emu, bot: bot}
	defer func() {
		bot.kill()
		if t.Failed() {
			t.Logf("bot log:\n%s", bot.logs)
		}
	}()
	q, err := emu.Mention("C0GENERAL", "U0BOB", "<@U0BOT> how do I bake sourdough bread?", "")
	if err != nil {
		t.Fatal(err)
	}
	if ln := e.handled(t, q.EventID); s(ln["outcome"]) != "no_answer" {
		t.Fatalf("question: outcome %v, want no_answer", ln["outcome"])
	}
	// The store is written in the background: wait until the report has it.
	env := map[string]string{"DATA_DIR": data, "LOG_LEVEL": "warn"}
	deadline := time.Now().Add(20 * time.Second)
	for {
		out, _, err := cli(t, env, "report", "--json")
		if err == nil && strings.Contains(out, "sourdough") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the question never reached the store: %v\n%s", err, out)
		}
		time.Sleep(50 * time.Millisecond) // another process's file: no signal to wait on
	}
	bread := "---\ntitle: Baking sourdough bread\n---\n\n## How do I bake sourdough bread?\n\n" +
		"Feed the sourdough starter, mix flour, water and salt, let the dough rise overnight and bake the bread at 250 degrees.\n"
	if err := os.WriteFile(filepath.Join(kdir, "sourdough.md"), []byte(bread), 0o644); err != nil {
		t.Fatal(err)
	}
	ln := e.waitLog(t, func(ln map[string]any) bool {
		return s(ln["message"]) == "reindex: answers compared on recent questions"
	})
	if ln["now_answered"] != 1.0 || ln["questions"] != 1.0 || ln["no_longer_answered"] != 0.0 {
		t.Errorf("log line: got %v, want 1 question, now answered", ln)
	}
	if strings.Contains(fmt.Sprint(ln), "sourdough") {
		t.Errorf("the info line carries question text: %v", ln)
	}
}
