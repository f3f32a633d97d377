package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/page"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/kbbot/kbbot/internal/slackemu"
)

// pgHostileArticle is a knowledge article written to break a careless
// renderer: markup, a script, Slack's <!channel> and a Slack link.
const pgHostileArticle = "Quokka paging etiquette <script>alert(1)</script>\n\n" +
	"Quokka pages must never use <!channel> or <!here>: <script>alert(1)</script> and " +
	"<img src=x onerror=alert(1)> are plain text here, and so is <https://evil.example|click me>.\n"

// TestPlaygroundInBrowser runs `kbbot playground` (emulator, the real bot,
// the page) and drives the page in headless Chromium as a newcomer would:
// a mention answered in a thread with a working source link, a feedback
// click, /kb topics, "Share in channel", a DM, a hostile article and
// question, the help channel answering unasked, "Ask kbbot" in a message's
// menu, the App Home tab with the admins' gap report, and an article page
// opened from an answer at its section.
func TestPlaygroundInBrowser(t *testing.T) {
	chrome := pgChromium(t)
	knowledgeDir := pgKnowledge(t)
	pageURL := pgStart(t, map[string]string{
		"KNOWLEDGE_DIR": knowledgeDir,
		"INDEX_DIR":     filepath.Join(t.TempDir(), "index"),
	})
	b := pgBrowse(t, chrome)
	b.do(t, chromedp.EmulateViewport(1280, 800), chromedp.Navigate(pageURL))
	b.waitJS(t, "the bot to connect", `document.body.dataset.connected === "true"`)

	// 1. A mention in #general is answered in a thread, which opens beside
	// the channel, with an excerpt and a source link that works.
	b.send(t, "composer-input", "@kbbot what is a backend developer?")
	answer := b.waitJS(t, "the threaded answer", `(() => {
		const m = [...document.querySelectorAll("#thread:not([hidden]) #thread-messages .msg.is-bot")]
			.find((m) => m.querySelector(".bk-section a[href*='/kb/']") && m.querySelector("button[data-action-id]"));
		if (!m) return "";
		const a = m.querySelector(".bk-section a[href*='/kb/']");
		return JSON.stringify({text: m.innerText, href: a.href, target: a.target, rel: a.rel,
			sections: m.querySelectorAll(".bk-section").length});
	})()`)
	var ans struct {
		Text, Href, Target, Rel string
		Sections                int
	}
	if err := json.Unmarshal([]byte(answer), &ans); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(ans.Text, "You asked") || !strings.Contains(strings.ToLower(ans.Text), "backend developer") || ans.Sections < 2 {
		t.Errorf("threaded answer: got %+v, want an excerpt about backend developers, without restating the question right above it", ans)
	}
	if ans.Target != "_blank" || !strings.Contains(ans.Rel, "noopener") {
		t.Errorf("source link: target %q rel %q, want _blank and noopener", ans.Target, ans.Rel)
	}
	pgCheckSourceLink(t, pageURL, ans.Href)
	b.waitJS(t, "the reply count under the question", `[...document.querySelectorAll("#messages .msg:not(.is-bot) .replies")].some((r) => r.innerText === "1 reply")`)
	b.screenshot(t, "playground-channel.png")

	// 2. Feedback: a thank-you in place; the buttons stay for the others.
	b.do(t, chromedp.Click(chromedp.CSS(`#thread-messages .msg.is-bot button[data-action-id="kb_feedback_up"]`)))
	b.waitJS(t, "the thank-you", `(() => {
		const m = document.querySelector("#thread-messages .msg.is-bot");
		return m && m.innerText.includes("Thanks for the feedback") && m.querySelector("button[data-action-id^='kb_feedback']");
	})()`)

	// A follow-up in the thread is answered in the thread.
	b.send(t, "thread-input", "@kbbot and what does a frontend developer do?")
	b.waitJS(t, "the answer to the follow-up", `[...document.querySelectorAll("#thread-messages .msg.is-bot")].some((m) => m.innerText.includes("Frontend vs backend"))`)

	// 3. /kb topics answers privately.
	b.send(t, "composer-input", "/kb topics")
	b.waitJS(t, "the ephemeral topics", `[...document.querySelectorAll("#messages .msg.is-ephemeral")].some((m) =>
		m.innerText.includes("What I know about") && m.querySelector(".ephemeral-note").innerText.includes("Only visible to you"))`)

	// 4. "Share in channel" posts the private answer for everyone and
	// removes the private copy.
	b.send(t, "composer-input", "/kb what is a backend developer?")
	b.waitJS(t, "the private answer with a Share button", `!!document.querySelector("#messages .msg.is-ephemeral button[data-action-id='kb_share']")`)
	b.do(t, chromedp.Click(chromedp.CSS(`#messages .msg.is-ephemeral button[data-action-id="kb_share"]`)))
	b.waitJS(t, "the shared answer", `[...document.querySelectorAll("#messages .msg.is-bot:not(.is-ephemeral)")].some((m) => m.innerText.includes("shared an answer"))
		&& !document.querySelector("#messages .msg.is-ephemeral button[data-action-id='kb_share']")`)
	b.screenshot(t, "playground-shared.png")

	// 5. A direct message is answered in the DM.
	b.do(t, chromedp.Click(chromedp.ID("nav-dm")))
	b.waitJS(t, "the DM", `document.getElementById("view-title").innerText === "kbbot"`)
	b.send(t, "composer-input", "what is caching?")
	b.waitJS(t, "the DM answer", `[...document.querySelectorAll("#messages .msg.is-bot")].some((m) => m.innerText.includes("Caching: Redis"))`)

	// 6. Nothing an article or a question says becomes markup.
	// (No _ or * in it: those are mrkdwn, and would be formatted as in Slack.)
	hostileQuestion := `<script>window.pwned=1</script><img src=x onerror="window.pwned=2"> <!channel> & <b>bold</b>`
	b.send(t, "composer-input", hostileQuestion)
	b.send(t, "composer-input", "quokka paging etiquette")
	b.waitJS(t, "the hostile article's answer", `[...document.querySelectorAll("#messages .msg.is-bot")].some((m) => m.innerText.includes("Quokka pages must never use"))`)
	verdict := b.waitJS(t, "the page to be checked", `(() => {
		const msgs = document.getElementById("messages");
		const answer = [...msgs.querySelectorAll(".msg.is-bot")].find((m) => m.innerText.includes("Quokka pages must never use"));
		const mine = [...msgs.querySelectorAll(".msg:not(.is-bot)")].find((m) => m.innerText.includes("window.pwned"));
		return JSON.stringify({
			scripts: document.querySelectorAll("script").length,
			injected: document.querySelectorAll("#messages img, #messages script, #thread img, #thread script, #home script").length,
			pwned: window.pwned === undefined ? "" : String(window.pwned),
			broadcast: answer.querySelectorAll(".mention-broadcast").length + (mine ? mine.querySelectorAll(".mention-broadcast").length : 0),
			evilLinks: document.querySelectorAll("a[href*='evil.example']").length,
			answer: answer.innerText,
			mine: mine ? mine.innerText : "",
		});
	})()`)
	var v struct {
		Scripts, Injected, Broadcast, EvilLinks int
		Pwned, Answer, Mine                     string
	}
	if err := json.Unmarshal([]byte(verdict), &v); err != nil {
		t.Fatal(err)
	}
	if v.Scripts != 1 || v.Injected != 0 || v.Pwned != "" || v.Broadcast != 0 || v.EvilLinks != 0 {
		t.Errorf("hostile text became markup: %d script elements (want only app.js), %d injected elements, window.pwned=%q, %d @channel mentions, %d evil links",
			v.Scripts, v.Injected, v.Pwned, v.Broadcast, v.EvilLinks)
	}
	for _, want := range []string{"<script>alert(1)</script>", "<!channel>", "<img src=x onerror=alert(1)>", "<https://evil.example|click me>"} {
		if !strings.Contains(v.Answer, want) {
			t.Errorf("the answer should show %q literally; it shows:\n%s", want, v.Answer)
		}
	}
	if !strings.Contains(v.Mine, hostileQuestion) {
		t.Errorf("the question should show literally; it shows:\n%s", v.Mine)
	}

	b.screenshot(t, "playground-dm.png")

	// 7. The help channel: a question nobody mentioned the bot in is
	// answered in a thread under it, with a source link.
	b.do(t, chromedp.Click(chromedp.ID("nav-C0HELP")))
	b.waitJS(t, "the help channel", `document.getElementById("view-title").innerText === "#help-backend"`)
	b.send(t, "composer-input", "how do I prevent SQL injection attacks?")
	b.waitJS(t, "the reply under the help-channel question", `[...document.querySelectorAll("#messages .msg:not(.is-bot) .replies")].some((r) => r.innerText === "1 reply")`)
	b.do(t, chromedp.Click(chromedp.CSS(`#messages .msg:not(.is-bot) .replies`)))
	helpAnswer := b.waitJS(t, "the help-channel answer in its thread", `(() => {
		const m = [...document.querySelectorAll("#thread:not([hidden]) #thread-messages .msg.is-bot")].find((m) => m.querySelector(".bk-section a[href*='/kb/']"));
		return m ? m.querySelector(".bk-section a[href*='/kb/']").href : "";
	})()`)
	pgCheckSourceLink(t, pageURL, helpAnswer)
	b.screenshot(t, "playground-help-channel.png")

	// 8. "Ask kbbot" in a message's More actions menu answers that message
	// privately, with the Share button.
	b.waitJS(t, "the More actions menu", `(() => {
		const more = document.querySelector("#messages .msg:not(.is-bot) button[data-more]");
		if (!more) return false;
		more.click(); // shown on hover, as in Slack
		return true;
	})()`)
	b.do(t, chromedp.Click(chromedp.CSS(`#messages .msg-menu button[data-shortcut]`)))
	b.waitJS(t, "the shortcut's private answer", `[...document.querySelectorAll(".msg.is-ephemeral")].some((m) =>
		m.querySelector("button[data-action-id='kb_share']") && m.innerText.toLowerCase().includes("sql injection"))`)
	b.screenshot(t, "playground-shortcut.png")

	// 9. The App Home tab shows the view the bot publishes when it opens;
	// the playground user is an admin, so it ends with the gap report.
	b.do(t, chromedp.Click(chromedp.ID("nav-home")))
	home := b.waitJS(t, "the App Home view", `(() => {
		const h = document.getElementById("home");
		return !h.hidden && h.querySelector(".bk-header") ? h.innerText : "";
	})()`)
	if !strings.Contains(home, "What I know") || !regexp.MustCompile(`[1-9]\d* articles`).MatchString(home) ||
		!strings.Contains(home, "Knowledge gaps, last 7 days") {
		t.Errorf("App Home: got\n%s\nwant what the bot knows and, for an admin, the gap report", home)
	}
	b.screenshot(t, "playground-home.png")

	// 10. The source link of the first answer opens the article at the
	// section the answer came from. (Last: it leaves the page.)
	b.do(t, chromedp.Navigate(ans.Href))
	target := b.waitJS(t, "the linked section", `(() => {
		const h = document.querySelector(":target");
		if (!h) return location.hash ? "" : "no fragment";
		const r = h.getBoundingClientRect();
		return r.bottom > 0 && r.top < innerHeight ? h.tagName + " " + h.innerText : "";
	})()`)
	if u, _ := url.Parse(ans.Href); u.Fragment != "" && !strings.HasPrefix(target, "H") {
		t.Errorf("source link %s: got %q, want the heading it points at, in view", ans.Href, target)
	}
	b.screenshot(t, "playground-article.png")

	b.checkQuiet(t)
}

// pgCheckSourceLink fetches an answer's source link and checks that the
// article is there, with the heading the link points at.
func pgCheckSourceLink(t *testing.T, pageURL, href string) {
	t.Helper()
	u, err := url.Parse(href)
	if err != nil || !strings.HasPrefix(href, pageURL+"/kb/") {
		t.Fatalf("source link %q: want one under %s/kb/", href, pageURL)
	}
	res, err := http.Get(href)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("source link %s: status %d", href, res.StatusCode)
	}
	if u.Fragment != "" && !bytes.Contains(body, []byte(`id="`+u.Fragment+`"`)) {
		t.Errorf("source link %s: the article has no heading with id %q", href, u.Fragment)
	}
}

// TestRunPicksPlaygroundOrServe checks `kbbot run`: without tokens it says
// so in one log line and starts the playground; with tokens it is `kbbot
// serve`.
func TestRunPicksPlaygroundOrServe(t *testing.T) {
	t.Run("no tokens: playground", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "a.md"), []byte("# Caching\n\nCache reads that repeat.\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		env := pgEnv(t, map[string]string{"KNOWLEDGE_DIR": dir, "INDEX_DIR": filepath.Join(dir, "index")})
		out, logs, stop := pgRun(t, env, "run")
		pageURL := pgWaitURL(t, out, logs)
		res, err := http.Get(pageURL + "/")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Errorf("page: status %d", res.StatusCode)
		}
		if err := stop(); err != nil {
			t.Errorf("stopping: %v", err)
		}
		n := strings.Count(logs.String(), "no Slack tokens configured")
		if n != 1 {
			t.Errorf("got %d log lines saying no Slack tokens are configured, want 1:\n%s", n, logs)
		}
	})
	t.Run("tokens: serve", func(t *testing.T) {
		emu := slackemu.New(slackemu.Options{})
		if err := emu.Start("127.0.0.1:0"); err != nil {
			t.Fatal(err)
		}
		defer emu.Close()
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "a.md"), []byte("# Caching\n\nCache reads that repeat.\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		eo := emu.Options()
		env := pgEnv(t, map[string]string{
			"KNOWLEDGE_DIR": dir, "INDEX_DIR": filepath.Join(dir, "index"),
			"SLACK_BOT_TOKEN": eo.BotToken, "SLACK_APP_TOKEN": eo.AppToken, "SLACK_API_URL": emu.APIURL(),
		})
		out, logs, stop := pgRun(t, env, "run")
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := emu.WaitForConnections(ctx, 1); err != nil {
			t.Fatalf("kbbot run with tokens did not connect to Slack: %v\n%s", err, logs)
		}
		if err := stop(); err != nil {
			t.Errorf("stopping: %v", err)
		}
		if strings.Contains(logs.String(), "playground") || strings.Contains(out.String(), "Playground:") {
			t.Errorf("with tokens, run started the playground:\n%s", logs)
		}
	})
}

// pgChromium finds headless Chromium. Its absence fails the test: the
// browser test is part of `make test`, and skipping it would hide a broken
// page.
func pgChromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("KBBOT_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("the playground browser test needs headless Chromium, which is not installed: " +
		"run `apt-get install chromium` (.ci/run does this), or set KBBOT_CHROMIUM to a Chrome or Chromium binary")
	return ""
}

// pgKnowledge is the shipped knowledge folder plus the hostile article.
func pgKnowledge(t *testing.T) string {
	t.Helper()
	dst := t.TempDir()
	src := filepath.Join("..", "..", "knowledge")
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatalf("copy the knowledge folder: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dst, "quokka-paging.txt"), []byte(pgHostileArticle), 0o644); err != nil {
		t.Fatal(err)
	}
	return dst
}

// pgEnv is a test environment: no .env file, JSON logs, no port that could
// clash with a running kbbot, plus vars.
func pgEnv(t *testing.T, vars map[string]string) func(string) string {
	env := map[string]string{
		"KBBOT_ENV_FILE":  filepath.Join(t.TempDir(), "none.env"),
		"LOG_FORMAT":      "json",
		"HTTP_ADDR":       "127.0.0.1:0",
		"PLAYGROUND_ADDR": "127.0.0.1:0",
		"WATCH_KNOWLEDGE": "false",
		"DATA_DIR":        t.TempDir(),
	}
	for k, v := range vars {
		env[k] = v
	}
	return func(k string) string { return env[k] }
}

// pgStart runs `kbbot playground` in-process until the test ends and
// returns the page's URL.
func pgStart(t *testing.T, vars map[string]string) string {
	t.Helper()
	out, logs, stop := pgRun(t, pgEnv(t, vars), "playground", "--addr", "127.0.0.1:0")
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("playground did not stop cleanly: %v", err)
		}
		if t.Failed() {
			t.Logf("playground log:\n%s", logs)
		}
	})
	return pgWaitURL(t, out, logs)
}

// pgRun runs a kbbot command in-process; stop cancels it and returns its
// error.
func pgRun(t *testing.T, getenv func(string) string, args ...string) (out, logs *pgOutput, stop func() error) {
	t.Helper()
	out, logs = newPGOutput(), newPGOutput()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"kbbot"}, args...), getenv, strings.NewReader(""), out, logs)
		out.close()
	}()
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case err = <-done:
			case <-time.After(30 * time.Second):
				err = fmt.Errorf("kbbot %s did not stop within 30s", args[0])
			}
		})
		return err
	}
	t.Cleanup(func() { _ = stop() })
	return out, logs, stop
}

var pgURLLine = regexp.MustCompile(`Playground: (http://\S+)`)

func pgWaitURL(t *testing.T, out, logs *pgOutput) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	m, err := out.wait(ctx, pgURLLine)
	if err != nil {
		t.Fatalf("no playground URL on stdout: %v\nstdout:\n%s\nlog:\n%s", err, out, logs)
	}
	return m[1]
}

// pgOutput collects what a command writes, so a test can wait for a line.
type pgOutput struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{}
	done    bool
}

func newPGOutput() *pgOutput { return &pgOutput{changed: make(chan struct{})} }

func (o *pgOutput) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.buf.Write(p)
	close(o.changed)
	o.changed = make(chan struct{})
	return len(p), nil
}

func (o *pgOutput) close() {
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.done {
		o.done = true
		close(o.changed)
	}
}

func (o *pgOutput) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

// wait returns the first match of re in the output, now or to come.
func (o *pgOutput) wait(ctx context.Context, re *regexp.Regexp) ([]string, error) {
	for {
		o.mu.Lock()
		m := re.FindStringSubmatch(o.buf.String())
		ch, done := o.changed, o.done
		o.mu.Unlock()
		if m != nil {
			return m, nil
		}
		if done {
			return nil, fmt.Errorf("the command ended")
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// pgBrowser is a headless Chromium tab and what went wrong in it.
type pgBrowser struct {
	ctx context.Context

	mu       sync.Mutex
	problems []string // uncaught exceptions and dialogs
}

// pgBrowse starts Chromium with a fresh profile; it is stopped, and waited
// for, before the test's temporary folders go.
func pgBrowse(t *testing.T, chrome string) *pgBrowser {
	t.Helper()
	profile := t.TempDir() // registered first, so removed after the browser exits
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chrome),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("mute-audio", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 800),
	)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium (%s): %v", chrome, err)
	}
	b := &pgBrowser{ctx: ctx}
	dialogs := make(chan string, 8)
	err := chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *cdpruntime.EventExceptionThrown:
			b.problem("uncaught exception: " + ev.ExceptionDetails.Text + " " + exceptionDescription(ev.ExceptionDetails))
		case *page.EventJavascriptDialogOpening:
			b.problem(fmt.Sprintf("a %s dialog opened: %q", ev.Type, ev.Message))
			select {
			case dialogs <- ev.Message:
			default:
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	go func() { // a dialog blocks the page: dismiss it
		for {
			select {
			case <-ctx.Done():
				return
			case <-dialogs:
				_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{})
			}
		}
	}()
	return b
}

func exceptionDescription(d *cdpruntime.ExceptionDetails) string {
	if d != nil && d.Exception != nil {
		return d.Exception.Description
	}
	return ""
}

func (b *pgBrowser) problem(s string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.problems = append(b.problems, s)
}

func (b *pgBrowser) checkQuiet(t *testing.T) {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, p := range b.problems {
		t.Errorf("in the page: %s", p)
	}
}

func (b *pgBrowser) do(t *testing.T, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.fail(t, "browser step", err)
	}
}

// send types text in a composer and presses Enter.
func (b *pgBrowser) send(t *testing.T, composer, text string) {
	t.Helper()
	b.waitJS(t, "the composer to be ready", fmt.Sprintf(`!document.getElementById(%q).disabled`, composer))
	b.do(t, chromedp.SendKeys(chromedp.ID(composer), text), pgEnter)
	b.waitJS(t, "the message to be sent", fmt.Sprintf(`(() => {
		const c = document.getElementById(%q);
		return !c.disabled && c.value === "" || (document.querySelector(".hint.error") || {}).innerText;
	})()`, composer))
	if msg, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`[...document.querySelectorAll(".hint.error")].map((h) => h.innerText).join(" ")`)); msg != "" {
		b.fail(t, "send "+text, fmt.Errorf("the page says: %s", msg))
	}
}

// pgEnter presses Enter as a keyboard does when the page handles keydown:
// SendKeys("\n") also sends a char event, which a textarea can take as a
// new line after the page has already sent and cleared the message.
var pgEnter = chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
	for _, typ := range []input.DispatchKeyEventType{input.DispatchKeyEventTypeRawKeyDown, input.DispatchKeyEventTypeKeyUp} {
		_, err := cdp.Call(ctx, t, input.DispatchKeyEvent, input.DispatchKeyEventParams{
			Type: typ, Key: "Enter", Code: "Enter", WindowsVirtualKeyCode: 13, NativeVirtualKeyCode: 13,
		})
		if err != nil {
			return fmt.Errorf("press Enter: %w", err)
		}
	}
	return nil
})

// waitJS polls a JavaScript expression until it is truthy and returns its
// value as text.
func (b *pgBrowser) waitJS(t *testing.T, what, expr string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 25*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Poll[any](expr, chromedp.WithPollingTimeout(20*time.Second), chromedp.WithPollingInterval(50*time.Millisecond)))
	if err != nil {
		b.fail(t, "wait for "+what, err)
	}
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprint(v)
}

// fail ends the test with what the page showed.
func (b *pgBrowser) fail(t *testing.T, what string, err error) {
	t.Helper()
	text, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`[...document.querySelectorAll("textarea")].map((c) =>
		"[" + c.id + (c.disabled ? " disabled" : "") + (document.activeElement === c ? " focused" : "") + "] " + JSON.stringify(c.value)).join("\n") +
		"\n" + document.body.innerText`))
	b.screenshot(t, "playground-failure.png")
	t.Fatalf("%s: %v\npage text:\n%s", what, err, text)
}

// screenshot saves the viewport as a PNG in the artifacts folder
// ($KBBOT_ARTIFACTS, else bin/artifacts, which git ignores).
func (b *pgBrowser) screenshot(t *testing.T, name string) {
	t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return
	}
	dir := os.Getenv("KBBOT_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join("..", "..", "bin", "artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return
	}
	abs, _ := filepath.Abs(path)
	t.Logf("screenshot: %s", abs)
}
