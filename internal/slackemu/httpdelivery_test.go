package slackemu

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"
)

// appRequest is one request the fake app received.
type appRequest struct {
	path, retryNum, retryReason string
	body                        []byte
	signedOK                    bool
}

// fakeApp records signed requests and answers with answer(n) for the n-th
// (0-based) request: a status and a delay.
func fakeApp(t *testing.T, secret string, answer func(n int, path string) (int, time.Duration, string)) (*httptest.Server, func() []appRequest) {
	var mu sync.Mutex
	var got []appRequest
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		ts := r.Header.Get("X-Slack-Request-Timestamp")
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write([]byte("v0:" + ts + ":"))
		mac.Write(body)
		want := "v0=" + hex.EncodeToString(mac.Sum(nil))
		sec, _ := strconv.ParseInt(ts, 10, 64)
		ok := hmac.Equal([]byte(r.Header.Get("X-Slack-Signature")), []byte(want)) && time.Since(time.Unix(sec, 0)) < time.Minute
		mu.Lock()
		n := len(got)
		got = append(got, appRequest{r.URL.Path, r.Header.Get("X-Slack-Retry-Num"), r.Header.Get("X-Slack-Retry-Reason"), body, ok})
		mu.Unlock()
		status, delay, reply := answer(n, r.URL.Path)
		time.Sleep(delay)
		if reply != "" {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, reply)
	}))
	t.Cleanup(srv.Close)
	return srv, func() []appRequest {
		mu.Lock()
		defer mu.Unlock()
		return append([]appRequest(nil), got...)
	}
}

func TestHTTPDeliveryRetries(t *testing.T) {
	s := startServer(t, Options{AckTimeout: 300 * time.Millisecond})
	app, got := fakeApp(t, s.Options().SigningSecret, func(n int, _ string) (int, time.Duration, string) {
		switch n {
		case 0:
			return 500, 0, "" // retried: http_error
		case 1:
			return 200, 600 * time.Millisecond, "" // too slow: http_timeout
		}
		return 200, 0, ""
	})
	s.SetRequestURL(app.URL)
	ev, err := s.Mention("C0GENERAL", "U0ALICE", "<@U0BOT> hi", "")
	if err != nil {
		t.Fatal(err)
	}
	ack, err := s.WaitForAck(testCtx(t), func(a Ack) bool { return a.EventID == ev.EventID })
	if err != nil {
		t.Fatal(err)
	}
	if ack.Attempt != 2 {
		t.Errorf("acked attempt %d, want 2", ack.Attempt)
	}
	reqs := got()
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want 3", len(reqs))
	}
	for i, want := range []struct{ num, reason string }{{"", ""}, {"1", "http_error"}, {"2", "http_timeout"}} {
		r := reqs[i]
		if r.path != PathEvents || !r.signedOK || r.retryNum != want.num || r.retryReason != want.reason {
			t.Errorf("request %d: path %s signed %v retry %q %q, want %s true %q %q", i, r.path, r.signedOK, r.retryNum, r.retryReason, PathEvents, want.num, want.reason)
		}
		var cb map[string]any
		if err := json.Unmarshal(r.body, &cb); err != nil || cb["event_id"] != ev.EventID {
			t.Errorf("request %d body %s", i, r.body)
		}
	}
}

func TestHTTPDeliveryCommandAndFaults(t *testing.T) {
	s := startServer(t, Options{AckTimeout: 300 * time.Millisecond})
	app, got := fakeApp(t, s.Options().SigningSecret, func(_ int, path string) (int, time.Duration, string) {
		if path == PathCommands {
			return 200, 0, `{"response_type":"ephemeral","text":"on it"}`
		}
		return 200, 0, ""
	})
	s.SetRequestURL(app.URL)
	cmd, err := s.SlashCommand("/kb", "help", "U0BOB", "C0GENERAL")
	if err != nil {
		t.Fatal(err)
	}
	if cmd.EnvelopeID != cmd.TriggerID {
		t.Errorf("delivery id %q, want the trigger_id %q", cmd.EnvelopeID, cmd.TriggerID)
	}
	if _, err := s.WaitForMessage(testCtx(t), "C0GENERAL", func(m Message) bool { return m.Ephemeral && m.Text == "on it" }); err != nil {
		t.Fatal(err)
	}
	form, err := url.ParseQuery(string(got()[0].body))
	if err != nil || form.Get("command") != "/kb" || form.Get("text") != "help" || form.Get("response_url") != cmd.ResponseURL {
		t.Errorf("command form %v (%v)", form, err)
	}

	// A 502 from a load balancer in front of an app that did get the event.
	s.InjectDeliveryFault(DeliveryFault{Type: TypeEventsAPI, Status: 502})
	ev, err := s.AppHomeOpened("U0ALICE")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.WaitForAck(testCtx(t), func(a Ack) bool { return a.EventID == ev.EventID && a.Attempt == 1 }); err != nil {
		t.Fatal(err)
	}
	if r := got()[len(got())-1]; r.retryNum != "1" || r.retryReason != "http_error" {
		t.Errorf("retry headers %q %q, want 1 http_error", r.retryNum, r.retryReason)
	}
	if n := len(got()); n != 3 {
		t.Errorf("%d requests, want 3 (command, event, its retry)", n)
	}
}
