// Package health serves liveness, readiness and Prometheus metrics over HTTP.
package health

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/rs/zerolog"
)

// shutdownTimeout bounds how long Run waits for in-flight probe and scrape
// requests once its context is done. They are all quick; this only guards
// against a client that never finishes.
const shutdownTimeout = 5 * time.Second

// Server is the operations HTTP listener: /healthz, /readyz and /metrics.
type Server struct {
	addr string
	srv  *http.Server
	mux  *http.ServeMux
	log  zerolog.Logger

	mu sync.Mutex
	ln net.Listener
}

// NewServer prepares a server on addr (host:port; port 0 picks a free one).
// ready reports whether the process can take work and, if not, why (e.g.
// "index not loaded"); nil means always ready. Ready with a reason is ready
// with a detail for operators (a store that is down), shown after "ready".
// A nil m leaves out /metrics.
// Nothing listens until Listen or Run.
func NewServer(addr string, ready func() (bool, string), m *Metrics, log zerolog.Logger) *Server {
	if ready == nil {
		ready = func() (bool, string) { return true, "" }
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		// Alive means this process can still serve HTTP; nothing else is
		// checked, so a slow index build or a Slack outage never gets the
		// process restarted.
		plain(w, http.StatusOK, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ok, why := ready()
		if !ok {
			if why == "" {
				why = "not ready"
			}
			plain(w, http.StatusServiceUnavailable, why)
			return
		}
		if why != "" {
			// Ready, with something an operator should know (a store
			// that is down costs no answer, so it does not fail readiness).
			plain(w, http.StatusOK, "ready\n"+why)
			return
		}
		plain(w, http.StatusOK, "ready")
	})
	if m != nil {
		mux.Handle("GET /metrics", m.Handler())
	}
	log = log.With().Str("component", "health").Logger()
	return &Server{
		addr: addr,
		mux:  mux,
		log:  log,
		srv: &http.Server{
			Handler:           mux,
			ReadHeaderTimeout: 5 * time.Second,
			ReadTimeout:       10 * time.Second,
			WriteTimeout:      30 * time.Second,
			IdleTimeout:       60 * time.Second,
		},
	}
}

// Handle serves more on the same listener (kbbot serve's article pages).
// Call it before Run.
func (s *Server) Handle(pattern string, h http.Handler) { s.mux.Handle(pattern, h) }

func plain(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	io.WriteString(w, body+"\n")
}

// Listen binds the address, so that a port already in use is reported
// before anything else starts. Run calls it if it has not been called.
func (s *Server) Listen() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln != nil {
		return nil
	}
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.addr, err)
	}
	s.ln = ln
	return nil
}

// Addr is the bound address (with the real port when 0 was asked for), or
// "" before Listen.
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return ""
	}
	return s.ln.Addr().String()
}

// Run serves until ctx is done, then shuts down gracefully, letting
// requests in flight finish, and returns nil. It returns an error if the
// address cannot be bound or serving fails.
func (s *Server) Run(ctx context.Context) error {
	if err := s.Listen(); err != nil {
		return err
	}
	s.mu.Lock()
	ln := s.ln
	s.mu.Unlock()
	s.log.Info().Str("addr", ln.Addr().String()).Msg("serving /healthz, /readyz and /metrics")

	served := make(chan error, 1)
	go func() { served <- s.srv.Serve(ln) }()

	select {
	case err := <-served:
		return fmt.Errorf("serve http on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	err := s.srv.Shutdown(sctx)
	if serr := <-served; !errors.Is(serr, http.ErrServerClosed) && serr != nil {
		err = errors.Join(err, serr)
	}
	if err != nil {
		s.srv.Close()
		return fmt.Errorf("shut down http server: %w", err)
	}
	s.log.Debug().Msg("http server stopped")
	return nil
}
