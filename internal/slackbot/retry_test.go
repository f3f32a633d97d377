package slackbot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/kbbot/kbbot/internal/slackemu"
)

func TestClassify(t *testing.T) {
	dial := &url.Error{Op: "Post", URL: "x", Err: &net.OpError{Op: "dial", Err: errors.New("connection refused")}}
	reset := &url.Error{Op: "Post", URL: "x", Err: &net.OpError{Op: "read", Err: errors.New("connection reset by peer")}}
	done, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		err  error
		want failure
	}{
		{"500", context.Background(), slack.StatusCodeError{Code: 500}, ambiguous},
		{"502", context.Background(), slack.StatusCodeError{Code: 502}, ambiguous},
		{"503", context.Background(), slack.StatusCodeError{Code: 503}, unsent},
		{"400", context.Background(), slack.StatusCodeError{Code: 400}, permanent},
		{"internal_error", context.Background(), slack.SlackErrorResponse{Err: "internal_error"}, ambiguous},
		{"service_unavailable", context.Background(), slack.SlackErrorResponse{Err: "service_unavailable"}, unsent},
		{"channel_not_found", context.Background(), slack.SlackErrorResponse{Err: "channel_not_found"}, permanent},
		{"dial", context.Background(), dial, unsent},
		{"reset", context.Background(), reset, ambiguous},
		{"eof", context.Background(), fmt.Errorf("post: %w", io.ErrUnexpectedEOF), ambiguous},
		{"our context ended", done, slack.StatusCodeError{Code: 500}, permanent},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := classify(tc.ctx, tc.err); got != tc.want {
				t.Errorf("classify(%v) = %v, want %v", tc.err, got, tc.want)
			}
		})
	}
}

func fastRetries(o *Options) { o.RetryBackoff = 5 * time.Millisecond; o.RetryFor = 5 * time.Second }

// threadCalls lists the statuses of chat.postMessage calls in a thread, and
// the messages the emulator holds there from the bot.
func threadCalls(h *harness, thread string) (statuses []int, stored int) {
	for _, c := range h.emu.CallsTo("chat.postMessage") {
		if str(c.Params["thread_ts"]) == thread {
			statuses = append(statuses, c.Status)
		}
	}
	for _, m := range h.emu.Messages("C0GENERAL") {
		if m.ThreadTS == thread && m.BotID != "" && !m.Ephemeral {
			stored++
		}
	}
	return statuses, stored
}

// TestServerErrorsRetried: a 5xx or Slack's internal_error from
// chat.postMessage is retried until the answer is posted, exactly once,
// whether or not the failed attempt had posted it.
func TestServerErrorsRetried(t *testing.T) {
	h := newHarness(t, harnessOpts{bot: fastRetries})
	tests := []struct {
		name     string
		faults   []slackemu.Fault
		statuses string // of the thread's chat.postMessage calls
		checks   int    // conversations.replies lookups
		outcome  string
	}{
		{"500 not applied", []slackemu.Fault{{Status: 500}, {Status: 500}}, "[500 500 200]", 2, "answered"},
		{"500 applied", []slackemu.Fault{{Status: 500, Applied: true}}, "[500]", 1, "answered"},
		{"502 applied after a 500", []slackemu.Fault{{Status: 500}, {Status: 502, Applied: true}}, "[500 502]", 2, "answered"},
		{"503 needs no check", []slackemu.Fault{{Status: 503}, {Status: 503}}, "[503 503 200]", 0, "answered"},
		{"internal_error applied", []slackemu.Fault{{Error: "internal_error", Applied: true}}, "[200]", 1, "answered"},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, f := range tc.faults {
				h.emu.InjectFault("chat.postMessage", f)
			}
			checksBefore := len(h.emu.CallsTo("conversations.replies"))
			e, _ := h.emu.Mention("C0GENERAL", "U0ALICE", fmt.Sprintf("<@U0BOT> rotate secrets %d", i), "")
			ln := h.handled(e.EventID)
			if got := field(ln, "outcome"); got != tc.outcome {
				t.Errorf("outcome %q, want %q", got, tc.outcome)
			}
			statuses, stored := threadCalls(h, e.TS)
			if got := fmt.Sprint(statuses); got != tc.statuses {
				t.Errorf("chat.postMessage statuses %s, want %s", got, tc.statuses)
			}
			if stored != 1 {
				t.Errorf("%d answers in the thread, want exactly 1", stored)
			}
			if got := len(h.emu.CallsTo("conversations.replies")) - checksBefore; got != tc.checks {
				t.Errorf("%d conversations.replies checks, want %d", got, tc.checks)
			}
		})
	}
}

// TestUncheckablePostNotRepeated: when the check itself fails (say the
// app lacks channels:history), the bot does not post again: the answer is
// reported undelivered, with the event id, at error level.
func TestUncheckablePostNotRepeated(t *testing.T) {
	h := newHarness(t, harnessOpts{bot: fastRetries})
	h.emu.InjectFault("chat.postMessage", slackemu.Fault{Status: 500, Applied: true})
	h.emu.InjectFault("conversations.replies", slackemu.Fault{Error: "missing_scope"})
	e, _ := h.emu.Mention("C0GENERAL", "U0ALICE", "<@U0BOT> rotate secrets", "")
	ln := h.handled(e.EventID)
	if field(ln, "outcome") != "undelivered" || field(ln, "level") != "error" || field(ln, "event_id") != e.EventID {
		t.Errorf("log %v, want outcome undelivered at error level with the event id", ln)
	}
	if statuses, stored := threadCalls(h, e.TS); len(statuses) != 1 || stored != 1 {
		t.Errorf("statuses %v, %d stored; want one attempt and the one message it posted", statuses, stored)
	}
}

// TestRetryGivesUp: a failure that lasts past RetryFor ends the retries.
func TestRetryGivesUp(t *testing.T) {
	h := newHarness(t, harnessOpts{bot: func(o *Options) { o.RetryBackoff = 5 * time.Millisecond; o.RetryFor = 200 * time.Millisecond }})
	h.emu.InjectFault("chat.postMessage", slackemu.Fault{Status: 503, Times: -1})
	e, _ := h.emu.Mention("C0GENERAL", "U0ALICE", "<@U0BOT> rotate secrets", "")
	ln := h.handled(e.EventID)
	h.emu.ClearFaults()
	if field(ln, "outcome") != "undelivered" {
		t.Errorf("outcome %q, want undelivered", field(ln, "outcome"))
	}
	if statuses, _ := threadCalls(h, e.TS); len(statuses) < 3 || len(statuses) > 60 {
		t.Errorf("%d attempts in 200ms of backoff from 5ms, want a few", len(statuses))
	}
}
