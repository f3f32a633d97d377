// Package knowledge reads a folder of Markdown, text and HTML files into
// articles split into sections, skipping (and explaining) what it cannot read.
//
// What is read: hidden files and folders never are, nor what DefaultIgnore
// and the folder's .kbbotignore match (gitignore syntax; the defaults come
// first, so the file's own lines, such as !_sources/, override them). Files
// are opened through os.Root on the folder: a symlink that leads outside it,
// or is absolute, is skipped with a reason; relative links inside it are
// followed, symlinked folders are not entered, and the folder itself may be
// a symlink.
package knowledge

import (
	"bytes"
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
	Path    string // relative to Root, forward slashes
	Abs     string
	Root    string // the knowledge folder, symlinks resolved; reads go through os.Root on it
	Size    int64
	ModUnix int64
}

// Read returns the file's content, opened through os.Root on the knowledge
// folder so that a link swapped in after Scan still cannot leave it.
func (f File) Read() ([]byte, error) {
	if f.Root == "" {
		return nil, fmt.Errorf("read %s: no knowledge folder (File not made by Scan)", f.Path)
	}
	root, err := os.OpenRoot(f.Root)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	return root.ReadFile(filepath.FromSlash(f.Path))
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

// Folder is what ScanFolder found.
type Folder struct {
	Dir     string // the folder walked: the one asked for, symlinks resolved
	Files   []File
	Skipped []kb.Skip
	// Other lists files of types the loader does not read.
	Other []string
	// Ignored lists what the ignore rules left out (folders end in /);
	// nothing inside an ignored folder is listed.
	Ignored []string
	// HasIgnoreFile says whether the folder has a .kbbotignore; without
	// one only DefaultIgnore applied.
	HasIgnoreFile  bool
	IgnoreProblems []IgnoreProblem
}

// Scan lists the knowledge files under dir, in path order; see ScanFolder.
func Scan(dir string, opts Options) ([]File, []kb.Skip, error) {
	f, err := ScanFolder(dir, opts)
	if err != nil {
		return nil, nil, err
	}
	return f.Files, f.Skipped, nil
}

// ScanFolder walks dir for knowledge files, in path order. Hidden files and
// folders are left out, and so is what DefaultIgnore and the folder's
// .kbbotignore (read once per scan) match. Files of supported types that are
// too large, or are symlinks the loader will not follow, are returned as
// skips. The walk goes through os.Root, so no link can lead it out of the
// folder: symlinks to files are followed only when the link, as written,
// stays inside it; symlinked folders are not entered.
func ScanFolder(dir string, opts Options) (Folder, error) {
	max := opts.MaxFileBytes
	if max <= 0 {
		max = DefaultMaxFileBytes
	}
	st, err := os.Stat(dir)
	if err != nil || !st.IsDir() {
		return Folder{}, fmt.Errorf("%w: %s", ErrNoFolder, dir)
	}
	// Walk the real folder: git-sync and Kubernetes volumes make the
	// knowledge folder a symlink, which os.Root and WalkDir would
	// otherwise see through only at the top.
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return Folder{}, fmt.Errorf("scan %s: %w", dir, err)
	}
	defer root.Close()
	out := Folder{Dir: dir}
	ig, err := readIgnore(root, &out)
	if err != nil {
		return Folder{}, fmt.Errorf("scan %s: %w", dir, err)
	}
	skip := func(rel, reason string) { out.Skipped = append(out.Skipped, kb.Skip{Path: rel, Reason: reason}) }
	err = fs.WalkDir(root.FS(), ".", func(rel string, d fs.DirEntry, err error) error {
		if rel == "." {
			return err
		}
		if err != nil {
			skip(rel, "cannot read: "+unwrapPathErr(err))
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if ig.Ignored(rel, d.IsDir()) {
			if d.IsDir() {
				out.Ignored = append(out.Ignored, rel+"/")
				return fs.SkipDir
			}
			out.Ignored = append(out.Ignored, rel)
			return nil
		}
		if d.IsDir() {
			return nil
		}
		if !Supported(d.Name()) {
			out.Other = append(out.Other, rel)
			return nil
		}
		var info fs.FileInfo
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			info, err = root.Stat(filepath.FromSlash(rel))
			if err != nil {
				skip(rel, symlinkReason(dir, rel, err))
				return nil
			}
			if !info.Mode().IsRegular() {
				return nil // a symlinked folder (not entered) or device
			}
		case d.Type().IsRegular():
			info, err = d.Info()
			if err != nil {
				skip(rel, "cannot stat: "+unwrapPathErr(err))
				return nil
			}
		default:
			return nil // sockets, pipes, devices
		}
		if info.Size() > max {
			skip(rel, fmt.Sprintf("file is %d bytes, over the %d-byte limit (MAX_FILE_BYTES)", info.Size(), max))
			return nil
		}
		out.Files = append(out.Files, File{Path: rel, Abs: filepath.Join(dir, filepath.FromSlash(rel)), Root: dir, Size: info.Size(), ModUnix: info.ModTime().UnixNano()})
		return nil
	})
	if err != nil {
		return Folder{}, fmt.Errorf("scan %s: %w", dir, err)
	}
	sort.Slice(out.Files, func(i, j int) bool { return out.Files[i].Path < out.Files[j].Path })
	return out, nil
}

// readIgnore compiles DefaultIgnore followed by the folder's .kbbotignore,
// if it has one.
func readIgnore(root *os.Root, out *Folder) (*Ignore, error) {
	lines := DefaultIgnore
	data, err := root.ReadFile(IgnoreFile)
	switch {
	case err == nil:
		out.HasIgnoreFile = true
		lines = append(lines[:len(lines):len(lines)], strings.Split(string(data), "\n")...)
	case !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("read %s: %w", IgnoreFile, err)
	}
	ig, probs := ParseIgnore(lines)
	for _, p := range probs {
		p.Line -= len(DefaultIgnore) // DefaultIgnore parses clean (tested)
		out.IgnoreProblems = append(out.IgnoreProblems, p)
	}
	return ig, nil
}

// symlinkReason explains why os.Root refused a symlink. The refusal is the
// safety; this only picks the words.
func symlinkReason(dir, rel string, err error) string {
	abs := filepath.Join(dir, filepath.FromSlash(rel))
	target, terr := filepath.EvalSymlinks(abs)
	if terr != nil {
		return "broken symlink: " + unwrapPathErr(terr)
	}
	if r, rerr := filepath.Rel(dir, target); rerr != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return "symlink points outside the knowledge folder"
	}
	if link, _ := os.Readlink(abs); filepath.IsAbs(link) || strings.Contains(link, "..") {
		return "symlink is absolute or climbs out with ..; only links relative within the knowledge folder are followed"
	}
	return "cannot read: " + unwrapPathErr(err)
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
	roots, closeRoots := openRoots(files)
	defer closeRoots()
	next := make(chan int)
	workers := runtime.GOMAXPROCS(0)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f := files[i]
				data, err := readFile(roots, f)
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

// openRoots opens each distinct knowledge folder of files once, so that
// ReadFiles reads every file through os.Root without an open per file.
func openRoots(files []File) (map[string]*os.Root, func()) {
	roots := map[string]*os.Root{}
	for _, f := range files {
		if _, ok := roots[f.Root]; ok || f.Root == "" {
			continue
		}
		r, err := os.OpenRoot(f.Root)
		if err != nil {
			roots[f.Root] = nil // readFile reports it per file
			continue
		}
		roots[f.Root] = r
	}
	return roots, func() {
		for _, r := range roots {
			if r != nil {
				r.Close()
			}
		}
	}
}

func readFile(roots map[string]*os.Root, f File) ([]byte, error) {
	if r := roots[f.Root]; r != nil {
		return r.ReadFile(filepath.FromSlash(f.Path))
	}
	return f.Read() // no Root, or it failed to open: Read says why
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
	// looksBinary reads only the head: a NUL or other control character
	// further on would reach the index and Slack.
	data = dropControls(data)
	var (
		art kb.Article
		err error
	)
	switch strings.ToLower(path.Ext(rel)) {
	case ".md", ".markdown":
		art, err = parseMarkdown(data)
	case ".txt":
		art = parseText(rel, data)
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
	if err := capArticle(&art); err != nil {
		return kb.Article{}, err
	}
	return art, nil
}

// dropControls removes C0 control characters other than tab, newline,
// carriage return and form feed, and DEL.
func dropControls(data []byte) []byte {
	isCtrl := func(c byte) bool { return c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' || c == 0x7f }
	if !bytes.ContainsFunc(data, func(r rune) bool { return r < 0x80 && isCtrl(byte(r)) }) {
		return data
	}
	out := make([]byte, 0, len(data))
	for _, c := range data {
		if !isCtrl(c) {
			out = append(out, c)
		}
	}
	return out
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

// titleFromPath is the title of an article that has none of its own.
func titleFromPath(rel string) string {
	if t := titleFromName(rel); t != "" {
		return t
	}
	return rel
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
