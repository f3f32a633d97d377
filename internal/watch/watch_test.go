package watch

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/rs/zerolog"
)

const waitFor = 10 * time.Second // generous: CI machines under -race are slow

// recorder is a reindex function that counts its calls and can be held.
type recorder struct {
	calls   atomic.Int32
	active  atomic.Int32
	maxSeen atomic.Int32
	hold    chan struct{} // if set, each call waits for a value or ctx
	err     func(n int32) error
}

func (r *recorder) reindex(ctx context.Context) error {
	n := r.calls.Add(1)
	a := r.active.Add(1)
	defer r.active.Add(-1)
	for {
		m := r.maxSeen.Load()
		if a <= m || r.maxSeen.CompareAndSwap(m, a) {
			break
		}
	}
	if r.hold != nil {
		select {
		case <-r.hold:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if r.err != nil {
		return r.err(n)
	}
	return nil
}

// waitCalls polls until at least n calls were made.
func (r *recorder) waitCalls(t *testing.T, n int32) {
	t.Helper()
	deadline := time.Now().Add(waitFor)
	for r.calls.Load() < n {
		if time.Now().After(deadline) {
			t.Fatalf("reindex calls: got %d within %s, want %d", r.calls.Load(), waitFor, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// stayAt checks that the count stays at n for a while: a bounded window for
// asserting that something does not happen.
func (r *recorder) stayAt(t *testing.T, n int32, window time.Duration) {
	t.Helper()
	deadline := time.Now().Add(window)
	for time.Now().Before(deadline) {
		if got := r.calls.Load(); got != n {
			t.Fatalf("reindex calls: got %d, want to stay at %d", got, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// run starts a watcher and stops it when the test ends, checking that Run
// returns nil.
func run(t *testing.T, dir string, opts Options, reindex func(context.Context) error) (*Watcher, context.CancelFunc) {
	t.Helper()
	opts.Logger = zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.DebugLevel)
	w := New(dir, opts, reindex)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: got %v, want nil", err)
			}
		case <-time.After(waitFor):
			t.Errorf("Run did not return within %s of cancel", waitFor)
		}
	})
	select {
	case <-w.started:
	case err := <-done:
		t.Fatalf("Run returned early: %v", err)
	case <-time.After(waitFor):
		t.Fatal("watcher did not start")
	}
	return w, cancel
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// knowledgeDir makes a folder with a couple of articles.
func knowledgeDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	write(t, filepath.Join(dir, "a.md"), "# A\n\nAlpha.\n")
	write(t, filepath.Join(dir, "guides", "b.md"), "# B\n\nBravo.\n")
	return dir
}

func TestChangesCauseReindex(t *testing.T) {
	tests := []struct {
		name   string
		change func(t *testing.T, dir string)
	}{
		{"add", func(t *testing.T, dir string) { write(t, filepath.Join(dir, "c.md"), "# C\n") }},
		{"edit", func(t *testing.T, dir string) { write(t, filepath.Join(dir, "a.md"), "# A\n\nAlpha, edited.\n") }},
		{"edit in subfolder", func(t *testing.T, dir string) { write(t, filepath.Join(dir, "guides", "b.md"), "# B2\n") }},
		{"delete", func(t *testing.T, dir string) {
			if err := os.Remove(filepath.Join(dir, "a.md")); err != nil {
				t.Fatal(err)
			}
		}},
		{"rename", func(t *testing.T, dir string) {
			if err := os.Rename(filepath.Join(dir, "a.md"), filepath.Join(dir, "aa.md")); err != nil {
				t.Fatal(err)
			}
		}},
		{"save via temp file and rename", func(t *testing.T, dir string) {
			tmp := filepath.Join(dir, ".a.md.tmp123")
			write(t, tmp, "# A\n\nAtomically saved.\n")
			if err := os.Rename(tmp, filepath.Join(dir, "a.md")); err != nil {
				t.Fatal(err)
			}
		}},
		{"delete a folder", func(t *testing.T, dir string) {
			if err := os.RemoveAll(filepath.Join(dir, "guides")); err != nil {
				t.Fatal(err)
			}
		}},
		{"rename a folder", func(t *testing.T, dir string) {
			if err := os.Rename(filepath.Join(dir, "guides"), filepath.Join(dir, "howto")); err != nil {
				t.Fatal(err)
			}
		}},
		{"new folder with a file", func(t *testing.T, dir string) {
			write(t, filepath.Join(dir, "new", "deeper", "d.md"), "# D\n")
		}},
		{"html file", func(t *testing.T, dir string) { write(t, filepath.Join(dir, "e.html"), "<h1>E</h1>") }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := knowledgeDir(t)
			var r recorder
			run(t, dir, Options{Debounce: 30 * time.Millisecond}, r.reindex)
			tc.change(t, dir)
			r.waitCalls(t, 1)
		})
	}
}

// After a new folder appears, changes inside it are seen too.
func TestNewFolderIsWatched(t *testing.T) {
	dir := knowledgeDir(t)
	var r recorder
	run(t, dir, Options{Debounce: 30 * time.Millisecond}, r.reindex)
	if err := os.MkdirAll(filepath.Join(dir, "new", "deeper"), 0o755); err != nil {
		t.Fatal(err)
	}
	r.waitCalls(t, 1)
	write(t, filepath.Join(dir, "new", "deeper", "d.md"), "# D\n")
	r.waitCalls(t, 2)
}

func TestIgnoredChanges(t *testing.T) {
	dir := knowledgeDir(t)
	var r recorder
	run(t, dir, Options{Debounce: 30 * time.Millisecond}, r.reindex)
	for _, name := range []string{
		".hidden.md", ".a.md.swp", "a.md~", ".#a.md", "#a.md#", "4913", "picture.png",
		filepath.Join(".git", "objects", "x.md"),
	} {
		write(t, filepath.Join(dir, name), "x")
	}
	r.stayAt(t, 0, 500*time.Millisecond)
	// And the watcher still works.
	write(t, filepath.Join(dir, "a.md"), "# A\n\nchanged\n")
	r.waitCalls(t, 1)
}

func TestBurstCoalesces(t *testing.T) {
	dir := knowledgeDir(t)
	var r recorder
	// Long enough that the whole burst below lands within one debounce
	// period even on a slow, loaded machine.
	const debounce = 500 * time.Millisecond
	run(t, dir, Options{Debounce: debounce}, r.reindex)
	for i := range 30 {
		write(t, filepath.Join(dir, "burst", fmt.Sprintf("%02d.md", i)), "# x\n")
		write(t, filepath.Join(dir, "a.md"), fmt.Sprintf("# A\n\nversion %d\n", i))
	}
	r.waitCalls(t, 1)
	r.stayAt(t, 1, 3*debounce)
}

// A steady stream of changes still gets a reindex, at most
// maxDelayFactor debounce periods after the first.
func TestSteadyChangesStillReindex(t *testing.T) {
	dir := knowledgeDir(t)
	var r recorder
	const debounce = 100 * time.Millisecond
	run(t, dir, Options{Debounce: debounce}, r.reindex)
	deadline := time.Now().Add(waitFor)
	for r.calls.Load() == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no reindex within %s of steady changes", waitFor)
		}
		write(t, filepath.Join(dir, "a.md"), "# A\n"+time.Now().String())
		time.Sleep(debounce / 3) // the pace of the changes, not synchronisation
	}
}

// Changes during a reindex lead to exactly one more, after it ends.
func TestNeverConcurrent(t *testing.T) {
	dir := knowledgeDir(t)
	r := recorder{hold: make(chan struct{})}
	const debounce = 30 * time.Millisecond
	run(t, dir, Options{Debounce: debounce}, r.reindex)

	write(t, filepath.Join(dir, "a.md"), "# A1\n")
	r.waitCalls(t, 1) // now held
	for i := range 5 {
		write(t, filepath.Join(dir, "c.md"), fmt.Sprintf("# C%d\n", i))
		time.Sleep(2 * debounce) // separate bursts, each debounced while the first run is held
	}
	r.stayAt(t, 1, 5*debounce)
	r.hold <- struct{}{} // first run ends
	r.waitCalls(t, 2)
	r.hold <- struct{}{} // the single follow-up ends
	r.stayAt(t, 2, 5*debounce)
	if got := r.maxSeen.Load(); got != 1 {
		t.Errorf("concurrent reindexes: got %d, want 1", got)
	}
}

func TestPollOnly(t *testing.T) {
	tests := []struct {
		name   string
		change func(t *testing.T, dir string)
	}{
		{"add", func(t *testing.T, dir string) { write(t, filepath.Join(dir, "sub", "c.md"), "# C\n") }},
		{"edit, same size", func(t *testing.T, dir string) {
			// Prepared aside and renamed in, so that no check sees
			// the edit half done.
			tmp := filepath.Join(dir, ".a.md.new")
			write(t, tmp, "# A\n\nAlphA.\n")
			later := time.Now().Add(time.Hour)
			if err := os.Chtimes(tmp, later, later); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(tmp, filepath.Join(dir, "a.md")); err != nil {
				t.Fatal(err)
			}
		}},
		{"delete", func(t *testing.T, dir string) {
			if err := os.Remove(filepath.Join(dir, "guides", "b.md")); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := knowledgeDir(t)
			var r recorder
			run(t, dir, Options{NoEvents: true, PollInterval: 20 * time.Millisecond, Debounce: 10 * time.Millisecond}, r.reindex)
			r.stayAt(t, 0, 100*time.Millisecond) // several checks, no change
			tc.change(t, dir)
			r.waitCalls(t, 1)
			r.stayAt(t, 1, 200*time.Millisecond) // and no repeat
		})
	}
}

// A failed reindex is retried at the next periodic check.
func TestFailedReindexRetried(t *testing.T) {
	dir := knowledgeDir(t)
	r := recorder{err: func(n int32) error {
		if n == 1 {
			return errors.New("disk full")
		}
		return nil
	}}
	run(t, dir, Options{PollInterval: 30 * time.Millisecond, Debounce: 10 * time.Millisecond}, r.reindex)
	write(t, filepath.Join(dir, "c.md"), "# C\n")
	r.waitCalls(t, 2)
	r.stayAt(t, 2, 200*time.Millisecond)
}

// git-sync publishes a checkout by pointing a symlink at a new worktree.
func TestSymlinkSwap(t *testing.T) {
	for _, poll := range []bool{false, true} {
		name := "events"
		if poll {
			name = "poll only"
		}
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			write(t, filepath.Join(root, ".worktrees", "one", "a.md"), "# A\n")
			write(t, filepath.Join(root, ".worktrees", "two", "a.md"), "# A\n")
			write(t, filepath.Join(root, ".worktrees", "two", "b.md"), "# B\n")
			link := filepath.Join(root, "current")
			if err := os.Symlink(filepath.Join(".worktrees", "one"), link); err != nil {
				t.Fatal(err)
			}
			var r recorder
			opts := Options{Debounce: 30 * time.Millisecond}
			if poll {
				opts.NoEvents, opts.PollInterval = true, 20*time.Millisecond
			}
			run(t, link, opts, r.reindex)

			swap := func(target string) {
				tmp := filepath.Join(root, "tmp-link")
				if err := os.Symlink(target, tmp); err != nil {
					t.Fatal(err)
				}
				if err := os.Rename(tmp, link); err != nil {
					t.Fatal(err)
				}
			}
			swap(filepath.Join(".worktrees", "two"))
			r.waitCalls(t, 1)

			// Watches follow the new target: old worktree quiet, new one live.
			write(t, filepath.Join(root, ".worktrees", "one", "z.md"), "# stale\n")
			r.stayAt(t, 1, 200*time.Millisecond)
			write(t, filepath.Join(link, "c.md"), "# C\n")
			r.waitCalls(t, 2)
		})
	}
}

// The folder may not exist yet when the watcher starts (a volume still
// being filled); it is picked up when it appears.
func TestFolderAppears(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "knowledge")
	var r recorder
	run(t, dir, Options{Debounce: 30 * time.Millisecond}, r.reindex)
	write(t, filepath.Join(dir, "a.md"), "# A\n")
	r.waitCalls(t, 1)
	write(t, filepath.Join(dir, "b.md"), "# B\n")
	r.waitCalls(t, 2)
}

// git-sync's first checkout may land after the watcher starts: neither the
// link nor the folder inside it exists yet.
func TestSymlinkAppears(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "current", "knowledge")
	var r recorder
	run(t, dir, Options{Debounce: 30 * time.Millisecond}, r.reindex)
	write(t, filepath.Join(root, ".worktrees", "one", "knowledge", "a.md"), "# A\n")
	tmp := filepath.Join(root, "tmp-link")
	if err := os.Symlink(filepath.Join(".worktrees", "one"), tmp); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(root, "current")); err != nil {
		t.Fatal(err)
	}
	r.waitCalls(t, 1)
	write(t, filepath.Join(dir, "b.md"), "# B\n")
	r.waitCalls(t, 2)
}

// Run waits for the reindex it started before returning.
func TestRunWaitsForReindex(t *testing.T) {
	dir := knowledgeDir(t)
	var finished atomic.Bool
	started := make(chan struct{})
	reindex := func(ctx context.Context) error {
		close(started)
		<-ctx.Done()
		finished.Store(true)
		return ctx.Err()
	}
	w := New(dir, Options{Debounce: 10 * time.Millisecond, Logger: zerolog.New(zerolog.NewTestWriter(t))}, reindex)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	<-w.started
	write(t, filepath.Join(dir, "c.md"), "# C\n")
	select {
	case <-started:
	case <-time.After(waitFor):
		t.Fatal("no reindex")
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run: got %v, want nil", err)
		}
	case <-time.After(waitFor):
		t.Fatal("Run did not return")
	}
	if !finished.Load() {
		t.Error("Run returned before the reindex it started")
	}
}

func TestHandle(t *testing.T) {
	dir := knowledgeDir(t)
	if err := os.MkdirAll(filepath.Join(dir, "newdir"), 0o755); err != nil {
		t.Fatal(err)
	}
	tr, err := newTree(dir, func(n string) bool { return filepath.Ext(n) == ".md" }, zerolog.New(zerolog.NewTestWriter(t)))
	if err != nil {
		t.Fatal(err)
	}
	defer tr.close()
	abs := func(rel string) string { return filepath.Join(tr.dir, rel) }
	tests := []struct {
		name string
		ev   fsnotify.Event
		want bool
	}{
		{"write article", fsnotify.Event{Name: abs("a.md"), Op: fsnotify.Write}, true},
		{"create article", fsnotify.Event{Name: abs("z.md"), Op: fsnotify.Create}, true},
		{"remove article", fsnotify.Event{Name: abs("a.md"), Op: fsnotify.Remove}, true},
		{"rename article", fsnotify.Event{Name: abs("a.md"), Op: fsnotify.Rename}, true},
		{"chmod article", fsnotify.Event{Name: abs("a.md"), Op: fsnotify.Chmod}, true},
		{"create folder", fsnotify.Event{Name: abs("newdir"), Op: fsnotify.Create}, true},
		{"remove watched folder", fsnotify.Event{Name: abs("guides"), Op: fsnotify.Remove}, true},
		{"other file type", fsnotify.Event{Name: abs("x.png"), Op: fsnotify.Write}, false},
		{"hidden file", fsnotify.Event{Name: abs(".x.md"), Op: fsnotify.Write}, false},
		{"in hidden folder", fsnotify.Event{Name: abs(".git/x.md"), Op: fsnotify.Write}, false},
		{"vim swap", fsnotify.Event{Name: abs(".a.md.swp"), Op: fsnotify.Write}, false},
		{"vim backup", fsnotify.Event{Name: abs("a.md~"), Op: fsnotify.Create}, false},
		{"vim probe", fsnotify.Event{Name: abs("4913"), Op: fsnotify.Create}, false},
		{"emacs lock", fsnotify.Event{Name: abs(".#a.md"), Op: fsnotify.Create}, false},
		{"emacs autosave", fsnotify.Event{Name: abs("#a.md#"), Op: fsnotify.Write}, false},
		{"tmp", fsnotify.Event{Name: abs("a.md.tmp"), Op: fsnotify.Write}, false},
		{"configmap swap", fsnotify.Event{Name: abs("..data"), Op: fsnotify.Create}, true},
		{"neighbour of the folder", fsnotify.Event{Name: filepath.Join(filepath.Dir(tr.dir), "other.md"), Op: fsnotify.Create}, false},
		{"folder itself removed", fsnotify.Event{Name: tr.dir, Op: fsnotify.Remove}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tr.handle(tc.ev)
			if err != nil {
				t.Fatalf("handle(%s): %v", tc.ev, err)
			}
			if got != tc.want {
				t.Errorf("handle(%s): got %v, want %v", tc.ev, got, tc.want)
			}
		})
	}
	if !tr.dirs[abs("newdir")] {
		t.Error("created folder: not watched")
	}
}

func TestFingerprint(t *testing.T) {
	md := func(n string) bool { return filepath.Ext(n) == ".md" }
	tests := []struct {
		name   string
		change func(t *testing.T, dir string)
		want   bool // fingerprint changes
	}{
		{"nothing", func(t *testing.T, dir string) {}, false},
		{"hidden file", func(t *testing.T, dir string) { write(t, filepath.Join(dir, ".x.md"), "x") }, false},
		{"hidden folder", func(t *testing.T, dir string) { write(t, filepath.Join(dir, ".git", "x.md"), "x") }, false},
		{"other file type", func(t *testing.T, dir string) { write(t, filepath.Join(dir, "x.png"), "x") }, false},
		{"new article", func(t *testing.T, dir string) { write(t, filepath.Join(dir, "x.md"), "x") }, true},
		{"touched", func(t *testing.T, dir string) {
			later := time.Now().Add(time.Hour)
			if err := os.Chtimes(filepath.Join(dir, "a.md"), later, later); err != nil {
				t.Fatal(err)
			}
		}, true},
		{"removed", func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, "guides", "b.md")) }, true},
		{"folder gone", func(t *testing.T, dir string) { os.RemoveAll(dir) }, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := knowledgeDir(t)
			before, err := scan(dir, md)
			if err != nil {
				t.Fatal(err)
			}
			if before.files != 2 {
				t.Errorf("files: got %d, want 2", before.files)
			}
			tc.change(t, dir)
			after, _ := scan(dir, md)
			if got := after != before; got != tc.want {
				t.Errorf("fingerprint changed: got %v, want %v", got, tc.want)
			}
		})
	}
}

// Kubernetes ConfigMap volumes: files are symlinks through ..data, which is
// swapped to a new timestamped folder on update.
func TestFingerprintConfigMapSwap(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "..2024_01", "a.md"), "# A\n")
	write(t, filepath.Join(dir, "..2024_02", "a.md"), "# A, longer\n")
	if err := os.Symlink("..2024_01", filepath.Join(dir, "..data")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join("..data", "a.md"), filepath.Join(dir, "a.md")); err != nil {
		t.Fatal(err)
	}
	md := func(n string) bool { return filepath.Ext(n) == ".md" }
	before, _ := scan(dir, md)
	if before.files != 1 {
		t.Fatalf("files: got %d, want 1", before.files)
	}
	tmp := filepath.Join(dir, "..data_tmp")
	if err := os.Symlink("..2024_02", tmp); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, "..data")); err != nil {
		t.Fatal(err)
	}
	after, _ := scan(dir, md)
	if after == before {
		t.Error("fingerprint unchanged after the ..data swap")
	}
}
