package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/kbbot/kbbot/internal/slackemu"
)

// The operations tests run the real binary the way an operator would:
// reindexing while it answers, editing the knowledge folder under it,
// killing a build half-way, corrupting its index, and running several
// replicas on one emulated Slack. They reuse the harness of e2e_test.go.

// opsQuestions are questions the e2e knowledge answers, each with the title
// its answer must cite.
var opsQuestions = []struct{ text, title string }{
	{"how do I rotate a leaked API key?", "Secret rotation"},
	{"what is a database index", "Database indexes"},
	{"how do I stop TLS certificates from expiring", "TLS certificates"},
	{"how often should secrets be rotated", "Secret rotation"},
	{"should I ping the whole channel during an incident", "Incident pings"},
	{"when should I add an index", "Database indexes"},
}

// TestReindexUnderLoad: a steady stream of mentions while the watcher and an
// admin's /kb reindex (twice) pick up added and edited articles. Every
// question gets exactly one real answer: none is lost, none is "I don't
// know", none is a search error, also while a reindex is in progress.
func TestReindexUnderLoad(t *testing.T) {
	emu := opsEmulator(t, slackemu.Options{})
	kdir := opsKnowledge(t)
	opsGenerate(t, kdir, 500) // so that reindexing is real work
	idx := t.TempDir()
	bot := opsStart(t, emu, "bot", "KNOWLEDGE_DIR="+kdir, "INDEX_DIR="+idx, "LOG_LEVEL=info",
		"WATCH_KNOWLEDGE=true", "WATCH_DEBOUNCE=200ms", "POLL_INTERVAL=1s")
	ctx := opsCtx(t, 60*time.Second)
	opsWaitLog(t, ctx, bot, func(ln map[string]any) bool { return s(ln["message"]) == "watching the knowledge folder" })
	runsBefore := opsCount(bot.logs, opsIsReindexRun)
	feed := opsWatch(t, emu)

	load := newOpsLoad(emu, 12)
	stop := make(chan struct{})
	loadDone := make(chan struct{})
	loadCtx, abortLoad := context.WithCancel(ctx)
	go func() { defer close(loadDone); load.run(loadCtx, 50, 150, stop, nil) }()
	var stopOnce sync.Once
	stopLoad := func() { stopOnce.Do(func() { close(stop) }) }
	defer func() { stopLoad(); abortLoad(); <-loadDone }()

	// answeredSince counts answers posted after a moment.
	answeredSince := func(at time.Time) int {
		n := 0
		for _, c := range feed.all() {
			if c.At.After(at) {
				n++
			}
		}
		return n
	}
	waitAnswers := func(n int, since time.Time) {
		t.Helper()
		if err := feed.wait(ctx, func() bool { return answeredSince(since) >= n }); err != nil {
			t.Fatalf("waiting for %d answers: %v\nbot log:\n%s", n, err, opsTail(bot.logs, 40))
		}
	}
	waitAnswers(20, time.Time{})

	// Reindex 1 brings in an added article. The index folder is locked
	// meanwhile, as a long build (or kbbot index) would hold it, so that
	// the reindex is certainly in progress while questions are answered.
	opsWrite(t, filepath.Join(kdir, "queue-retries.md"), opsArticle("Message queue retries",
		"How do I retry a failed queue message?", "Retry with exponential backoff and jitter, and park poison messages in a quillwort dead-letter queue."))
	unlock := opsLockIndex(t, idx)
	cmd1 := opsSlash(t, emu, "U0ALICE", "reindex")
	started := opsResponse(t, ctx, emu, cmd1, "Reindexing the knowledge base")
	waitAnswers(10, started.At)
	unlock()
	sum1 := opsResponse(t, ctx, emu, cmd1, "Reindexed in")
	during1 := answeredSince(started.At) - answeredSince(sum1.At)

	// Reindex 2 brings in an edit and another article, without the lock.
	db := filepath.Join(kdir, "database-indexes.md")
	old, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	opsWrite(t, db, string(old)+"\n## Do indexes need maintenance?\n\nRebuild bloated indexes now and then; vacuum keeps their statistics fresh.\n")
	opsWrite(t, filepath.Join(kdir, "cache-invalidation.md"), opsArticle("Cache invalidation",
		"When should a cache entry be invalidated?", "Invalidate a cached entry when its source row changes, or give it a short snarkleberry TTL."))
	cmd2 := opsSlash(t, emu, "U0ALICE", "reindex")
	started2 := opsResponse(t, ctx, emu, cmd2, "Reindexing the knowledge base")
	sum2 := opsResponse(t, ctx, emu, cmd2, "Reindexed in")
	during2 := answeredSince(started2.At) - answeredSince(sum2.At)
	waitAnswers(20, sum2.At) // and the stream goes on after the last swap
	stopLoad()
	<-loadDone

	opsSettle(t, ctx, emu, []*opsReplica{bot})
	n := load.check(t, feed, nil)
	runs := opsCount(bot.logs, opsIsReindexRun) - runsBefore
	t.Logf("%d questions, each answered once; %d reindex runs meanwhile; %d answers while reindex 1 ran (index locked), %d while reindex 2 ran",
		n, runs, during1, during2)
	if runs < 2 {
		t.Errorf("%d reindex runs during the load, want at least 2 (two /kb reindex)", runs)
	}
	for _, ln := range opsLines(bot.logs) {
		if s(ln["outcome"]) == "search_error" || s(ln["outcome"]) == "reindex_failed" {
			t.Errorf("log line %v", ln)
		}
	}
	opsNoProblems(t, emu)

	// Both changes made it into the index.
	for _, q := range []struct{ text, title string }{
		{"how do I retry a failed quillwort queue message", "Message queue retries"},
		{"when should a snarkleberry cache entry be invalidated", "Cache invalidation"},
		{"do indexes need maintenance vacuum", "Database indexes"},
	} {
		if c := opsAsk(t, ctx, emu, feed, q.text); !opsCites(c, q.title) {
			t.Errorf("after both reindexes, %q got %q, want an answer citing %q", q.text, s(c.Params["text"]), q.title)
		}
	}
}

// TestAutomaticReindex: an edited, an added and a deleted article are picked
// up by the watcher and reflected in answers, each by an incremental
// reindex that touches only the changed file. It also reports the time from
// a change to the first answer reflecting it (WATCH_DEBOUNCE=200ms).
func TestAutomaticReindex(t *testing.T) {
	emu := opsEmulator(t, slackemu.Options{})
	kdir := opsKnowledge(t)
	bot := opsStart(t, emu, "bot", "KNOWLEDGE_DIR="+kdir, "LOG_LEVEL=info",
		"WATCH_KNOWLEDGE=true", "WATCH_DEBOUNCE=200ms", "POLL_INTERVAL=1s")
	ctx := opsCtx(t, 60*time.Second)
	opsWaitLog(t, ctx, bot, func(ln map[string]any) bool { return s(ln["message"]) == "watching the knowledge folder" })
	feed := opsWatch(t, emu)

	isReindexed := func(ln map[string]any) bool {
		return s(ln["component"]) == "search" && s(ln["message"]) == "reindexed"
	}
	steps := []struct {
		name                    string
		question                string
		change                  func(t *testing.T)
		reflects                func(slackemu.Call) bool // the answer shows the change
		added, changed, removed float64
	}{
		{
			name:     "edited",
			question: "how do I calibrate the zorblatt",
			change: func(t *testing.T) {
				p := filepath.Join(kdir, "tls-certificates.md")
				b, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				opsWrite(t, p, string(b)+"\n## How do I calibrate the zorblatt?\n\nCalibrate the zorblatt before each certificate renewal.\n")
			},
			reflects: func(c slackemu.Call) bool {
				return opsCites(c, "TLS certificates") && strings.Contains(opsCited(c), "zorblatt")
			},
			changed: 1,
		},
		{
			name:     "added",
			question: "how do I retry a failed quillwort message",
			change: func(t *testing.T) {
				opsWrite(t, filepath.Join(kdir, "queue-retries.md"), opsArticle("Message queue retries",
					"How do I retry a failed queue message?", "Retry with exponential backoff, and park quillwort poison messages in a dead-letter queue."))
			},
			reflects: func(c slackemu.Call) bool { return opsCites(c, "Message queue retries") },
			added:    1,
		},
		{
			name:     "deleted",
			question: "should I ping the whole channel during an incident",
			change: func(t *testing.T) {
				if err := os.Remove(filepath.Join(kdir, "incident-pings.md")); err != nil {
					t.Fatal(err)
				}
			},
			reflects: func(c slackemu.Call) bool { return !opsCites(c, "Incident pings") },
			removed:  1,
		},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if c := opsAsk(t, ctx, emu, feed, st.question); st.reflects(c) {
				t.Fatalf("before the change, %q already got %q", st.question, s(c.Params["text"]))
			}
			before := opsCount(bot.logs, isReindexed)
			st.change(t)
			changedAt := time.Now()

			// Poll: ask again until an answer reflects the change.
			tick := time.NewTicker(20 * time.Millisecond)
			defer tick.Stop()
			var got slackemu.Call
			for asked := 1; ; asked++ {
				got = opsAsk(t, ctx, emu, feed, st.question)
				if st.reflects(got) {
					break
				}
				select {
				case <-tick.C:
				case <-ctx.Done():
					t.Fatalf("after %d tries, %q still got %q\nbot log:\n%s", asked, st.question, s(got.Params["text"]), opsTail(bot.logs, 30))
				}
			}
			t.Logf("change-to-answer: %d ms (%s article)", got.At.Sub(changedAt).Milliseconds(), st.name)

			ln := opsWaitNth(t, ctx, bot, before+1, isReindexed)
			if ln["full"] != false || ln["added"] != st.added || ln["changed"] != st.changed || ln["removed"] != st.removed {
				t.Errorf("reindex log: full=%v added=%v changed=%v removed=%v, want an incremental reindex of one file: full=false added=%v changed=%v removed=%v",
					ln["full"], ln["added"], ln["changed"], ln["removed"], st.added, st.changed, st.removed)
			}
		})
	}
	if after := opsLines(bot.logs); slices.ContainsFunc(after, func(ln map[string]any) bool { return s(ln["level"]) == "error" }) {
		t.Errorf("errors in the log:\n%s", opsTail(bot.logs, 40))
	}
}

// TestReindexKilledMidway: `kbbot index` is SIGKILLed while it builds a new
// generation aside. The old generation stays in place and whole: `kbbot ask`
// answers from it, `kbbot serve` starts on it, and the next reindex brings
// in what the killed build was for and clears its leftovers.
func TestReindexKilledMidway(t *testing.T) {
	emu := opsEmulator(t, slackemu.Options{})
	kdir := opsKnowledge(t)
	opsGenerate(t, kdir, 3000) // so that a build takes a moment
	idx := t.TempDir()
	env := botEnv(t, emu, "KNOWLEDGE_DIR="+kdir, "INDEX_DIR="+idx, "LOG_LEVEL=info")

	opsCLI(t, env, "index", "--knowledge", kdir, "--index", idx)
	gen := opsCurrent(t, idx)

	opsWrite(t, filepath.Join(kdir, "kill-marker.md"), opsArticle("Kill marker",
		"What is a frobnozzle?", "A frobnozzle is what the killed build was about to index."))
	cmd := exec.Command(kbbotBin, "index", "--knowledge", kdir, "--index", idx)
	cmd.Env = env
	var cmdOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &cmdOut, &cmdOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() { _ = cmd.Process.Kill() }()

	// Poll for the build folder, then kill the process while it writes there.
	var building string
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(60 * time.Second)
	for building == "" {
		select {
		case err := <-exited:
			t.Fatalf("kbbot index ended (%v) before a build folder was seen; make the folder larger\n%s", err, cmdOut.String())
		case <-deadline:
			t.Fatalf("no .building-* folder in %s within 60s", idx)
		case <-tick.C:
		}
		if m, _ := filepath.Glob(filepath.Join(idx, ".building-*")); len(m) > 0 {
			building = m[0]
		}
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	err := <-exited
	var exit *exec.ExitError
	if !errors.As(err, &exit) || !exit.Sys().(syscall.WaitStatus).Signaled() {
		t.Fatalf("kbbot index: %v, want killed by a signal (it finished before the kill?)\n%s", err, cmdOut.String())
	}
	if got := opsCurrent(t, idx); got != gen {
		t.Fatalf("CURRENT is %s after the kill, want the old generation %s", got, gen)
	}
	if _, err := os.Stat(building); err != nil {
		t.Fatalf("the killed build's folder is gone (%v): it was not killed mid-way", err)
	}

	t.Run("kbbot ask answers from the old generation", func(t *testing.T) {
		env := append(slices.Clone(env), "LOG_LEVEL=debug") // ask is quiet at info
		out, logs := opsCLI(t, env, "ask", "--json", "--knowledge", kdir, "--index", idx, "how do I rotate a leaked API key")
		var ans struct {
			Answered bool `json:"answered"`
			Results  []struct {
				Title string `json:"title"`
			} `json:"results"`
		}
		if err := json.Unmarshal([]byte(out), &ans); err != nil {
			t.Fatalf("ask --json: %v\n%s", err, out)
		}
		if !ans.Answered || len(ans.Results) == 0 || !strings.Contains(ans.Results[0].Title, "Secret rotation") {
			t.Errorf("ask --json: %s", out)
		}
		if strings.Contains(logs, "no usable index") || !strings.Contains(logs, filepath.Join(idx, gen)) {
			t.Errorf("ask did not open the old generation %s:\n%s", gen, logs)
		}
		out, _ = opsCLI(t, env, "ask", "--json", "--knowledge", kdir, "--index", idx, "what is a frobnozzle")
		if strings.Contains(out, "Kill marker") {
			t.Errorf("the old generation knows what only the killed build had:\n%s", out)
		}
	})

	t.Run("kbbot serve starts on it, answers, and reindexes", func(t *testing.T) {
		bot := opsStart(t, emu, "bot", "KNOWLEDGE_DIR="+kdir, "INDEX_DIR="+idx, "LOG_LEVEL=info")
		ctx := opsCtx(t, 60*time.Second)
		feed := opsWatch(t, emu)
		opened := opsWaitLog(t, ctx, bot, func(ln map[string]any) bool { return s(ln["message"]) == "index opened" })
		if filepath.Base(s(opened["index"])) != gen || strings.Contains(bot.logs.String(), "no usable index") {
			t.Errorf("serve opened %v, want the old generation %s", opened["index"], gen)
		}
		if c := opsAsk(t, ctx, emu, feed, "how do I rotate a leaked API key"); !opsCites(c, "Secret rotation") {
			t.Errorf("answer %q", s(c.Params["text"]))
		}
		// The start-up check finds the file the killed build was adding.
		check := opsWaitLog(t, ctx, bot, func(ln map[string]any) bool { return strings.HasPrefix(s(ln["message"]), "start-up check") })
		if check["added"] != 1.0 {
			t.Errorf("start-up check %v, want kill-marker.md added", check)
		}
		if c := opsAsk(t, ctx, emu, feed, "what is a frobnozzle"); !opsCites(c, "Kill marker") {
			t.Errorf("after the start-up check: %q", s(c.Params["text"]))
		}
		cmd := opsSlash(t, emu, "U0ALICE", "reindex")
		if sum := opsResponse(t, ctx, emu, cmd, "Reindexed in"); !strings.Contains(s(sum.Params["text"]), "Added: 0") {
			t.Errorf("reindex summary after the start-up check: %s, want nothing left to add", s(sum.Params["text"]))
		}
		if m, _ := filepath.Glob(filepath.Join(idx, ".building-*")); len(m) > 0 {
			t.Errorf("leftover build folders after a reindex: %v", m)
		}
	})
}

// TestCorruptIndexRebuiltAtStart: serve finds its index missing, damaged or
// built with other settings, logs why, rebuilds it from the knowledge
// folder, answers and reports ready.
func TestCorruptIndexRebuiltAtStart(t *testing.T) {
	garbage := func(t *testing.T, path string) {
		t.Helper()
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		junk := bytes.Repeat([]byte("not an index \xff\x00"), int(fi.Size())/15+1)
		if err := os.WriteFile(path, junk[:fi.Size()], 0o644); err != nil {
			t.Fatal(err)
		}
	}
	one := func(t *testing.T, pattern string) string {
		t.Helper()
		m, _ := filepath.Glob(pattern)
		if len(m) != 1 {
			t.Fatalf("%s: %d matches, want 1", pattern, len(m))
		}
		return m[0]
	}
	tests := []struct {
		name    string
		corrupt func(t *testing.T, gen string)
	}{
		{name: "articles.gob overwritten", corrupt: func(t *testing.T, gen string) { garbage(t, filepath.Join(gen, "articles.gob")) }},
		{name: "root.bolt truncated", corrupt: func(t *testing.T, gen string) {
			if err := os.Truncate(one(t, filepath.Join(gen, "bleve", "store", "root.bolt")), 0); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "root.bolt overwritten", corrupt: func(t *testing.T, gen string) { garbage(t, one(t, filepath.Join(gen, "bleve", "store", "root.bolt"))) }},
		{name: "segment overwritten", corrupt: func(t *testing.T, gen string) { garbage(t, one(t, filepath.Join(gen, "bleve", "store", "*.zap"))) }},
		{name: "meta.json overwritten", corrupt: func(t *testing.T, gen string) { garbage(t, filepath.Join(gen, "meta.json")) }},
		{name: "built by another format", corrupt: func(t *testing.T, gen string) {
			p := filepath.Join(gen, "meta.json")
			var m map[string]any
			b, err := os.ReadFile(p)
			if err == nil {
				err = json.Unmarshal(b, &m)
			}
			if err != nil {
				t.Fatal(err)
			}
			m["format"] = -1
			b, _ = json.Marshal(m)
			opsWrite(t, p, string(b))
		}},
		{name: "CURRENT garbage", corrupt: func(t *testing.T, gen string) {
			opsWrite(t, filepath.Join(filepath.Dir(gen), "CURRENT"), "\x00\xff../not a generation\n")
		}},
		{name: "CURRENT names a missing generation", corrupt: func(t *testing.T, gen string) {
			opsWrite(t, filepath.Join(filepath.Dir(gen), "CURRENT"), "gen-20000101T000000.000000000\n")
		}},
		{name: "no index at all", corrupt: func(t *testing.T, gen string) {
			if err := os.RemoveAll(filepath.Dir(gen)); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			emu := opsEmulator(t, slackemu.Options{})
			idx := t.TempDir()
			opsCLI(t, botEnv(t, emu, "INDEX_DIR="+idx), "index")
			old := opsCurrent(t, idx)
			tc.corrupt(t, filepath.Join(idx, old))

			bot := opsStart(t, emu, "bot", "INDEX_DIR="+idx, "LOG_LEVEL=info")
			ctx := opsCtx(t, 30*time.Second)
			feed := opsWatch(t, emu)
			if tc.name == "no index at all" {
				// As on a first start: expected, so info and no error.
				ln := opsWaitLog(t, ctx, bot, func(ln map[string]any) bool {
					return s(ln["message"]) == "no index yet; building one from the knowledge folder"
				})
				if s(ln["level"]) != "info" || ln["error"] != nil {
					t.Errorf("first-start log line %v, want info without an error", ln)
				}
			} else {
				warn := opsWaitLog(t, ctx, bot, func(ln map[string]any) bool {
					return s(ln["message"]) == "no usable index; rebuilding from the knowledge folder"
				})
				if s(warn["error"]) == "" || s(warn["level"]) != "warn" {
					t.Errorf("rebuild log line %v, want a warning saying why", warn)
				}
			}
			if ln := opsWaitLog(t, ctx, bot, func(ln map[string]any) bool { return s(ln["message"]) == "reindexed" }); ln["full"] != true || ln["articles"] != 4.0 {
				t.Errorf("rebuild %v, want a full build of 4 articles", ln)
			}
			if cur := opsCurrent(t, idx); cur == old {
				t.Errorf("CURRENT still names %s", cur)
			}
			if c := opsAsk(t, ctx, emu, feed, "how do I rotate a leaked API key"); !opsCites(c, "Secret rotation") {
				t.Errorf("answer %q", s(c.Params["text"]))
			}
			base := "http://" + opsHTTPAddr(t, ctx, bot)
			if code, body := opsPollGet(t, ctx, base+"/readyz", 200); code != 200 {
				t.Errorf("/readyz: %d %q, want 200", code, body)
			}
			if code, body := opsPollGet(t, ctx, base+"/healthz", 200); code != 200 {
				t.Errorf("/healthz: %d %q, want 200", code, body)
			}
		})
	}
}

// TestCoalescedReindex: several admins' /kb reindex at once cost at most two
// reindex runs (one running, one queued behind it that the others join), and
// every command gets its summary. A non-admin's attempt is refused and
// logged.
func TestCoalescedReindex(t *testing.T) {
	emu := opsEmulator(t, slackemu.Options{})
	emu.AddUser(slackemu.User{ID: "U0CAROL", Name: "carol"})
	kdir := opsKnowledge(t)
	idx := t.TempDir()
	bot := opsStart(t, emu, "bot", "KNOWLEDGE_DIR="+kdir, "INDEX_DIR="+idx, "ADMIN_USER_IDS=U0ALICE,U0BOB", "LOG_LEVEL=info")
	ctx := opsCtx(t, 30*time.Second)
	base := opsCount(bot.logs, opsIsReindexRun) // the start-up build

	opsWrite(t, filepath.Join(kdir, "queue-retries.md"), opsArticle("Message queue retries",
		"How do I retry a failed queue message?", "Retry with exponential backoff and jitter."))
	// The index folder is locked, as a long build would hold it, so the
	// requests surely arrive while the first reindex runs.
	unlock := opsLockIndex(t, idx)
	var cmds []slackemu.Command
	for _, user := range []string{"U0ALICE", "U0BOB", "U0ALICE", "U0BOB", "U0ALICE"} {
		cmds = append(cmds, opsSlash(t, emu, user, "reindex"))
	}
	refused := opsSlash(t, emu, "U0CAROL", "reindex")
	for _, cmd := range cmds {
		opsResponse(t, ctx, emu, cmd, "Reindexing the knowledge base")
	}
	opsResponse(t, ctx, emu, refused, "only for kbbot admins")
	opsWaitLog(t, ctx, bot, func(ln map[string]any) bool {
		return s(ln["message"]) == "handled" && s(ln["envelope_id"]) == refused.EnvelopeID && s(ln["outcome"]) == "refused" && s(ln["user"]) == "U0CAROL"
	})
	unlock()

	for _, cmd := range cmds {
		sum := opsResponse(t, ctx, emu, cmd, "Reindexed in")
		if txt := s(sum.Params["text"]); !strings.Contains(txt, "5 articles") {
			t.Errorf("summary for %s: %s", cmd.User, txt)
		}
		opsWaitLog(t, ctx, bot, func(ln map[string]any) bool {
			return s(ln["message"]) == "handled" && s(ln["envelope_id"]) == cmd.EnvelopeID && s(ln["outcome"]) == "reindexed"
		})
	}
	runs := opsCount(bot.logs, opsIsReindexRun) - base
	t.Logf("%d /kb reindex at once: %d reindex runs", len(cmds), runs)
	if runs < 1 || runs > 2 {
		t.Errorf("%d reindex runs for %d requests at once, want 1 or 2:\n%s", runs, len(cmds), opsTail(bot.logs, 30))
	}
	if n := opsCount(bot.logs, func(ln map[string]any) bool { return s(ln["message"]) == "reindexed on request" }); n != len(cmds) {
		t.Errorf("%d 'reindexed on request' lines, want %d", n, len(cmds))
	}
	opsNoProblems(t, emu)
}

// TestReplicas: three `kbbot serve` processes on one emulated Slack, each
// with its own index of the same folder, answer a few hundred questions
// exactly once; also when one is stopped with SIGTERM mid-run (it finishes
// what it acked; what it left unacked is retried to the others). With
// SIGKILL, what the killed replica had acked but not answered is lost: the
// test measures it and checks everything else is answered exactly once.
func TestReplicas(t *testing.T) {
	const questions, rate = 300, 150

	t.Run("three replicas", func(t *testing.T) {
		emu, reps, feed, load := opsReplicas(t, 3)
		ctx := opsCtx(t, 60*time.Second)
		load.run(ctx, rate, questions, nil, nil)
		opsSettle(t, ctx, emu, reps)
		load.check(t, feed, nil)
		opsNoProblems(t, emu)
		t.Logf("acks per replica: %v", opsAcksPerReplica(emu, reps))
	})

	t.Run("one stopped with SIGTERM mid-run", func(t *testing.T) {
		emu, reps, feed, load := opsReplicas(t, 3)
		ctx := opsCtx(t, 60*time.Second)
		victim := reps[0]
		stopped := make(chan error, 1)
		load.run(ctx, rate, questions, nil, func(i int) {
			if i != questions/3 {
				return
			}
			go func() {
				// Freeze it until a few envelopes wait on its socket, as
				// they would on a busy replica, so that stopping it leaves
				// some unacked (well within the ack timeout).
				_ = victim.cmd.Process.Signal(syscall.SIGSTOP)
				tick := time.NewTicker(5 * time.Millisecond)
				defer tick.Stop()
				for deadline := time.Now().Add(300 * time.Millisecond); time.Now().Before(deadline); <-tick.C {
					if opsInFlight(emu, victim.conn) >= 5 {
						break
					}
				}
				_ = victim.cmd.Process.Signal(syscall.SIGTERM)
				_ = victim.cmd.Process.Signal(syscall.SIGCONT)
				stopped <- victim.wait(20 * time.Second)
			}()
		})
		if err := <-stopped; err != nil {
			t.Fatalf("stopped replica: %v, want exit 0\n%s", err, opsTail(victim.logs, 30))
		}
		if !strings.Contains(victim.logs.String(), `"message":"stopped"`) {
			t.Error("no 'stopped' log line")
		}
		opsSettle(t, ctx, emu, reps)
		opsNoProblems(t, emu, func(p slackemu.Problem) bool { return p.Kind == "ack_timeout" && p.Conn == victim.conn })

		// It finished what it acked, and the others took what it did not.
		answered := map[string]bool{} // by the stopped replica
		for _, ln := range opsLines(victim.logs) {
			if s(ln["message"]) == "handled" && s(ln["outcome"]) == "answered" {
				answered[s(ln["event_id"])] = true
			}
		}
		ackedBy := map[string]int{}
		acked := 0
		for _, a := range emu.Acks() {
			ackedBy[a.EventID] = a.Conn
			if a.Conn == victim.conn {
				acked++
				if !answered[a.EventID] {
					t.Errorf("event %s acked by the stopped replica but not answered by it", a.EventID)
				}
			}
		}
		left := 0
		for _, d := range emu.Deliveries() {
			if d.Conn == victim.conn && !d.Acked {
				left++
				if c, ok := ackedBy[d.EventID]; !ok || c == victim.conn {
					t.Errorf("event %s left unacked by the stopped replica was not taken by another", d.EventID)
				}
			}
		}
		if acked == 0 {
			t.Error("the stopped replica acked nothing: it was not stopped mid-run")
		}

		// A stopping replica acks what it takes even after the stop
		// signal, and keeps its socket open a moment so queued acks are
		// written: an event it answers is never redelivered to another.
		ackLost := 0
		for id := range answered {
			if ackedBy[id] != victim.conn {
				ackLost++
			}
		}
		if ackLost > 0 {
			t.Errorf("the stopped replica answered %d events whose ack never reached Slack", ackLost)
		}
		load.check(t, feed, func(opsAsked) bool { return false })
		t.Logf("SIGTERM: the stopped replica acked and answered %d, left %d unacked for retry to the others, of %d", acked, left, len(load.asked()))
	})

	t.Run("one killed with SIGKILL mid-run", func(t *testing.T) {
		emu, reps, feed, load := opsReplicas(t, 3)
		ctx := opsCtx(t, 60*time.Second)
		victim := reps[0]
		load.run(ctx, rate, questions, nil, func(i int) {
			if i == questions/3 {
				victim.kill()
			}
		})
		<-victim.exited
		opsSettle(t, ctx, emu, reps[1:])

		ackedByVictim := map[string]bool{}
		for _, a := range emu.Acks() {
			if a.Conn == victim.conn {
				ackedByVictim[a.EventID] = true
			}
		}
		if len(ackedByVictim) == 0 {
			t.Fatal("the killed replica acked nothing: it was not killed mid-run")
		}
		// Every question the victim did not ack must be answered exactly
		// once; of those it acked, count the ones that died with it.
		lost := 0
		for _, q := range load.asked() {
			if !ackedByVictim[q.ev.EventID] {
				continue
			}
			switch n := len(feed.answers(q.key)); n {
			case 0:
				lost++
			case 1:
			default:
				t.Errorf("question %s acked by the killed replica was answered %d times", q.ev.EventID, n)
			}
		}
		load.check(t, feed, func(q opsAsked) bool { return ackedByVictim[q.ev.EventID] })
		opsNoProblems(t, emu, func(p slackemu.Problem) bool { return p.Kind == "ack_timeout" && p.Conn == victim.conn })
		t.Logf("SIGKILL: %d acked-but-unanswered of %d (the killed replica had acked %d)", lost, len(load.asked()), len(ackedByVictim))
	})
}

// opsReplicas starts an emulator with a short ack timeout, so retries come
// fast, and n replicas on it, each with its own index of the e2e knowledge.
func opsReplicas(t *testing.T, n int) (*slackemu.Server, []*opsReplica, *opsFeed, *opsLoad) {
	t.Helper()
	emu := opsEmulator(t, slackemu.Options{AckTimeout: time.Second})
	var reps []*opsReplica
	for i := range n {
		reps = append(reps, opsStart(t, emu, fmt.Sprintf("replica %d", i+1), "LOG_LEVEL=info"))
	}
	return emu, reps, opsWatch(t, emu), newOpsLoad(emu, 24)
}

func opsAcksPerReplica(emu *slackemu.Server, reps []*opsReplica) map[string]int {
	out := map[string]int{}
	for _, a := range emu.Acks() {
		for _, r := range reps {
			if a.Conn == r.conn {
				out[r.name]++
			}
		}
	}
	return out
}

// opsEmulator starts an emulator that closes when the test ends.
func opsEmulator(t *testing.T, opts slackemu.Options) *slackemu.Server {
	t.Helper()
	emu := slackemu.New(opts)
	if err := emu.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { emu.Close() })
	return emu
}

func opsCtx(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// opsReplica is one `kbbot serve` process and its Socket Mode connection.
type opsReplica struct {
	*botProc
	name string
	conn int // the emulator's id of its connection
}

// opsStart launches `kbbot serve` with botEnv plus extra, waits for its own
// connection, and kills it at the end of the test if it still runs. It is
// startBot for several bots on one emulator: startBot waits for exactly one
// open socket.
func opsStart(t *testing.T, emu *slackemu.Server, name string, extra ...string) *opsReplica {
	t.Helper()
	before := emu.ConnectCount()
	r := &opsReplica{botProc: launch(t, botEnv(t, emu, extra...)), name: name}
	t.Cleanup(func() {
		select {
		case <-r.exited:
		default:
			r.kill()
			<-r.exited
		}
		if t.Failed() {
			t.Logf("%s log (end):\n%s", name, opsTail(r.logs, 60))
		}
	})

	// The emulator numbers connections in order, and replicas start one
	// at a time, so this one's is before+1.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	connected := make(chan error, 1)
	go func() { connected <- emu.WaitForConnectCount(ctx, before+1) }()
	select {
	case err := <-connected:
		if err != nil {
			t.Fatalf("%s did not connect: %v\n%s", name, err, r.logs)
		}
	case <-r.exited:
		t.Fatalf("%s exited before connecting: %v\n%s", name, r.exitErr, r.logs)
	}
	r.conn = before + 1
	return r
}

// term sends SIGTERM and returns the exit error, killing the process if it
// does not stop in time.
func (r *opsReplica) term(d time.Duration) error { return r.stop(d) }

// opsInFlight counts envelopes sent on a connection and neither acked nor
// timed out yet.
func opsInFlight(emu *slackemu.Server, conn int) int {
	n := 0
	for _, d := range emu.Deliveries() {
		if d.Conn == conn && !d.Acked && !d.TimedOut {
			n++
		}
	}
	return n
}

// opsLines is a copy of the JSON log lines so far.
func opsLines(l *procLogs) []map[string]any {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.lines)
}

func opsCount(l *procLogs, pred func(map[string]any) bool) int {
	n := 0
	for _, ln := range opsLines(l) {
		if pred(ln) {
			n++
		}
	}
	return n
}

// opsTail is the end of a log, for failure messages.
func opsTail(l *procLogs, n int) string {
	lines := strings.Split(strings.TrimRight(l.String(), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

func opsIsReindexRun(ln map[string]any) bool {
	m := s(ln["message"])
	return s(ln["component"]) == "search" && (m == "reindexed" || m == "reindex: no changes")
}

func opsWaitLog(t *testing.T, ctx context.Context, r *opsReplica, pred func(map[string]any) bool) map[string]any {
	t.Helper()
	return opsWaitNth(t, ctx, r, 1, pred)
}

// opsWaitNth waits for the nth line of the log (1-based, counting from its
// start) that pred accepts.
func opsWaitNth(t *testing.T, ctx context.Context, r *opsReplica, n int, pred func(map[string]any) bool) map[string]any {
	t.Helper()
	seen := 0
	ln, err := r.logs.wait(ctx, func(ln map[string]any) bool { // called once per line, in order
		if pred(ln) {
			seen++
		}
		return seen >= n
	})
	if err != nil {
		t.Fatalf("%s: %v\n%s", r.name, err, opsTail(r.logs, 40))
	}
	return ln
}

// opsHTTPAddr is the operations listener's address, from the start-up log.
func opsHTTPAddr(t *testing.T, ctx context.Context, r *opsReplica) string {
	t.Helper()
	ln := opsWaitLog(t, ctx, r, func(ln map[string]any) bool { return s(ln["message"]) == "starting slack bot" })
	return s(ln["http_addr"])
}

// opsPollGet polls url until it answers want or ctx ends, and returns the
// last status and body.
func opsPollGet(t *testing.T, ctx context.Context, url string, want int) (int, string) {
	t.Helper()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	code, body := 0, ""
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			code, body = resp.StatusCode, string(b)
			if code == want {
				return code, body
			}
		} else {
			body = err.Error()
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			return code, body
		}
	}
}

// opsCLI runs a kbbot subcommand to completion and returns its output.
func opsCLI(t *testing.T, env []string, args ...string) (stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(kbbotBin, args...)
	cmd.Env = env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("kbbot %s: %v\n%s%s", strings.Join(args, " "), err, out.String(), errb.String())
	}
	return out.String(), errb.String()
}

// opsCurrent is the generation CURRENT names in an index folder.
func opsCurrent(t *testing.T, idx string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(idx, "CURRENT"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// opsLockIndex takes the index folder's build lock, as another build would
// hold it, and returns the function that releases it.
func opsLockIndex(t *testing.T, idx string) func() {
	t.Helper()
	f, err := os.OpenFile(filepath.Join(idx, ".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		t.Fatal(err)
	}
	var once sync.Once
	unlock := func() {
		once.Do(func() {
			_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
			f.Close()
		})
	}
	t.Cleanup(unlock)
	return unlock
}

// opsKnowledge copies the e2e knowledge into a folder the test may change.
func opsKnowledge(t *testing.T) string {
	t.Helper()
	src := filepath.Join("testdata", "e2e", "knowledge")
	dst := filepath.Join(t.TempDir(), "knowledge")
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	return dst
}

// opsGenerate writes n small articles under dir/generated, each about its
// own made-up words so they do not compete with the real articles.
func opsGenerate(t *testing.T, dir string, n int) {
	t.Helper()
	gen := filepath.Join(dir, "generated")
	if err := os.MkdirAll(gen, 0o755); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		body := opsArticle(fmt.Sprintf("Generated note %04d", i),
			fmt.Sprintf("How do I service widget%04d?", i),
			fmt.Sprintf("Service widget%04d with gadget%04d and check sprocket%04d every week.", i, i, i))
		if err := os.WriteFile(filepath.Join(gen, fmt.Sprintf("note-%04d.md", i)), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// opsArticle is a one-section Markdown article.
func opsArticle(title, heading, text string) string {
	return fmt.Sprintf("---\ntitle: %q\ntags: [ops]\n---\n\n%s.\n\n## %s\n\n%s\n", title, title, heading, text)
}

// opsWrite replaces a file the way an editor's safe save does: written
// aside, then renamed into place.
func opsWrite(t *testing.T, path, content string) {
	t.Helper()
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp")
	if err := os.WriteFile(tmp, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// opsSlash sends /kb TEXT from user in #general.
func opsSlash(t *testing.T, emu *slackemu.Server, user, text string) slackemu.Command {
	t.Helper()
	cmd, err := emu.SlashCommand("/kb", text, user, "C0GENERAL")
	if err != nil {
		t.Fatal(err)
	}
	return cmd
}

// opsResponse waits for the bot's response to a slash command that
// contains want.
func opsResponse(t *testing.T, ctx context.Context, emu *slackemu.Server, cmd slackemu.Command, want string) slackemu.Call {
	t.Helper()
	c, err := emu.WaitFor(ctx, func(c slackemu.Call) bool {
		return c.Method == "response_url" && s(c.Params["response_url_id"]) == cmd.ID && strings.Contains(s(c.Params["text"]), want)
	})
	if err != nil {
		var got []string
		for _, c := range emu.CallsTo("response_url") {
			if s(c.Params["response_url_id"]) == cmd.ID {
				got = append(got, s(c.Params["text"]))
			}
		}
		t.Fatalf("/kb %s from %s: no response with %q: %v; responses: %q", cmd.Text, cmd.User, want, err, got)
	}
	return c
}

// opsAsk mentions the bot in #general and returns its answer.
func opsAsk(t *testing.T, ctx context.Context, emu *slackemu.Server, feed *opsFeed, question string) slackemu.Call {
	t.Helper()
	ev, err := emu.Mention("C0GENERAL", "U0ALICE", "<@U0BOT> "+question, "")
	if err != nil {
		t.Fatal(err)
	}
	k := opsKey{"C0GENERAL", ev.TS}
	if err := feed.wait(ctx, func() bool { return len(feed.answers(k)) > 0 }); err != nil {
		t.Fatalf("no answer to %q: %v", question, err)
	}
	return feed.answers(k)[0]
}

// opsCited is what an answer cites (titles and excerpts), without the
// question it repeats; "" for anything but an answer.
func opsCited(c slackemu.Call) string {
	text := s(c.Params["text"])
	if !strings.HasPrefix(text, "Answer to ") {
		return ""
	}
	_, cited, _ := strings.Cut(text, "”:")
	return cited
}

// opsCites reports whether c is an answer citing title.
func opsCites(c slackemu.Call, title string) bool {
	return strings.Contains(opsCited(c), title) && c.Params["blocks"] != nil
}

// opsNoProblems fails on anything the emulator saw that Slack would hold
// against the bot, or that would make it redeliver (and risk a double answer).
func opsNoProblems(t *testing.T, emu *slackemu.Server, except ...func(slackemu.Problem) bool) {
	t.Helper()
	for _, p := range emu.Problems() {
		if slices.ContainsFunc(except, func(ok func(slackemu.Problem) bool) bool { return ok(p) }) {
			continue
		}
		switch p.Kind {
		case "ack_timeout", "late_ack", "operation_timeout", "unknown_envelope", "duplicate_ack", "ack_too_large", "retries_exhausted", "invalid_ack_payload":
			t.Errorf("emulator problem: %+v", p)
		}
	}
}

// opsSettle waits until no envelope is in flight and every running replica
// in reps has logged an outcome for every envelope it acked: after that no
// answer can still be on its way.
func opsSettle(t *testing.T, ctx context.Context, emu *slackemu.Server, reps []*opsReplica) {
	t.Helper()
	done := func(ln map[string]any) bool {
		m := s(ln["message"])
		return m == "handled" || m == "event already taken; retry ignored"
	}
	var why string
	settled := func() bool {
		for _, d := range emu.Deliveries() {
			if !d.Acked && !d.TimedOut {
				why = fmt.Sprintf("envelope %s (event %s) in flight", d.EnvelopeID, d.EventID)
				return false
			}
		}
		acks := emu.Acks()
		for _, r := range reps {
			select {
			case <-r.exited:
				continue // its log is complete
			default:
			}
			n := 0
			for _, a := range acks {
				if a.Conn == r.conn {
					n++
				}
			}
			if got := opsCount(r.logs, done); got != n {
				why = fmt.Sprintf("%s acked %d envelopes and logged %d outcomes", r.name, n, got)
				return false
			}
		}
		return true
	}
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for !settled() {
		select {
		case <-tick.C:
		case <-ctx.Done():
			t.Fatalf("not settled: %s", why)
		}
	}
}

type opsKey struct{ channel, thread string }

// opsFeed collects the bot's successful chat.postMessage calls, by channel
// and thread, as the emulator records them.
type opsFeed struct {
	mu      sync.Mutex
	calls   []slackemu.Call
	byKey   map[opsKey][]slackemu.Call
	changed chan struct{}
}

func opsWatch(t *testing.T, emu *slackemu.Server) *opsFeed {
	f := &opsFeed{byKey: map[opsKey][]slackemu.Call{}, changed: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		// WaitFor hands each call to pred once, in order; pred never
		// accepts one, so this is a feed until ctx ends.
		_, _ = emu.WaitFor(ctx, func(c slackemu.Call) bool {
			if c.Method == "chat.postMessage" && c.Status == 200 && c.Error == "" {
				f.mu.Lock()
				k := opsKey{s(c.Params["channel"]), s(c.Params["thread_ts"])}
				f.calls = append(f.calls, c)
				f.byKey[k] = append(f.byKey[k], c)
				close(f.changed)
				f.changed = make(chan struct{})
				f.mu.Unlock()
			}
			return false
		})
	}()
	t.Cleanup(func() { cancel(); <-done })
	return f
}

func (f *opsFeed) answers(k opsKey) []slackemu.Call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.byKey[k])
}

func (f *opsFeed) all() []slackemu.Call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

// wait returns when cond holds, checking it at each new post.
func (f *opsFeed) wait(ctx context.Context, cond func() bool) error {
	for {
		f.mu.Lock()
		ch := f.changed
		f.mu.Unlock()
		if cond() {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// opsLoad asks opsQuestions as mentions in many channels, some in threads
// of their own, at a steady rate from several goroutines.
type opsLoad struct {
	emu      *slackemu.Server
	channels []string

	mu   sync.Mutex
	qs   []opsAsked
	errs []error
}

// opsAsked is one question asked and where its answer is due.
type opsAsked struct {
	ev    slackemu.Event
	key   opsKey
	title string
}

func newOpsLoad(emu *slackemu.Server, channels int) *opsLoad {
	l := &opsLoad{emu: emu}
	for i := range channels {
		id := fmt.Sprintf("C0OPS%03d", i)
		emu.AddChannel(slackemu.Channel{ID: id, Name: fmt.Sprintf("ops-%03d", i)})
		l.channels = append(l.channels, id)
	}
	return l
}

// run asks at rate questions per second, at least least of them and then
// until stop is closed (nil: do not wait), or until ctx ends. hook, if not
// nil, runs before question i is handed out. It returns once every question
// handed out has been sent.
func (l *opsLoad) run(ctx context.Context, rate, least int, stop <-chan struct{}, hook func(i int)) {
	todo := make(chan int)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for i := range todo {
				l.ask(i)
			}
		})
	}
	tick := time.NewTicker(time.Second / time.Duration(rate))
	defer tick.Stop()
	closed := func() bool {
		select {
		case <-stop:
			return true
		default:
			return stop == nil
		}
	}
loop:
	for i := 0; i < least || !closed(); i++ {
		select {
		case <-tick.C: // pacing the offered load, not synchronisation
		case <-ctx.Done():
			break loop
		}
		if hook != nil {
			hook(i)
		}
		todo <- i
	}
	close(todo)
	wg.Wait()
}

func (l *opsLoad) ask(i int) {
	q := opsQuestions[i%len(opsQuestions)]
	ch := l.channels[i%len(l.channels)]
	user := []string{"U0ALICE", "U0BOB"}[i%2]
	thread := ""
	if i%3 == 2 {
		thread = l.emu.NewTS() // a question inside a thread
	}
	ev, err := l.emu.Mention(ch, user, "<@U0BOT> "+q.text, thread)
	l.mu.Lock()
	defer l.mu.Unlock()
	if err != nil {
		l.errs = append(l.errs, err)
		return
	}
	k := opsKey{ch, ev.TS}
	if thread != "" {
		k.thread = thread
	}
	l.qs = append(l.qs, opsAsked{ev: ev, key: k, title: q.title})
}

func (l *opsLoad) asked() []opsAsked {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.qs)
}

// check fails for every question, except those skip accepts, that did not
// get exactly one answer citing the right article, and returns how many it
// checked.
func (l *opsLoad) check(t *testing.T, f *opsFeed, skip func(opsAsked) bool) int {
	t.Helper()
	l.mu.Lock()
	for _, err := range l.errs {
		t.Errorf("asking: %v", err)
	}
	l.mu.Unlock()
	bad, n := 0, 0
	for _, q := range l.asked() {
		if skip != nil && skip(q) {
			continue
		}
		n++
		got := f.answers(q.key)
		switch {
		case len(got) != 1:
			t.Errorf("question %s in %s: %d answers, want 1", q.ev.EventID, q.key.channel, len(got))
		case !opsCites(got[0], q.title):
			t.Errorf("question %s in %s: answer %q, want one citing %q", q.ev.EventID, q.key.channel, s(got[0].Params["text"]), q.title)
		default:
			continue
		}
		if bad++; bad >= 10 {
			t.Fatalf("giving up after %d bad questions", bad)
		}
	}
	if n == 0 {
		t.Error("no questions were asked")
	}
	return n
}
