package search

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/blevesearch/bleve/v2"

	"github.com/kbbot/kbbot/internal/kb"
	"github.com/kbbot/kbbot/internal/knowledge"
)

var errClosed = errors.New("search: index closed")

// update re-reads only files whose content hash changed and applies them to a
// copy of the current generation. It returns a nil index when nothing changed.
func (l *Library) update(ctx context.Context, old *Index, files []knowledge.File, skips []kb.Skip, progress func(kb.Progress)) (*Index, kb.Report, error) {
	rep := kb.Report{}
	scanSkips := skips[:len(skips):len(skips)] // before parse failures are added
	present := map[string]bool{}
	parsed := map[string]kb.Article{}
	for i, f := range files {
		if err := ctx.Err(); err != nil {
			return nil, rep, err
		}
		present[f.Path] = true
		data, err := os.ReadFile(f.Abs)
		if progress != nil {
			progress(kb.Progress{Done: i + 1, Total: len(files), Path: f.Path})
		}
		if err != nil {
			skips = append(skips, kb.Skip{Path: f.Path, Reason: "cannot read: " + err.Error()})
			continue
		}
		prev, had := old.meta.Files[f.Path]
		if had && prev == knowledge.Hash(data) {
			continue
		}
		a, err := knowledge.Parse(f.Path, data)
		if err != nil {
			skips = append(skips, kb.Skip{Path: f.Path, Reason: err.Error()})
			if had {
				rep.Removed = append(rep.Removed, f.Path) // it no longer parses
			}
			continue
		}
		parsed[f.Path] = a
		if had {
			rep.Changed = append(rep.Changed, f.Path)
		} else {
			rep.Added = append(rep.Added, f.Path)
		}
	}
	for p := range old.meta.Files {
		if !present[p] {
			rep.Removed = append(rep.Removed, p)
		}
	}
	sort.Strings(rep.Removed)
	rep.Skipped = skips
	if len(parsed) == 0 && len(rep.Removed) == 0 {
		return nil, rep, nil
	}
	if n := len(parsed) + len(rep.Removed); n > 20 && n > len(old.arts)/2 {
		// Most of the folder changed: a clean build is faster than edits.
		ix, full, err := l.rebuild(ctx, files, scanSkips, nil)
		full.Added, full.Changed, full.Removed = rep.Added, rep.Changed, rep.Removed
		return ix, full, err
	}

	dir, err := os.MkdirTemp(l.root, ".building-")
	if err != nil {
		return nil, rep, fmt.Errorf("create build dir: %w", err)
	}
	fail := func(err error) (*Index, kb.Report, error) {
		os.RemoveAll(dir)
		return nil, rep, err
	}
	if err := copyDir(old.Dir(), dir); err != nil {
		return fail(fmt.Errorf("copy index: %w", err))
	}
	bl, err := bleve.Open(filepath.Join(dir, bleveDir))
	if err != nil {
		return fail(fmt.Errorf("open index copy: %w", err))
	}
	batch := bl.NewBatch()
	var arts []kb.Article
	gone := map[string]bool{}
	for _, p := range rep.Removed {
		gone[p] = true
	}
	for _, p := range rep.Changed {
		gone[p] = true
	}
	for _, a := range old.arts {
		if !gone[a.Path] {
			arts = append(arts, a)
			continue
		}
		for i := range passagesOf(a, l.opts.Settings.PassageChars) {
			batch.Delete(docID(a.Path, i))
		}
	}
	md := old.meta
	md.Files = map[string]string{}
	md.Skipped = skips
	md.BuiltAt = time.Now().UTC()
	for _, a := range parsed {
		arts = append(arts, a)
		ids, docs := docsOf(a, l.opts.Settings)
		for i := range ids {
			if err := batch.Index(ids[i], docs[i]); err != nil {
				bl.Close()
				return fail(fmt.Errorf("index %s: %w", a.Path, err))
			}
		}
	}
	sort.Slice(arts, func(i, j int) bool { return arts[i].Path < arts[j].Path })
	md.Sections = 0
	for _, a := range arts {
		md.Files[a.Path] = a.Hash
		md.Sections += len(passagesOf(a, l.opts.Settings.PassageChars))
	}
	if err := bl.Batch(batch); err != nil {
		bl.Close()
		return fail(fmt.Errorf("write batch: %w", err))
	}
	if err := writeStore(dir, arts); err != nil {
		bl.Close()
		return fail(err)
	}
	if err := writeJSON(filepath.Join(dir, metaFile), md); err != nil {
		bl.Close()
		return fail(err)
	}
	ix, err := newIndex(dir, bl, arts, md, l.opts)
	if err != nil {
		return fail(err)
	}
	return ix, rep, nil
}
