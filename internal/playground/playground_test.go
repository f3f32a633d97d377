package playground

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/kbbot/kbbot/internal/slackemu"
)

// newTestPlayground serves a playground over an emulator with no bot
// connected: what the page sends is queued in the emulator, where the test
// can look at it.
func newTestPlayground(t *testing.T, knowledgeDir string) (*slackemu.Server, *httptest.Server) {
	t.Helper()
	emu := slackemu.New(slackemu.Options{})
	if err := emu.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = emu.Close() })
	p, err := New(Options{Emulator: emu, KnowledgeDir: knowledgeDir, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(p.Handler())
	t.Cleanup(srv.Close)
	return emu, srv
}

func postJSON(t *testing.T, url, body string, header ...string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	if h := req.Header.Get("Host"); h != "" {
		req.Host = h
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out
}

func TestSendBecomesSlackEvents(t *testing.T) {
	emu, srv := newTestPlayground(t, "")

	status, out := postJSON(t, srv.URL+"/api/send", `{"channel":"C0GENERAL","text":"@kbbot what is <b>&co?"}`)
	if status != http.StatusOK {
		t.Fatalf("mention: status %d %v", status, out)
	}
	msgs := emu.Messages("C0GENERAL")
	if len(msgs) != 1 {
		t.Fatalf("got %d messages in #general, want 1", len(msgs))
	}
	if got, want := msgs[0].Text, "<@U0BOT> what is &lt;b&gt;&amp;co?"; got != want {
		t.Errorf("mention text: got %q, want %q (escaped as a Slack client sends it)", got, want)
	}
	if msgs[0].User != "U0ALICE" {
		t.Errorf("mention user: got %s, want U0ALICE", msgs[0].User)
	}
	if out["thread_ts"] != msgs[0].TS {
		t.Errorf("a mention is answered in its own thread: got thread_ts %v, want %s", out["thread_ts"], msgs[0].TS)
	}

	status, out = postJSON(t, srv.URL+"/api/send", `{"channel":"D0ALICE","text":"how do I cache?"}`)
	if status != http.StatusOK {
		t.Fatalf("dm: status %d %v", status, out)
	}
	if dms := emu.Messages("D0ALICE"); len(dms) != 1 || dms[0].Text != "how do I cache?" {
		t.Errorf("dm: got %+v", dms)
	}

	status, out = postJSON(t, srv.URL+"/api/send", `{"channel":"D0ALICE","text":"/kb topics"}`)
	if status != http.StatusOK || out["command"] != "/kb" {
		t.Errorf("slash command: status %d %v", status, out)
	}

	refused := []struct {
		name, body string
		status     int
		says       string
	}{
		{"channel message without a mention", `{"channel":"C0GENERAL","text":"hello all"}`, 400, "only hears messages that mention it"},
		{"another command", `{"channel":"C0GENERAL","text":"/giphy cats"}`, 400, "not a command here"},
		{"unknown channel", `{"channel":"C0SECRET","text":"@kbbot hi"}`, 400, "Unknown conversation"},
		{"empty", `{"channel":"C0GENERAL","text":"  "}`, 400, "Type a message"},
		{"unknown field", `{"channel":"C0GENERAL","text":"x","user":"U0BOB"}`, 400, "unknown field"},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			status, out := postJSON(t, srv.URL+"/api/send", tc.body)
			msg, _ := out["error"].(string)
			if status != tc.status || !strings.Contains(msg, tc.says) {
				t.Errorf("got %d %q, want %d and a message with %q", status, msg, tc.status, tc.says)
			}
		})
	}
}

func TestGuard(t *testing.T) {
	_, srv := newTestPlayground(t, "")
	body := `{"channel":"D0ALICE","text":"hi"}`
	tests := []struct {
		name   string
		header []string
		want   int
	}{
		{"same origin", []string{"Origin", srv.URL}, 200},
		{"cross origin", []string{"Origin", "https://evil.example"}, 403},
		{"form post", []string{"Content-Type", "application/x-www-form-urlencoded"}, 415},
		{"rebound host name", []string{"Host", "evil.example:3000"}, 421},
		{"localhost", []string{"Host", "localhost:3000", "Origin", "http://localhost:3000"}, 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if status, out := postJSON(t, srv.URL+"/api/send", body, tc.header...); status != tc.want {
				t.Errorf("got %d %v, want %d", status, out, tc.want)
			}
		})
	}
	res, err := http.Get(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("page CSP: got %q", csp)
	}
}

// sseEvent reads the next server-sent event.
func sseEvent(t *testing.T, r *bufio.Reader) (string, map[string]any) {
	t.Helper()
	var name string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("read event stream: %v", err)
		}
		line = strings.TrimRight(line, "\n")
		switch {
		case strings.HasPrefix(line, "event: "):
			name = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			var v map[string]any
			if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &v); err != nil {
				t.Fatalf("event %s: %v", name, err)
			}
			return name, v
		}
	}
}

func TestEventStream(t *testing.T) {
	emu, srv := newTestPlayground(t, "")
	if _, err := emu.Mention("C0GENERAL", "U0ALICE", "<@U0BOT> first", ""); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/events", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %q", ct)
	}
	r := bufio.NewReader(res.Body)

	name, ws := sseEvent(t, r)
	if name != "workspace" {
		t.Fatalf("first event: got %s, want workspace", name)
	}
	msgs, _ := ws["messages"].([]any)
	if len(msgs) != 1 || !strings.Contains(msgs[0].(map[string]any)["html"].(string), `<span class="mention">@kbbot</span> first`) {
		t.Errorf("workspace messages: got %v", msgs)
	}

	// A bot reply and an ephemeral for someone else: only the first shows.
	if _, err := emu.Mention("C0GENERAL", "U0BOB", "<@U0BOT> from bob &lt;script&gt;", ""); err != nil {
		t.Fatal(err)
	}
	name, m := sseEvent(t, r)
	if name != "message" || m["author"] != "Bob Builder" || m["user"] != "U0BOB" {
		t.Fatalf("got %s %v, want bob's message", name, m)
	}
	if h := m["html"].(string); strings.Contains(h, "<script") || !strings.Contains(h, "&lt;script&gt;") {
		t.Errorf("html: got %s", h)
	}
}

func TestArticles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("caching.md", "---\ntitle: Caching <b>now</b>\ntags: [perf]\n---\n\nIntro <script>alert(1)</script> text.\n\n"+
		"## Cache TTLs & you\n\nSet a TTL. [click](javascript:alert(1)) and [other](queues.md).\n")
	write("hostile.txt", "Paging <!channel> <script>alert(1)</script>\n\nNever write <!channel>; <img src=x onerror=alert(1)> is text.\n")
	write(".hidden/secret.md", "# Secret\n\nno\n")
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "out.md"), []byte("# Outside\n\nsecret\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "out.md"), filepath.Join(dir, "link.md")); err != nil {
		t.Fatal(err)
	}
	_, srv := newTestPlayground(t, dir)

	get := func(path string) (int, string) {
		t.Helper()
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}

	status, body := get("/kb/caching.md")
	if status != 200 {
		t.Fatalf("caching.md: status %d", status)
	}
	for _, want := range []string{`<h1>Caching &lt;b&gt;now&lt;/b&gt;</h1>`, `<h2 id="cache-ttls--you">`, `href="queues.md"`, "Tags: perf"} {
		if !strings.Contains(body, want) {
			t.Errorf("caching.md lacks %q:\n%s", want, body)
		}
	}
	for _, bad := range []string{"<script", "javascript:"} {
		if strings.Contains(body, bad) {
			t.Errorf("caching.md contains %q:\n%s", bad, body)
		}
	}

	status, body = get("/kb/hostile.txt")
	if status != 200 || strings.Contains(body, "<script") || strings.Contains(body, "<img") ||
		!strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") || !strings.Contains(body, "&lt;!channel&gt;") {
		t.Errorf("hostile.txt: status %d, body:\n%s", status, body)
	}

	status, body = get("/kb/")
	if status != 200 || !strings.Contains(body, `href="/kb/caching.md"`) || strings.Contains(body, "secret") {
		t.Errorf("index: status %d, body:\n%s", status, body)
	}

	for _, p := range []string{"/kb/.hidden/secret.md", "/kb/link.md", "/kb/missing.md", "/kb/%2e%2e/etc/passwd.md", "/kb/caching.go"} {
		if status, _ := get(p); status != http.StatusNotFound {
			t.Errorf("%s: got status %d, want 404", p, status)
		}
	}
}

// TestHelpChannelAndShortcut: the help channel is in the sidebar and takes
// questions without a mention, as message events; "Ask kbbot" in a
// message's menu sends the message shortcut for that message.
func TestHelpChannelAndShortcut(t *testing.T) {
	emu := slackemu.New(slackemu.Options{})
	emu.AddChannel(slackemu.Channel{ID: "C0HELP", Name: "help-backend"})
	if err := emu.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = emu.Close() })
	if _, err := New(Options{Emulator: emu, HelpChannel: "C0GENERAL", Logger: zerolog.Nop()}); err == nil {
		t.Error("the shown channel as help channel: got no error")
	}
	p, err := New(Options{Emulator: emu, HelpChannel: "C0HELP", Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(p.Handler())
	t.Cleanup(srv.Close)

	ws := p.workspace()
	var names []string
	for _, c := range ws.Channels {
		names = append(names, c.Name+map[bool]string{true: "(help)"}[c.Help])
	}
	if got := strings.Join(names, " "); got != "general help-backend(help) kbbot" || ws.Shortcut != "Ask kbbot" {
		t.Errorf("sidebar: got %q and shortcut %q, want general, help-backend (help), kbbot and Ask kbbot", got, ws.Shortcut)
	}

	status, out := postJSON(t, srv.URL+"/api/send", `{"channel":"C0HELP","text":"how do I cache API responses?"}`)
	if status != http.StatusOK || out["thread_ts"] != "" {
		t.Fatalf("help channel question: status %d %v, want 200 and no thread opened", status, out)
	}
	msgs := emu.Messages("C0HELP")
	if len(msgs) != 1 || msgs[0].Text != "how do I cache API responses?" || msgs[0].User != "U0ALICE" {
		t.Fatalf("help channel: got %+v", msgs)
	}

	// No bot is connected: what the page sends waits in the emulator's queue.
	if n := emu.Queued(); n != 1 {
		t.Errorf("%d envelopes queued after the question, want its message event", n)
	}
	status, out = postJSON(t, srv.URL+"/api/shortcut", `{"channel":"C0HELP","ts":"`+msgs[0].TS+`"}`)
	if status != http.StatusOK {
		t.Errorf("shortcut: status %d %v", status, out)
	}
	if n := emu.Queued(); n != 2 {
		t.Errorf("%d envelopes queued after the shortcut, want 2", n)
	}
	for _, tc := range []struct{ body, says string }{
		{`{"channel":"C0HELP","ts":"1.000"}`, "gone"},
		{`{"channel":"C0SECRET","ts":"` + msgs[0].TS + `"}`, "gone"},
	} {
		status, out := postJSON(t, srv.URL+"/api/shortcut", tc.body)
		if msg, _ := out["error"].(string); status != http.StatusNotFound || !strings.Contains(msg, tc.says) {
			t.Errorf("shortcut %s: got %d %v, want 404", tc.body, status, out)
		}
	}
}
