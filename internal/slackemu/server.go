package slackemu

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/rs/zerolog"
)

// Options configures a Server. Zero values take the defaults noted on each field.
type Options struct {
	BotToken string // default "xoxb-test-bot"
	AppToken string // default "xapp-test-app"

	TeamID     string // default "T0001"
	AppID      string // default "A0001"
	BotUserID  string // default "U0BOT"
	BotID      string // default "B0BOT"
	BotName    string // the bot user's name, default "kbbot"
	TeamName   string // default "Emulated Workspace"
	TeamDomain string // default "emulated"

	// AckTimeout is how long an envelope may stay unacknowledged. Default 3s.
	AckTimeout time.Duration
	// RetryDelays are the extra waits, after an ack timeout, before retries
	// 1, 2 and 3. Default {0, 0, 0}: each retry follows about AckTimeout after
	// the unacked delivery. Slack's real ones are about 0, 1m and 5m. A shorter
	// slice repeats its last value.
	RetryDelays []time.Duration
	// PingInterval is how often the server sends WebSocket pings. Default 5s.
	PingInterval time.Duration
	// MaxConnections caps open sockets; one more gets a too_many_websockets
	// disconnect. Default 10.
	MaxConnections int
	// KeepOversizedConns keeps a socket open after it sends a frame of 20,480
	// bytes or more (the frame is still rejected and recorded). By default the
	// socket is closed with code 1009, as Slack does.
	KeepOversizedConns bool
	// EchoBotMessages delivers the bot's own chat.postMessage posts in DM
	// channels back to it as message.im events carrying bot_id, as Slack does
	// when the app subscribes to message.im. Off by default.
	EchoBotMessages bool
	// PublicURL is the base URL (http://host:port) used in response_url values
	// when the server is mounted through Handler rather than started with
	// Start. apps.connections.open uses the request's Host when it is empty.
	PublicURL string
	// SigningSecret signs HTTP deliveries (SetRequestURL). Default
	// "emulated-signing-secret".
	SigningSecret string

	Logger *zerolog.Logger // optional; nothing is logged when nil
}

func (o Options) withDefaults() Options {
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&o.BotToken, "xoxb-test-bot")
	def(&o.AppToken, "xapp-test-app")
	def(&o.TeamID, "T0001")
	def(&o.AppID, "A0001")
	def(&o.BotUserID, "U0BOT")
	def(&o.BotID, "B0BOT")
	def(&o.BotName, "kbbot")
	def(&o.TeamName, "Emulated Workspace")
	def(&o.TeamDomain, "emulated")
	def(&o.SigningSecret, "emulated-signing-secret")
	if o.AckTimeout <= 0 {
		o.AckTimeout = 3 * time.Second
	}
	if o.RetryDelays == nil {
		o.RetryDelays = []time.Duration{0, 0, 0}
	} else {
		o.RetryDelays = append([]time.Duration(nil), o.RetryDelays...)
	}
	if o.PingInterval <= 0 {
		o.PingInterval = 5 * time.Second
	}
	if o.MaxConnections <= 0 {
		o.MaxConnections = 10
	}
	o.PublicURL = strings.TrimSuffix(o.PublicURL, "/")
	return o
}

// retryDelay is the wait after the ack timeout before retry n (1-based).
func (o Options) retryDelay(n int) time.Duration {
	if len(o.RetryDelays) == 0 {
		return 0
	}
	return o.RetryDelays[min(n, len(o.RetryDelays))-1]
}

// maxRetries is how many times Slack retries an unacknowledged event.
const maxRetries = 3

// maxAckSize is Slack's limit for a Socket Mode frame from the app.
const maxAckSize = 20480

// Server is a local Slack: Web API, Socket Mode, and a small workspace.
type Server struct {
	opts     Options
	log      zerolog.Logger
	upgrader websocket.Upgrader
	handler  http.Handler

	// lifecycle
	ln      net.Listener
	httpSrv *http.Server
	wg      sync.WaitGroup // connection goroutines and the HTTP server

	mu sync.Mutex
	// changed is closed and replaced whenever anything recordable changes,
	// so waiters can wake and re-check.
	changed chan struct{}
	quit    chan struct{} // closed by Close: cuts injected delays short
	closed  bool
	baseURL string

	// workspace
	users    map[string]User
	channels map[string]Channel
	history  map[string][]*Message // channel -> messages in posting order
	byTS     map[string]*Message   // channel+"/"+ts -> message
	views    map[string]map[string]any
	lastTS   int64 // microseconds of the last ts handed out

	// recording
	calls      []Call
	acks       []Ack
	deliveries []*Delivery
	problems   []Problem

	// socket mode
	conns        map[int]*wsConn
	connSeq      int
	connectCount int
	tickets      map[string]bool
	pingsOff     bool
	jobs         map[string]*job      // envelope id -> job it carries
	sent         map[string]*Delivery // envelope id -> delivery record
	queue        []*job
	events       map[string]map[string]any // event id -> event_callback payload
	timers       map[*time.Timer]struct{}
	responses    map[string]*responseTarget

	faults map[string][]*faultState

	// HTTP delivery (httpdelivery.go)
	requestURL     string
	deliveryFaults []*DeliveryFault
	httpClient     *http.Client

	subs   map[int]chan Activity
	subSeq int
}

// New returns a Server with the default workspace: users U0ALICE (admin) and
// U0BOB, the bot user, channel C0GENERAL "general", and DM channels D0ALICE
// and D0BOB.
func New(opts Options) *Server {
	opts = opts.withDefaults()
	s := &Server{
		opts:      opts,
		log:       zerolog.Nop(),
		changed:   make(chan struct{}),
		quit:      make(chan struct{}),
		users:     map[string]User{},
		channels:  map[string]Channel{},
		history:   map[string][]*Message{},
		byTS:      map[string]*Message{},
		views:     map[string]map[string]any{},
		conns:     map[int]*wsConn{},
		tickets:   map[string]bool{},
		jobs:      map[string]*job{},
		sent:      map[string]*Delivery{},
		events:    map[string]map[string]any{},
		timers:    map[*time.Timer]struct{}{},
		responses: map[string]*responseTarget{},
		faults:    map[string][]*faultState{},
		subs:      map[int]chan Activity{},
		baseURL:   opts.PublicURL,
		httpClient: &http.Client{
			Transport:     &http.Transport{MaxIdleConnsPerHost: 64, IdleConnTimeout: 30 * time.Second},
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
	if opts.Logger != nil {
		s.log = opts.Logger.With().Str("component", "slackemu").Logger()
	}
	s.upgrader = websocket.Upgrader{
		// slack-go sends Origin: https://api.slack.com, which gorilla's default
		// check rejects.
		CheckOrigin:     func(*http.Request) bool { return true },
		ReadBufferSize:  32 * 1024,
		WriteBufferSize: 32 * 1024,
	}
	s.AddUser(User{ID: "U0ALICE", Name: "alice", RealName: "Alice Admin", IsAdmin: true})
	s.AddUser(User{ID: "U0BOB", Name: "bob", RealName: "Bob Builder"})
	s.AddUser(User{ID: opts.BotUserID, Name: opts.BotName, RealName: opts.BotName, IsBot: true})
	s.AddChannel(Channel{ID: "C0GENERAL", Name: "general"})
	s.AddChannel(Channel{ID: "D0ALICE", IsIM: true, User: "U0ALICE"})
	s.AddChannel(Channel{ID: "D0BOB", IsIM: true, User: "U0BOB"})

	mux := http.NewServeMux()
	mux.HandleFunc("/api/{method}", noBrowsers(s.handleAPI))
	mux.HandleFunc("POST /response/{id}", noBrowsers(s.handleResponseURL))
	mux.HandleFunc("GET /link/", s.handleSocket)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = fmt.Fprintln(w, "slackemu: a local Slack emulator")
	})
	s.handler = mux
	return s
}

// noBrowsers refuses Web API and response_url calls a browser sends from
// another page: Slack's clients send no Origin, a cross-site form post
// always does, and the playground's bot token is no secret. Without this, any
// web page open beside the playground could post as the bot.
func noBrowsers(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if o := r.Header.Get("Origin"); o != "" && o != "http://"+r.Host && o != "https://"+r.Host {
			http.Error(w, "cross-origin requests are refused", http.StatusForbidden)
			return
		}
		if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
			http.Error(w, "cross-site requests are refused", http.StatusForbidden)
			return
		}
		h(w, r)
	}
}

// Start listens on addr ("127.0.0.1:0" picks a free port) and serves HTTP and
// WebSocket until Close.
func (s *Server) Start(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("slackemu listen %s: %w", addr, err)
	}
	srv := &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second}
	s.mu.Lock()
	if s.closed || s.ln != nil {
		s.mu.Unlock()
		_ = ln.Close()
		return errors.New("slackemu start: server already started or closed")
	}
	s.ln = ln
	s.httpSrv = srv
	s.baseURL = "http://" + ln.Addr().String()
	s.mu.Unlock()

	s.wg.Go(func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error().Err(err).Msg("serve")
		}
	})
	s.log.Info().Str("url", s.URL()).Msg("slack emulator listening")
	return nil
}

// URL is the server's base URL: http://127.0.0.1:PORT after Start, else
// Options.PublicURL, else the Host of the first request served through
// Handler.
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.baseURL
}

// APIURL is the Web API base URL for slack.OptionAPIURL, with its trailing
// slash.
func (s *Server) APIURL() string { return s.URL() + "/api/" }

// Handler serves the Web API (/api/), Socket Mode (/link/) and response URLs
// (/response/), so a playground can mount the emulator in its own server.
func (s *Server) Handler() http.Handler { return s.handler }

// Options returns the server's options with defaults applied.
func (s *Server) Options() Options { return s.opts }

// Close stops the server: timers, sockets, the listener and subscriptions.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.quit)
	for t := range s.timers {
		t.Stop()
	}
	s.timers = nil
	conns := make([]*wsConn, 0, len(s.conns))
	for _, c := range s.conns {
		conns = append(conns, c)
	}
	srv := s.httpSrv
	s.notifyLocked()
	s.mu.Unlock()

	for _, c := range conns {
		c.drop()
	}
	var err error
	if srv != nil {
		// Give in-flight requests a moment, then cut the rest: a client may hold
		// a dialled connection it never sends a request on, which Shutdown
		// would wait for.
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		defer cancel()
		if e := srv.Shutdown(ctx); e != nil {
			if e := srv.Close(); e != nil {
				err = fmt.Errorf("slackemu close: %w", e)
			}
		}
	}
	s.wg.Wait()
	s.httpClient.CloseIdleConnections()

	s.mu.Lock()
	for id, ch := range s.subs {
		close(ch)
		delete(s.subs, id)
	}
	s.mu.Unlock()
	return err
}

// learnBaseURL remembers where a mounted handler is served, for response
// URLs, when neither Start nor Options.PublicURL said.
func (s *Server) learnBaseURL(r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.baseURL == "" && r.Host != "" {
		scheme := "http://"
		if r.TLS != nil {
			scheme = "https://"
		}
		s.baseURL = scheme + r.Host
	}
}

// notifyLocked wakes every waiter. s.mu must be held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// afterFunc runs f after d unless the server closes first. s.mu must be held.
func (s *Server) afterFuncLocked(d time.Duration, f func()) {
	if s.closed {
		return
	}
	var t *time.Timer
	t = time.AfterFunc(d, func() {
		s.mu.Lock()
		if s.timers == nil {
			s.mu.Unlock()
			return
		}
		delete(s.timers, t)
		s.mu.Unlock()
		f()
	})
	s.timers[t] = struct{}{}
}

// WaitUntil blocks until cond returns true or ctx ends; cond is re-checked
// each time the server records something. cond may call the Server.
func (s *Server) WaitUntil(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		ch := s.changed
		closed := s.closed
		s.mu.Unlock()
		if cond() {
			return nil
		}
		if closed {
			return errors.New("slackemu: server closed")
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("slackemu wait: %w", ctx.Err())
		}
	}
}
