package slackverify

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
)

const secret = "8f742231b10e8888abcd99yyyzzz85a5"

func signed(t *testing.T, secret string, at time.Time, body string) *http.Request {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "/slack/events", strings.NewReader(body))
	ts := strconv.FormatInt(at.Unix(), 10)
	r.Header.Set(HeaderTimestamp, ts)
	r.Header.Set(HeaderSignature, Sign(secret, ts, []byte(body)))
	return r
}

// TestSignKnownAnswer checks Sign against the example in Slack's
// documentation ("Verifying requests from Slack").
func TestSignKnownAnswer(t *testing.T) {
	body := "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
	got := Sign(secret, "1531420618", []byte(body))
	want := "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
	if got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestWrap(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	body := `{"type":"event_callback","event_id":"Ev1"}`
	tests := []struct {
		name   string
		req    func(t *testing.T) *http.Request
		status int
	}{
		{"signed", func(t *testing.T) *http.Request { return signed(t, secret, now, body) }, 200},
		{"signed 4 minutes ago", func(t *testing.T) *http.Request { return signed(t, secret, now.Add(-4*time.Minute), body) }, 200},
		{"wrong secret", func(t *testing.T) *http.Request { return signed(t, "another-secret", now, body) }, 401},
		{"changed body", func(t *testing.T) *http.Request {
			r := signed(t, secret, now, body)
			r.Body = io.NopCloser(strings.NewReader(strings.Replace(body, "Ev1", "Ev2", 1)))
			return r
		}, 401},
		{"replayed after 5 minutes", func(t *testing.T) *http.Request { return signed(t, secret, now.Add(-5*time.Minute-time.Second), body) }, 401},
		{"timestamp in the future", func(t *testing.T) *http.Request { return signed(t, secret, now.Add(6*time.Minute), body) }, 401},
		{"no signature header", func(t *testing.T) *http.Request {
			r := signed(t, secret, now, body)
			r.Header.Del(HeaderSignature)
			return r
		}, 401},
		{"no timestamp header", func(t *testing.T) *http.Request {
			r := signed(t, secret, now, body)
			r.Header.Del(HeaderTimestamp)
			return r
		}, 401},
		{"timestamp not a number", func(t *testing.T) *http.Request {
			r := signed(t, secret, now, body)
			r.Header.Set(HeaderTimestamp, "soon")
			return r
		}, 401},
		{"signature without v0=", func(t *testing.T) *http.Request {
			r := signed(t, secret, now, body)
			r.Header.Set(HeaderSignature, strings.TrimPrefix(r.Header.Get(HeaderSignature), "v0="))
			return r
		}, 401},
		{"body over 1 MiB", func(t *testing.T) *http.Request {
			return signed(t, secret, now, `{"text":"`+strings.Repeat("a", MaxBody)+`"}`)
		}, 413},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var logs bytes.Buffer
			called := false
			var got string
			h := New(secret, zerolog.New(&logs), func() time.Time { return now }).Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				called = true
				b, _ := io.ReadAll(r.Body)
				got = string(b)
			}))
			w := httptest.NewRecorder()
			h.ServeHTTP(w, tc.req(t))
			if w.Code != tc.status {
				t.Errorf("status %d, want %d", w.Code, tc.status)
			}
			if want := tc.status == 200; called != want {
				t.Errorf("handler called %v, want %v", called, want)
			}
			if tc.status == 200 && got != body {
				t.Errorf("handler read body %q, want %q", got, body)
			}
			if tc.status != 200 && !strings.Contains(logs.String(), "slack request refused") {
				t.Errorf("no log line for a refused request: %q", logs.String())
			}
			if strings.Contains(logs.String(), secret) {
				t.Errorf("the secret is in the log: %s", logs.String())
			}
		})
	}
}

// FuzzVerify: whatever the headers and body, Verify never panics, accepts
// only what Sign produced for that exact body and time, and never lets a
// changed body through.
func FuzzVerify(f *testing.F) {
	now := time.Unix(1_800_000_000, 0)
	f.Add("1800000000", "", []byte(`{"type":"url_verification","challenge":"x"}`), false)
	f.Add("1800000000", "v0=00", []byte("payload=%7B%7D"), true)
	f.Add("-1", "v0=", []byte{}, false)
	f.Add("99999999999999999999", "v1=abc", []byte{0xff, 0x00}, true)
	f.Fuzz(func(t *testing.T, ts, sig string, body []byte, useSign bool) {
		h := http.Header{}
		h.Set(HeaderTimestamp, ts)
		if useSign {
			sig = Sign(secret, ts, body)
		}
		h.Set(HeaderSignature, sig)
		err := Verify(h, body, secret, now)
		sec, perr := strconv.ParseInt(h.Get(HeaderTimestamp), 10, 64)
		fresh := perr == nil && sec >= now.Add(-MaxAge).Unix() && sec <= now.Add(MaxAge).Unix()
		good := fresh && h.Get(HeaderSignature) == Sign(secret, h.Get(HeaderTimestamp), body)
		if (err == nil) != good {
			t.Fatalf("Verify(ts %q, sig %q) = %v; signed and fresh: %v", ts, sig, err, good)
		}
		if err == nil {
			changed := append(append([]byte(nil), body...), 'x')
			if Verify(h, changed, secret, now) == nil {
				t.Fatal("a changed body verified")
			}
		}
	})
}
