// Package watch notices changes in the knowledge folder and asks for a reindex.
package watch

import (
	"context"
	"errors"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/rs/zerolog"

	"github.com/kbbot/kbbot/internal/knowledge"
)

// DefaultDebounce is the quiet time used when Options.Debounce is not set.
const DefaultDebounce = 2 * time.Second

// fallbackPoll is the periodic check used when file events cannot be had and
// no PollInterval was set: the folder is still kept current, only slower.
const fallbackPoll = time.Minute

// maxDelayFactor bounds how long a steady stream of changes can put a
// reindex off: at most this many debounce periods after the first change.
const maxDelayFactor = 10

// Options tune a Watcher.
type Options struct {
	// Debounce is how long the folder must stay quiet after a change
	// before the reindex starts, so that a burst of saves, a git pull or a
	// copy of many files costs one reindex. 0 means DefaultDebounce.
	Debounce time.Duration
	// PollInterval is how often to compare a fingerprint of the folder
	// (paths, sizes and modification times of knowledge files), for
	// volumes where file events never arrive (NFS, some FUSE and container
	// mounts). 0 turns the periodic check off.
	PollInterval time.Duration
	// NoEvents turns file events off, leaving only the periodic check.
	NoEvents bool
	// Match reports whether a file name is a knowledge file whose change
	// matters; nil means knowledge.Supported.
	Match  func(name string) bool
	Logger zerolog.Logger
}

// Watcher watches one knowledge folder. Create it with New and start it
// with Run.
type Watcher struct {
	dir     string
	opts    Options
	reindex func(context.Context) error
	log     zerolog.Logger

	// started is closed once Run has set up its watches and taken the
	// first fingerprint: changes after that are noticed. For tests.
	started chan struct{}
}

// New prepares a watcher of dir that calls reindex once per burst of
// changes, never two at once.
func New(dir string, opts Options, reindex func(ctx context.Context) error) *Watcher {
	if opts.Debounce <= 0 {
		opts.Debounce = DefaultDebounce
	}
	if opts.Match == nil {
		opts.Match = knowledge.Supported
	}
	return &Watcher{
		dir:     dir,
		opts:    opts,
		reindex: reindex,
		log:     opts.Logger.With().Str("component", "watch").Str("dir", dir).Logger(),
		started: make(chan struct{}),
	}
}

// Run watches until ctx is done and returns nil then, after any reindex it
// started has returned. A folder that is missing or unreadable is not an
// error: it is picked up when it appears. If file events cannot be set up
// (no inotify, or its limits reached) Run logs why and relies on the
// periodic check alone.
func (w *Watcher) Run(ctx context.Context) error {
	if w.reindex == nil {
		return errors.New("watch: no reindex function")
	}
	if w.dir == "" {
		return errors.New("watch: no folder")
	}

	r := &watchRun{w: w, ctx: ctx, poll: w.opts.PollInterval, done: make(chan error, 1)}
	if !w.opts.NoEvents {
		t, err := newTree(w.dir, w.opts.Match, w.log)
		if err != nil {
			if r.poll <= 0 {
				r.poll = fallbackPoll
			}
			w.log.Warn().Err(err).Dur("poll_interval", r.poll).Msg("file events unavailable; checking the folder periodically instead")
		} else {
			r.t = t
			defer t.close()
		}
	}
	var events <-chan fsnotify.Event
	var errs <-chan error
	if r.t != nil {
		events, errs = r.t.fsw.Events, r.t.fsw.Errors
	}
	if r.t == nil && r.poll <= 0 {
		w.log.Info().Msg("file events and periodic check both off; not watching")
		close(w.started)
		<-ctx.Done()
		return nil
	}
	if r.poll > 0 {
		r.startPolling(r.poll)
	}
	defer r.stopPolling()

	w.log.Info().Bool("events", r.t != nil).Dur("poll_interval", r.poll).Dur("debounce", w.opts.Debounce).Msg("watching the knowledge folder")
	close(w.started)

	r.debounce = time.NewTimer(time.Hour)
	r.debounce.Stop()
	defer r.debounce.Stop()
	for {
		select {
		case <-ctx.Done():
			if r.running {
				<-r.done
			}
			return nil
		case ev, ok := <-events:
			if !ok {
				events = nil
				continue
			}
			r.event(ev)
		case err, ok := <-errs:
			if !ok {
				errs = nil
				continue
			}
			r.watchError(err)
		case <-r.tick:
			r.check()
		case <-r.debounce.C:
			r.due()
		case err := <-r.done:
			r.finished(err)
		}
	}
}

// watchRun is the state of one Run: the periodic check, the burst of changes
// being debounced, and the reindex in progress. Its methods are the
// transitions; only Run's goroutine calls them.
type watchRun struct {
	w   *Watcher
	ctx context.Context
	t   *tree // nil without file events

	poll   time.Duration
	ticker *time.Ticker
	tick   <-chan time.Time // nil while the periodic check is off
	last   fingerprint      // of the folder when last checked or reindexed

	debounce *time.Timer
	dirty    bool      // a change not yet handed to a reindex
	first    time.Time // when the dirty burst began
	why      string    // the first change of the burst, for the log
	changes  int       // changes in the burst
	running  bool      // a reindex is in progress
	pending  bool      // another is due when it ends
	done     chan error
}

func (r *watchRun) startPolling(d time.Duration) {
	r.ticker = time.NewTicker(d)
	r.tick = r.ticker.C
	r.last = r.w.fingerprint()
}

func (r *watchRun) stopPolling() {
	if r.ticker != nil {
		r.ticker.Stop()
	}
}

// degraded is called when some folder cannot be watched (typically
// fs.inotify.max_user_watches reached): changes there are left to the
// periodic check, which is turned on if it was off.
func (r *watchRun) degraded(err error) {
	if err == nil {
		return
	}
	if r.tick == nil {
		r.poll = fallbackPoll
		r.startPolling(r.poll)
	}
	r.w.log.Warn().Err(err).Dur("poll_interval", r.poll).Msg("cannot watch every folder; relying on the periodic check there")
}

// changed notes a change and (re)arms the debounce, which fires Debounce
// after the last change but never more than maxDelayFactor x Debounce
// after the first of a burst.
func (r *watchRun) changed(reason string) {
	now := time.Now()
	if !r.dirty {
		r.dirty, r.first, r.why, r.changes = true, now, reason, 0
	}
	r.changes++
	wait := r.w.opts.Debounce
	if left := r.first.Add(maxDelayFactor * r.w.opts.Debounce).Sub(now); left < wait {
		wait = max(left, 0)
	}
	r.debounce.Reset(wait)
}

func (r *watchRun) start() {
	if r.tick != nil {
		// Taken before reading, so a change made during the reindex
		// still differs at the next check.
		r.last = r.w.fingerprint()
	}
	r.running = true
	go func() { r.done <- r.w.reindex(r.ctx) }()
}

func (r *watchRun) event(ev fsnotify.Event) {
	counts, err := r.t.handle(ev)
	r.degraded(err)
	if counts {
		r.w.log.Debug().Str("event", ev.String()).Msg("change")
		r.changed(ev.Name)
	}
}

func (r *watchRun) watchError(err error) {
	if errors.Is(err, fsnotify.ErrEventOverflow) {
		// Events were lost: re-read the tree and reindex, which finds
		// whatever they were about.
		r.w.log.Warn().Err(err).Msg("file events overflowed; rescanning")
		r.degraded(r.t.rewatch())
		r.changed("event overflow")
		return
	}
	r.w.log.Warn().Err(err).Msg("file watch error")
}

// check is the periodic check.
func (r *watchRun) check() {
	fp := r.w.fingerprint()
	if fp == r.last {
		return
	}
	if r.t != nil {
		// An event may have been missed where a new subfolder
		// appeared; set the watches again.
		r.degraded(r.t.rewatch())
	}
	r.last = fp
	r.changed("periodic check")
}

// due: the burst has settled; reindex now, or after the running one.
func (r *watchRun) due() {
	r.dirty = false
	r.w.log.Info().Str("first_change", r.why).Int("changes", r.changes).Dur("after", time.Since(r.first).Round(time.Millisecond)).Msg("knowledge folder changed; reindexing")
	if r.running {
		r.pending = true
		return
	}
	r.start()
}

func (r *watchRun) finished(err error) {
	r.running = false
	switch {
	case err == nil:
	case r.ctx.Err() != nil:
		// Shutting down: the caller stopped waiting.
	default:
		r.w.log.Error().Err(err).Msg("automatic reindex failed; the previous index stays in use")
		// Try again at the next periodic check even if nothing else
		// changes.
		r.last = fingerprint{}
	}
	if r.pending {
		r.pending = false
		r.start()
	}
}

// fingerprint hashes the paths, sizes and modification times of the
// knowledge files under the folder, and where its symlinks point.
func (w *Watcher) fingerprint() fingerprint {
	fp, err := scan(w.dir, w.opts.Match)
	if err != nil {
		w.log.Debug().Err(err).Msg("periodic check")
	}
	return fp
}
