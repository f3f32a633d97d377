package slackbot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"github.com/kbbot/kbbot/internal/slackverify"
)

// Transports (Options.Mode).
const (
	ModeSocket = "socket"
	ModeHTTP   = "http"
)

// The request paths of HTTP mode, as the app manifest names them.
const (
	PathEvents      = "/slack/events"
	PathInteractive = "/slack/interactive"
	PathCommands    = "/slack/commands"
)

// httpAck is the acknowledgement of one HTTP request: the same acker the
// Socket Mode handlers call, except that the ack becomes the response.
// Over HTTP there is no envelope; the event_id (events) or trigger_id
// (commands, interactions) stands in for its id in logs.
type httpAck struct {
	acked   bool
	payload any
}

func (a *httpAck) AckCtx(_ context.Context, _ string, payload any) error {
	a.acked, a.payload = true, payload
	return nil
}

// runHTTP serves Slack's requests on Options.HTTPAddr until ctx ends, then
// stops accepting and lets the requests in flight finish (their acks are
// the answers Slack waits for). Readiness is false from the stop on, so a
// load balancer sends elsewhere.
func (b *Bot) runHTTP(ctx context.Context) error {
	if b.opts.SigningSecret == "" {
		return errors.New("http mode: Options.SigningSecret is empty")
	}
	ln, err := net.Listen("tcp", b.opts.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen for slack requests: %w", err)
	}
	srv := &http.Server{
		Handler:           b.HTTPHandler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       90 * time.Second,
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	b.connected.Store(true)
	b.log.Info().Str("addr", ln.Addr().String()).Str("events", PathEvents).Str("interactive", PathInteractive).
		Str("commands", PathCommands).Msg("serving slack requests")

	select {
	case <-ctx.Done():
	case err := <-serveErr:
		b.connected.Store(false)
		return fmt.Errorf("serve slack requests: %w", err)
	}
	b.connected.Store(false)
	b.queueMu.Lock()
	b.draining = true // requests still arriving get 503: Slack retries them elsewhere
	b.queueMu.Unlock()
	b.log.Info().Msg("draining: not ready, no new slack requests")
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), b.opts.ShutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		b.log.Warn().Err(err).Msg("slack requests still open at the end of the grace period")
		_ = srv.Close()
	}
	<-serveErr
	return nil
}

// HTTPHandler serves POST /slack/events, /slack/interactive and
// /slack/commands. Every request is verified with the signing secret first;
// unsigned ones never reach the handlers.
func (b *Bot) HTTPHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+PathEvents, b.serveEvents)
	mux.HandleFunc("POST "+PathInteractive, b.serveInteractive)
	mux.HandleFunc("POST "+PathCommands, b.serveCommands)
	return slackverify.New(b.opts.SigningSecret, b.opts.Logger, nil).Wrap(mux)
}

func (b *Bot) serveEvents(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body) // verified and at most 1 MiB
	if err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	ea, err := slackevents.ParseEvent(json.RawMessage(body), slackevents.OptionNoVerifyToken())
	if err != nil {
		b.log.Warn().Err(err).Msg("unreadable events api request")
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	if ea.Type == slackevents.URLVerification {
		uv, _ := ea.Data.(*slackevents.EventsAPIURLVerificationEvent)
		if uv == nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		b.log.Info().Msg("answered slack's url_verification challenge")
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, uv.Challenge)
		return
	}
	retry, _ := strconv.Atoi(r.Header.Get("X-Slack-Retry-Num"))
	env := &socketmode.Request{Type: string(socketmode.EventTypeEventsAPI), RetryAttempt: retry, RetryReason: r.Header.Get("X-Slack-Retry-Reason")}
	if cb, ok := ea.Data.(*slackevents.EventsAPICallbackEvent); ok {
		env.EnvelopeID = cb.EventID
	}
	if env.EnvelopeID == "" {
		env.EnvelopeID = "http-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	}
	b.deliver(w, r, socketmode.Event{Type: socketmode.EventTypeEventsAPI, Data: ea, Request: env})
}

func (b *Bot) serveCommands(w http.ResponseWriter, r *http.Request) {
	cmd, err := slack.SlashCommandParse(r)
	if err != nil {
		b.log.Warn().Err(err).Msg("unreadable slash command request")
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	if b.replayed(cmd.TriggerID) {
		w.WriteHeader(http.StatusOK)
		return
	}
	env := &socketmode.Request{Type: string(socketmode.EventTypeSlashCommand), EnvelopeID: cmd.TriggerID}
	b.deliver(w, r, socketmode.Event{Type: socketmode.EventTypeSlashCommand, Data: cmd, Request: env})
}

func (b *Bot) serveInteractive(w http.ResponseWriter, r *http.Request) {
	var cb slack.InteractionCallback
	if err := json.Unmarshal([]byte(r.FormValue("payload")), &cb); err != nil {
		b.log.Warn().Err(err).Msg("unreadable interaction request")
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	if b.replayed(cb.TriggerID) {
		w.WriteHeader(http.StatusOK)
		return
	}
	env := &socketmode.Request{Type: string(socketmode.EventTypeInteractive), EnvelopeID: cb.TriggerID}
	b.deliver(w, r, socketmode.Event{Type: socketmode.EventTypeInteractive, Data: cb, Request: env})
}

// replayed reports whether a command or interaction with this trigger_id
// was taken already: Slack never sends one twice, so it is a replay inside
// the signature's 5-minute window, acknowledged and not worked again.
// (Events are kept once-only by their event_id, in onEventsAPI.)
func (b *Bot) replayed(triggerID string) bool {
	if triggerID == "" || b.seen.Add("trigger/"+triggerID) {
		return false
	}
	b.log.Info().Str("envelope_id", triggerID).Str("outcome", "duplicate").Msg("request already taken; replay ignored")
	return true
}

// deliver hands one request to the handlers Socket Mode uses and turns
// their ack into the response: 200 (with the ack payload, if any) once the
// work is queued, 503 when it was not taken (the queue is full or the bot
// is stopping), so that Slack retries, perhaps on another replica.
func (b *Bot) deliver(w http.ResponseWriter, r *http.Request, evt socketmode.Event) {
	ack := &httpAck{}
	b.queueMu.Lock()
	if b.queueClosed || b.draining {
		b.queueMu.Unlock()
		http.Error(w, "stopping", http.StatusServiceUnavailable)
		return
	}
	b.dispatch(r.Context(), ack, evt) // one at a time: room() then send must not race
	b.queueMu.Unlock()
	if !ack.acked {
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	}
	if ack.payload == nil {
		w.WriteHeader(http.StatusOK)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(ack.payload)
}
