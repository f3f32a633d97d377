// Package slackverify checks that an HTTP request really comes from Slack:
// its signing-secret signature, its age and its size.
package slackverify

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/rs/zerolog"
)

// Slack's limits: a request older (or newer) than MaxAge is a replay, and
// no payload Slack sends comes near MaxBody.
const (
	MaxAge  = 5 * time.Minute
	MaxBody = 1 << 20
)

// Header names Slack signs requests with.
const (
	HeaderTimestamp = "X-Slack-Request-Timestamp"
	HeaderSignature = "X-Slack-Signature"
)

// Reasons a request is refused. The messages never contain the secret or
// the signature.
var (
	ErrMissing   = errors.New("missing X-Slack-Request-Timestamp or X-Slack-Signature")
	ErrTimestamp = errors.New("timestamp is not a unix time")
	ErrStale     = errors.New("timestamp more than 5 minutes from now")
	ErrSignature = errors.New("signature does not match")
	ErrTooLarge  = errors.New("body over 1 MiB")
)

// Sign returns the X-Slack-Signature value for body sent at timestamp ts
// (unix seconds, as the header carries it).
func Sign(secret, ts string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + ts + ":"))
	mac.Write(body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// Verify checks a request's signature headers against its raw body at time
// now. The comparison is constant-time.
func Verify(h http.Header, body []byte, secret string, now time.Time) error {
	ts, sig := h.Get(HeaderTimestamp), h.Get(HeaderSignature)
	if ts == "" || sig == "" {
		return ErrMissing
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return ErrTimestamp
	}
	if age := now.Sub(time.Unix(sec, 0)); age > MaxAge || age < -MaxAge {
		return ErrStale
	}
	if !hmac.Equal([]byte(sig), []byte(Sign(secret, ts, body))) {
		return ErrSignature
	}
	return nil
}

// Verifier lets only requests signed with the secret reach its handler.
type Verifier struct {
	secret string
	log    zerolog.Logger
	now    func() time.Time
}

// New returns a Verifier for a signing secret; now is the clock (nil:
// time.Now).
func New(secret string, log zerolog.Logger, now func() time.Time) *Verifier {
	if now == nil {
		now = time.Now
	}
	return &Verifier{secret: secret, log: log.With().Str("component", "slackverify").Logger(), now: now}
}

// Wrap returns a handler that reads the whole body (at most MaxBody),
// verifies it and hands the request, with its body restored, to next. A
// refused request gets 401 (413 for a body too large) and one log line.
func (v *Verifier) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
			err = ErrTooLarge
		case err != nil:
			err = fmt.Errorf("read body: %w", err)
		default:
			err = Verify(r.Header, body, v.secret, v.now())
		}
		if err != nil {
			status := http.StatusUnauthorized
			if errors.Is(err, ErrTooLarge) {
				status = http.StatusRequestEntityTooLarge
			}
			v.log.Warn().Err(err).Str("path", r.URL.Path).Str("remote", r.RemoteAddr).
				Int("status", status).Msg("slack request refused")
			http.Error(w, http.StatusText(status), status)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		next.ServeHTTP(w, r)
	})
}
