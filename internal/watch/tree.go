package watch

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/fsnotify/fsnotify"
	"github.com/rs/zerolog"
)

// tree keeps file event watches on every folder of the knowledge tree
// (inotify is not recursive), and on the folders holding the tree's root
// and any symlink on the way to it, so that a swapped symlink (git-sync,
// Kubernetes ConfigMap volumes) or a replaced folder is noticed.
type tree struct {
	fsw   *fsnotify.Watcher
	dir   string // absolute, as given: event names are under it
	match func(string) bool
	log   zerolog.Logger

	dirs map[string]bool // watched folders inside the tree
	// anchors are dir itself and every symlink or missing folder on the
	// way to it: an event on one (watched through its parent) moves or
	// creates the tree.
	anchors map[string]bool
}

func newTree(dir string, match func(string) bool, log zerolog.Logger) (*tree, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, errNoWatch("resolve folder", err)
	}
	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, errNoWatch("start", err)
	}
	t := &tree{fsw: fsw, dir: abs, match: match, log: log}
	if err := t.rewatch(); err != nil {
		fsw.Close()
		return nil, err
	}
	return t, nil
}

func (t *tree) close() { t.fsw.Close() }

// errNoWatch wraps failures to set up file events.
func errNoWatch(op string, err error) error { return fmt.Errorf("watch: %s: %w", op, err) }

// rewatch drops every watch and sets them again from the folder as it is
// now. A folder that does not exist (yet) is not an error: the nearest
// folder above it that exists is watched, and it is picked up when it
// appears. Running out of watches (fs.inotify.max_user_watches) is.
func (t *tree) rewatch() error {
	for _, p := range t.fsw.WatchList() {
		t.fsw.Remove(p) // gone already is fine
	}
	t.dirs, t.anchors = map[string]bool{}, map[string]bool{}

	t.anchors[t.dir] = true
	for p := t.dir; ; {
		parent := filepath.Dir(p)
		if parent == p {
			break
		}
		if st, err := os.Lstat(p); err != nil || st.Mode()&fs.ModeSymlink != 0 {
			t.anchors[p] = true
		}
		p = parent
	}
	for a := range t.anchors {
		parent := filepath.Dir(a)
		if t.anchors[parent] {
			if _, err := os.Stat(parent); err != nil {
				continue // missing: its own parent is watched instead
			}
		}
		if err := t.fsw.Add(parent); err != nil {
			// Not fatal: the tree itself is still watched, and the
			// periodic check sees a swap.
			t.log.Debug().Err(err).Str("path", parent).Msg("cannot watch the folder above")
		}
	}
	return t.addTree(t.dir)
}

// addTree watches dir (inside the tree) and every folder below it that is
// not hidden.
func (t *tree) addTree(dir string) error {
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return errNoWatch("resolve "+dir, err)
	}
	var failed error
	filepath.WalkDir(real, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return nil // unreadable folders are the loader's to report
		}
		if p != real && hidden(d.Name()) {
			return fs.SkipDir
		}
		rel, _ := filepath.Rel(real, p)
		name := filepath.Join(dir, rel)
		if err := t.fsw.Add(name); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return fs.SkipDir // removed while we walked
			}
			failed = errNoWatch("add "+name, err)
			return fs.SkipAll
		}
		t.dirs[name] = true
		return nil
	})
	return failed
}

// drop stops watching dir and the folders below it.
func (t *tree) drop(dir string) {
	prefix := dir + string(filepath.Separator)
	for d := range t.dirs {
		if d == dir || strings.HasPrefix(d, prefix) {
			t.fsw.Remove(d)
			delete(t.dirs, d)
		}
	}
}

// handle updates the watches for an event and reports whether it changes
// the knowledge, and any failure to watch a folder (the change still
// counts).
func (t *tree) handle(ev fsnotify.Event) (changed bool, err error) {
	name := ev.Name
	if t.anchors[name] {
		if ev.Has(fsnotify.Create) || ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
			return true, t.rewatch()
		}
		return false, nil
	}
	rel, err := filepath.Rel(t.dir, name)
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return false, nil // a neighbour of the tree, seen through a parent watch
	}
	parts := strings.Split(rel, string(filepath.Separator))
	for _, p := range parts[:len(parts)-1] {
		if hidden(p) {
			return false, nil
		}
	}
	base := parts[len(parts)-1]
	if base == atomicWriterLink && len(parts) == 1 {
		// Kubernetes ConfigMap and Secret volumes switch every file at
		// once by renaming this symlink over the old one.
		return ev.Has(fsnotify.Create) || ev.Has(fsnotify.Rename) || ev.Has(fsnotify.Remove), nil
	}
	if hidden(base) {
		return false, nil
	}
	switch {
	case ev.Has(fsnotify.Create):
		if st, err := os.Lstat(name); err == nil && st.IsDir() {
			// A new folder: watch it. Files put in it before the
			// watch was set are found by the reindex this causes.
			return true, t.addTree(name)
		}
		return t.file(base), nil
	case ev.Has(fsnotify.Remove), ev.Has(fsnotify.Rename):
		if t.dirs[name] {
			t.drop(name)
			return true, nil
		}
		return t.file(base), nil
	case ev.Has(fsnotify.Write), ev.Has(fsnotify.Chmod):
		// Chmod too: a file that was unreadable may have become
		// readable.
		return t.file(base), nil
	}
	return false, nil
}

// file reports whether a file name is a knowledge file.
func (t *tree) file(base string) bool { return !temporary(base) && t.match(base) }

// atomicWriterLink is the symlink Kubernetes swaps in ConfigMap volumes.
const atomicWriterLink = "..data"

// hidden reports names the loader leaves out (and with them editor lock and
// swap files such as .#notes.md and .notes.md.swp).
func hidden(name string) bool { return strings.HasPrefix(name, ".") }

// temporary reports editor backup, autosave and probe files.
func temporary(name string) bool {
	switch {
	case strings.HasSuffix(name, "~"), // vim and emacs backups
		strings.HasSuffix(name, ".swp"), strings.HasSuffix(name, ".swx"), strings.HasSuffix(name, ".swo"),
		strings.HasSuffix(name, ".tmp"),
		strings.HasPrefix(name, "#") && strings.HasSuffix(name, "#"), // emacs autosave
		name == "4913": // vim's probe that it may write in the folder
		return true
	}
	return false
}
