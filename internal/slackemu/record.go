package slackemu

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Call is one request the server answered: a Web API method, or
// "response_url" for a POST to a response URL.
type Call struct {
	Method string
	// Params are the form values (blocks, attachments, metadata and view
	// JSON-decoded) or the JSON body, without the token. Response URL calls
	// also carry "response_url_id".
	Params   map[string]any
	Token    string // the token presented, from the header or the form
	At       time.Time
	Status   int    // HTTP status answered
	Error    string // the Slack error code, "" when ok
	Response map[string]any
}

// Ack is one acknowledgement the bot sent over Socket Mode.
type Ack struct {
	EnvelopeID string
	Type       string // events_api, slash_commands, interactive
	EventID    string // events_api only
	Attempt    int    // the retry_attempt of the envelope acked
	Payload    map[string]any
	Latency    time.Duration // from sending the envelope to receiving the ack
	Conn       int
	At         time.Time
	Late       bool // arrived after the ack timeout
}

// Delivery is one envelope sent to the bot.
type Delivery struct {
	EnvelopeID string
	Type       string
	EventID    string
	Attempt    int
	Conn       int
	At         time.Time
	Acked      bool
	AckedAt    time.Time
	TimedOut   bool // no ack within AckTimeout
	// HTTP deliveries (SetRequestURL) only: the request as sent, and the
	// status the app answered (0: no answer).
	HTTP   *HTTPRequest
	Status int
}

// HTTPRequest is an HTTP delivery as it was sent; a test may replay it.
type HTTPRequest struct {
	Path   string
	Header http.Header
	Body   []byte
}

// Problem is something the bot (or a test) did that Slack would reject or
// that went wrong on a socket: kinds include ack_too_large, unknown_envelope,
// duplicate_ack, late_ack, bad_frame, ack_timeout, retries_exhausted,
// operation_timeout, invalid_ack_payload, too_many_websockets, bad_ticket.
type Problem struct {
	Kind       string
	Detail     string
	Conn       int
	EnvelopeID string
	At         time.Time
}

func (s *Server) recordCall(c Call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, c)
	s.notifyLocked()
}

func (s *Server) problemLocked(p Problem) {
	p.At = time.Now()
	s.problems = append(s.problems, p)
	s.log.Warn().Str("kind", p.Kind).Str("envelope_id", p.EnvelopeID).Int("conn", p.Conn).Msg(p.Detail)
	s.notifyLocked()
}

func copyCall(c Call) Call {
	c.Params = deepCopyMap(c.Params)
	c.Response = deepCopyMap(c.Response)
	return c
}

// Calls returns every request answered so far, oldest first.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Call, len(s.calls))
	for i, c := range s.calls {
		out[i] = copyCall(c)
	}
	return out
}

// CallsTo returns the calls to one method.
func (s *Server) CallsTo(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if c.Method == method {
			out = append(out, copyCall(c))
		}
	}
	return out
}

// waitItems waits for an item that pred accepts. snapshot, called with s.mu
// held, returns the items from index from on; pred runs without the lock, so
// it may call the Server. With rescan, every wake-up re-checks all items (for
// things that change in place, like messages).
func waitItems[T any](ctx context.Context, s *Server, rescan bool, snapshot func(from int) []T, pred func(T) bool) (T, error) {
	next := 0
	for {
		s.mu.Lock()
		items := snapshot(next)
		ch, closed := s.changed, s.closed
		s.mu.Unlock()
		for _, it := range items {
			if pred(it) {
				return it, nil
			}
		}
		if !rescan {
			next += len(items)
		}
		var zero T
		if closed {
			return zero, errors.New("server closed")
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return zero, ctx.Err()
		}
	}
}

// WaitFor returns the first call, past or future, that pred accepts. It
// returns an error wrapping ctx's error if none comes in time.
func (s *Server) WaitFor(ctx context.Context, pred func(Call) bool) (Call, error) {
	c, err := waitItems(ctx, s, false, func(from int) []Call {
		out := make([]Call, 0, len(s.calls)-from)
		for _, c := range s.calls[from:] {
			out = append(out, copyCall(c))
		}
		return out
	}, pred)
	if err != nil {
		return Call{}, fmt.Errorf("slackemu wait for call: %w", err)
	}
	return c, nil
}

// Acks returns every ack received, oldest first.
func (s *Server) Acks() []Ack {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.acksLocked(0)
}

func (s *Server) acksLocked(from int) []Ack {
	out := make([]Ack, 0, len(s.acks)-from)
	for _, a := range s.acks[from:] {
		a.Payload = deepCopyMap(a.Payload)
		out = append(out, a)
	}
	return out
}

// WaitForAck returns the first ack, past or future, that pred accepts.
func (s *Server) WaitForAck(ctx context.Context, pred func(Ack) bool) (Ack, error) {
	a, err := waitItems(ctx, s, false, s.acksLocked, pred)
	if err != nil {
		return Ack{}, fmt.Errorf("slackemu wait for ack: %w", err)
	}
	return a, nil
}

// Deliveries returns every envelope sent, oldest first.
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.deliveriesLocked(0)
}

func (s *Server) deliveriesLocked(from int) []Delivery {
	out := make([]Delivery, 0, len(s.deliveries)-from)
	for _, d := range s.deliveries[from:] {
		out = append(out, *d)
	}
	return out
}

// WaitForDelivery returns the first delivery, past or future, that pred
// accepts. Deliveries change in place (Acked, TimedOut), so all are
// re-checked on every change.
func (s *Server) WaitForDelivery(ctx context.Context, pred func(Delivery) bool) (Delivery, error) {
	d, err := waitItems(ctx, s, true, s.deliveriesLocked, pred)
	if err != nil {
		return Delivery{}, fmt.Errorf("slackemu wait for delivery: %w", err)
	}
	return d, nil
}

// Problems returns what went wrong so far, oldest first.
func (s *Server) Problems() []Problem {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Problem(nil), s.problems...)
}

// WaitForProblem returns the first problem, past or future, that pred
// accepts.
func (s *Server) WaitForProblem(ctx context.Context, pred func(Problem) bool) (Problem, error) {
	p, err := waitItems(ctx, s, false, func(from int) []Problem {
		return append([]Problem(nil), s.problems[from:]...)
	}, pred)
	if err != nil {
		return Problem{}, fmt.Errorf("slackemu wait for problem: %w", err)
	}
	return p, nil
}

// WaitForMessage returns the first message in channel, already posted or
// still to come, that pred accepts; updates are seen as they happen.
func (s *Server) WaitForMessage(ctx context.Context, channel string, pred func(Message) bool) (Message, error) {
	m, err := waitItems(ctx, s, true, func(int) []Message {
		out := make([]Message, 0, len(s.history[channel]))
		for _, m := range s.history[channel] {
			out = append(out, *copyMessage(m))
		}
		return out
	}, pred)
	if err != nil {
		return Message{}, fmt.Errorf("slackemu wait for message in %s: %w", channel, err)
	}
	return m, nil
}

// WaitForConnections waits until exactly n sockets are open.
func (s *Server) WaitForConnections(ctx context.Context, n int) error {
	if err := s.WaitUntil(ctx, func() bool { return s.Connections() == n }); err != nil {
		return fmt.Errorf("slackemu wait for %d connections: %w", n, err)
	}
	return nil
}

// WaitForConnectCount waits until at least n sockets have connected in total.
func (s *Server) WaitForConnectCount(ctx context.Context, n int) error {
	if err := s.WaitUntil(ctx, func() bool { return s.ConnectCount() >= n }); err != nil {
		return fmt.Errorf("slackemu wait for %d connects: %w", n, err)
	}
	return nil
}
