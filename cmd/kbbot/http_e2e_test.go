package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kbbot/kbbot/internal/slackemu"
	"github.com/kbbot/kbbot/internal/slackverify"
)

// send posts a request to the bot and returns its status and body.
func send(t *testing.T, req *http.Request) (int, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// mentionBody is an app_mention event_callback the emulator did not send,
// for requests a test signs (or fails to sign) itself.
func mentionBody(eventID, ts, text string) []byte {
	b, _ := json.Marshal(map[string]any{
		"type": "event_callback", "team_id": "T0001", "api_app_id": "A0001", "event_id": eventID, "event_time": time.Now().Unix(),
		"event": map[string]any{"type": "app_mention", "user": "U0ALICE", "text": "<@U0BOT> " + text, "channel": "C0GENERAL", "ts": ts, "event_ts": ts},
	})
	return b
}

// httpE2E: what only HTTP mode has. Every request is signed; forged,
// changed, stale and unsigned ones are refused before any handler; a
// replay or a retry after a lost answer is acknowledged and not worked
// again.
func httpE2E(t *testing.T, e *e2e) {
	emu := e.emu
	secret := emu.Options().SigningSecret
	refused := func() int {
		n := 0
		for _, ln := range opsLines(e.bot.logs) {
			if s(ln["message"]) == "slack request refused" {
				n++
			}
		}
		return n
	}

	t.Run("url_verification gets its challenge", func(t *testing.T) {
		req, err := emu.Signed(slackemu.PathEvents, "application/json", []byte(`{"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`), time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if code, body := send(t, req); code != 200 || body != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
			t.Errorf("got %d %q, want 200 and the challenge", code, body)
		}
	})

	t.Run("wrong secret, changed body, old timestamp, missing header: 401 and no handler", func(t *testing.T) {
		const id, ts = "EvE2EFORGED01", "1700000900.000100"
		body := mentionBody(id, ts, "what is a database index")
		signed := func(secret string, at time.Time, b []byte) *http.Request {
			req, _ := http.NewRequest(http.MethodPost, emu.RequestURL()+slackemu.PathEvents, bytes.NewReader(b))
			stamp := fmt.Sprint(at.Unix())
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set(slackverify.HeaderTimestamp, stamp)
			req.Header.Set(slackverify.HeaderSignature, slackverify.Sign(secret, stamp, body))
			return req
		}
		noSig := signed(secret, time.Now(), body)
		noSig.Header.Del(slackverify.HeaderSignature)
		noTS := signed(secret, time.Now(), body)
		noTS.Header.Del(slackverify.HeaderTimestamp)
		before := refused()
		cases := map[string]*http.Request{
			"wrong secret":                 signed("not-the-signing-secret", time.Now(), body),
			"changed body":                 signed(secret, time.Now(), bytes.Replace(body, []byte("database index"), []byte("leaked API key"), 1)),
			"replayed after 5 minutes":     signed(secret, time.Now().Add(-5*time.Minute-2*time.Second), body),
			"no X-Slack-Signature":         noSig,
			"no X-Slack-Request-Timestamp": noTS,
			"unsigned slash command":       mustRequest(t, emu.RequestURL()+slackemu.PathCommands, "application/x-www-form-urlencoded", "command=%2Fkb&text=reindex&user_id=U0ALICE&channel_id=C0GENERAL&trigger_id=forged.1"),
			"unsigned interaction":         mustRequest(t, emu.RequestURL()+slackemu.PathInteractive, "application/x-www-form-urlencoded", "payload="+url.QueryEscape(`{"type":"block_actions","trigger_id":"forged.2"}`)),
		}
		for name, req := range cases {
			if code, _ := send(t, req); code != http.StatusUnauthorized {
				t.Errorf("%s: got %d, want 401", name, code)
			}
		}
		e.waitLog(t, func(map[string]any) bool { return refused()-before >= len(cases) })
		// Had any of them reached a handler, this event id would be taken
		// and the genuine request below a duplicate.
		code, _ := send(t, signed(secret, time.Now(), body))
		if code != 200 {
			t.Fatalf("genuine request: %d, want 200", code)
		}
		if ln := e.handled(t, id); s(ln["outcome"]) != "answered" {
			t.Errorf("genuine request after forged ones: %v", ln)
		}
		if n := e.countReplies("C0GENERAL", ts); n != 1 {
			t.Errorf("%d replies, want 1", n)
		}
		// Likewise for the command's trigger_id: signed, it is taken, not a replay.
		req, err := emu.Signed(slackemu.PathCommands, "application/x-www-form-urlencoded",
			[]byte("command=%2Fkb&text=help&user_id=U0BOB&channel_id=C0GENERAL&trigger_id=forged.1"), time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if code, _ := send(t, req); code != 200 {
			t.Fatalf("genuine command: %d, want 200", code)
		}
		if ln := e.handled(t, "forged.1"); s(ln["outcome"]) != "help" {
			t.Errorf("genuine command after a forged one: %v", ln)
		}
	})

	t.Run("a replay inside the window is acknowledged and not worked again", func(t *testing.T) {
		ev := e.mention(t, "C0GENERAL", "how do I rotate a leaked API key", "")
		e.handled(t, ev.EventID)
		cmd, err := emu.SlashCommand("/kb", "help", "U0BOB", "C0GENERAL")
		if err != nil {
			t.Fatal(err)
		}
		e.handled(t, cmd.EnvelopeID)
		for _, d := range emu.Deliveries() {
			if d.HTTP == nil || (d.EventID != ev.EventID && d.EnvelopeID != cmd.EnvelopeID) {
				continue
			}
			req := mustRequest(t, emu.RequestURL()+d.HTTP.Path, d.HTTP.Header.Get("Content-Type"), string(d.HTTP.Body))
			req.Header = d.HTTP.Header.Clone() // the same timestamp and signature
			if code, _ := send(t, req); code != 200 {
				t.Errorf("replay of %s: %d, want 200", d.HTTP.Path, code)
			}
		}
		e.waitLog(t, func(ln map[string]any) bool {
			return s(ln["event_id"]) == ev.EventID && s(ln["outcome"]) == "duplicate"
		})
		e.waitLog(t, func(ln map[string]any) bool {
			return s(ln["envelope_id"]) == cmd.EnvelopeID && s(ln["outcome"]) == "duplicate"
		})
		if n := e.countReplies("C0GENERAL", ev.TS); n != 1 {
			t.Errorf("%d answers to the replayed mention, want 1", n)
		}
		if n := len(e.responses(cmd.ID)); n != 1 {
			t.Errorf("%d responses to the replayed command, want 1", n)
		}
	})

	for _, tc := range []struct {
		name   string
		fault  slackemu.DeliveryFault
		reason string
	}{
		{"a 502 from the load balancer", slackemu.DeliveryFault{Type: slackemu.TypeEventsAPI, Status: 502}, slackemu.RetryHTTPError},
		{"an answer lost past 3 s", slackemu.DeliveryFault{Type: slackemu.TypeEventsAPI, Timeout: true}, slackemu.RetryHTTPTimeout},
		{"a slow network", slackemu.DeliveryFault{Type: slackemu.TypeEventsAPI, Delay: 500 * time.Millisecond}, ""},
	} {
		t.Run(tc.name+": answered once", func(t *testing.T) {
			emu.InjectDeliveryFault(tc.fault)
			ev := e.mention(t, "C0GENERAL", "what is a database index", "")
			e.reply(t, "C0GENERAL", ev.TS)
			if tc.reason != "" {
				d, err := emu.WaitForDelivery(e.ctx(t), func(d slackemu.Delivery) bool { return d.EventID == ev.EventID && d.Attempt == 1 })
				if err != nil {
					t.Fatal(err)
				}
				if got := d.HTTP.Header.Get("X-Slack-Retry-Num") + " " + d.HTTP.Header.Get("X-Slack-Retry-Reason"); got != "1 "+tc.reason {
					t.Errorf("retry headers %q, want %q", got, "1 "+tc.reason)
				}
				e.waitLog(t, func(ln map[string]any) bool {
					return s(ln["event_id"]) == ev.EventID && s(ln["outcome"]) == "duplicate" && ln["retry_attempt"] == 1.0
				})
				if _, err := emu.WaitForAck(e.ctx(t), func(a slackemu.Ack) bool { return a.EventID == ev.EventID && a.Attempt == 1 }); err != nil {
					t.Fatal(err)
				}
			}
			if n := e.countReplies("C0GENERAL", ev.TS); n != 1 {
				t.Errorf("%d answers, want 1", n)
			}
		})
	}
}

func mustRequest(t *testing.T, u, contentType, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	return req
}

// httpDrain stops an HTTP-mode bot while an answer is in flight: /readyz
// turns not ready, new requests are refused, the acknowledged answer is
// still posted, and the bot exits within d.
func httpDrain(t *testing.T, e *e2e, d time.Duration) error {
	t.Helper()
	emu := e.emu
	ln := e.waitLog(t, func(ln map[string]any) bool { return s(ln["component"]) == "health" && s(ln["addr"]) != "" })
	readyz := "http://" + s(ln["addr"]) + "/readyz"
	emu.InjectFault("chat.postMessage", slackemu.Fault{Delay: 1500 * time.Millisecond})
	ev := e.mention(t, "C0GENERAL", "how often should secrets be rotated", "")
	if _, err := emu.WaitForAck(e.ctx(t), func(a slackemu.Ack) bool { return a.EventID == ev.EventID }); err != nil {
		t.Fatal(err)
	}
	_ = e.bot.cmd.Process.Signal(syscall.SIGTERM)
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	e.waitLog(t, func(ln map[string]any) bool { return s(ln["message"]) == "draining: not ready, no new slack requests" })
	// The operations endpoint stays up until the bot is done; it says not
	// ready meanwhile (or has gone, once the bot exited).
	if resp, err := http.Get(readyz); err == nil {
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == 200 {
			t.Errorf("GET /readyz while draining: %d %q, want not ready", resp.StatusCode, body)
		}
	}
	req, err := emu.Signed(slackemu.PathEvents, "application/json", mentionBody("EvE2ELATE01", "1700000950.000100", "what is a database index"), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	fresh := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	if resp, err := fresh.Do(req); err == nil {
		resp.Body.Close()
		if resp.StatusCode == 200 {
			t.Errorf("a request after the stop was taken (%d)", resp.StatusCode)
		}
	}
	if _, err := emu.WaitFor(ctx, func(c slackemu.Call) bool {
		return c.Method == "chat.postMessage" && c.Error == "" && s(c.Params["thread_ts"]) == ev.TS
	}); err != nil {
		t.Errorf("the answer acknowledged before the stop was not posted: %v", err)
	}
	select {
	case <-e.bot.exited:
		return e.bot.exitErr
	case <-ctx.Done():
		e.bot.kill()
		return fmt.Errorf("bot did not stop within %v of SIGTERM", d)
	}
}
