package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kbbot/kbbot/internal/config"
	"github.com/kbbot/kbbot/internal/slackemu"
	"github.com/kbbot/kbbot/internal/store/storetest"
)

// TestReplicasSharePostgres runs three replicas on one PostgreSQL. Every
// event is delivered three times, to connections chosen at random, as Slack
// redelivers an event whose ack came late, often to another replica:
// exactly one answer per question. Not helpful votes taken by different
// replicas, and unanswered questions asked of any, show in one /kb gaps.
func TestReplicasSharePostgres(t *testing.T) {
	pg := storetest.Postgres(t)
	emu := opsEmulator(t, slackemu.Options{AckTimeout: time.Second})
	var reps []*opsReplica
	for i := range 3 {
		reps = append(reps, opsStart(t, emu, fmt.Sprintf("replica %d", i+1), "DATABASE_URL="+pg.URL, "LOG_LEVEL=info"))
	}
	ctx := opsCtx(t, 120*time.Second)

	questions := []string{"how do I rotate secrets", "how do I renew TLS certificates", "who gets paged for an incident"}
	var evs []slackemu.Event
	var indexQs []slackemu.Event
	for i := range 30 {
		var q string
		switch {
		case i%3 == 0:
			q = "what is a database index"
		case i == 1:
			q = "How do I bake sourdough bread?"
		case i == 4:
			q = "bake sourdough bread, how"
		case i == 7:
			q = "how do i BAKE sourdough bread"
		default:
			q = questions[i%len(questions)]
		}
		e, err := emu.Mention("C0GENERAL", "U0BOB", "<@U0BOT> "+q, "")
		if err != nil {
			t.Fatal(err)
		}
		for attempt := 1; attempt <= 2; attempt++ {
			if err := emu.DeliverRetry(e, attempt); err != nil {
				t.Fatal(err)
			}
		}
		evs = append(evs, e)
		if i%3 == 0 {
			indexQs = append(indexQs, e)
		}
	}

	// Every delivery is acked, and each replica that got one has either
	// answered or dropped it: three outcomes per event.
	outcomes := func(id string) int {
		n := 0
		for _, r := range reps {
			n += opsCount(r.logs, func(ln map[string]any) bool {
				return s(ln["event_id"]) == id && (s(ln["message"]) == "handled" || s(ln["outcome"]) == "duplicate")
			})
		}
		return n
	}
	// The replicas' logs are not emulator records, so WaitUntil would not
	// wake for them: poll.
	for allDone := false; !allDone; time.Sleep(50 * time.Millisecond) {
		allDone = true
		for _, e := range evs {
			allDone = allDone && outcomes(e.EventID) >= 3
		}
		if ctx.Err() != nil {
			t.Fatal("not every delivery was handled")
		}
	}
	conns := map[string]map[int]bool{}
	for _, d := range emu.Deliveries() {
		if conns[d.EventID] == nil {
			conns[d.EventID] = map[int]bool{}
		}
		conns[d.EventID][d.Conn] = true
	}
	spread, claimedElsewhere := 0, 0
	for _, e := range evs {
		if len(conns[e.EventID]) > 1 {
			spread++
		}
		if n := countThreadPosts(emu, e.TS); n != 1 {
			t.Errorf("event %s: %d answers, want exactly 1", e.EventID, n)
		}
	}
	for _, r := range reps {
		claimedElsewhere += opsCount(r.logs, func(ln map[string]any) bool {
			return s(ln["message"]) == "event claimed by another replica; not answered"
		})
	}
	if spread == 0 || claimedElsewhere == 0 {
		t.Fatalf("no event reached two replicas (%d) or was dropped by the store's claim (%d): the test proves nothing", spread, claimedElsewhere)
	}
	t.Logf("%d events, 3 deliveries each; %d reached two or three replicas; %d copies dropped by the shared claim; %d answers",
		len(evs), spread, claimedElsewhere, len(evs))

	// Not helpful on each "database index" answer, clicks going to random
	// replicas.
	for i, e := range indexQs {
		m, err := emu.WaitForMessage(ctx, "C0GENERAL", func(m slackemu.Message) bool { return m.ThreadTS == e.TS && m.BotID != "" })
		if err != nil {
			t.Fatal(err)
		}
		user := []string{"U0ALICE", "U0BOB"}[i%2]
		if _, err := emu.ClickButton(user, "", m, "kb_feedback_down", ""); err != nil {
			t.Fatal(err)
		}
	}
	clickConns := map[int]bool{}
	if err := emu.WaitUntil(ctx, func() bool {
		n := 0
		for _, d := range emu.Deliveries() {
			if d.Type == "interactive" && d.Acked {
				n++
				clickConns[d.Conn] = true
			}
		}
		return n == len(indexQs)
	}); err != nil {
		t.Fatal(err)
	}
	// The writers are asynchronous: wait until the store has every vote.
	env := botEnv(t, emu, "DATABASE_URL="+pg.URL, "LOG_LEVEL=warn")
	deadline := time.Now().Add(30 * time.Second)
	for {
		out, _ := opsCLI(t, env, "report", "--json")
		var g struct {
			NotHelpful []struct {
				Path  string `json:"path"`
				Count int    `json:"count"`
			} `json:"not_helpful"`
		}
		if err := json.Unmarshal([]byte(out), &g); err != nil {
			t.Fatal(err)
		}
		if len(g.NotHelpful) == 1 && g.NotHelpful[0].Count == len(indexQs) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("store has %+v, want %d Not helpful votes on one article", g.NotHelpful, len(indexQs))
		}
		time.Sleep(100 * time.Millisecond) // polling a separate process's output: no signal to wait on
	}
	cmd := opsSlash(t, emu, "U0ALICE", "gaps")
	c := opsResponse(t, ctx, emu, cmd, "Knowledge gaps")
	text := s(c.Params["text"])
	for _, want := range []string{
		fmt.Sprintf("`database-indexes.md`: %d not helpful", len(indexQs)),
		"3× “", // the three sourdough wordings, grouped (which wording shows depends on write order)
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/kb gaps lacks %q:\n%s", want, text)
		}
	}
	if !strings.Contains(strings.ToLower(text), "sourdough bread") {
		t.Errorf("/kb gaps lacks the sourdough questions:\n%s", text)
	}
	if len(clickConns) < 2 {
		t.Errorf("all %d clicks went to one replica: the votes did not come from several", len(indexQs))
	}
	t.Logf("%d votes taken by %d replicas, all in one /kb gaps", len(indexQs), len(clickConns))
}

// TestStoreOutageCostsNoAnswer stops PostgreSQL under a running bot: every
// question is still answered, /readyz stays 200 and says what is wrong, and
// the records buffered meanwhile are written once the server is back.
func TestStoreOutageCostsNoAnswer(t *testing.T) {
	pg := storetest.Postgres(t)
	emu := opsEmulator(t, slackemu.Options{AckTimeout: 2 * time.Second})
	bot := opsStart(t, emu, "bot", "DATABASE_URL="+pg.URL, "LOG_LEVEL=info")
	ctx := opsCtx(t, 120*time.Second)
	addr := opsHTTPAddr(t, ctx, bot)

	ask := func(i int) {
		t.Helper()
		e, err := emu.Mention("C0GENERAL", "U0BOB", fmt.Sprintf("<@U0BOT> what is zorblax%d", i), "")
		if err != nil {
			t.Fatal(err)
		}
		if err := emu.WaitUntil(ctx, func() bool { return countThreadPosts(emu, e.TS) == 1 }); err != nil {
			t.Fatalf("question %d not answered: %v", i, err)
		}
	}
	for i := range 5 {
		ask(i)
	}
	pg.Stop(t)
	for i := 5; i < 20; i++ {
		ask(i)
	}
	code, body := opsPollGet(t, ctx, "http://"+addr+"/readyz", 200)
	for !strings.Contains(body, "failing") && ctx.Err() == nil {
		code, body = opsPollGet(t, ctx, "http://"+addr+"/readyz", 200)
	}
	if code != 200 || !strings.Contains(body, "store postgres") || !strings.Contains(body, "records waiting") {
		t.Errorf("/readyz while the store is down: got %d %q, want 200 with the store's trouble", code, body)
	}
	pg.Start(t)

	env := botEnv(t, emu, "DATABASE_URL="+pg.URL, "LOG_LEVEL=warn")
	deadline := time.Now().Add(30 * time.Second)
	for {
		out, _ := opsCLI(t, env, "report", "--json", "--limit", "100")
		var g struct {
			Unanswered []map[string]any `json:"unanswered"`
		}
		if err := json.Unmarshal([]byte(out), &g); err != nil {
			t.Fatal(err)
		}
		if len(g.Unanswered) == 20 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("store has %d questions after the outage, want 20", len(g.Unanswered))
		}
		time.Sleep(100 * time.Millisecond) // polling another process: no signal to wait on
	}
	if _, body := opsPollGet(t, ctx, "http://"+addr+"/readyz", 200); body != "ready\n" {
		t.Errorf("/readyz after recovery: got %q, want plain ready", body)
	}
	if err := bot.term(20 * time.Second); err != nil {
		t.Errorf("SIGTERM: %v, want exit 0", err)
	}
}

// countThreadPosts counts the bot's posts in a thread.
func countThreadPosts(emu *slackemu.Server, thread string) int {
	n := 0
	for _, c := range emu.CallsTo("chat.postMessage") {
		if s(c.Params["thread_ts"]) == thread {
			n++
		}
	}
	return n
}

// TestHTTPReplicasSharePostgres: two HTTP-mode replicas on one PostgreSQL
// behind a round-robin reverse proxy. Each event's first delivery is
// answered but its 200 is lost behind a 502, so Slack retries it with
// X-Slack-Retry-Num: 1, and the proxy sends the retry to the other replica,
// which has never seen the event id: only the store's claim keeps it from
// answering twice.
func TestHTTPReplicasSharePostgres(t *testing.T) {
	pg := storetest.Postgres(t)
	emu := slackemu.New(slackemu.Options{})
	if err := emu.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer emu.Close()
	env := botEnv(t, emu, append(modeEnv(emu, config.ModeHTTP), "DATABASE_URL="+pg.URL, "LOG_LEVEL=info")...)
	var bots []*botProc
	var backends []string
	for range 2 {
		bot := startBot(t, emu, slices.Clone(env))
		defer bot.kill()
		bots = append(bots, bot)
		backends = append(backends, emu.RequestURL())
	}
	emu.SetRequestURL(roundRobinProxy(t, backends))
	ctx := opsCtx(t, 60*time.Second)

	const n = 10
	var evs []slackemu.Event
	for i := range n {
		emu.InjectDeliveryFault(slackemu.DeliveryFault{Type: slackemu.TypeEventsAPI, Status: 502})
		e, err := emu.Mention("C0GENERAL", "U0BOB", fmt.Sprintf("<@U0BOT> what is a database index (%d)", i), "")
		if err != nil {
			t.Fatal(err)
		}
		// One at a time, so that the retry is the request right after the
		// first delivery and goes to the other replica.
		if _, err := emu.WaitForAck(ctx, func(a slackemu.Ack) bool { return a.EventID == e.EventID && a.Attempt == 1 }); err != nil {
			t.Fatal(err)
		}
		evs = append(evs, e)
	}
	count := func(pred func(map[string]any) bool) int {
		c := 0
		for _, b := range bots {
			c += opsCount(b.logs, pred)
		}
		return c
	}
	claimedElsewhere := func(ln map[string]any) bool {
		return s(ln["message"]) == "event claimed by another replica; not answered"
	}
	// The replicas' logs are other processes' output: poll, with the deadline.
	for done := false; !done; time.Sleep(50 * time.Millisecond) {
		done = true
		for _, e := range evs {
			id := e.EventID
			done = done && count(func(ln map[string]any) bool {
				return s(ln["event_id"]) == id && (s(ln["message"]) == "handled" || s(ln["outcome"]) == "duplicate")
			}) >= 2
		}
		if ctx.Err() != nil {
			t.Fatalf("not every delivery was handled\n%s\n%s", bots[0].logs, bots[1].logs)
		}
	}
	for _, e := range evs {
		if got := countThreadPosts(emu, e.TS); got != 1 {
			t.Errorf("event %s: %d answers, want exactly 1", e.EventID, got)
		}
		var replicas []int
		for i, b := range bots {
			if opsCount(b.logs, func(ln map[string]any) bool { return s(ln["event_id"]) == e.EventID }) > 0 {
				replicas = append(replicas, i)
			}
		}
		if len(replicas) != 2 {
			t.Errorf("event %s reached replicas %v, want both (the retry on the other)", e.EventID, replicas)
		}
	}
	if got := count(claimedElsewhere); got != n {
		t.Errorf("%d copies dropped by the shared claim, want %d (one per retry)", got, n)
	}
}
