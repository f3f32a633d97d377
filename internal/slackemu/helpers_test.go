package slackemu

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// startServer starts an emulator on a free loopback port, closed at cleanup.
func startServer(t *testing.T, opts Options) *Server {
	t.Helper()
	s := New(opts)
	if err := s.Start("127.0.0.1:0"); err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return s
}

func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// newAPI returns a slack-go Web API client for s.
func newAPI(s *Server, opts ...slack.Option) *slack.Client {
	o := s.Options()
	return slack.New(o.BotToken, append([]slack.Option{
		slack.OptionAppLevelToken(o.AppToken),
		slack.OptionAPIURL(s.APIURL()),
	}, opts...)...)
}

// testBot is a real slack-go Socket Mode client connected to the emulator.
type testBot struct {
	api    *slack.Client
	sm     *socketmode.Client
	events chan socketmode.Event
}

// startBot runs a socketmode client against s until cleanup. With autoAck it
// acks every envelope as it arrives. Every event is forwarded to events.
func startBot(t *testing.T, s *Server, autoAck bool, opts ...socketmode.Option) *testBot {
	t.Helper()
	api := newAPI(s)
	sm := socketmode.New(api, opts...)
	b := &testBot{api: api, sm: sm, events: make(chan socketmode.Event, 1024)}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = sm.RunContext(ctx) })
	wg.Go(func() {
		for {
			select {
			case <-ctx.Done():
				return
			case e := <-sm.Events:
				if autoAck && e.Request != nil && e.Request.EnvelopeID != "" {
					if err := sm.Ack(*e.Request); err != nil {
						t.Errorf("ack: %v", err)
					}
				}
				select {
				case b.events <- e:
				default:
					t.Errorf("test bot event buffer full; dropped %s", e.Type)
				}
			}
		}
	})
	t.Cleanup(func() {
		cancel()
		wg.Wait()
	})
	return b
}

// next returns the next event of type typ, skipping others.
func (b *testBot) next(t *testing.T, ctx context.Context, typ socketmode.EventType) socketmode.Event {
	t.Helper()
	for {
		select {
		case e := <-b.events:
			if e.Type == typ {
				return e
			}
		case <-ctx.Done():
			t.Fatalf("waiting for %s: %v", typ, ctx.Err())
		}
	}
}

// nextMatching returns the next event that match accepts.
func (b *testBot) nextMatching(t *testing.T, ctx context.Context, match func(socketmode.Event) bool) socketmode.Event {
	t.Helper()
	for {
		select {
		case e := <-b.events:
			if match(e) {
				return e
			}
		case <-ctx.Done():
			t.Fatalf("waiting for a matching event: %v", ctx.Err())
		}
	}
}

func isEvent(id string) func(socketmode.Event) bool {
	return func(e socketmode.Event) bool {
		if e.Type != socketmode.EventTypeEventsAPI || e.Request == nil {
			return false
		}
		var cb struct {
			EventID string `json:"event_id"`
		}
		_ = json.Unmarshal(e.Request.Payload, &cb)
		return cb.EventID == id
	}
}

// rawConn opens a Socket Mode socket with gorilla directly, as a client that
// does exactly what a test says.
func rawConn(t *testing.T, s *Server) *websocket.Conn {
	t.Helper()
	u := openURL(t, s)
	h := http.Header{"Origin": {"https://api.slack.com"}}
	c, resp, err := websocket.DefaultDialer.Dial(u, h)
	if err != nil {
		t.Fatalf("dial %s: %v", u, err)
	}
	if resp != nil && resp.Body != nil {
		_ = resp.Body.Close()
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func openURL(t *testing.T, s *Server) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.APIURL()+"apps.connections.open", nil)
	req.Header.Set("Authorization", "Bearer "+s.Options().AppToken)
	req.Header.Set("Content-Type", "application/json")
	var out struct {
		OK  bool   `json:"ok"`
		URL string `json:"url"`
	}
	doJSON(t, req, &out)
	if !out.OK || !strings.HasPrefix(out.URL, "ws://") {
		t.Fatalf("apps.connections.open: got %+v", out)
	}
	return out.URL
}

func doJSON(t *testing.T, req *http.Request, out any) int {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatalf("decode %s: %v", req.URL, err)
	}
	return resp.StatusCode
}

func postForm(t *testing.T, u string, form url.Values, header http.Header) map[string]any {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header[k] = v
	}
	var out map[string]any
	doJSON(t, req, &out)
	return out
}

// readJSON reads the next text frame from a raw socket as a map.
func readJSON(t *testing.T, c *websocket.Conn) map[string]any {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	var m map[string]any
	if err := c.ReadJSON(&m); err != nil {
		t.Fatalf("read frame: %v", err)
	}
	return m
}
