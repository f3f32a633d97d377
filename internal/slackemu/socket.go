package slackemu

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Envelope types.
const (
	TypeEventsAPI     = "events_api"
	TypeSlashCommands = "slash_commands"
	TypeInteractive   = "interactive"
)

// job is one payload Slack wants the app to receive; it may take several
// envelopes (retries) to get acknowledged.
type job struct {
	typ       string
	payload   json.RawMessage
	eventID   string
	attempt   int  // retry_attempt of the next envelope
	retryable bool // events_api only
	accepts   bool // accepts_response_payload
	acked     bool
	current   string          // envelope id of the latest delivery
	target    *responseTarget // slash commands: where an ack payload shows up
	reason    string          // over HTTP: why the next attempt is a retry
}

// wsConn is one Socket Mode connection.
type wsConn struct {
	id      int
	ws      *websocket.Conn
	wmu     sync.Mutex    // gorilla allows one concurrent writer
	done    chan struct{} // closed when the read loop has exited
	closing bool          // guarded by Server.mu: no new envelopes
}

func (c *wsConn) writeText(b []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.writeTextLocked(b)
}

// writeTextLocked writes one text frame; c.wmu must be held.
func (c *wsConn) writeTextLocked(b []byte) error {
	if err := c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second)); err != nil {
		return fmt.Errorf("set write deadline: %w", err)
	}
	if err := c.ws.WriteMessage(websocket.TextMessage, b); err != nil {
		return fmt.Errorf("write to conn %d: %w", c.id, err)
	}
	return nil
}

// drop closes the socket without a close frame, like a network failure.
func (c *wsConn) drop() { _ = c.ws.Close() }

// waitDone waits for the read loop to exit, forcing the socket shut after d.
func (c *wsConn) waitDone(d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-c.done:
	case <-t.C:
		c.drop()
		<-c.done
	}
}

// Connections returns the number of open sockets.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// ConnectCount returns how many sockets have connected (received hello) so
// far.
func (s *Server) ConnectCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.connectCount
}

// SetPings turns the server's WebSocket pings on or off. With pings off,
// slack-go reconnects after its maxPingInterval.
func (s *Server) SetPings(enabled bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pingsOff = !enabled
}

// Queued returns how many payloads wait for a socket to connect.
func (s *Server) Queued() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

// DropConnections closes every socket abruptly, without a close frame, and
// returns once their read loops have ended.
func (s *Server) DropConnections() {
	for _, c := range s.takeConns() {
		c.drop()
		c.waitDone(5 * time.Second)
	}
}

// Disconnect sends {"type":"disconnect","reason":reason} to every socket, as
// Slack does before a refresh ("refresh_requested", "warning",
// "link_disabled", "too_many_websockets"), gives each client a moment to close
// its side, closes what is left and returns once all are gone.
func (s *Server) Disconnect(reason string) {
	conns := s.takeConns()
	msg := disconnectJSON(reason)
	var wg sync.WaitGroup
	for _, c := range conns {
		wg.Go(func() {
			if err := c.writeText(msg); err != nil {
				s.log.Debug().Err(err).Int("conn", c.id).Msg("send disconnect")
			}
			c.waitDone(2 * time.Second)
		})
	}
	wg.Wait()
}

// takeConns marks every open socket as closing, so no new envelope goes to
// it, and returns them.
func (s *Server) takeConns() []*wsConn {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*wsConn, 0, len(s.conns))
	for _, c := range s.conns {
		c.closing = true
		out = append(out, c)
	}
	return out
}

func disconnectJSON(reason string) []byte {
	b, _ := json.Marshal(map[string]any{
		"type":       "disconnect",
		"reason":     reason,
		"debug_info": map[string]any{"host": "slackemu"},
	})
	return b
}

// handleSocket serves the Socket Mode WebSocket at /link/.
func (s *Server) handleSocket(w http.ResponseWriter, r *http.Request) {
	ticket := r.URL.Query().Get("ticket")
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		http.Error(w, "server closed", http.StatusServiceUnavailable)
		return
	}
	valid := s.tickets[ticket]
	delete(s.tickets, ticket)
	if !valid {
		s.problemLocked(Problem{Kind: "bad_ticket", Detail: fmt.Sprintf("socket dialled with unknown or used ticket %q", ticket)})
		s.mu.Unlock()
		http.Error(w, "invalid ticket: call apps.connections.open for a fresh URL", http.StatusUnauthorized)
		return
	}
	s.wg.Add(1)
	s.mu.Unlock()
	defer s.wg.Done()

	ws, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		s.log.Debug().Err(err).Msg("websocket upgrade")
		return
	}
	ws.SetReadLimit(1 << 20)

	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		_ = ws.Close()
		return
	}
	s.connSeq++
	c := &wsConn{id: s.connSeq, ws: ws, done: make(chan struct{})}
	open := 0
	for _, o := range s.conns {
		if !o.closing {
			open++
		}
	}
	if open >= s.opts.MaxConnections {
		s.problemLocked(Problem{Kind: "too_many_websockets", Conn: c.id,
			Detail: fmt.Sprintf("refused connection %d: %d already open", c.id, open)})
		s.mu.Unlock()
		s.refuse(c)
		return
	}
	// Register now, so num_connections and the cap see this socket, but hold
	// its write lock until hello is out, so no envelope can overtake hello.
	c.wmu.Lock()
	s.conns[c.id] = c
	s.connectCount++
	queued := s.queue
	s.queue = nil
	s.wg.Add(1) // the pinger
	s.notifyLocked()
	s.mu.Unlock()

	err = c.writeTextLocked(s.helloJSON(open + 1))
	c.wmu.Unlock()
	if err != nil {
		s.log.Debug().Err(err).Msg("send hello")
	} else {
		s.ping(c)
	}
	s.log.Debug().Int("conn", c.id).Msg("socket connected")

	go func() {
		defer s.wg.Done()
		s.pingLoop(c)
	}()
	// Hand what waited to this socket. This runs before the read loop; acks
	// sit in the socket buffer until it starts.
	for _, j := range queued {
		s.sendTo(j, c)
	}
	s.readLoop(c)
}

// refuse tells an extra client too_many_websockets and closes it.
func (s *Server) refuse(c *wsConn) {
	go func() {
		defer close(c.done)
		for {
			if _, _, err := c.ws.ReadMessage(); err != nil {
				return
			}
		}
	}()
	if err := c.writeText(disconnectJSON("too_many_websockets")); err == nil {
		_ = c.ws.WriteControl(websocket.CloseMessage,
			websocket.FormatCloseMessage(websocket.ClosePolicyViolation, "too_many_websockets"),
			time.Now().Add(time.Second))
	}
	c.waitDone(2 * time.Second)
	_ = c.ws.Close()
}

func (s *Server) helloJSON(n int) []byte {
	b, _ := json.Marshal(map[string]any{
		"type":            "hello",
		"num_connections": n,
		"debug_info": map[string]any{
			"host":                        "slackemu",
			"started":                     time.Now().UTC().Format("2006-01-02 15:04:05.000"),
			"build_number":                1,
			"approximate_connection_time": 18060,
		},
		"connection_info": map[string]any{"app_id": s.opts.AppID},
	})
	return b
}

func (s *Server) ping(c *wsConn) {
	s.mu.Lock()
	off := s.pingsOff
	s.mu.Unlock()
	if off {
		return
	}
	payload := strconv.FormatInt(time.Now().UnixMilli(), 10)
	if err := c.ws.WriteControl(websocket.PingMessage, []byte(payload), time.Now().Add(5*time.Second)); err != nil {
		s.log.Debug().Err(err).Int("conn", c.id).Msg("ping")
	}
}

func (s *Server) pingLoop(c *wsConn) {
	t := time.NewTicker(s.opts.PingInterval)
	defer t.Stop()
	for {
		select {
		case <-c.done:
			return
		case <-t.C:
			s.ping(c)
		}
	}
}

func (s *Server) readLoop(c *wsConn) {
	defer func() {
		_ = c.ws.Close()
		s.mu.Lock()
		delete(s.conns, c.id)
		s.notifyLocked()
		s.mu.Unlock()
		close(c.done)
		s.log.Debug().Int("conn", c.id).Msg("socket closed")
	}()
	for {
		mt, data, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		if mt != websocket.TextMessage {
			s.mu.Lock()
			s.problemLocked(Problem{Kind: "bad_frame", Conn: c.id, Detail: "binary frame"})
			s.mu.Unlock()
			continue
		}
		if len(data) >= maxAckSize {
			env := envelopeIDOf(data)
			s.mu.Lock()
			s.problemLocked(Problem{Kind: "ack_too_large", Conn: c.id, EnvelopeID: env,
				Detail: fmt.Sprintf("frame of %d bytes: Slack drops frames of %d bytes or more", len(data), maxAckSize)})
			keep := s.opts.KeepOversizedConns
			s.mu.Unlock()
			if !keep {
				_ = c.ws.WriteControl(websocket.CloseMessage,
					websocket.FormatCloseMessage(websocket.CloseMessageTooBig, "Max frame length of 20480 has been exceeded."),
					time.Now().Add(time.Second))
				return
			}
			continue
		}
		s.handleAck(c, data)
	}
}

func envelopeIDOf(data []byte) string {
	var v struct {
		EnvelopeID string `json:"envelope_id"`
	}
	_ = json.Unmarshal(data, &v)
	return v.EnvelopeID
}

func (s *Server) handleAck(c *wsConn, data []byte) {
	var frame struct {
		EnvelopeID string          `json:"envelope_id"`
		Payload    json.RawMessage `json:"payload"`
	}
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := json.Unmarshal(data, &frame); err != nil || frame.EnvelopeID == "" {
		s.problemLocked(Problem{Kind: "bad_frame", Conn: c.id, Detail: fmt.Sprintf("not an ack: %.200s", data)})
		return
	}
	d := s.sent[frame.EnvelopeID]
	if d == nil {
		s.problemLocked(Problem{Kind: "unknown_envelope", Conn: c.id, EnvelopeID: frame.EnvelopeID, Detail: "ack for an envelope never sent"})
		return
	}
	if d.Acked {
		s.problemLocked(Problem{Kind: "duplicate_ack", Conn: c.id, EnvelopeID: frame.EnvelopeID, Detail: "envelope acked twice"})
		return
	}
	var payload map[string]any
	if len(frame.Payload) > 0 && string(frame.Payload) != "null" {
		if err := json.Unmarshal(frame.Payload, &payload); err != nil {
			s.problemLocked(Problem{Kind: "bad_frame", Conn: c.id, EnvelopeID: frame.EnvelopeID, Detail: "ack payload is not a JSON object"})
		}
	}
	d.Acked = true
	d.AckedAt = now
	ack := Ack{EnvelopeID: d.EnvelopeID, Type: d.Type, EventID: d.EventID, Attempt: d.Attempt,
		Payload: payload, Latency: now.Sub(d.At), Conn: c.id, At: now, Late: d.TimedOut}
	s.acks = append(s.acks, ack)
	j := s.jobs[frame.EnvelopeID]
	if ack.Late {
		s.problemLocked(Problem{Kind: "late_ack", Conn: c.id, EnvelopeID: d.EnvelopeID,
			Detail: fmt.Sprintf("acked after %v, past the %v ack timeout", ack.Latency.Round(time.Millisecond), s.opts.AckTimeout)})
	} else if j != nil {
		j.acked = true
		if j.typ == TypeSlashCommands && len(payload) > 0 {
			s.commandAckLocked(j, payload, c.id, d.EnvelopeID)
		}
	}
	dc := *d
	s.publishLocked(Activity{Kind: ActivityAcked, Delivery: &dc})
	s.notifyLocked()
}

// commandAckLocked shows a slash command's ack payload the way Slack does: as
// a reply, ephemeral unless response_type is in_channel.
func (s *Server) commandAckLocked(j *job, payload map[string]any, conn int, env string) {
	t := j.target
	if t == nil {
		return
	}
	text, _ := payload["text"].(string)
	blocks, ok := toMaps(payload["blocks"])
	if !ok {
		s.problemLocked(Problem{Kind: "invalid_ack_payload", Conn: conn, EnvelopeID: env, Detail: "blocks is not an array of objects"})
		return
	}
	if text == "" && len(blocks) == 0 {
		return // e.g. a bare {"response_action":...}; nothing to show
	}
	if errs := validateBlocks(blocks, maxMessageBlocks, "/blocks"); len(errs) > 0 {
		s.problemLocked(Problem{Kind: "invalid_ack_payload", Conn: conn, EnvelopeID: env, Detail: "invalid_blocks: " + joinErrs(errs)})
		return
	}
	rt, _ := payload["response_type"].(string)
	s.postResponseLocked(t, rt, text, blocks, "")
}

// dispatch sends j to a random open socket, or queues it until one connects.
// It returns the envelope id, or "" if queued.
func (s *Server) dispatch(j *job, fresh bool) string {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ""
	}
	if s.requestURL != "" {
		env, req, f := s.prepareHTTPLocked(j)
		if req != nil {
			s.wg.Go(func() { s.post(j, env, req, f) })
		}
		s.mu.Unlock()
		return env
	}
	c := s.pickConnLocked()
	if c == nil {
		if fresh && j.retryable && j.attempt == 0 {
			// Slack counts the missed delivery; the event arrives later as a retry.
			j.attempt = 1
		}
		s.queue = append(s.queue, j)
		s.notifyLocked()
		s.mu.Unlock()
		return ""
	}
	env, data := s.prepareLocked(j, c)
	s.mu.Unlock()
	s.write(c, env, data)
	return env
}

// sendTo sends j to c.
func (s *Server) sendTo(j *job, c *wsConn) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	env, data := s.prepareLocked(j, c)
	s.mu.Unlock()
	s.write(c, env, data)
}

func (s *Server) write(c *wsConn, env string, data []byte) {
	// A failed write is left to the ack timer, as a lost envelope would be.
	if err := c.writeText(data); err != nil {
		s.log.Debug().Err(err).Str("envelope_id", env).Msg("send envelope")
	}
}

func (s *Server) pickConnLocked() *wsConn {
	open := make([]*wsConn, 0, len(s.conns))
	for _, c := range s.conns {
		if !c.closing {
			open = append(open, c)
		}
	}
	if len(open) == 0 {
		return nil
	}
	return open[rand.IntN(len(open))]
}

// prepareLocked records a delivery of j to c, starts its ack timer and returns
// the envelope.
func (s *Server) prepareLocked(j *job, c *wsConn) (string, []byte) {
	env := newUUID()
	now := time.Now()
	d := &Delivery{EnvelopeID: env, Type: j.typ, EventID: j.eventID, Attempt: j.attempt, Conn: c.id, At: now}
	s.deliveries = append(s.deliveries, d)
	s.sent[env] = d
	s.jobs[env] = j
	j.current = env
	e := map[string]any{
		"envelope_id":              env,
		"type":                     j.typ,
		"payload":                  j.payload,
		"accepts_response_payload": j.accepts,
	}
	if j.typ == TypeEventsAPI {
		e["retry_attempt"] = j.attempt
		e["retry_reason"] = ""
		if j.attempt > 0 {
			e["retry_reason"] = "timeout"
		}
	}
	data, _ := json.Marshal(e)
	s.afterFuncLocked(s.opts.AckTimeout, func() { s.ackTimeout(j, env) })
	dc := *d
	s.publishLocked(Activity{Kind: ActivityDelivered, Delivery: &dc})
	s.notifyLocked()
	return env, data
}

// ackTimeout runs AckTimeout after envelope env of j was sent.
func (s *Server) ackTimeout(j *job, env string) {
	s.mu.Lock()
	d := s.sent[env]
	if s.closed || d == nil || d.Acked {
		s.mu.Unlock()
		return
	}
	d.TimedOut = true
	s.notifyLocked()
	if j.acked || j.current != env {
		s.mu.Unlock()
		return
	}
	switch {
	case j.typ == TypeSlashCommands:
		s.problemLocked(Problem{Kind: "operation_timeout", Conn: d.Conn, EnvelopeID: env,
			Detail: fmt.Sprintf("slash command not acked within %v: the user sees \"failed with the error operation_timeout\"", s.opts.AckTimeout)})
		s.mu.Unlock()
		return
	case !j.retryable:
		s.problemLocked(Problem{Kind: "ack_timeout", Conn: d.Conn, EnvelopeID: env,
			Detail: fmt.Sprintf("%s envelope not acked within %v", j.typ, s.opts.AckTimeout)})
		s.mu.Unlock()
		return
	case j.attempt >= maxRetries:
		s.problemLocked(Problem{Kind: "retries_exhausted", Conn: d.Conn, EnvelopeID: env,
			Detail: fmt.Sprintf("event %s not acked after retry %d; Slack gives up", j.eventID, j.attempt)})
		s.mu.Unlock()
		return
	}
	s.problemLocked(Problem{Kind: "ack_timeout", Conn: d.Conn, EnvelopeID: env,
		Detail: fmt.Sprintf("event %s attempt %d not acked within %v; retrying", j.eventID, j.attempt, s.opts.AckTimeout)})
	j.attempt++
	if delay := s.opts.retryDelay(j.attempt); delay > 0 {
		s.afterFuncLocked(delay, func() { s.dispatch(j, false) })
		s.mu.Unlock()
		return
	}
	s.mu.Unlock()
	s.dispatch(j, false)
}
