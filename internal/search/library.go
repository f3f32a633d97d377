package search

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/rs/zerolog"

	"github.com/kbbot/kbbot/internal/kb"
	"github.com/kbbot/kbbot/internal/knowledge"
)

// Library owns the live index generation for a knowledge folder. It answers
// from the current generation while a new one is built beside it, then swaps
// the new one in atomically. It is safe for concurrent use.
type Library struct {
	knowledgeDir string
	root         string // INDEX_DIR: holds generations and the CURRENT pointer
	load         knowledge.Options
	opts         Options
	log          zerolog.Logger
	onReindex    func(kb.Report, error)
	compare      func(ctx context.Context, before, after kb.Asker) (kb.Changes, error)
	closing      sync.WaitGroup // a reindex run in progress
	stopCtx      context.Context
	stop         context.CancelFunc // Close abandons a reindex in progress

	cur  atomic.Pointer[Index]
	runs atomic.Int64 // reindex runs started, for tests and stats

	mu      sync.Mutex // guards the fields below
	running *run       // the reindex in progress, if any
	next    *run       // a reindex queued behind it, joined by later callers
	last    kb.Report
	lastErr error
	lastAt  time.Time
	closed  bool
	adopted time.Time // when an index another process built was picked up

	fromDisk bool // Open found a generation on disk rather than building one
}

type run struct {
	full   bool
	done   chan struct{}
	report kb.Report
	err    error
}

// LibraryOptions configure a Library.
type LibraryOptions struct {
	KnowledgeDir string
	IndexDir     string
	Load         knowledge.Options
	Search       Options
	Logger       zerolog.Logger
	// OnReindex, if set, is called once per reindex run (not per caller).
	OnReindex func(kb.Report, error)
	// Compare, if set, tells what a new generation answers differently:
	// after each swap it is given the generation replaced (still open) and
	// the new one, and its result goes into the report as Changes and into
	// the log. It must not take long: the old generation stays open
	// meanwhile, though the new one answers already.
	Compare func(ctx context.Context, before, after kb.Asker) (kb.Changes, error)
}

// compareTimeout bounds the comparison after a swap.
const compareTimeout = 2 * time.Minute

const currentFile = "CURRENT"

// NewLibrary prepares a library; call Open before asking.
func NewLibrary(o LibraryOptions) *Library {
	ctx, stop := context.WithCancel(context.Background())
	return &Library{knowledgeDir: o.KnowledgeDir, root: o.IndexDir, load: o.Load, opts: o.Search.withDefaults(),
		log: o.Logger.With().Str("component", "search").Logger(), onReindex: o.OnReindex, compare: o.Compare, stopCtx: ctx, stop: stop}
}

// Open loads the current generation, or builds one when it is missing,
// corrupt or was built with other settings (logging why).
func (l *Library) Open(ctx context.Context) error {
	ix, err := l.openCurrent()
	if err == nil {
		ix.Warm()
		l.cur.Store(ix)
		l.mu.Lock()
		l.fromDisk = true
		l.mu.Unlock()
		l.log.Info().Str("index", ix.Dir()).Int("articles", len(ix.arts)).Msg("index opened")
		return nil
	}
	_, statErr := os.Stat(filepath.Join(l.root, currentFile))
	if os.IsNotExist(statErr) {
		// A first start: there is no index yet, and that is no problem.
		l.log.Info().Str("index_dir", l.root).Msg("no index yet; building one from the knowledge folder")
	} else {
		l.log.Warn().Err(err).Str("index_dir", l.root).Msg("no usable index; rebuilding from the knowledge folder")
	}
	_, err = l.Reindex(ctx, nil)
	return err
}

// Reconcile brings an index that Open found on disk up to date with the
// knowledge folder: files added, edited or deleted while no process
// watched it (the bot was stopped) are indexed, as by Reindex. Questions
// are answered from the opened index meanwhile. After Open built the index
// itself there is nothing to do.
func (l *Library) Reconcile(ctx context.Context) (kb.Report, error) {
	l.mu.Lock()
	fromDisk := l.fromDisk
	l.fromDisk = false
	l.mu.Unlock()
	if !fromDisk {
		return kb.Report{}, nil
	}
	rep, err := l.Reindex(ctx, nil)
	if err != nil {
		return rep, fmt.Errorf("start-up check of %s: %w", l.knowledgeDir, err)
	}
	l.log.Info().Int("added", len(rep.Added)).Int("changed", len(rep.Changed)).Int("removed", len(rep.Removed)).
		Dur("took", rep.Duration.Round(time.Millisecond)).Msg("start-up check: the index matches the knowledge folder")
	return rep, nil
}

func (l *Library) openCurrent() (*Index, error) {
	b, err := os.ReadFile(filepath.Join(l.root, currentFile))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", currentFile, err)
	}
	name := strings.TrimSpace(string(b))
	if name == "" || strings.ContainsAny(name, `/\`) {
		return nil, fmt.Errorf("%s names no generation", currentFile)
	}
	return Open(filepath.Join(l.root, name), l.opts)
}

// Ready reports whether questions can be answered.
func (l *Library) Ready() bool { return l.cur.Load() != nil }

// Ask answers from the current generation.
func (l *Library) Ask(ctx context.Context, q string, limit int) (kb.Answer, error) {
	for i := 0; i < 3; i++ {
		ix := l.cur.Load()
		if ix == nil {
			return kb.Answer{Question: q, Kind: Classify(q)}, ErrNotReady
		}
		ans, err := ix.Ask(ctx, q, limit)
		if errors.Is(err, errClosed) {
			continue // swapped under us: ask the new generation
		}
		return ans, err
	}
	return kb.Answer{Question: q}, errClosed
}

// ErrClosed means the library was closed.
var ErrClosed = errors.New("search library closed")

// ErrNotReady means no index has been loaded yet.
var ErrNotReady = errors.New("search index not ready")

// Stats describes the current generation and the last reindex.
func (l *Library) Stats() kb.Stats {
	var st kb.Stats
	if ix := l.cur.Load(); ix != nil {
		st = ix.Stats()
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case !l.adopted.IsZero() && l.adopted.After(l.lastAt):
		st.LastOutcome = "built by another process (kbbot index), picked up at " + kb.FormatTime(l.adopted)
	case l.lastAt.IsZero():
		st.LastOutcome = "no reindex since start"
	case l.lastErr != nil:
		st.LastOutcome = fmt.Sprintf("reindex failed at %s: %v", kb.FormatTime(l.lastAt), l.lastErr)
	default:
		st.LastOutcome = fmt.Sprintf("reindexed at %s: %d articles in %s", kb.FormatTime(l.lastAt), l.last.Articles, l.last.Duration.Round(time.Millisecond))
	}
	return st
}

// Close abandons a reindex in progress (the half-built generation is thrown
// away; the live one is untouched), then closes the current generation.
func (l *Library) Close() error {
	l.mu.Lock()
	l.closed = true // no new runs: closing.Add never races with Wait
	l.mu.Unlock()
	l.stop()
	l.closing.Wait()
	if ix := l.cur.Swap(nil); ix != nil {
		return ix.Close()
	}
	return nil
}

// Reindex brings the index up to date with the knowledge folder: changed
// files only when the current generation is compatible, a full rebuild
// otherwise. Calls that arrive while one runs are coalesced into a single
// follow-up run, whose result they all share.
func (l *Library) Reindex(ctx context.Context, progress func(kb.Progress)) (kb.Report, error) {
	return l.request(ctx, false, progress)
}

// Rebuild is Reindex that always builds a new index from every file.
func (l *Library) Rebuild(ctx context.Context, progress func(kb.Progress)) (kb.Report, error) {
	return l.request(ctx, true, progress)
}

func (l *Library) request(ctx context.Context, full bool, progress func(kb.Progress)) (kb.Report, error) {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return kb.Report{}, ErrClosed
	}
	var r *run
	switch {
	case l.running == nil:
		r = &run{done: make(chan struct{}), full: full}
		l.running = r
		l.closing.Add(1)
		go l.execute(r, progress)
	case l.next == nil:
		r = &run{done: make(chan struct{}), full: full}
		l.next = r
	default:
		r = l.next
		r.full = r.full || full
	}
	l.mu.Unlock()
	select {
	case <-r.done:
		return r.report, r.err
	case <-ctx.Done():
		return kb.Report{}, ctx.Err()
	}
}

func (l *Library) execute(r *run, progress func(kb.Progress)) {
	defer l.closing.Done()
	for r != nil {
		// A reindex is not cancelled by the caller leaving (others may be
		// waiting on it), only by Close.
		l.runs.Add(1)
		r.report, r.err = l.reindex(l.stopCtx, r.full, progress)
		if l.onReindex != nil {
			l.onReindex(r.report, r.err)
		}
		progress = nil
		l.mu.Lock()
		l.lastAt, l.last, l.lastErr = time.Now(), r.report, r.err
		close(r.done)
		r = l.next
		l.next = nil
		l.running = r
		l.mu.Unlock()
	}
}

func (l *Library) reindex(ctx context.Context, full bool, progress func(kb.Progress)) (kb.Report, error) {
	start := time.Now()
	if err := os.MkdirAll(l.root, 0o755); err != nil {
		return kb.Report{}, fmt.Errorf("create index dir: %w", err)
	}
	unlock, err := lockDir(l.root)
	if err != nil {
		return kb.Report{}, err
	}
	defer unlock()
	files, skips, err := knowledge.Scan(l.knowledgeDir, l.load)
	if err != nil {
		return kb.Report{}, err
	}
	old, err := l.adoptCurrent()
	if err != nil {
		l.log.Warn().Err(err).Msg("index on disk unusable; building a new one")
	}
	var (
		ix  *Index
		rep kb.Report
	)
	if old != nil && !full {
		ix, rep, err = l.update(ctx, old, files, skips, progress)
		if err != nil && ctx.Err() == nil {
			// An unusable copy source must not block reindexing for good.
			l.log.Warn().Err(err).Msg("incremental reindex failed; rebuilding everything")
			full = true
		}
	}
	if old == nil || full {
		ix, rep, err = l.rebuild(ctx, files, skips, progress)
		if err == nil && old != nil {
			rep.Added, rep.Changed, rep.Removed = diffFiles(old.meta.Files, ix.meta.Files)
		}
	}
	if err != nil {
		return kb.Report{}, err
	}
	rep.Duration = time.Since(start)
	if ix == nil { // nothing changed
		rep.Articles, rep.Sections = len(old.arts), old.meta.Sections
		l.log.Info().Dur("took", rep.Duration.Round(time.Millisecond)).Msg("reindex: no changes")
		return rep, nil
	}
	if err := l.swap(ix, func(before, after *Index) { rep.Changes = l.replay(ctx, before, after) }); err != nil {
		ix.Close()
		os.RemoveAll(ix.Dir())
		return kb.Report{}, err
	}
	rep.Articles, rep.Sections = len(ix.arts), ix.meta.Sections
	l.log.Info().Bool("full", rep.Full).Int("articles", rep.Articles).Int("added", len(rep.Added)).Int("changed", len(rep.Changed)).Int("removed", len(rep.Removed)).Int("skipped", len(rep.Skipped)).Dur("took", rep.Duration.Round(time.Millisecond)).Msg("reindexed")
	for _, s := range rep.Skipped {
		l.log.Warn().Str("path", s.Path).Str("reason", s.Reason).Msg("knowledge file skipped")
	}
	return rep, nil
}

// rebuild indexes every file into a new generation.
func (l *Library) rebuild(ctx context.Context, files []knowledge.File, skips []kb.Skip, progress func(kb.Progress)) (*Index, kb.Report, error) {
	arts, more, err := knowledge.ReadFiles(ctx, files, progress)
	if err != nil {
		return nil, kb.Report{}, err
	}
	skips = append(skips, more...)
	rep := kb.Report{Full: true, Skipped: skips}
	for _, a := range arts {
		rep.Added = append(rep.Added, a.Path)
	}
	dir, err := os.MkdirTemp(l.root, ".building-")
	if err != nil {
		return nil, rep, fmt.Errorf("create build dir: %w", err)
	}
	ix, err := Build(ctx, dir, arts, skips, l.opts)
	if err != nil {
		os.RemoveAll(dir)
		return nil, rep, fmt.Errorf("build index: %w", err)
	}
	return ix, rep, nil
}

// replay runs the Compare hook on the generation replaced and the new one,
// logging what changed; nil when there is no hook, no old generation, or
// the comparison failed.
func (l *Library) replay(ctx context.Context, before, after *Index) *kb.Changes {
	if l.compare == nil || before == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, compareTimeout)
	defer cancel()
	start := time.Now()
	c, err := l.compare(ctx, before, after)
	if err != nil {
		l.log.Warn().Err(err).Msg("could not compare the answers of the new index with the old one")
		return nil
	}
	l.log.Info().Int("questions", c.Questions).Int("now_answered", c.NowAnswered).
		Int("no_longer_answered", c.NoLongerAnswered).Int("new_top", c.NewTop).Dur("took", time.Since(start)).
		Msg("reindex: answers compared on recent questions")
	// Question text is logged at debug level only, as everywhere else.
	for _, x := range c.Examples {
		l.log.Debug().Str("kind", x.Kind).Str("question", x.Question).Str("before", x.Before).Str("after", x.After).
			Msg("reindex: an answer that changed")
	}
	return &c
}

// swap closes the new generation's build handle, renames it into place,
// points CURRENT at it, opens it, and retires the old one. replaced, if
// not nil, is called with the old generation (nil if none) and the new one
// once the new one is live, before the old one is closed.
func (l *Library) swap(built *Index, replaced func(before, after *Index)) error {
	if err := built.Close(); err != nil {
		return fmt.Errorf("close built index: %w", err)
	}
	name := "gen-" + time.Now().UTC().Format("20060102T150405.000000000")
	final := filepath.Join(l.root, name)
	if err := os.Rename(built.Dir(), final); err != nil {
		return fmt.Errorf("move index into place: %w", err)
	}
	ix, err := Open(final, l.opts)
	if err != nil {
		os.RemoveAll(final)
		return fmt.Errorf("open new index: %w", err)
	}
	if err := writeFileAtomic(filepath.Join(l.root, currentFile), func(w io.Writer) error { _, err := io.WriteString(w, name+"\n"); return err }); err != nil {
		ix.Close()
		os.RemoveAll(final)
		return err
	}
	// Warm in the background: the new generation answers at once, and a
	// one-shot `kbbot index` does not wait for it.
	go ix.Warm()
	old := l.cur.Swap(ix)
	if replaced != nil {
		replaced(old, ix)
	}
	if old != nil {
		old.Close() // waits for searches still running on it
	}
	l.cleanup(name)
	return nil
}

// cleanup removes abandoned builds and all but the newest older generation
// (kept in case another process still reads it).
func (l *Library) cleanup(current string) {
	ents, err := os.ReadDir(l.root)
	if err != nil {
		return
	}
	var gens []string
	for _, e := range ents {
		n := e.Name()
		switch {
		case strings.HasPrefix(n, ".building-"):
			os.RemoveAll(filepath.Join(l.root, n))
		case strings.HasPrefix(n, "gen-") && n != current:
			gens = append(gens, n)
		}
	}
	sort.Strings(gens)
	for i := 0; i < len(gens)-1; i++ {
		os.RemoveAll(filepath.Join(l.root, gens[i]))
	}
}

// lockDir takes an exclusive lock on the index folder, so two processes
// (kbbot index and kbbot serve) never build at once.
func lockDir(dir string) (func(), error) {
	f, err := os.OpenFile(filepath.Join(dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock index dir: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock index dir: %w", err)
	}
	return func() { syscall.Flock(int(f.Fd()), syscall.LOCK_UN); f.Close() }, nil
}

// tryLockDir is lockDir that gives up at once (ok false) when the lock is
// held.
func tryLockDir(dir string) (unlock func(), ok bool, err error) {
	f, err := os.OpenFile(filepath.Join(dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, false, fmt.Errorf("lock index dir: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, false, nil
		}
		return nil, false, fmt.Errorf("lock index dir: %w", err)
	}
	return func() { syscall.Flock(int(f.Fd()), syscall.LOCK_UN); f.Close() }, true, nil
}

// copyDir copies a generation's files (used to update a copy in place).
func copyDir(src, dst string) error {
	return filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if info.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.Create(target)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
}

// diffFiles compares two path->hash maps.
func diffFiles(old, cur map[string]string) (added, changed, removed []string) {
	for p, h := range cur {
		switch oh, ok := old[p]; {
		case !ok:
			added = append(added, p)
		case oh != h:
			changed = append(changed, p)
		}
	}
	for p := range old {
		if _, ok := cur[p]; !ok {
			removed = append(removed, p)
		}
	}
	sort.Strings(added)
	sort.Strings(changed)
	sort.Strings(removed)
	return added, changed, removed
}

// Refresh picks up a generation that another process (kbbot index) swapped
// in on disk. It reports whether the live index changed. It never waits:
// while another process holds the index folder's lock (it is building),
// Refresh does nothing, and a later call picks the result up.
func (l *Library) Refresh() (bool, error) {
	if !l.stale() {
		return false, nil
	}
	unlock, ok, err := tryLockDir(l.root)
	if err != nil || !ok {
		return false, err
	}
	defer unlock()
	before := l.cur.Load()
	ix, err := l.adoptCurrent()
	if err != nil {
		return false, fmt.Errorf("refresh: %w", err)
	}
	return ix != before, nil
}

// stale reports whether CURRENT on disk names another generation than the
// live one.
func (l *Library) stale() bool {
	b, err := os.ReadFile(filepath.Join(l.root, currentFile))
	if err != nil {
		return false // nothing built on disk yet
	}
	cur := l.cur.Load()
	return cur == nil || filepath.Base(cur.Dir()) != strings.TrimSpace(string(b))
}

// adoptCurrent makes the generation CURRENT names the live one, if it is
// not already, and returns the live generation (nil if there is none). The
// caller holds the directory lock. Another process (kbbot index) may have
// built a generation and removed the one this process had open.
func (l *Library) adoptCurrent() (*Index, error) {
	if !l.stale() {
		return l.cur.Load(), nil
	}
	ix, err := l.openCurrent()
	if err != nil {
		if _, statErr := os.Stat(filepath.Join(l.root, currentFile)); os.IsNotExist(statErr) {
			return l.cur.Load(), nil
		}
		return l.cur.Load(), err
	}
	ix.Warm()
	if old := l.cur.Swap(ix); old != nil {
		old.Close()
	}
	l.mu.Lock()
	l.adopted = time.Now()
	l.mu.Unlock()
	st := ix.Stats()
	l.log.Info().Str("index", ix.Dir()).Int("articles", st.Articles).Int64("index_bytes", st.IndexBytes).
		Time("built_at", st.IndexedAt).Msg("picked up an index built by another process")
	return ix, nil
}

// Warm finishes warming the current generation (see Index.Warm) before
// returning, for callers that measure latency right after a reindex.
func (l *Library) Warm() {
	if ix := l.cur.Load(); ix != nil {
		ix.Warm()
	}
}
