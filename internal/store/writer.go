package store

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	"github.com/kbbot/kbbot/internal/kb"
)

// Metrics hears how the writer is doing. Every method must be cheap and safe
// for concurrent use.
type Metrics interface {
	StoreWritten(rows int) // rows written
	StoreFailed()          // a write attempt failed (it is retried)
	StorePending(rows int) // rows waiting to be written
	StoreDropped(rows int) // rows given up on: buffer full, or still failing at shutdown
}

type nopMetrics struct{}

func (nopMetrics) StoreWritten(int) {}
func (nopMetrics) StoreFailed()     {}
func (nopMetrics) StorePending(int) {}
func (nopMetrics) StoreDropped(int) {}

// WriterOptions configure a Writer; the zero value works.
type WriterOptions struct {
	Policy    Policy
	Retention time.Duration // rows older than this are deleted daily; 0 keeps them
	Buffer    int           // rows waiting at most, default 4096; more are dropped
	Flush     time.Duration // how long Run keeps trying to write at shutdown, default 5s
	Logger    zerolog.Logger
	Metrics   Metrics
}

// Writer writes records in the background, so that a slow or stopped
// database never holds up an answer. Records wait in a bounded buffer and
// are retried until the database takes them; Run writes what is left when
// it stops.
type Writer struct {
	db   *DB
	opts WriterOptions
	log  zerolog.Logger
	in   chan any // kb.QuestionRecord, kb.FeedbackRecord or kb.HandoverRecord

	pending atomic.Int64

	mu      sync.Mutex
	failing time.Time // when writes started failing; zero while they work
	lastErr error
}

// NewWriter prepares a writer on db; start it with Run.
func NewWriter(db *DB, o WriterOptions) *Writer {
	if o.Buffer <= 0 {
		o.Buffer = 4096
	}
	if o.Flush <= 0 {
		o.Flush = 5 * time.Second
	}
	if o.Metrics == nil {
		o.Metrics = nopMetrics{}
	}
	return &Writer{db: db, opts: o, log: o.Logger.With().Str("component", "store").Logger(), in: make(chan any, o.Buffer)}
}

// RecordQuestion queues a question; it never blocks.
func (w *Writer) RecordQuestion(_ context.Context, r kb.QuestionRecord) { w.enqueue(r) }

// RecordFeedback queues a vote; it never blocks.
func (w *Writer) RecordFeedback(_ context.Context, r kb.FeedbackRecord) { w.enqueue(r) }

// RecordHandover queues an Ask-an-expert hand-over; it never blocks.
func (w *Writer) RecordHandover(_ context.Context, r kb.HandoverRecord) { w.enqueue(r) }

func (w *Writer) enqueue(r any) {
	select {
	case w.in <- r:
		w.opts.Metrics.StorePending(int(w.pending.Add(1)))
	default:
		w.opts.Metrics.StoreDropped(1)
		w.log.Warn().Int("buffer", w.opts.Buffer).Msg("store buffer full; record dropped")
	}
}

// Claim is DB.Claim, for the Slack layer's once-only check.
func (w *Writer) Claim(ctx context.Context, eventID string) (bool, error) {
	return w.db.Claim(ctx, eventID)
}

// Status reports whether writes are getting through and, if not, since when
// and why, for /readyz.
func (w *Writer) Status() (ok bool, detail string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.failing.IsZero() {
		return true, ""
	}
	return false, fmt.Sprintf("store %s failing for %s, %d records waiting: %v",
		w.db, time.Since(w.failing).Round(time.Second), w.pending.Load(), w.lastErr)
}

// Retry waits between write attempts, doubling from retryMin to retryMax.
const (
	retryMin     = 100 * time.Millisecond
	retryMax     = 5 * time.Second
	writeTimeout = 10 * time.Second
	batchMax     = 500
	retentionRun = 24 * time.Hour
)

// batch is what waits to be written, by table.
type batch struct {
	qs []kb.QuestionRecord
	fs []kb.FeedbackRecord
	hs []kb.HandoverRecord
}

func (b *batch) take(r any) {
	switch r := r.(type) {
	case kb.QuestionRecord:
		b.qs = append(b.qs, r)
	case kb.FeedbackRecord:
		b.fs = append(b.fs, r)
	case kb.HandoverRecord:
		b.hs = append(b.hs, r)
	}
}

func (b *batch) len() int { return len(b.qs) + len(b.fs) + len(b.hs) }

// Run writes queued records until ctx is done, then writes what is left,
// trying for up to Flush, and returns. It also deletes expired rows once at
// start and then daily.
func (w *Writer) Run(ctx context.Context) {
	var b batch
	bg := context.WithoutCancel(ctx)
	wait := time.Duration(0)
	var retry <-chan time.Time
	flush := func() {
		err := w.write(bg, &b)
		w.setErr(err)
		if err == nil {
			wait, retry = 0, nil
			return
		}
		wait = min(max(wait*2, retryMin), retryMax)
		retry = time.After(wait)
	}

	w.retention(bg)
	tick := time.NewTicker(retentionRun)
	defer tick.Stop()
	for {
		in := w.in
		if b.len() >= w.opts.Buffer {
			in = nil // full: leave the rest in the channel, where new ones are dropped
		}
		select {
		case <-ctx.Done():
			w.drain(bg, &b)
			return
		case r := <-in:
			b.take(r)
		more:
			for b.len() < batchMax {
				select {
				case r := <-w.in:
					b.take(r)
				default:
					break more
				}
			}
			if retry == nil {
				flush()
			}
		case <-retry:
			retry = nil
			flush()
		case <-tick.C:
			w.retention(bg)
		}
	}
}

// drain writes everything queued, retrying until the Flush time is up.
func (w *Writer) drain(ctx context.Context, b *batch) {
	deadline := time.Now().Add(w.opts.Flush)
	wait := retryMin
	for {
	more:
		for {
			select {
			case r := <-w.in:
				b.take(r)
			default:
				break more
			}
		}
		err := w.write(ctx, b)
		w.setErr(err)
		if err == nil && len(w.in) == 0 {
			return
		}
		if time.Now().Add(wait).After(deadline) {
			n := b.len() + len(w.in)
			w.opts.Metrics.StoreDropped(n)
			w.log.Error().Err(err).Int("records", n).Msg("store still failing at shutdown; records lost")
			return
		}
		time.Sleep(wait) // shutdown only: nothing else waits on this goroutine
		wait = min(wait*2, retryMax)
	}
}

// write stores the questions, then the votes, then the hand-overs, leaving
// in b what is still to be written.
func (w *Writer) write(ctx context.Context, b *batch) error {
	ctx, cancel := context.WithTimeout(ctx, writeTimeout)
	defer cancel()
	if len(b.qs) > 0 {
		if err := w.db.WriteQuestions(ctx, w.opts.Policy, b.qs); err != nil {
			w.opts.Metrics.StoreFailed()
			return fmt.Errorf("write %d questions: %w", len(b.qs), err)
		}
		w.done(len(b.qs))
		b.qs = b.qs[:0]
	}
	if len(b.fs) > 0 {
		if err := w.db.WriteFeedback(ctx, w.opts.Policy, b.fs); err != nil {
			w.opts.Metrics.StoreFailed()
			return fmt.Errorf("write %d votes: %w", len(b.fs), err)
		}
		w.done(len(b.fs))
		b.fs = b.fs[:0]
	}
	if len(b.hs) > 0 {
		if err := w.db.WriteHandovers(ctx, w.opts.Policy, b.hs); err != nil {
			w.opts.Metrics.StoreFailed()
			return fmt.Errorf("write %d hand-overs: %w", len(b.hs), err)
		}
		w.done(len(b.hs))
		b.hs = b.hs[:0]
	}
	return nil
}

func (w *Writer) done(n int) {
	w.opts.Metrics.StoreWritten(n)
	w.opts.Metrics.StorePending(int(w.pending.Add(int64(-n))))
}

// setErr tracks whether writes work, logging each change once.
func (w *Writer) setErr(err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case err != nil && w.failing.IsZero():
		w.failing = time.Now()
		w.log.Warn().Err(err).Str("db", w.db.String()).Msg("store write failed; records kept and retried")
	case err == nil && !w.failing.IsZero():
		w.log.Info().Dur("after", time.Since(w.failing).Round(time.Millisecond)).Str("db", w.db.String()).Msg("store writes work again")
		w.failing = time.Time{}
	}
	w.lastErr = err
}

func (w *Writer) retention(ctx context.Context) {
	if w.opts.Retention <= 0 {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	n, err := w.db.DeleteOlder(ctx, time.Now().Add(-w.opts.Retention))
	if err != nil {
		w.log.Warn().Err(err).Msg("retention delete failed; tried again tomorrow")
		return
	}
	w.log.Info().Int64("rows", n).Dur("retention", w.opts.Retention).Msg("old records deleted")
}
