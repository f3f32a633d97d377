package slackbot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/kbbot/kbbot/internal/kb"
	"github.com/kbbot/kbbot/internal/slackemu"
)

// fakeSearcher answers from sampleAnswer: questions with "hello" are
// greetings, questions with "nothing" find nothing. ask, when set, decides
// instead.
type fakeSearcher struct {
	mu    sync.Mutex
	asked []string
	ask   func(ctx context.Context, q string) (kb.Answer, error)
}

func (f *fakeSearcher) Ask(ctx context.Context, q string, limit int) (kb.Answer, error) {
	f.mu.Lock()
	f.asked = append(f.asked, q)
	ask := f.ask
	f.mu.Unlock()
	if ask != nil {
		return ask(ctx, q)
	}
	return fakeAnswer(q), nil
}

func fakeAnswer(q string) kb.Answer {
	switch {
	case strings.Contains(q, "hello"):
		return kb.Answer{Question: q, Kind: kb.KindGreeting}
	case strings.Contains(q, "nothing"):
		return kb.Answer{Question: q}
	case strings.Contains(q, "channel"):
		return kb.Answer{Question: q, Results: hostileAnswer.Results}
	}
	a := sampleAnswer
	a.Question = q
	return a
}

func (f *fakeSearcher) setAsk(ask func(ctx context.Context, q string) (kb.Answer, error)) {
	f.mu.Lock()
	f.ask = ask
	f.mu.Unlock()
}

func (f *fakeSearcher) Stats() kb.Stats { return sampleStats }

func (f *fakeSearcher) Asked() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.asked...)
}

// fakeReindexer reports progress and a fixed report.
type fakeReindexer struct{ calls int }

func (f *fakeReindexer) Reindex(ctx context.Context, progress func(kb.Progress)) (kb.Report, error) {
	f.calls++
	for i := 1; i <= 3; i++ {
		progress(kb.Progress{Done: i, Total: 3, Path: "a.md"})
	}
	return kb.Report{Articles: 15, Sections: 120, Added: []string{"new.md"}, Duration: 42 * time.Millisecond}, nil
}

// logSink collects the bot's JSON log lines so tests can wait for one.
type logSink struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	lines   []map[string]any
	changed chan struct{}
}

func newLogSink() *logSink { return &logSink{changed: make(chan struct{})} }

func (l *logSink) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Write(p)
	for {
		line, err := l.buf.ReadBytes('\n')
		if err != nil {
			l.buf.Write(line) // partial: keep for the next write
			break
		}
		var m map[string]any
		if json.Unmarshal(line, &m) == nil {
			l.lines = append(l.lines, m)
		}
	}
	close(l.changed)
	l.changed = make(chan struct{})
	return len(p), nil
}

// Lines returns the log lines so far.
func (l *logSink) Lines() []map[string]any {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]map[string]any(nil), l.lines...)
}

// Wait returns the first line, past or future, that pred accepts.
func (l *logSink) Wait(ctx context.Context, pred func(map[string]any) bool) (map[string]any, error) {
	for i := 0; ; {
		l.mu.Lock()
		lines, ch := l.lines[i:], l.changed
		l.mu.Unlock()
		for _, ln := range lines {
			if pred(ln) {
				return ln, nil
			}
		}
		i += len(lines)
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, errors.New("no such log line: " + ctx.Err().Error())
		}
	}
}

func (l *logSink) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var b strings.Builder
	for _, ln := range l.lines {
		js, _ := json.Marshal(ln)
		b.Write(js)
		b.WriteByte('\n')
	}
	return b.String()
}

func field(ln map[string]any, k string) string { s, _ := ln[k].(string); return s }

// harness is a bot connected to a local emulator.
type harness struct {
	t      *testing.T
	emu    *slackemu.Server
	bot    *Bot
	search *fakeSearcher
	logs   *logSink
	ctx    context.Context // the test's deadline
	stop   context.CancelFunc
	done   chan error
}

type harnessOpts struct {
	emu func(*slackemu.Options)
	bot func(*Options)
}

func newHarness(t *testing.T, ho harnessOpts) *harness {
	t.Helper()
	eo := slackemu.Options{AckTimeout: 3 * time.Second, EchoBotMessages: true}
	if ho.emu != nil {
		ho.emu(&eo)
	}
	emu := slackemu.New(eo)
	if err := emu.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	logs := newLogSink()
	search := &fakeSearcher{}
	opts := Options{
		BotToken: emu.Options().BotToken, AppToken: emu.Options().AppToken, APIURL: emu.APIURL(),
		AdminUserIDs: []string{"U0ALICE"}, Searcher: search,
		Logger: zerolog.New(logs).Level(zerolog.DebugLevel),
	}
	if ho.bot != nil {
		ho.bot(&opts)
	}
	bot := New(opts)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	runCtx, stop := context.WithCancel(context.Background())
	h := &harness{t: t, emu: emu, bot: bot, search: search, logs: logs, ctx: ctx, stop: stop, done: make(chan error, 1)}
	go func() { h.done <- bot.Run(runCtx) }()
	t.Cleanup(func() {
		stop()
		select {
		case err := <-h.done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Errorf("Run did not return after stop")
		}
		cancel()
		emu.Close()
		if t.Failed() {
			t.Logf("bot log:\n%s", logs)
		}
	})
	if opts.Mode == ModeHTTP {
		ln := h.waitLog(func(ln map[string]any) bool { return field(ln, "message") == "serving slack requests" })
		emu.SetRequestURL("http://" + field(ln, "addr"))
		return h
	}
	if err := emu.WaitForConnections(ctx, 1); err != nil {
		t.Fatal(err)
	}
	return h
}

// waitCall waits for a Web API call that pred accepts.
func (h *harness) waitCall(pred func(slackemu.Call) bool) slackemu.Call {
	h.t.Helper()
	c, err := h.emu.WaitFor(h.ctx, pred)
	if err != nil {
		h.t.Fatal(err)
	}
	return c
}

// waitLog waits for a log line that pred accepts.
func (h *harness) waitLog(pred func(map[string]any) bool) map[string]any {
	h.t.Helper()
	ln, err := h.logs.Wait(h.ctx, pred)
	if err != nil {
		h.t.Fatal(err)
	}
	return ln
}

// handled waits for the "handled" log line of an event or envelope.
func (h *harness) handled(id string) map[string]any {
	h.t.Helper()
	return h.waitLog(func(ln map[string]any) bool {
		return field(ln, "message") == "handled" && (field(ln, "event_id") == id || field(ln, "envelope_id") == id)
	})
}

func post(channel string) func(slackemu.Call) bool {
	return func(c slackemu.Call) bool {
		return c.Method == "chat.postMessage" && str(c.Params["channel"]) == channel
	}
}

func str(v any) string { s, _ := v.(string); return s }

// blocksJSON is a call's blocks as one string, for "contains" checks.
func blocksJSON(c slackemu.Call) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(c.Params["blocks"])
	return b.String()
}
