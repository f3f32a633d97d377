package slackbot

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kbbot/kbbot/internal/slackemu"
)

func TestBucketsAllow(t *testing.T) {
	bs := newBuckets(3.0/60, 3) // 3 a minute
	t0 := time.Unix(1_700_000_000, 0)
	var got []string
	for i := range 6 {
		ok, notify := bs.allow("U1", t0.Add(time.Duration(i)*time.Second))
		got = append(got, fmt.Sprint(ok, notify))
	}
	want := "true false,true false,true false,false true,false false,false false"
	if strings.Join(got, ",") != want {
		t.Errorf("a burst of 6: got %s, want %s", strings.Join(got, ","), want)
	}
	if ok, _ := bs.allow("U2", t0.Add(5*time.Second)); !ok {
		t.Error("another user was limited by U1's questions")
	}
	// 20 s later one token is back; a minute after the notice, the next
	// refusal is noticed again.
	if ok, _ := bs.allow("U1", t0.Add(26*time.Second)); !ok {
		t.Error("no token back after 20 s at 3 a minute")
	}
	if ok, notify := bs.allow("U1", t0.Add(27*time.Second)); ok || notify {
		t.Errorf("over the limit again within the minute: ok %v notify %v, want false false", ok, notify)
	}
	// A minute after the notice the next refusal is noticed again.
	at := t0.Add(64 * time.Second)
	taken := 0
	for ok, _ := bs.allow("U1", at); ok; ok, _ = bs.allow("U1", at) {
		taken++
	}
	if taken == 0 {
		t.Error("no token back after 37 s")
	}
	if _, notify := bs.allow("U1", t0.Add(65*time.Second)); notify {
		t.Error("a second notice within a minute")
	}
	at = t0.Add(200 * time.Second)
	ok, notify := bs.allow("U1", at)
	for ok {
		ok, notify = bs.allow("U1", at)
	}
	if !notify {
		t.Error("first refusal over a minute after the notice: no notice")
	}
	if ok, notify := bs.allow("U1", at); ok || notify {
		t.Errorf("refused again at the same instant: ok %v notify %v, want false false", ok, notify)
	}
}

func TestBucketsReservePaces(t *testing.T) {
	bs := newBuckets(1, channelPostBurst)
	t0 := time.Unix(1_700_000_000, 0)
	var got []time.Duration
	for range channelPostBurst + 3 {
		got = append(got, bs.reserve("C1", t0).Round(time.Millisecond))
	}
	want := []time.Duration{0, 0, 0, time.Second, 2 * time.Second, 3 * time.Second}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("waits for 6 posts at once: got %v, want %v", got, want)
	}
	if w := bs.reserve("C2", t0); w != 0 {
		t.Errorf("another channel waits %v, want 0", w)
	}
	// One post gives up its turn; 3 s later two have gone out and one
	// more may go at once, the next a second later.
	bs.cancel("C1")
	later := t0.Add(3 * time.Second)
	if w1, w2 := bs.reserve("C1", later), bs.reserve("C1", later).Round(time.Millisecond); w1 != 0 || w2 != time.Second {
		t.Errorf("after a cancelled post and 3 s: waits %v and %v, want 0s and 1s", w1, w2)
	}
}

type limitMetrics struct {
	nopMetrics
	mu      sync.Mutex
	limited map[string]int
}

func (m *limitMetrics) Limited(surface string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.limited[surface]++
}

// TestUserRateLimit: a user over the limit gets one private notice however
// many questions they send, another user is answered, and a slash command
// over the limit is told in the command's reply.
func TestUserRateLimit(t *testing.T) {
	const limit, sent = 3, 10
	metrics := &limitMetrics{limited: map[string]int{}}
	h := newHarness(t, harnessOpts{bot: func(o *Options) {
		o.UserRateLimit = limit
		o.ChannelPostRate = -1 // pacing has its own test
		o.Metrics = metrics
	}})
	var evs []slackemu.Event
	for i := range sent {
		e, err := h.emu.Mention("C0GENERAL", "U0ALICE", fmt.Sprintf("<@U0BOT> rotate secrets %d", i), "")
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, e)
	}
	answered, limited := 0, 0
	for _, e := range evs {
		ln := h.waitLog(func(ln map[string]any) bool {
			return field(ln, "event_id") == e.EventID && (field(ln, "message") == "handled" || field(ln, "outcome") == "rate_limited")
		})
		switch field(ln, "outcome") {
		case "answered":
			answered++
		case "rate_limited":
			limited++
		default:
			t.Errorf("%s: outcome %q", e.EventID, field(ln, "outcome"))
		}
	}
	if answered != limit || limited != sent-limit {
		t.Errorf("answered %d and limited %d, want %d and %d", answered, limited, limit, sent-limit)
	}
	bob, _ := h.emu.Mention("C0GENERAL", "U0BOB", "<@U0BOT> rotate secrets", "")
	if ln := h.handled(bob.EventID); field(ln, "outcome") != "answered" {
		t.Errorf("another user's question: outcome %q, want answered", field(ln, "outcome"))
	}
	h.waitLog(func(ln map[string]any) bool { return field(ln, "outcome") == "limit_notice" })
	notices := 0
	for _, m := range h.emu.Messages("C0GENERAL") {
		if m.Ephemeral {
			notices++
			if m.VisibleTo != "U0ALICE" || !strings.Contains(m.Text, "more than 3 questions") {
				t.Errorf("notice: got %+v, want one to U0ALICE about the limit", m)
			}
		}
	}
	if notices != 1 {
		t.Errorf("%d private notices, want 1", notices)
	}
	if got := len(h.search.Asked()); got != limit+1 {
		t.Errorf("%d searches, want %d (limited questions are not searched)", got, limit+1)
	}

	// Slash commands share the user's bucket; subcommands are not limited.
	cmd, err := h.emu.SlashCommand("/kb", "rotate secrets", "U0ALICE", "C0GENERAL")
	if err != nil {
		t.Fatal(err)
	}
	h.waitLog(func(ln map[string]any) bool {
		return field(ln, "envelope_id") == cmd.EnvelopeID && field(ln, "outcome") == "rate_limited"
	})
	help, _ := h.emu.SlashCommand("/kb", "help", "U0ALICE", "C0GENERAL")
	if ln := h.handled(help.EnvelopeID); field(ln, "outcome") != "help" {
		t.Errorf("/kb help over the limit: outcome %q, want help", field(ln, "outcome"))
	}
	metrics.mu.Lock()
	defer metrics.mu.Unlock()
	if metrics.limited["mention"] != sent-limit || metrics.limited["slash"] != 1 {
		t.Errorf("limited counts %v, want mention %d and slash 1", metrics.limited, sent-limit)
	}
}
