package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/kbbot/kbbot/internal/store/storetest"

	"github.com/kbbot/kbbot/internal/config"
	"github.com/kbbot/kbbot/internal/slackbot"
	"github.com/kbbot/kbbot/internal/slackemu"
)

// kbbotBin is the real binary, built once by TestMain for the end-to-end
// tests and the load benchmark.
var kbbotBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "kbbot-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	kbbotBin = filepath.Join(dir, "kbbot")
	build := exec.Command("go", "build", "-o", kbbotBin, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build kbbot for the end-to-end tests:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// procLogs collects a subprocess's JSON log lines so tests can wait on them.
type procLogs struct {
	mu      sync.Mutex
	raw     bytes.Buffer
	lines   []map[string]any
	changed chan struct{}
	closed  bool
}

func newProcLogs() *procLogs { return &procLogs{changed: make(chan struct{})} }

func (l *procLogs) consume(r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var m map[string]any
		ok := json.Unmarshal(line, &m) == nil
		l.mu.Lock()
		l.raw.Write(line)
		l.raw.WriteByte('\n')
		if ok {
			l.lines = append(l.lines, m)
		}
		close(l.changed)
		l.changed = make(chan struct{})
		l.mu.Unlock()
	}
	l.mu.Lock()
	l.closed = true
	close(l.changed)
	l.changed = make(chan struct{})
	l.mu.Unlock()
}

func (l *procLogs) wait(ctx context.Context, pred func(map[string]any) bool) (map[string]any, error) {
	for i := 0; ; {
		l.mu.Lock()
		lines, ch, closed := l.lines[i:], l.changed, l.closed
		l.mu.Unlock()
		for _, ln := range lines {
			if pred(ln) {
				return ln, nil
			}
		}
		i += len(lines)
		if closed {
			return nil, errors.New("the bot exited")
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, fmt.Errorf("no such log line: %w", ctx.Err())
		}
	}
}

func (l *procLogs) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.raw.String()
}

// botProc is `kbbot serve` running against an emulator.
// botProc is one `kbbot serve` process of a test, its logs parsed as they
// come. Every end-to-end test starts its bots with launch.
type botProc struct {
	cmd     *exec.Cmd
	logs    *procLogs
	exited  chan struct{} // closed when the process has exited
	exitErr error         // set before exited is closed
}

// launch runs `kbbot serve` with exactly env.
func launch(t testing.TB, env []string) *botProc {
	t.Helper()
	cmd := exec.Command(kbbotBin, "serve")
	cmd.Env = env
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = io.Discard
	p := &botProc{cmd: cmd, logs: newProcLogs(), exited: make(chan struct{})}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	consumed := make(chan struct{})
	go func() { p.logs.consume(stderr); close(consumed) }()
	go func() { <-consumed; p.exitErr = cmd.Wait(); close(p.exited) }()
	return p
}

// botEnv is the whole environment the bot sees: nothing leaks in from the
// developer's shell or .env.
func botEnv(t testing.TB, emu *slackemu.Server, extra ...string) []string {
	kdir, err := filepath.Abs(filepath.Join("testdata", "e2e", "knowledge"))
	if err != nil {
		t.Fatal(err)
	}
	env := []string{
		"SLACK_BOT_TOKEN=" + emu.Options().BotToken,
		"SLACK_APP_TOKEN=" + emu.Options().AppToken,
		"SLACK_API_URL=" + emu.APIURL(),
		"KNOWLEDGE_DIR=" + kdir,
		"INDEX_DIR=" + t.TempDir(),
		"DATA_DIR=" + t.TempDir(),
		"KNOWLEDGE_BASE_URL=https://kb.example.com/",
		"ADMIN_USER_IDS=U0ALICE",
		"LOG_FORMAT=json",
		"LOG_LEVEL=debug",
		"HTTP_ADDR=127.0.0.1:0",
		"WATCH_KNOWLEDGE=false",
		// The load tests play two users asking hundreds of questions, several
		// a second per channel: load for the bot, not for one person or one
		// channel. The limit tests turn these back on.
		"USER_RATE_LIMIT=0",
		"CHANNEL_POST_RATE=0",
		"KBBOT_ENV_FILE=" + filepath.Join(t.TempDir(), "no.env"),
		"HOME=" + t.TempDir(),
	}
	return append(env, extra...)
}

// modeEnv is what a bot needs, besides botEnv, to take Slack's requests in
// mode: nothing for Socket Mode; for HTTP mode, a free port and the
// emulator's signing secret.
func modeEnv(emu *slackemu.Server, mode string) []string {
	if mode != config.ModeHTTP {
		return nil
	}
	return []string{"SLACK_MODE=http", "SLACK_HTTP_ADDR=127.0.0.1:0", "SLACK_SIGNING_SECRET=" + emu.Options().SigningSecret}
}

// startBot runs the binary and waits until the emulator sees its socket or,
// in HTTP mode (SLACK_MODE=http in env), until it serves Slack's requests,
// and then points the emulator's request URL at it.
func startBot(t testing.TB, emu *slackemu.Server, env []string) *botProc {
	t.Helper()
	return startBotWithin(t, emu, env, 30*time.Second)
}

// startBotWithin is startBot for a bot that may take up to d to open its
// index (the scale benchmark's largest knowledge bases).
func startBotWithin(t testing.TB, emu *slackemu.Server, env []string, d time.Duration) *botProc {
	t.Helper()
	p := launch(t, env)
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	connected := make(chan error, 1)
	if slices.Contains(env, "SLACK_MODE=http") {
		go func() {
			ln, err := p.logs.wait(ctx, func(ln map[string]any) bool { return s(ln["message"]) == "serving slack requests" })
			if err == nil {
				emu.SetRequestURL("http://" + s(ln["addr"]))
			}
			connected <- err
		}()
	} else {
		go func() { connected <- emu.WaitForConnections(ctx, 1) }()
	}
	select {
	case err := <-connected:
		if err != nil {
			p.kill()
			t.Fatalf("bot did not connect: %v\n%s", err, p.logs)
		}
	case <-p.exited:
		t.Fatalf("bot exited before connecting: %v\n%s", p.exitErr, p.logs)
	}
	return p
}

// stop sends SIGTERM and returns the exit error, killing the bot if it
// does not stop in time.
func (p *botProc) stop(d time.Duration) error {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	return p.wait(d)
}

// wait returns the exit error, killing the process if it does not exit in
// time.
func (p *botProc) wait(d time.Duration) error {
	select {
	case <-p.exited:
		return p.exitErr
	case <-time.After(d):
		p.kill()
		<-p.exited
		return fmt.Errorf("bot did not exit within %v", d)
	}
}

func (p *botProc) kill() {
	_ = p.cmd.Process.Kill()
}

// e2e is the state the subtests share: one emulator, one bot.
type e2e struct {
	t   *testing.T
	emu *slackemu.Server
	bot *botProc
}

func (e *e2e) ctx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func (e *e2e) waitCall(t *testing.T, pred func(slackemu.Call) bool) slackemu.Call {
	t.Helper()
	c, err := e.emu.WaitFor(e.ctx(t), pred)
	if err != nil {
		t.Fatalf("%v\nbot log:\n%s", err, e.bot.logs)
	}
	return c
}

func (e *e2e) waitLog(t *testing.T, pred func(map[string]any) bool) map[string]any {
	t.Helper()
	ln, err := e.bot.logs.wait(e.ctx(t), pred)
	if err != nil {
		t.Fatalf("%v\nbot log:\n%s", err, e.bot.logs)
	}
	return ln
}

// handled waits for the bot's one log line about an event or envelope.
func (e *e2e) handled(t *testing.T, id string) map[string]any {
	t.Helper()
	return e.waitLog(t, func(ln map[string]any) bool {
		return s(ln["message"]) == "handled" && (s(ln["event_id"]) == id || s(ln["envelope_id"]) == id)
	})
}

// reply waits for the bot's chat.postMessage in a channel and thread.
func (e *e2e) reply(t *testing.T, channel, thread string) slackemu.Call {
	t.Helper()
	return e.waitCall(t, func(c slackemu.Call) bool {
		return c.Method == "chat.postMessage" && c.Status == 200 && c.Error == "" &&
			s(c.Params["channel"]) == channel && s(c.Params["thread_ts"]) == thread
	})
}

func (e *e2e) countReplies(channel, thread string) int {
	n := 0
	for _, c := range e.emu.CallsTo("chat.postMessage") {
		if c.Error == "" && c.Status == 200 && s(c.Params["channel"]) == channel && s(c.Params["thread_ts"]) == thread {
			n++
		}
	}
	return n
}

func (e *e2e) mention(t *testing.T, channel, text, thread string) slackemu.Event {
	t.Helper()
	ev, err := e.emu.Mention(channel, "U0ALICE", "<@U0BOT> "+text, thread)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

// responses returns what the bot posted to a response_url.
func (e *e2e) responses(id string) []slackemu.Call {
	var out []slackemu.Call
	for _, c := range e.emu.CallsTo("response_url") {
		if s(c.Params["response_url_id"]) == id {
			out = append(out, c)
		}
	}
	return out
}

func s(v any) string { str, _ := v.(string); return str }

// jsonText renders v as JSON with < > & left as they are.
func jsonText(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return b.String()
}

// TestServeE2E runs the real `kbbot serve` against the emulator, over
// Socket Mode and over HTTP, and checks what it does through the Web API
// calls the emulator recorded. The scenarios are the same in both modes;
// only socket drops are Socket Mode's, and signatures, replays and lost or
// slow HTTP answers are HTTP's.
func TestServeE2E(t *testing.T) {
	for _, mode := range []string{config.ModeSocket, config.ModeHTTP} {
		t.Run(mode, func(t *testing.T) { testServeE2E(t, mode) })
	}
}

func testServeE2E(t *testing.T, mode string) {
	emu := slackemu.New(slackemu.Options{EchoBotMessages: true})
	if err := emu.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer emu.Close()
	bot := startBot(t, emu, botEnv(t, emu, modeEnv(emu, mode)...))
	e := &e2e{t: t, emu: emu, bot: bot}
	defer func() {
		if bot.cmd.ProcessState == nil {
			bot.kill()
		}
		if t.Failed() {
			t.Logf("bot log:\n%s", bot.logs)
		}
	}()

	var answer slackemu.Event // the first answered mention, for the feedback test
	t.Run("mention in channel gets a threaded reply with excerpt and link", func(t *testing.T) {
		ev := e.mention(t, "C0GENERAL", "how do I rotate a leaked :key: API key?", "")
		c := e.reply(t, "C0GENERAL", ev.TS)
		bj := jsonText(c.Params["blocks"])
		for _, want := range []string{
			"<https://kb.example.com/secret-rotation.md#how-do-i-rotate-a-leaked-api-key|Secret rotation: replacing API keys and passwords>",
			"*leaked*", "*API*", "at once: create a new", "secret-rotation.md", "kb_feedback_up",
		} {
			if !strings.Contains(bj, want) {
				t.Errorf("reply lacks %q:\n%s", want, bj)
			}
		}
		if !strings.Contains(s(c.Params["text"]), "Secret rotation") {
			t.Errorf("fallback text %q", c.Params["text"])
		}
		ln := e.handled(t, ev.EventID)
		if s(ln["outcome"]) != "answered" || s(ln["surface"]) != "mention" || !strings.HasSuffix(s(ln["latency"]), "s") || ln["results"] == nil {
			t.Errorf("log line %v", ln)
		}
		answer = ev
	})

	t.Run("direct message is answered in the DM", func(t *testing.T) {
		ev, err := emu.DirectMessage("D0BOB", "U0BOB", "what is a database index")
		if err != nil {
			t.Fatal(err)
		}
		c := e.reply(t, "D0BOB", "")
		if !strings.Contains(jsonText(c.Params["blocks"]), "Database indexes") {
			t.Errorf("DM reply: %s", jsonText(c.Params["blocks"]))
		}
		e.handled(t, ev.EventID)
		// The emulator echoes the reply back as message.im with bot_id.
		e.waitLog(t, func(ln map[string]any) bool { return s(ln["reason"]) == "from a bot" })
	})

	t.Run("mention inside a thread is answered in that thread", func(t *testing.T) {
		parent := e.mention(t, "C0GENERAL", "what is a database index", "")
		e.reply(t, "C0GENERAL", parent.TS)
		ev := e.mention(t, "C0GENERAL", "when should I add an index", parent.TS)
		e.handled(t, ev.EventID)
		if n := e.countReplies("C0GENERAL", parent.TS); n != 2 {
			t.Errorf("%d replies in the thread, want 2", n)
		}
		if n := e.countReplies("C0GENERAL", ev.TS); n != 0 {
			t.Errorf("%d replies threaded under the follow-up itself, want 0", n)
		}
	})

	t.Run("own, bot and edited messages are ignored", func(t *testing.T) {
		before := len(emu.CallsTo("chat.postMessage"))
		for _, inner := range []map[string]any{
			{"type": "message", "user": "U0BOT", "bot_id": "B0BOT", "text": "my own answer", "channel": "D0ALICE", "channel_type": "im", "ts": "1700000001.000100"},
			{"type": "message", "subtype": "bot_message", "bot_id": "B0OTHER", "text": "what is a database index", "channel": "D0ALICE", "channel_type": "im", "ts": "1700000002.000100"},
			{"type": "message", "subtype": "message_changed", "hidden": true, "channel": "D0ALICE", "channel_type": "im", "ts": "1700000003.000100",
				"message": map[string]any{"type": "message", "user": "U0ALICE", "text": "what is a database index", "ts": "1700000000.000100"}},
			{"type": "app_mention", "user": "U0BOB", "bot_id": "B0OTHER", "text": "<@U0BOT> what is a database index", "channel": "C0GENERAL", "ts": "1700000004.000100"},
		} {
			ev, err := emu.SendEvent(inner)
			if err != nil {
				t.Fatal(err)
			}
			e.waitLog(t, func(ln map[string]any) bool { return s(ln["event_id"]) == ev.EventID && s(ln["outcome"]) == "ignored" })
		}
		if after := len(emu.CallsTo("chat.postMessage")); after != before {
			t.Errorf("%d posts for ignored messages", after-before)
		}
	})

	t.Run("retry of an answered event gets no second answer", func(t *testing.T) {
		ev := e.mention(t, "C0GENERAL", "how often should secrets be rotated", "")
		e.handled(t, ev.EventID)
		if err := emu.DeliverRetry(ev, 1); err != nil {
			t.Fatal(err)
		}
		e.waitLog(t, func(ln map[string]any) bool {
			return s(ln["event_id"]) == ev.EventID && s(ln["outcome"]) == "duplicate"
		})
		if _, err := emu.WaitForAck(e.ctx(t), func(a slackemu.Ack) bool { return a.EventID == ev.EventID && a.Attempt == 1 }); err != nil {
			t.Fatal(err)
		}
		if n := e.countReplies("C0GENERAL", ev.TS); n != 1 {
			t.Errorf("%d answers, want 1", n)
		}
	})

	t.Run("event first seen as a retry is answered", func(t *testing.T) {
		tmpl := e.mention(t, "C0GENERAL", "tls certificates", "")
		e.handled(t, tmpl.EventID)
		missed := tmpl
		missed.EventID = "EvE2EMISSED01"
		raw, _ := json.Marshal(tmpl.Payload)
		missed.Payload = nil
		_ = json.Unmarshal(raw, &missed.Payload)
		missed.Payload["event_id"] = missed.EventID
		inner := missed.Payload["event"].(map[string]any)
		missed.TS = "1700000600.000100"
		inner["ts"], inner["event_ts"], inner["text"] = missed.TS, missed.TS, "<@U0BOT> how do I stop TLS certificates from expiring"
		if err := emu.DeliverRetry(missed, 1); err != nil {
			t.Fatal(err)
		}
		c := e.reply(t, "C0GENERAL", missed.TS)
		if !strings.Contains(jsonText(c.Params["blocks"]), "TLS certificates") {
			t.Errorf("reply %s", jsonText(c.Params["blocks"]))
		}
		if ln := e.handled(t, missed.EventID); ln["retry_attempt"] != 1.0 {
			t.Errorf("log %v", ln)
		}
	})

	t.Run("slash question is ephemeral and can be shared", func(t *testing.T) {
		cmd, err := emu.SlashCommand("/kb", "how do I rotate a leaked API key", "U0BOB", "C0GENERAL")
		if err != nil {
			t.Fatal(err)
		}
		ack, err := emu.WaitForAck(e.ctx(t), func(a slackemu.Ack) bool { return a.EnvelopeID == cmd.EnvelopeID })
		if err != nil {
			t.Fatal(err)
		}
		if len(ack.Payload) != 0 || ack.Late {
			t.Errorf("ack %+v, want an empty, timely ack", ack)
		}
		e.handled(t, cmd.EnvelopeID)
		eph, err := emu.WaitForMessage(e.ctx(t), "C0GENERAL", func(m slackemu.Message) bool { return m.Ephemeral && m.VisibleTo == "U0BOB" })
		if err != nil {
			t.Fatal(err)
		}
		if bj := jsonText(eph.Blocks); !strings.Contains(bj, "Share in channel") || !strings.Contains(bj, "Secret rotation") {
			t.Errorf("ephemeral answer: %s", bj)
		}
		click, err := emu.ClickButton("U0BOB", "", eph, "kb_share", "")
		if err != nil {
			t.Fatal(err)
		}
		shared := e.reply(t, "C0GENERAL", "")
		if bj := jsonText(shared.Params["blocks"]); !strings.Contains(bj, "<@U0BOB> shared an answer") || !strings.Contains(bj, "Secret rotation") {
			t.Errorf("shared message: %s", bj)
		}
		e.handled(t, click.EnvelopeID)
		if m, _ := emu.Message("C0GENERAL", eph.TS); !m.Deleted {
			t.Error("the ephemeral copy was not removed after sharing")
		}
	})

	slash := func(t *testing.T, user, text string) (slackemu.Command, string) {
		t.Helper()
		cmd, err := emu.SlashCommand("/kb", text, user, "C0GENERAL")
		if err != nil {
			t.Fatal(err)
		}
		ln := e.handled(t, cmd.EnvelopeID)
		var texts []string
		for _, c := range e.responses(cmd.ID) {
			texts = append(texts, s(c.Params["text"])+jsonText(c.Params["blocks"]))
		}
		return cmd, s(ln["outcome"]) + "\n" + strings.Join(texts, "\n")
	}
	t.Run("/kb topics", func(t *testing.T) {
		_, got := slash(t, "U0BOB", "topics")
		for _, want := range []string{"topics\n", "What I know about", "4 articles under 2 headings", "*security* (2)\\nSecret rotation · TLS certificates", "*other* (2)"} {
			if !strings.Contains(got, want) {
				t.Errorf("reply lacks %q:\n%s", want, got)
			}
		}
	})
	t.Run("/kb topics NAME", func(t *testing.T) {
		_, got := slash(t, "U0BOB", "topics Secret")
		for _, want := range []string{"topics\n", "*secrets*: 1 article", "• Secret rotation: replacing API keys and passwords"} {
			if !strings.Contains(got, want) {
				t.Errorf("reply lacks %q:\n%s", want, got)
			}
		}
	})
	t.Run("/kb help", func(t *testing.T) {
		_, got := slash(t, "U0BOB", "help")
		for _, want := range []string{"help\n", "How to ask", "/kb topics", "<@U0BOT>"} {
			if !strings.Contains(got, want) {
				t.Errorf("reply lacks %q:\n%s", want, got)
			}
		}
	})
	t.Run("non-admin /kb reindex is refused", func(t *testing.T) {
		_, got := slash(t, "U0BOB", "reindex")
		if !strings.HasPrefix(got, "refused\n") || !strings.Contains(got, "only for kbbot admins") {
			t.Errorf("reply:\n%s", got)
		}
		if strings.Contains(bot.logs.String(), "reindexed on request") {
			t.Error("a non-admin's reindex ran")
		}
	})
	t.Run("admin /kb reindex reports", func(t *testing.T) {
		_, got := slash(t, "U0ALICE", "reindex")
		if !strings.HasPrefix(got, "reindexed\n") || !strings.Contains(got, "Reindexing the knowledge base") || !strings.Contains(got, "4 articles") {
			t.Errorf("reply:\n%s", got)
		}
	})

	t.Run("feedback button is acked, logged and acknowledged in the message", func(t *testing.T) {
		msgs := emu.Messages("C0GENERAL")
		i := slices.IndexFunc(msgs, func(m slackemu.Message) bool { return m.ThreadTS == answer.TS && m.BotID != "" })
		if i < 0 {
			t.Fatal("no answer to click on")
		}
		click, err := emu.ClickButton("U0BOB", "", msgs[i], "kb_feedback_up", "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := emu.WaitForAck(e.ctx(t), func(a slackemu.Ack) bool { return a.EnvelopeID == click.EnvelopeID }); err != nil {
			t.Fatal(err)
		}
		up := e.waitCall(t, func(c slackemu.Call) bool { return c.Method == "chat.update" && s(c.Params["ts"]) == msgs[i].TS })
		if bj := jsonText(up.Params["blocks"]); !strings.Contains(bj, "Thanks for the feedback, <@U0BOB>") || !strings.Contains(bj, "kb_feedback_up") {
			// the buttons stay for everyone else
			t.Errorf("updated message: %s", bj)
		}
		e.waitLog(t, func(ln map[string]any) bool { return s(ln["message"]) == "feedback" && s(ln["rating"]) == "helpful" })
		if ln := e.handled(t, click.EnvelopeID); s(ln["outcome"]) != "helpful" {
			t.Errorf("log %v", ln)
		}
	})

	t.Run("App Home is published", func(t *testing.T) {
		ev, err := emu.AppHomeOpened("U0ALICE")
		if err != nil {
			t.Fatal(err)
		}
		c := e.waitCall(t, func(c slackemu.Call) bool { return c.Method == "views.publish" && s(c.Params["user_id"]) == "U0ALICE" })
		if c.Error != "" {
			t.Fatalf("views.publish failed: %s", c.Error)
		}
		home := jsonText(emu.HomeView("U0ALICE"))
		for _, want := range []string{"4 articles", "security", "How to ask", "Try asking"} {
			if !strings.Contains(home, want) {
				t.Errorf("home view lacks %q: %s", want, home)
			}
		}
		e.handled(t, ev.EventID)
	})

	t.Run("429 on chat.postMessage: the answer arrives after Retry-After", func(t *testing.T) {
		emu.InjectFault("chat.postMessage", slackemu.Fault{Status: 429, RetryAfter: time.Second})
		ev := e.mention(t, "C0GENERAL", "what is a database index", "")
		ok := e.reply(t, "C0GENERAL", ev.TS)
		var limited []slackemu.Call
		for _, c := range emu.CallsTo("chat.postMessage") {
			if s(c.Params["thread_ts"]) == ev.TS && c.Status == 429 {
				limited = append(limited, c)
			}
		}
		if len(limited) != 1 {
			t.Fatalf("%d rate-limited calls, want 1", len(limited))
		}
		if wait := ok.At.Sub(limited[0].At); wait < 900*time.Millisecond {
			t.Errorf("retried after %v, want Retry-After (1s)", wait)
		}
		e.waitLog(t, func(ln map[string]any) bool {
			return s(ln["error_code"]) == "ratelimited" && s(ln["method"]) == "chat.postMessage"
		})
	})

	t.Run("invalid_blocks falls back to plain text", func(t *testing.T) {
		emu.InjectFault("chat.postMessage", slackemu.Fault{Error: "invalid_blocks"})
		ev := e.mention(t, "C0GENERAL", "how do I stop TLS certificates from expiring", "")
		c := e.reply(t, "C0GENERAL", ev.TS)
		if c.Params["blocks"] != nil {
			t.Errorf("fallback still has blocks: %s", jsonText(c.Params["blocks"]))
		}
		if txt := s(c.Params["text"]); !strings.Contains(txt, "TLS certificates") || !strings.Contains(txt, "certbot") {
			t.Errorf("fallback text %q", txt)
		}
		e.waitLog(t, func(ln map[string]any) bool { return strings.Contains(s(ln["message"]), "sending plain text") })
	})

	if mode == config.ModeSocket {
		socketE2E(t, e)
	}

	t.Run("an article with <!channel> arrives escaped", func(t *testing.T) {
		ev := e.mention(t, "C0GENERAL", "should I ping the whole channel during an incident", "")
		c := e.reply(t, "C0GENERAL", ev.TS)
		all := jsonText(c.Params["blocks"]) + s(c.Params["text"])
		for _, want := range []string{"&lt;!channel&gt;", "&lt;!here&gt;", "&lt;script&gt;", "&amp;"} {
			if !strings.Contains(all, want) {
				t.Errorf("reply lacks %q: %s", want, all)
			}
		}
		for _, bad := range []string{"<!channel>", "<!here>", "<script>"} {
			if strings.Contains(all, bad) {
				t.Errorf("reply carries a live %q: %s", bad, all)
			}
		}
	})

	t.Run("readiness and metrics", func(t *testing.T) {
		ln := e.waitLog(t, func(ln map[string]any) bool { return s(ln["component"]) == "health" && s(ln["addr"]) != "" })
		base := "http://" + s(ln["addr"])
		for path, want := range map[string]string{"/readyz": "ready", "/metrics": "kbbot_"} {
			resp, err := http.Get(base + path)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || !strings.Contains(string(body), want) {
				t.Errorf("GET %s: %d %.200q, want 200 and %q", path, resp.StatusCode, body, want)
			}
		}
	})

	t.Run("every envelope was acked in time", func(t *testing.T) {
		for _, p := range emu.Problems() {
			switch p.Kind {
			case "ack_timeout", "late_ack", "operation_timeout", "unknown_envelope", "duplicate_ack", "ack_too_large":
				t.Errorf("emulator problem: %+v", p)
			}
		}
	})

	if mode == config.ModeHTTP {
		httpE2E(t, e) // http_e2e_test.go
	}

	t.Run("SIGTERM stops it cleanly", func(t *testing.T) {
		stop := bot.stop
		if mode == config.ModeHTTP {
			stop = func(d time.Duration) error { return httpDrain(t, e, d) } // http_e2e_test.go
		}
		if err := stop(15 * time.Second); err != nil {
			t.Fatalf("exit: %v", err)
		}
		if !strings.Contains(bot.logs.String(), `"message":"stopped"`) {
			t.Error("no 'stopped' log line")
		}
		for _, tok := range []string{emu.Options().BotToken, emu.Options().AppToken, emu.Options().SigningSecret} {
			if strings.Contains(bot.logs.String(), tok) {
				t.Errorf("a token appears in the log")
			}
		}
	})
}

// socketE2E: what only Socket Mode has, a socket that drops or is refreshed.
func socketE2E(t *testing.T, e *e2e) {
	emu := e.emu
	t.Run("socket dropped: reconnects and answers", func(t *testing.T) {
		n := emu.ConnectCount()
		emu.DropConnections()
		if err := emu.WaitForConnectCount(e.ctx(t), n+1); err != nil {
			t.Fatal(err)
		}
		ev := e.mention(t, "C0GENERAL", "what is a database index", "")
		e.reply(t, "C0GENERAL", ev.TS)
	})

	t.Run("disconnect refresh_requested: reconnects and answers", func(t *testing.T) {
		n := emu.ConnectCount()
		emu.Disconnect("refresh_requested")
		if err := emu.WaitForConnectCount(e.ctx(t), n+1); err != nil {
			t.Fatal(err)
		}
		ev := e.mention(t, "C0GENERAL", "how do I rotate a leaked API key", "")
		e.reply(t, "C0GENERAL", ev.TS)
		e.waitLog(t, func(ln map[string]any) bool { return s(ln["message"]) == "reconnected to slack" })
	})
}

// TestServeConfigErrors: bad tokens stop serve with a message that names
// the variable, before anything connects.
func TestServeConfigErrors(t *testing.T) {
	emu := slackemu.New(slackemu.Options{})
	if err := emu.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer emu.Close()
	tests := []struct {
		name  string
		env   []string
		wants []string
	}{
		{"missing bot token", []string{"SLACK_BOT_TOKEN="}, []string{"SLACK_BOT_TOKEN: not set", "OAuth & Permissions"}},
		{"malformed app token", []string{"SLACK_APP_TOKEN=xoxb-not-an-app-token"}, []string{"SLACK_APP_TOKEN: must start with xapp-", "connections:write"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// Later entries win in os/exec, so tc.env overrides the tokens.
			cmd := exec.Command(kbbotBin, "serve")
			cmd.Env = botEnv(t, emu, tc.env...)
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() == 0 {
				t.Fatalf("exit: %v, want a non-zero status\n%s", err, out)
			}
			for _, want := range tc.wants {
				if !strings.Contains(string(out), want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
			if n := len(emu.Calls()); n != 0 {
				t.Errorf("%d Slack calls before the config was valid", n)
			}
		})
	}
}

// BenchmarkServe pushes b.N questions through the emulator, from many
// channels at once, into the real `kbbot serve` (real search index), and
// reports sustained questions/s, ack latency and question-to-answer latency
// percentiles, and events lost (which must be 0). "rate=300" offers 300
// questions/s, paced, over Socket Mode; "burst" offers them all at once, for
// the ceiling; "http/replicas=3/rate=300" offers 300/s to three HTTP-mode
// replicas on one PostgreSQL behind a reverse proxy (httputil.ReverseProxy,
// as a load balancer would be). For stable figures run a fixed count:
//
//	go test -run '^$' -bench Serve -benchtime 3000x ./cmd/kbbot
func BenchmarkServe(b *testing.B) {
	b.Run("rate=300", func(b *testing.B) { benchServe(b, 300, config.ModeSocket, 1) })
	b.Run("burst", func(b *testing.B) { benchServe(b, 0, config.ModeSocket, 1) })
	b.Run("http/replicas=3/rate=300", func(b *testing.B) { benchServe(b, 300, config.ModeHTTP, 3) })
}

func benchServe(b *testing.B, rate int, mode string, replicas int) {
	const channels, producers = 200, 32
	emu := slackemu.New(slackemu.Options{})
	if err := emu.Start("127.0.0.1:0"); err != nil {
		b.Fatal(err)
	}
	defer emu.Close()
	for i := range channels {
		emu.AddChannel(slackemu.Channel{ID: fmt.Sprintf("C0LOAD%03d", i), Name: fmt.Sprintf("load-%03d", i)})
	}
	env := botEnv(b, emu, append([]string{"LOG_LEVEL=info"}, modeEnv(emu, mode)...)...)
	if replicas > 1 {
		env = append(env, "DATABASE_URL="+storetest.Postgres(b).URL) // once-only across replicas
	}
	var bots []*botProc
	var backends []string
	for range replicas {
		bot := startBot(b, emu, slices.Clone(env))
		bots = append(bots, bot)
		backends = append(backends, emu.RequestURL()) // "" in Socket Mode
	}
	defer func() {
		for _, bot := range bots {
			if err := bot.stop(15 * time.Second); err != nil {
				b.Errorf("stop: %v", err)
			}
		}
	}()
	if mode == config.ModeHTTP {
		emu.SetRequestURL(roundRobinProxy(b, backends))
	}
	questions := []string{
		"how do I rotate a leaked API key?", "what is a database index", "when should I add an index",
		"how do I stop TLS certificates from expiring", "how often should secrets be rotated",
		"should I ping the whole channel during an incident", "purple elephants dancing",
	}

	// Count the bots' "handled" lines as they come, to know when they are done.
	var handled atomic.Int64
	allHandled := make(chan struct{})
	var once sync.Once
	countCtx, stopCounting := context.WithCancel(context.Background())
	defer stopCounting()
	for _, bot := range bots {
		go func() {
			_, _ = bot.logs.wait(countCtx, func(ln map[string]any) bool {
				if s(ln["message"]) == "handled" && handled.Add(1) >= int64(b.N) {
					once.Do(func() { close(allHandled) })
					return true
				}
				return false
			})
		}()
	}

	sent := make([]time.Time, b.N)
	events := make([]slackemu.Event, b.N)
	todo := make(chan int, producers)
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for range producers {
		wg.Go(func() {
			for n := range todo {
				sent[n] = time.Now()
				ev, err := emu.Mention(fmt.Sprintf("C0LOAD%03d", n%channels), "U0ALICE", "<@U0BOT> "+questions[n%len(questions)], "")
				if err != nil {
					b.Error(err)
					continue
				}
				events[n] = ev
			}
		})
	}
	var tick *time.Ticker
	if rate > 0 {
		tick = time.NewTicker(time.Second / time.Duration(rate))
	}
	for n := range b.N {
		if tick != nil {
			<-tick.C // pacing the offered load, not synchronisation
		}
		todo <- n
	}
	if tick != nil {
		tick.Stop()
	}
	close(todo)
	wg.Wait()
	select {
	case <-allHandled:
	case <-time.After(60*time.Second + time.Duration(b.N)*10*time.Millisecond):
		b.Errorf("timed out waiting for answers")
	}
	b.StopTimer()

	// Match answers (by channel and thread) and acks (by event id) to questions.
	type key struct{ channel, ts string }
	idx := make(map[key]int, b.N)
	byEvent := make(map[string]int, b.N)
	for n, ev := range events {
		idx[key{ev.Channel, ev.TS}] = n
		byEvent[ev.EventID] = n
	}
	answers := make([]int, b.N)
	var toAnswer []time.Duration
	last := start
	for _, c := range emu.CallsTo("chat.postMessage") {
		n, ok := idx[key{s(c.Params["channel"]), s(c.Params["thread_ts"])}]
		if !ok || c.Error != "" {
			continue
		}
		answers[n]++
		if answers[n] == 1 {
			toAnswer = append(toAnswer, c.At.Sub(sent[n]))
			if c.At.After(last) {
				last = c.At
			}
		}
	}
	var acks []time.Duration // over HTTP: from sending the request to its response, through the proxy
	for _, a := range emu.Acks() {
		if _, ok := byEvent[a.EventID]; ok && a.Attempt == 0 {
			acks = append(acks, a.Latency)
		}
	}
	lost, dup := 0, 0
	for _, n := range answers {
		switch {
		case n == 0:
			lost++
		case n > 1:
			dup++
		}
	}
	b.ReportMetric(float64(b.N-lost)/last.Sub(start).Seconds(), "questions/s")
	b.ReportMetric(ms(percentile(acks, 50)), "ack-p50-ms")
	b.ReportMetric(ms(percentile(acks, 99)), "ack-p99-ms")
	b.ReportMetric(ms(percentile(toAnswer, 50)), "answer-p50-ms")
	b.ReportMetric(ms(percentile(toAnswer, 99)), "answer-p99-ms")
	b.ReportMetric(float64(lost), "lost")
	b.ReportMetric(float64(dup), "duplicated")
	if lost > 0 || dup > 0 {
		b.Errorf("%d questions lost, %d answered twice (of %d)", lost, dup, b.N)
	}
	// Events the bot had no room for are left unacked on purpose, for Slack
	// to redeliver; count them rather than hide them.
	timeouts := 0
	for _, p := range emu.Problems() {
		if p.Kind == "ack_timeout" || p.Kind == "late_ack" {
			timeouts++
		}
	}
	b.ReportMetric(float64(timeouts), "ack-timeouts")
}

// roundRobinProxy starts a reverse proxy (httputil.ReverseProxy, as a load
// balancer would be) that sends each request to the next of backends, and
// returns its URL.
func roundRobinProxy(tb testing.TB, backends []string) string {
	tb.Helper()
	var targets []*url.URL
	for _, be := range backends {
		u, err := url.Parse(be)
		if err != nil || be == "" {
			tb.Fatalf("backend %q: %v", be, err)
		}
		targets = append(targets, u)
	}
	var next atomic.Uint64
	proxy := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(targets[next.Add(1)%uint64(len(targets))])
			r.Out.Host = r.In.Host
		},
		Transport: &http.Transport{MaxIdleConnsPerHost: 64, IdleConnTimeout: 30 * time.Second},
	}
	srv := httptest.NewServer(proxy)
	tb.Cleanup(srv.Close)
	return srv.URL
}

func percentile(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// TestSlackManifest keeps the app manifests in step with what serve needs:
// deploy/slack-app-manifest.yaml for Socket Mode and
// deploy/slack-app-manifest-http.yaml for HTTP mode (request URLs on
// https, the paths the bot serves), each with the events and scopes it
// handles, the default slash command, interactivity and the App Home tabs.
func TestSlackManifest(t *testing.T) {
	for _, tc := range []struct{ file, mode string }{
		{"slack-app-manifest.yaml", config.ModeSocket},
		{"slack-app-manifest-http.yaml", config.ModeHTTP},
	} {
		t.Run(tc.file, func(t *testing.T) { testSlackManifest(t, tc.file, tc.mode) })
	}
}

func testSlackManifest(t *testing.T, file, mode string) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "deploy", file))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Features struct {
			AppHome struct {
				Home     bool `yaml:"home_tab_enabled"`
				Messages bool `yaml:"messages_tab_enabled"`
				ReadOnly bool `yaml:"messages_tab_read_only_enabled"`
			} `yaml:"app_home"`
			SlashCommands []struct {
				Command string `yaml:"command"`
				URL     string `yaml:"url"`
			} `yaml:"slash_commands"`
			Shortcuts []struct {
				Type       string `yaml:"type"`
				CallbackID string `yaml:"callback_id"`
			} `yaml:"shortcuts"`
		} `yaml:"features"`
		OAuth struct {
			Scopes struct {
				Bot []string `yaml:"bot"`
			} `yaml:"scopes"`
		} `yaml:"oauth_config"`
		Settings struct {
			Events struct {
				URL string   `yaml:"request_url"`
				Bot []string `yaml:"bot_events"`
			} `yaml:"event_subscriptions"`
			Interactivity struct {
				Enabled bool   `yaml:"is_enabled"`
				URL     string `yaml:"request_url"`
			} `yaml:"interactivity"`
			SocketMode bool `yaml:"socket_mode_enabled"`
		} `yaml:"settings"`
	}
	if err := yaml.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	if m.Settings.SocketMode != (mode == config.ModeSocket) || !m.Settings.Interactivity.Enabled {
		t.Errorf("socket mode %v, interactivity %v: want socket mode %v, interactivity on", m.Settings.SocketMode, m.Settings.Interactivity.Enabled, mode == config.ModeSocket)
	}
	urls := map[string]string{slackbot.PathEvents: m.Settings.Events.URL, slackbot.PathInteractive: m.Settings.Interactivity.URL}
	if len(m.Features.SlashCommands) == 1 {
		urls[slackbot.PathCommands] = m.Features.SlashCommands[0].URL
	}
	for path, u := range urls {
		switch {
		case mode == config.ModeSocket && u != "":
			t.Errorf("request URL %q in the Socket Mode manifest", u)
		case mode == config.ModeHTTP && (!strings.HasPrefix(u, "https://") || !strings.HasSuffix(u, path)):
			t.Errorf("request URL %q, want https://.../%s (Slack posts only to https; the bot serves %s)", u, strings.TrimPrefix(path, "/"), path)
		}
	}
	if a := m.Features.AppHome; !a.Home || !a.Messages || a.ReadOnly {
		t.Errorf("app home %+v: want the Home tab and a writable Messages tab", a)
	}
	if len(m.Features.SlashCommands) != 1 || m.Features.SlashCommands[0].Command != config.Defaults["SLASH_COMMAND"] {
		t.Errorf("slash commands %+v, want %s", m.Features.SlashCommands, config.Defaults["SLASH_COMMAND"])
	}
	if sc := m.Features.Shortcuts; len(sc) != 1 || sc[0].Type != "message" || sc[0].CallbackID != slackbot.ShortcutCallbackID {
		t.Errorf("shortcuts %+v, want the message shortcut %s", sc, slackbot.ShortcutCallbackID)
	}
	for _, want := range []string{"app_mentions:read", "chat:write", "im:history", "im:read", "im:write", "commands", "users:read",
		"channels:history", "groups:history", "mpim:history", "channels:read", "groups:read"} {
		if !slices.Contains(m.OAuth.Scopes.Bot, want) {
			t.Errorf("bot scopes %v lack %s", m.OAuth.Scopes.Bot, want)
		}
	}
	for _, want := range []string{"app_mention", "message.im", "app_home_opened", "message.channels", "message.groups"} {
		if !slices.Contains(m.Settings.Events.Bot, want) {
			t.Errorf("bot events %v lack %s", m.Settings.Events.Bot, want)
		}
	}
}

// TestKubernetesHTTPOverlay checks that deploy/kubernetes/http fits
// together: http mode on the port the Service and Ingress route to, the
// signing secret and DATABASE_URL from a Secret the Deployment reads, TLS
// on the Ingress, and an autoscaler aimed at the Deployment.
func TestKubernetesHTTPOverlay(t *testing.T) {
	dir := filepath.Join("..", "..", "deploy", "kubernetes", "http")
	docs := map[string]map[string]any{} // kind -> the overlay's object of that kind
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, ent := range entries {
		raw, err := os.ReadFile(filepath.Join(dir, ent.Name()))
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := yaml.Unmarshal(raw, &m); err != nil {
			t.Fatalf("%s: %v", ent.Name(), err)
		}
		docs[s(m["kind"])] = m
	}
	get := func(m any, path ...any) any {
		for _, p := range path {
			switch k := p.(type) {
			case string:
				mm, _ := m.(map[string]any)
				m = mm[k]
			case int:
				l, _ := m.([]any)
				if k >= len(l) {
					return nil
				}
				m = l[k]
			}
		}
		return m
	}
	var res []string
	for _, r := range get(docs["Kustomization"], "resources").([]any) {
		res = append(res, s(r))
	}
	for _, want := range []string{"../base", "service.yaml", "ingress.yaml", "hpa.yaml", "secret-http.yaml"} {
		if !slices.Contains(res, want) {
			t.Errorf("kustomization resources %v lack %s", res, want)
		}
	}
	cm := docs["ConfigMap"]
	if get(cm, "data", "SLACK_MODE") != "http" || !strings.HasSuffix(s(get(cm, "data", "SLACK_HTTP_ADDR")), ":3000") {
		t.Errorf("config patch %v: want SLACK_MODE http on :3000", get(cm, "data"))
	}
	sec := docs["Secret"]
	for _, k := range []string{"SLACK_SIGNING_SECRET", "DATABASE_URL"} {
		if get(sec, "stringData", k) == nil {
			t.Errorf("secret %s lacks %s", get(sec, "metadata", "name"), k)
		}
	}
	ctr := get(docs["Deployment"], "spec", "template", "spec", "containers", 0)
	reads := false
	for _, ef := range get(ctr, "envFrom").([]any) {
		reads = reads || get(ef, "secretRef", "name") == get(sec, "metadata", "name")
	}
	if !reads {
		t.Errorf("the Deployment does not read the secret %v", get(sec, "metadata", "name"))
	}
	slackPort := false
	for _, p := range get(ctr, "ports").([]any) {
		slackPort = slackPort || (get(p, "name") == "slack" && get(p, "containerPort") == 3000)
	}
	if !slackPort || get(docs["Service"], "spec", "ports", 0, "targetPort") != "slack" {
		t.Errorf("container ports %v, service ports %v: want port slack (3000) behind the Service", get(ctr, "ports"), get(docs["Service"], "spec", "ports"))
	}
	ing := docs["Ingress"]
	if get(ing, "spec", "tls", 0, "secretName") == nil || get(ing, "spec", "rules", 0, "http", "paths", 0, "path") != "/slack/" ||
		get(ing, "spec", "rules", 0, "http", "paths", 0, "backend", "service", "name") != get(docs["Service"], "metadata", "name") {
		t.Errorf("ingress %v: want TLS and /slack/ to the Service", get(ing, "spec"))
	}
	if get(docs["HorizontalPodAutoscaler"], "spec", "scaleTargetRef", "name") != get(docs["Deployment"], "metadata", "name") {
		t.Errorf("autoscaler target %v", get(docs["HorizontalPodAutoscaler"], "spec", "scaleTargetRef"))
	}
}
