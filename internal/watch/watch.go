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

	poll := w.opts.PollInterval
	var t *tree
	if !w.opts.NoEvents {
		var err error
		t, err = newTree(w.dir, w.opts.Match, w.log)
		if err != nil {
			if poll <= 0 {
				poll = fallbackPoll
			}
			w.log.Warn().Err(err).Dur("poll_interval", poll).Msg("file events unavailable; checking the folder periodically instead")
		} else {
			defer t.close()
		}
	}
	var events <-chan fsnotify.Event
	var errs <-chan error
	if t != nil {
		events, errs = t.fsw.Events, t.fsw.Errors
	}
	if t == nil && poll <= 0 {
		w.log.Info().Msg("file events and periodic check both off; not watching")
		close(w.started)
		<-ctx.Done()
		return nil
	}

	var (
		ticker *time.Ticker
		tick   <-chan time.Time // nil while the periodic check is off
		last   fingerprint      // of the folder when last checked or reindexed
	)
	startPolling := func(d time.Duration) {
		ticker = time.NewTicker(d)
		tick = ticker.C
		last = w.fingerprint()
	}
	defer func() {
		if ticker != nil {
			ticker.Stop()
		}
	}()
	if poll > 0 {
		startPolling(poll)
	}
	// degraded is called when some folder cannot be watched (typically
	// fs.inotify.max_user_watches reached): changes there are left to the
	// periodic check, which is turned on if it was off.
	degraded := func(err error) {
		if err == nil {
			return
		}
		if tick == nil {
			poll = fallbackPoll
			startPolling(poll)
		}
		w.log.Warn().Err(err).Dur("poll_interval", poll).Msg("cannot watch every folder; relying on the periodic check there")
	}

	w.log.Info().Bool("events", t != nil).Dur("poll_interval", poll).Dur("debounce", w.opts.Debounce).Msg("watching the knowledge folder")
	close(w.started)

	var (
		debounce = time.NewTimer(time.Hour)
		dirty    bool      // a change not yet handed to a reindex
		first    time.Time // when the dirty burst began
		why      string    // the first change of the burst, for the log
		changes  int       // changes in the burst
		running  bool      // a reindex is in progress
		pending  bool      // another is due when it ends
		done     = make(chan error, 1)
	)
	debounce.Stop()
	defer debounce.Stop()

	changed := func(reason string) {
		now := time.Now()
		if !dirty {
			dirty, first, why, changes = true, now, reason, 0
		}
		changes++
		wait := w.opts.Debounce
		if left := first.Add(maxDelayFactor * w.opts.Debounce).Sub(now); left < wait {
			wait = max(left, 0)
		}
		debounce.Reset(wait)
	}
	start := func() {
		if tick != nil {
			// Taken before reading, so a change made during the
			// reindex still differs at the next check.
			last = w.fingerprint()
		}
		running = true
		go func() { done <- w.reindex(ctx) }()
	}

	for {
		select {
		case <-ctx.Done():
			if running {
				<-done
			}
			return nil

		case ev, ok := <-events:
			if !ok {
				events = nil
				continue
			}
			counts, err := t.handle(ev)
			degraded(err)
			if counts {
				w.log.Debug().Str("event", ev.String()).Msg("change")
				changed(ev.Name)
			}

		case err, ok := <-errs:
			if !ok {
				errs = nil
				continue
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				// Events were lost: re-read the tree and reindex,
				// which finds whatever they were about.
				w.log.Warn().Err(err).Msg("file events overflowed; rescanning")
				degraded(t.rewatch())
				changed("event overflow")
				continue
			}
			w.log.Warn().Err(err).Msg("file watch error")

		case <-tick:
			if fp := w.fingerprint(); fp != last {
				if t != nil {
					// An event may have been missed where a new
					// subfolder appeared; set the watches again.
					degraded(t.rewatch())
				}
				last = fp
				changed("periodic check")
			}

		case <-debounce.C:
			dirty = false
			w.log.Info().Str("first_change", why).Int("changes", changes).Dur("after", time.Since(first).Round(time.Millisecond)).Msg("knowledge folder changed; reindexing")
			if running {
				pending = true
				continue
			}
			start()

		case err := <-done:
			running = false
			switch {
			case err == nil:
			case ctx.Err() != nil:
				// Shutting down: the caller stopped waiting.
			default:
				w.log.Error().Err(err).Msg("automatic reindex failed; the previous index stays in use")
				// Try again at the next periodic check even if
				// nothing else changes.
				last = fingerprint{}
			}
			if pending {
				pending = false
				start()
			}
		}
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
