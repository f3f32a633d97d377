// Package knowledge reads a folder of Markdown, text and HTML files into
// articles split into sections, skipping (and explaining) what it cannot read.
package knowledge

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/kbbot/kbbot/internal/kb"
)

// DefaultMaxFileBytes is the size above which a file is skipped.
const DefaultMaxFileBytes = 5 << 20

// Options tune loading.
type Options struct {
	MaxFileBytes int64 // files larger than this are skipped; 0 means DefaultMaxFileBytes
}

// File is one candidate knowledge file found by Scan.
type File struct {
	Path    string // relative, forward slashes
	Abs     string
	Size    int64
	ModUnix int64
}

// ErrNoFolder is returned when the knowledge folder does not exist or is not a folder.
var ErrNoFolder = errors.New("knowledge folder not found")

// Supported reports whether a file name has an extension the loader reads.
func Supported(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".md", ".markdown", ".txt", ".html", ".htm":
		return true
	}
	return false
}

// Scan lists the knowledge files under dir, in path order. Hidden files and
// folders are left out, and so are files of other types; those of supported
// types that are too large are returned as skips.
func Scan(dir string, opts Options) ([]File, []kb.Skip, error) {
	max := opts.MaxFileBytes
	if max <= 0 {
		max = DefaultMaxFileBytes
	}
	st, err := os.Stat(dir)
	if err != nil || !st.IsDir() {
		return nil, nil, fmt.Errorf("%w: %s", ErrNoFolder, dir)
	}
	// Walk the real folder: git-sync and Kubernetes volumes make the
	// knowledge folder a symlink, which WalkDir would not enter.
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	var files []File
	var skips []kb.Skip
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if err != nil {
			if p == dir {
				return err
			}
			skips = append(skips, kb.Skip{Path: rel, Reason: "cannot read: " + unwrapPathErr(err)})
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if p != dir && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() || !Supported(d.Name()) {
			return nil
		}
		if !d.Type().IsRegular() {
			// Follow symlinks to regular files only.
			st, err := os.Stat(p)
			if err != nil || !st.Mode().IsRegular() {
				return nil
			}
		}
		info, err := d.Info()
		if err != nil {
			skips = append(skips, kb.Skip{Path: rel, Reason: "cannot stat: " + unwrapPathErr(err)})
			return nil
		}
		if info.Size() > max {
			skips = append(skips, kb.Skip{Path: rel, Reason: fmt.Sprintf("file is %d bytes, over the %d-byte limit (MAX_FILE_BYTES)", info.Size(), max)})
			return nil
		}
		files = append(files, File{Path: rel, Abs: p, Size: info.Size(), ModUnix: info.ModTime().UnixNano()})
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("scan %s: %w", dir, err)
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return files, skips, nil
}

func unwrapPathErr(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// Result is what Load found.
type Result struct {
	Articles []kb.Article
	Skipped  []kb.Skip
}

// Load reads every knowledge file under dir, in parallel, and returns the
// articles in path order. A file that cannot be read or parsed is skipped with
// a reason; only a missing folder is an error.
func Load(ctx context.Context, dir string, opts Options, progress func(kb.Progress)) (Result, error) {
	files, skips, err := Scan(dir, opts)
	if err != nil {
		return Result{}, err
	}
	arts, more, err := ReadFiles(ctx, files, progress)
	if err != nil {
		return Result{}, err
	}
	return Result{Articles: arts, Skipped: append(skips, more...)}, nil
}

// ReadFiles parses the given files concurrently. Articles come back in the
// order of files; files that fail are returned as skips.
func ReadFiles(ctx context.Context, files []File, progress func(kb.Progress)) ([]kb.Article, []kb.Skip, error) {
	type out struct {
		art  kb.Article
		skip string
	}
	res := make([]out, len(files))
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		done int
	)
	next := make(chan int)
	workers := runtime.GOMAXPROCS(0)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f := files[i]
				data, err := os.ReadFile(f.Abs)
				if err != nil {
					res[i].skip = "cannot read: " + unwrapPathErr(err)
				} else if art, err := Parse(f.Path, data); err != nil {
					res[i].skip = err.Error()
				} else {
					res[i].art = art
				}
				if progress != nil {
					mu.Lock()
					done++
					progress(kb.Progress{Done: done, Total: len(files), Path: f.Path})
					mu.Unlock()
				}
			}
		}()
	}
	var err error
feed:
	for i := range files {
		select {
		case next <- i:
		case <-ctx.Done():
			err = ctx.Err()
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err != nil {
		return nil, nil, err
	}
	var arts []kb.Article
	var skips []kb.Skip
	for i, r := range res {
		if r.skip != "" {
			skips = append(skips, kb.Skip{Path: files[i].Path, Reason: r.skip})
			continue
		}
		arts = append(arts, r.art)
	}
	return arts, skips, nil
}

// Hash is the content hash used to notice changed files.
func Hash(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:12])
}

// Parse turns one file's bytes into an article. rel is its path relative to
// the knowledge folder; its extension picks the parser.
func Parse(rel string, data []byte) (kb.Article, error) {
	if looksBinary(data) {
		return kb.Article{}, errors.New("looks like a binary file, not text")
	}
	hash := Hash(data)
	if !utf8.Valid(data) {
		data = []byte(strings.ToValidUTF8(string(data), "\uFFFD"))
	}
	var (
		art kb.Article
		err error
	)
	switch strings.ToLower(path.Ext(rel)) {
	case ".md", ".markdown":
		art, err = parseMarkdown(data)
	case ".txt":
		art = parseText(data)
	case ".html", ".htm":
		art, err = parseHTML(data)
	default:
		return kb.Article{}, fmt.Errorf("unsupported file type %q", path.Ext(rel))
	}
	if err != nil {
		return kb.Article{}, err
	}
	art.Path = rel
	art.Hash = hash
	if art.Title == "" {
		art.Title = titleFromPath(rel)
	}
	art.Sections = dropEmpty(art.Sections)
	if len(art.Sections) == 0 {
		return kb.Article{}, errors.New("no text found")
	}
	return art, nil
}

// looksBinary reports NUL bytes or a high share of control characters in the
// first few KiB: a PDF or image renamed to .md should be skipped, not indexed.
func looksBinary(data []byte) bool {
	head := data
	if len(head) > 8000 {
		head = head[:8000]
	}
	ctrl := 0
	for _, b := range head {
		if b == 0 {
			return true
		}
		if b < 0x20 && b != '\n' && b != '\r' && b != '\t' && b != '\f' {
			ctrl++
		}
	}
	return len(head) > 0 && ctrl*10 > len(head)
}

func titleFromPath(rel string) string {
	base := path.Base(rel)
	base = strings.TrimSuffix(base, path.Ext(base))
	base = strings.NewReplacer("-", " ", "_", " ").Replace(base)
	base = strings.TrimSpace(base)
	if base == "" {
		return rel
	}
	return strings.ToUpper(base[:1]) + base[1:]
}

func dropEmpty(secs []kb.Section) []kb.Section {
	out := secs[:0]
	for _, s := range secs {
		s.Text = strings.TrimSpace(s.Text)
		if s.Text == "" {
			continue
		}
		out = append(out, s)
	}
	return out
}

// Anchor returns the GitHub-style fragment for a heading.
func Anchor(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(heading)) {
		switch {
		case r == ' ' || r == '-':
			b.WriteByte('-')
		case r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127 && (isLetter(r)):
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isLetter(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
