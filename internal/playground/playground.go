// Package playground serves a small Slack-like web page in front of the local
// Slack emulator, so the real bot can be tried in a browser without a Slack
// workspace.
package playground

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/kbbot/kbbot/internal/articlepage"
	"github.com/kbbot/kbbot/internal/slackemu"
)

//go:embed static
var static embed.FS

// Options configure a Server. Emulator is required.
type Options struct {
	Emulator *slackemu.Server
	User     string // the person at the keyboard, default "U0ALICE"
	Channel  string // the channel shown, default "C0GENERAL"
	// HelpChannel, if set, is a second channel shown, where the bot
	// answers questions without being mentioned (AUTO_ANSWER_CHANNELS).
	HelpChannel  string
	SlashCommand string // default "/kb"
	// ShortcutCallbackID is the callback_id of the bot's message shortcut,
	// offered in every message's menu; default "ask_kbbot".
	ShortcutCallbackID string
	// KnowledgeDir is served, rendered, under /kb/ so that source links
	// work; empty serves nothing there.
	KnowledgeDir string
	MaxFileBytes int64 // articles larger than this are not served; 0 means the loader's default
	Logger       zerolog.Logger
}

// Server is the playground web page and its small JSON API. It holds no
// state of its own: the emulator is the workspace.
type Server struct {
	opts    Options
	emu     *slackemu.Server
	log     zerolog.Logger
	dm      string // the DM channel between the user and the bot
	botID   string
	mention *regexp.Regexp // "@kbbot" as typed in the composer
	names   names
	handler http.Handler
}

// New builds the page for an emulator (started or not).
func New(o Options) (*Server, error) {
	if o.Emulator == nil {
		return nil, errors.New("playground: no emulator")
	}
	if o.User == "" {
		o.User = "U0ALICE"
	}
	if o.Channel == "" {
		o.Channel = "C0GENERAL"
	}
	if o.SlashCommand == "" {
		o.SlashCommand = "/kb"
	}
	if o.ShortcutCallbackID == "" {
		o.ShortcutCallbackID = "ask_kbbot"
	}
	emu := o.Emulator
	if _, ok := emu.User(o.User); !ok {
		return nil, fmt.Errorf("playground: user %s is not in the emulated workspace", o.User)
	}
	if c, ok := emu.Channel(o.Channel); !ok || c.IsIM {
		return nil, fmt.Errorf("playground: %s is not a channel of the emulated workspace", o.Channel)
	}
	if o.HelpChannel != "" {
		if c, ok := emu.Channel(o.HelpChannel); !ok || c.IsIM || o.HelpChannel == o.Channel {
			return nil, fmt.Errorf("playground: help channel %s is not another channel of the emulated workspace", o.HelpChannel)
		}
	}
	dm, err := emu.IMChannel(o.User)
	if err != nil {
		return nil, fmt.Errorf("playground: %w", err)
	}
	eo := emu.Options()
	s := &Server{
		opts:    o,
		emu:     emu,
		log:     o.Logger.With().Str("component", "playground").Logger(),
		dm:      dm,
		botID:   eo.BotUserID,
		mention: regexp.MustCompile(`(?i)(^|[^\w@])@` + regexp.QuoteMeta(eo.BotName) + `\b`),
	}
	s.names = names{
		user: func(id string) string {
			if u, ok := emu.User(id); ok {
				return u.Name
			}
			return ""
		},
		channel: func(id string) string {
			if c, ok := emu.Channel(id); ok {
				return c.Name
			}
			return ""
		},
	}

	files, _ := fs.Sub(static, "static")
	mux := http.NewServeMux()
	mux.Handle("GET /{$}", serveFile(files, "index.html"))
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(files)))
	mux.HandleFunc("GET /events", s.handleEvents)
	mux.HandleFunc("POST /api/send", s.handleSend)
	mux.HandleFunc("POST /api/click", s.handleClick)
	mux.HandleFunc("POST /api/home", s.handleHome)
	mux.HandleFunc("POST /api/shortcut", s.handleShortcut)
	mux.Handle("GET /kb/{path...}", articlepage.New(articlepage.Options{
		Dir: o.KnowledgeDir, MaxFileBytes: o.MaxFileBytes, Prefix: "/kb/", Site: "kbbot playground",
		Home: &articlepage.Link{URL: "/", Label: "Playground"}, Logger: o.Logger,
	}))
	s.handler = s.guard(mux)
	return s, nil
}

// Handler serves the page, its event stream and its API.
func (s *Server) Handler() http.Handler { return s.handler }

// DM is the ID of the direct-message channel between the user and the bot.
func (s *Server) DM() string { return s.dm }

// Serve serves on ln until ctx is cancelled, then closes the event streams
// and shuts the server down.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	base, endStreams := context.WithCancel(context.Background())
	defer endStreams()
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return base },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("playground serve: %w", err)
	case <-ctx.Done():
	}
	// Event streams never go idle; end them, or Shutdown would wait forever.
	endStreams()
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		_ = srv.Close()
	}
	<-errc
	return nil
}

func serveFile(files fs.FS, name string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.ServeFileFS(w, r, files, name)
	})
}

// contentPolicy allows nothing but this server's own files: no inline script
// or style, no remote anything. Rendering is escaped anyway; this is the
// second lock on the door.
const contentPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// guard sets security headers and turns away requests a hostile web page in
// the same browser could make: a Host that is a domain other than localhost
// (DNS rebinding), and API calls from another origin or without a JSON body
// (which a cross-site form cannot send without a CORS preflight).
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		if !trustedHost(r.Host) {
			http.Error(w, "playground: unexpected Host; open it by IP address or localhost", http.StatusMisdirectedRequest)
			return
		}
		if r.Method == http.MethodPost {
			if o := r.Header.Get("Origin"); o != "" && o != "http://"+r.Host && o != "https://"+r.Host {
				writeError(w, http.StatusForbidden, "cross-origin request refused")
				return
			}
			if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				writeError(w, http.StatusUnsupportedMediaType, "send JSON")
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// trustedHost accepts IP literals and localhost: a rebinding attack needs a
// domain name that resolves to us.
func trustedHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	return net.ParseIP(host) != nil || strings.EqualFold(host, "localhost")
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"ok": false, "error": msg})
}

func readJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}
