package slackemu

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// The request paths of an HTTP-mode app, under its RequestURL.
const (
	PathEvents      = "/slack/events"
	PathInteractive = "/slack/interactive"
	PathCommands    = "/slack/commands"
)

// Reasons Slack gives in X-Slack-Retry-Reason.
const (
	RetryHTTPTimeout      = "http_timeout"
	RetryHTTPError        = "http_error"
	RetryConnectionFailed = "connection_failed"
)

// DeliveryFault changes what happens to HTTP deliveries, for tests of an
// HTTP-mode app behind an unreliable network or load balancer.
type DeliveryFault struct {
	Type string // events_api, slash_commands, interactive; "" for any
	// Delay holds the request this long before sending it (a slow network).
	Delay time.Duration
	// Status replaces the app's answer, which is read and dropped: the app got
	// the request, but Slack sees this status (e.g. 502 from a load balancer)
	// and, for an event, retries with reason http_error.
	Status int
	// Timeout drops the app's answer as though it came after the 3 seconds:
	// an event is retried with reason http_timeout.
	Timeout bool
	Times   int // deliveries it applies to; default 1
}

// SetRequestURL switches delivery from Socket Mode to HTTP: events, slash
// commands and interactions are POSTed, signed with Options.SigningSecret,
// to base+/slack/events, /slack/commands and /slack/interactive. An app
// answers by its HTTP status within AckTimeout (2xx is an ack; a slash
// command's JSON body is its immediate reply). "" switches back.
func (s *Server) SetRequestURL(base string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requestURL = strings.TrimSuffix(base, "/")
}

// RequestURL is the base URL deliveries are POSTed to, "" in Socket Mode.
func (s *Server) RequestURL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requestURL
}

// InjectDeliveryFault queues a fault for the next matching HTTP deliveries.
func (s *Server) InjectDeliveryFault(f DeliveryFault) {
	if f.Times <= 0 {
		f.Times = 1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deliveryFaults = append(s.deliveryFaults, &f)
}

func (s *Server) takeDeliveryFaultLocked(typ string) *DeliveryFault {
	for i, f := range s.deliveryFaults {
		if f.Type != "" && f.Type != typ {
			continue
		}
		f.Times--
		if f.Times <= 0 {
			s.deliveryFaults = append(s.deliveryFaults[:i], s.deliveryFaults[i+1:]...)
		}
		c := *f
		return &c
	}
	return nil
}

// sign is Slack's request signature: v0= and the hex HMAC-SHA256, keyed
// with the signing secret, of "v0:" + timestamp + ":" + body.
func sign(secret, ts string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%s:", ts)
	mac.Write(body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// Signed returns a request to the app signed as Slack signs it at time at:
// for tests that replay or tamper with a delivery.
func (s *Server) Signed(path, contentType string, body []byte, at time.Time) (*http.Request, error) {
	base := s.RequestURL()
	if base == "" {
		return nil, errors.New("slackemu: no request URL set")
	}
	return signedRequest(s.opts.SigningSecret, base+path, contentType, body, at)
}

func signedRequest(secret, u, contentType string, body []byte, at time.Time) (*http.Request, error) {
	req, err := http.NewRequest(http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("new request: %w", err)
	}
	ts := strconv.FormatInt(at.Unix(), 10)
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", sign(secret, ts, body))
	req.Header.Set("User-Agent", "Slackbot 1.0 (+https://api.slack.com/robots)")
	return req, nil
}

// httpBody encodes a job as Slack POSTs it: events as JSON, slash commands
// as form fields, interactions as one form field payload holding JSON.
func httpBody(j *job) (path, contentType string, body []byte) {
	switch j.typ {
	case TypeSlashCommands:
		var fields map[string]any
		_ = json.Unmarshal(j.payload, &fields)
		v := url.Values{}
		for k, x := range fields {
			if x != nil {
				v.Set(k, fmt.Sprint(x))
			}
		}
		return PathCommands, "application/x-www-form-urlencoded", []byte(v.Encode())
	case TypeInteractive:
		return PathInteractive, "application/x-www-form-urlencoded", []byte(url.Values{"payload": {string(j.payload)}}.Encode())
	}
	return PathEvents, "application/json", j.payload
}

// prepareHTTPLocked records an HTTP delivery of j and returns its request.
// The delivery's id is the trigger_id of a command or interaction (HTTP has
// no envelope; a bot logs that id instead), else a new id.
func (s *Server) prepareHTTPLocked(j *job) (string, *http.Request, *DeliveryFault) {
	var ids struct {
		TriggerID string `json:"trigger_id"`
	}
	_ = json.Unmarshal(j.payload, &ids)
	env := ids.TriggerID
	if env == "" || s.sent[env] != nil {
		env = newUUID()
	}
	path, ct, body := httpBody(j)
	now := time.Now()
	req, err := signedRequest(s.opts.SigningSecret, s.requestURL+path, ct, body, now)
	if err != nil {
		s.problemLocked(Problem{Kind: "bad_request_url", Detail: err.Error()})
		return "", nil, nil
	}
	if j.typ == TypeEventsAPI && j.attempt > 0 {
		req.Header.Set("X-Slack-Retry-Num", strconv.Itoa(j.attempt))
		req.Header.Set("X-Slack-Retry-Reason", cmpOr(j.reason, RetryHTTPTimeout))
	}
	d := &Delivery{EnvelopeID: env, Type: j.typ, EventID: j.eventID, Attempt: j.attempt, Conn: 0, At: now,
		HTTP: &HTTPRequest{Path: path, Header: req.Header.Clone(), Body: append([]byte(nil), body...)}}
	s.deliveries = append(s.deliveries, d)
	s.sent[env] = d
	s.jobs[env] = j
	j.current = env
	dc := *d
	s.publishLocked(Activity{Kind: ActivityDelivered, Delivery: &dc})
	s.notifyLocked()
	return env, req, s.takeDeliveryFaultLocked(j.typ)
}

// post sends one HTTP delivery and treats the answer as Slack does: a 2xx
// within AckTimeout is the ack; a slow answer, an error status or a failed
// connection gets an event retried, with X-Slack-Retry-Num and -Reason.
func (s *Server) post(j *job, env string, req *http.Request, f *DeliveryFault) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-s.quit:
			cancel()
		case <-ctx.Done():
		}
	}()
	if f != nil && f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return
		}
	}
	actx, acancel := context.WithTimeout(ctx, s.opts.AckTimeout)
	defer acancel()
	start := time.Now()
	resp, err := s.httpClient.Do(req.WithContext(actx))
	var status int
	var body []byte
	if err == nil {
		status = resp.StatusCode
		body, _ = io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
	}
	now := time.Now()
	reason := ""
	switch {
	case ctx.Err() != nil:
		return // the server is closing
	case err != nil && (errors.Is(err, context.DeadlineExceeded) || isTimeout(err)):
		reason = RetryHTTPTimeout
	case err != nil:
		reason = RetryConnectionFailed
	case f != nil && f.Timeout:
		reason = RetryHTTPTimeout
	case f != nil && f.Status != 0:
		status, reason = f.Status, RetryHTTPError
	case status < 200 || status > 299:
		reason = RetryHTTPError
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.sent[env]
	if s.closed || d == nil {
		return
	}
	d.Status = status
	if reason == "" {
		var payload map[string]any
		if len(bytes.TrimSpace(body)) > 0 && strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			if err := json.Unmarshal(body, &payload); err != nil {
				s.problemLocked(Problem{Kind: "invalid_ack_payload", EnvelopeID: env, Detail: "response body is not a JSON object"})
			}
		}
		d.Acked, d.AckedAt = true, now
		s.acks = append(s.acks, Ack{EnvelopeID: env, Type: d.Type, EventID: d.EventID, Attempt: d.Attempt,
			Payload: payload, Latency: now.Sub(start), At: now})
		j.acked = true
		if j.typ == TypeSlashCommands && len(payload) > 0 {
			s.commandAckLocked(j, payload, 0, env)
		}
		dc := *d
		s.publishLocked(Activity{Kind: ActivityAcked, Delivery: &dc})
		s.notifyLocked()
		return
	}
	d.TimedOut = reason == RetryHTTPTimeout
	detail := fmt.Sprintf("%s %s: %s", j.typ, env, reason)
	if status != 0 {
		detail += fmt.Sprintf(" (HTTP %d)", status)
	}
	if err != nil {
		detail += ": " + err.Error()
	}
	s.notifyLocked()
	switch {
	case j.typ == TypeSlashCommands:
		s.problemLocked(Problem{Kind: "operation_timeout", EnvelopeID: env,
			Detail: detail + `: the user sees "failed with the error operation_timeout"`})
		return
	case !j.retryable:
		s.problemLocked(Problem{Kind: "ack_timeout", EnvelopeID: env, Detail: detail})
		return
	case j.attempt >= maxRetries:
		s.problemLocked(Problem{Kind: "retries_exhausted", EnvelopeID: env,
			Detail: fmt.Sprintf("event %s failed after retry %d (%s); Slack gives up", j.eventID, j.attempt, reason)})
		return
	}
	s.problemLocked(Problem{Kind: "ack_timeout", EnvelopeID: env, Detail: fmt.Sprintf("event %s attempt %d: %s; retrying", j.eventID, j.attempt, detail)})
	j.attempt++
	j.reason = reason
	// Unlike Socket Mode, the retry does not wait for another ack timeout:
	// the failed answer was the signal.
	s.afterFuncLocked(s.opts.retryDelay(j.attempt), func() { s.dispatch(j, false) })
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
