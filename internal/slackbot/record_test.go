package slackbot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kbbot/kbbot/internal/kb"
	"github.com/kbbot/kbbot/internal/slackemu"
)

// fakeRecorder keeps records in memory.
type fakeRecorder struct {
	mu        sync.Mutex
	questions []kb.QuestionRecord
	votes     []kb.FeedbackRecord
	handovers []kb.HandoverRecord
}

func (f *fakeRecorder) RecordQuestion(_ context.Context, r kb.QuestionRecord) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.questions = append(f.questions, r)
}

func (f *fakeRecorder) RecordFeedback(_ context.Context, r kb.FeedbackRecord) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.votes = append(f.votes, r)
}

func (f *fakeRecorder) RecordHandover(_ context.Context, r kb.HandoverRecord) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.handovers = append(f.handovers, r)
}

func (f *fakeRecorder) handedOver() []kb.HandoverRecord {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]kb.HandoverRecord(nil), f.handovers...)
}

func (f *fakeRecorder) snapshot() ([]kb.QuestionRecord, []kb.FeedbackRecord) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]kb.QuestionRecord(nil), f.questions...), append([]kb.FeedbackRecord(nil), f.votes...)
}

func TestRecordsQuestionsAndVotes(t *testing.T) {
	rec := &fakeRecorder{}
	h := newHarness(t, harnessOpts{bot: func(o *Options) {
		o.Recorder = rec
		o.Experts = map[string]string{}
		o.DefaultExperts = []string{"U0CAROL"}
	}})

	answered, _ := h.emu.Mention("C0GENERAL", "U0ALICE", "<@U0BOT> rotate secrets", "")
	h.handled(answered.EventID)
	unknown, _ := h.emu.Mention("C0GENERAL", "U0ALICE", "<@U0BOT> nothing about llamas", "")
	h.handled(unknown.EventID)
	greeting, _ := h.emu.Mention("C0GENERAL", "U0ALICE", "<@U0BOT> hello", "")
	h.handled(greeting.EventID)

	qs, _ := rec.snapshot()
	if len(qs) != 2 {
		t.Fatalf("got %d question records, want 2 (the greeting is not a question): %+v", len(qs), qs)
	}
	if q := qs[0]; q.Question != "rotate secrets" || q.Outcome != kb.OutcomeAnswered || q.Surface != "mention" ||
		q.ChannelType != "channel" || len(q.Results) == 0 || q.Results[0].Path != sampleAnswer.Results[0].Path || q.Latency <= 0 {
		t.Errorf("answered record: got %+v", q)
	}
	if q := qs[1]; q.Outcome != kb.OutcomeUnknown || len(q.Results) != 0 {
		t.Errorf("unknown record: got %+v", q)
	}

	// A vote is recorded against the answer message, so that the store
	// keeps one per user and answer (and a later one replaces it).
	msg, err := h.emu.WaitForMessage(h.ctx, "C0GENERAL", func(m slackemu.Message) bool { return m.ThreadTS == answered.TS && m.BotID != "" })
	if err != nil {
		t.Fatal(err)
	}
	a, err := h.emu.ClickButton("U0BOB", "", msg, actionNotHelpful, "")
	if err != nil {
		t.Fatal(err)
	}
	h.handled(a.EnvelopeID)
	_, votes := rec.snapshot()
	want := "C0GENERAL:" + msg.TS
	if len(votes) != 1 {
		t.Fatalf("got %d votes, want 1", len(votes))
	}
	if v := votes[0]; v.Answer != want || v.User != "U0BOB" || v.Rating != kb.RatingNotHelpful || v.Question != "rotate secrets" ||
		len(v.Paths) == 0 || v.ChannelType != "channel" {
		t.Errorf("vote: got %+v, want answer %s, not helpful", v, want)
	}

	// Ask an expert is recorded once, with whom it asked; the second click
	// in the same thread asks no one and records nothing.
	for _, user := range []string{"U0BOB", "U0ALICE"} {
		a, err := h.emu.ClickButton(user, "", msg, actionExpert, "")
		if err != nil {
			t.Fatal(err)
		}
		h.handled(a.EnvelopeID)
	}
	hs := rec.handedOver()
	if len(hs) != 1 {
		t.Fatalf("got %d hand-over records, want 1: %+v", len(hs), hs)
	}
	if hr := hs[0]; hr.User != "U0BOB" || hr.Question != "rotate secrets" || hr.ChannelType != "channel" ||
		len(hr.Paths) == 0 || hr.Paths[0] != sampleAnswer.Results[0].Path || strings.Join(hr.Experts, ",") != "U0CAROL" {
		t.Errorf("hand-over: got %+v, want U0BOB asking U0CAROL about rotate secrets", hr)
	}
}

// fakeOnce claims ids in memory, as the shared store does; err, when set,
// makes every claim fail.
type fakeOnce struct {
	mu      sync.Mutex
	claimed map[string]bool
	err     error
}

func (f *fakeOnce) Claim(_ context.Context, id string) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return false, f.err
	}
	if f.claimed[id] {
		return false, nil
	}
	f.claimed[id] = true
	return true, nil
}

func (f *fakeOnce) set(id string, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if id != "" {
		f.claimed[id] = true
	}
	f.err = err
}

func TestOnceAcrossReplicas(t *testing.T) {
	once := &fakeOnce{claimed: map[string]bool{}}
	h := newHarness(t, harnessOpts{bot: func(o *Options) { o.Once = once }})

	t.Run("first claim answers", func(t *testing.T) {
		e, _ := h.emu.Mention("C0GENERAL", "U0ALICE", "<@U0BOT> rotate secrets", "")
		if ln := h.handled(e.EventID); field(ln, "outcome") != "answered" {
			t.Errorf("got %v, want answered", ln)
		}
	})
	t.Run("claimed by another replica", func(t *testing.T) {
		// Another replica took it: the retry that reaches us is dropped.
		tmpl, _ := h.emu.Mention("C0GENERAL", "U0BOB", "<@U0BOT> template", "")
		h.handled(tmpl.EventID)
		other := tmpl
		other.EventID = "EvOTHER00001"
		other.Payload = deepCopy(tmpl.Payload)
		other.Payload["event_id"] = other.EventID
		inner := other.Payload["event"].(map[string]any)
		inner["ts"], inner["event_ts"] = "1700000600.000100", "1700000600.000100"
		once.set(other.EventID, nil)
		if err := h.emu.DeliverRetry(other, 1); err != nil {
			t.Fatal(err)
		}
		h.waitLog(func(ln map[string]any) bool {
			return field(ln, "event_id") == other.EventID && field(ln, "outcome") == "duplicate"
		})
		if n := countPosts(h, "C0GENERAL", "1700000600.000100"); n != 0 {
			t.Errorf("%d answers, want 0", n)
		}
	})
	t.Run("store down answers anyway", func(t *testing.T) {
		once.set("", errors.New("connection refused"))
		e, _ := h.emu.Mention("C0GENERAL", "U0ALICE", "<@U0BOT> rotate keys", "")
		if ln := h.handled(e.EventID); field(ln, "outcome") != "answered" {
			t.Errorf("got %v, want answered", ln)
		}
	})
}

// fakeGaps returns a fixed report, or an error once setErr(true).
type fakeGaps struct {
	mu    sync.Mutex
	since time.Time
	fail  bool
}

func (f *fakeGaps) Gaps(_ context.Context, since time.Time) (kb.Gaps, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.since = since
	if f.fail {
		return kb.Gaps{}, errors.New("database is down")
	}
	return sampleGaps, nil
}

func (f *fakeGaps) setErr(fail bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail = fail
}

var sampleGaps = kb.Gaps{
	Unanswered: []kb.GapQuestion{
		{Question: "How do I rotate TLS certificates?", Terms: "certificates rotate tls", Count: 3},
		{Question: "what is <!channel> & *bold*", Terms: "bold channel", Count: 1},
	},
	NotHelpful: []kb.GapArticle{{Path: "caching.md", Count: 2, Helpful: 1, Question: "cache stampede"}},
	Weak:       []kb.GapQuestion{{Question: "what is a cache stampede", Count: 1, Path: "caching.md", Score: 1.234}},
	HandedOver: []kb.GapQuestion{{Question: "who owns the payments queue?", Count: 2, Path: "queues.md"}},
}

func TestGapsCommand(t *testing.T) {
	gaps := &fakeGaps{}
	h := newHarness(t, harnessOpts{bot: func(o *Options) { o.Gaps = gaps }})
	for _, tc := range []struct{ user, outcome, want string }{
		{"U0BOB", "refused", "only for kbbot admins"},
		{"U0ALICE", "gaps", "3× “How do I rotate TLS certificates?”"},
	} {
		cmd, err := h.emu.SlashCommand("/kb", "gaps", tc.user, "C0GENERAL")
		if err != nil {
			t.Fatal(err)
		}
		if ln := h.handled(cmd.EnvelopeID); field(ln, "outcome") != tc.outcome {
			t.Errorf("%s: outcome %q, want %q", tc.user, field(ln, "outcome"), tc.outcome)
		}
		var texts []string
		for _, c := range h.emu.CallsTo("response_url") {
			if str(c.Params["response_url_id"]) == cmd.ID {
				texts = append(texts, str(c.Params["text"]))
			}
		}
		if all := strings.Join(texts, "\n"); !strings.Contains(all, tc.want) {
			t.Errorf("%s: replies %q lack %q", tc.user, all, tc.want)
		}
	}
	gaps.mu.Lock()
	defer gaps.mu.Unlock()
	if d := time.Since(gaps.since); d < 7*24*time.Hour-time.Minute || d > 7*24*time.Hour+time.Minute {
		t.Errorf("asked for gaps since %s ago, want 7 days", d)
	}
}

// TestHomeGaps: the App Home shows the gap report to admins only, and
// still opens when the report cannot be read.
func TestHomeGaps(t *testing.T) {
	gaps := &fakeGaps{}
	h := newHarness(t, harnessOpts{bot: func(o *Options) { o.Gaps = gaps }})
	for _, tc := range []struct {
		user      string
		fail      bool
		want, not string
	}{
		{"U0ALICE", false, "3× “How do I rotate TLS certificates?”", "couldn't read"},
		{"U0BOB", false, "15 articles", "Knowledge gaps"},
		{"U0ALICE", true, "couldn't read the question records", "rotate TLS"},
	} {
		gaps.setErr(tc.fail)
		ev, err := h.emu.AppHomeOpened(tc.user)
		if err != nil {
			t.Fatal(err)
		}
		if ln := h.handled(ev.EventID); field(ln, "outcome") != "published" {
			t.Errorf("%s: outcome %q, want published", tc.user, field(ln, "outcome"))
		}
		v := toJSON(h.emu.HomeView(tc.user))
		if !strings.Contains(v, tc.want) || strings.Contains(v, tc.not) {
			t.Errorf("%s (store failing %v): home view lacks %q or has %q:\n%s", tc.user, tc.fail, tc.want, tc.not, v)
		}
	}
}

func TestRenderGapsGolden(t *testing.T) {
	for name, msg := range map[string]message{
		"gaps":       testRenderer.gaps(sampleGaps, gapsWindow),
		"gaps_empty": testRenderer.gaps(kb.Gaps{}, gapsWindow),
	} {
		t.Run(name, func(t *testing.T) {
			checkMessage(t, msg, maxBlocks)
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			if err := enc.Encode(msg); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", name+".golden")
			if *update {
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("%s differs from the golden file (run go test -update and review the diff):\ngot:\n%s", path, buf.Bytes())
			}
		})
	}
}
