package knowledge

import (
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"

	"github.com/kbbot/kbbot/internal/kb"
)

// Severity grades a problem found by Check.
type Severity string

const (
	Error   Severity = "error"   // the file is skipped or misleads readers; fix before reindexing
	Warning Severity = "warning" // worth fixing; the file is still indexed
)

// Problem is one finding of Check.
type Problem struct {
	Path     string
	Severity Severity
	Message  string
}

// A file name may hold a newline or a terminal escape: in a line of output
// it is quoted, so it can neither forge another line nor drive the terminal.
func (p Problem) String() string {
	return fmt.Sprintf("%s: %s: %s", printable(p.Path), p.Severity, printable(p.Message))
}

// printable is s, or s quoted Go-style if it holds control characters.
func printable(s string) string {
	if strings.ContainsFunc(s, unicode.IsControl) {
		return strconv.Quote(s)
	}
	return s
}

// CheckOptions tune Check.
type CheckOptions struct {
	Options
	MaxSectionWords int // sections longer than this get a warning; default 500
}

// Checked is what Check found.
type Checked struct {
	Problems []Problem
	Files    int // knowledge files that would be read
	// IgnoredFiles and IgnoredFolders count what the ignore rules left
	// out; what is inside an ignored folder is not counted.
	IgnoredFiles, IgnoredFolders int
	HasIgnoreFile                bool
}

// IgnoredLine is the one-line summary of what the ignore rules left out.
func (c Checked) IgnoredLine() string {
	from := "defaults; the folder has none"
	if c.HasIgnoreFile {
		from = "defaults, then the folder's own"
	}
	folders := ""
	if c.IgnoredFolders > 0 {
		folders = fmt.Sprintf(" and %d %s", c.IgnoredFolders, plural(c.IgnoredFolders, "folder", "folders"))
	}
	return fmt.Sprintf("%d %s%s ignored by %s (%s)", c.IgnoredFiles, plural(c.IgnoredFiles, "file", "files"), folders, IgnoreFile, from)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Check lints a knowledge folder the way an admin needs before reindexing:
// files that would be skipped and why, missing or duplicate titles, front
// matter that does not parse or has unknown keys, empty or overlong sections,
// relative links to articles or headings that do not exist, bad lines in
// .kbbotignore, and files with the same or nearly the same content.
func Check(dir string, opts CheckOptions) (Checked, error) {
	if opts.MaxSectionWords <= 0 {
		opts.MaxSectionWords = 500
	}
	folder, err := ScanFolder(dir, opts.Options)
	if err != nil {
		return Checked{}, err
	}
	files := folder.Files
	var probs []Problem
	add := func(p string, s Severity, format string, args ...any) {
		probs = append(probs, Problem{Path: p, Severity: s, Message: fmt.Sprintf(format, args...)})
	}
	for _, s := range folder.Skipped {
		add(s.Path, Error, "would be skipped: %s", s.Reason)
	}
	for _, p := range folder.IgnoreProblems {
		add(IgnoreFile, Warning, "%s (the line is left out)", p)
	}
	// Files of other types are ignored by the loader; say so.
	for _, p := range folder.Other {
		add(p, Warning, "ignored: not a .md, .txt or .html file")
	}
	roots, closeRoots := openRoots(files)
	defer closeRoots()
	var arts []kb.Article

	titles := map[string][]string{}
	anchors := map[string]map[string]bool{} // path -> anchors
	type link struct{ from, to string }
	var links []link
	for _, f := range files {
		data, err := readFile(roots, f)
		if err != nil {
			add(f.Path, Error, "cannot read: %v", unwrapPathErr(err))
			continue
		}
		art, err := Parse(f.Path, data)
		if err != nil {
			add(f.Path, Error, "would be skipped: %v", err)
			continue
		}
		arts = append(arts, art)
		titles[strings.ToLower(art.Title)] = append(titles[strings.ToLower(art.Title)], f.Path)
		anchors[f.Path] = map[string]bool{}
		for _, s := range art.Sections {
			if s.Anchor != "" {
				anchors[f.Path][strings.ToLower(s.Anchor)] = true
			}
		}
		if isMarkdown(f.Path) {
			fm, body, has := SplitFrontMatter(data)
			meta, unknown, err := ParseFrontMatter(fm)
			switch {
			case err != nil:
				add(f.Path, Error, "%v", err) // Parse already failed above in this case
			case !has || meta.Title == "":
				add(f.Path, Error, "missing title: add `title:` to the front matter")
			}
			sort.Strings(unknown)
			for _, k := range unknown {
				add(f.Path, Warning, "front matter: unknown key %q (known: %s)", k, strings.Join(KnownKeys, ", "))
			}
			if has && meta.Updated != "" {
				if _, err := ParseDate(meta.Updated); err != nil {
					add(f.Path, Error, "front matter: %v", err)
				}
			}
			if u := strings.TrimSpace(meta.URL); u != "" && !kb.LinkableURL(u) {
				add(f.Path, Warning, "front matter: url %q is ignored: only http://, https:// and mailto: links are used", u)
			}
			if has && len(meta.Tags) == 0 {
				add(f.Path, Warning, "front matter: no tags; /kb topics lists articles by tag")
			}
			for _, h := range emptySections(body) {
				add(f.Path, Warning, "section %q is empty", h)
			}
			for _, dest := range markdownLinks(body) {
				links = append(links, link{f.Path, dest})
			}
		}
		for _, s := range art.Sections {
			if n := len(strings.Fields(s.Text)); n > opts.MaxSectionWords {
				name := s.Heading
				if name == "" {
					name = "(lead)"
				}
				add(f.Path, Warning, "section %q has %d words; over %d makes excerpts miss the point, split it", name, n, opts.MaxSectionWords)
			}
		}
	}
	for t, paths := range titles {
		if len(paths) > 1 {
			sort.Strings(paths)
			for _, p := range paths {
				add(p, Error, "duplicate title %q (also in %s)", t, strings.Join(others(paths, p), ", "))
			}
		}
	}
	for _, l := range links {
		u, err := url.Parse(l.to)
		if err != nil {
			add(l.from, Error, "link %q does not parse: %v", l.to, err)
			continue
		}
		if u.Scheme != "" || u.Host != "" || strings.HasPrefix(l.to, "/") {
			continue // external or absolute: not checked
		}
		target := l.from
		if u.Path != "" {
			target = path.Clean(path.Join(path.Dir(l.from), u.Path))
		}
		anc, ok := anchors[target]
		if !ok {
			if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(target))); err != nil {
				add(l.from, Error, "broken link %q: %s does not exist", l.to, target)
			}
			continue
		}
		if u.Fragment != "" && !anc[strings.ToLower(u.Fragment)] {
			add(l.from, Warning, "link %q: no heading #%s in %s", l.to, u.Fragment, target)
		}
	}
	for _, d := range duplicates(arts) {
		add(d.a, Warning, "%s and %s have the same content (%s); keep one, or list one in %s", d.a, d.b, d.how, IgnoreFile)
	}
	sort.SliceStable(probs, func(i, j int) bool {
		if probs[i].Path != probs[j].Path {
			return probs[i].Path < probs[j].Path
		}
		return probs[i].Message < probs[j].Message
	})
	res := Checked{Problems: probs, Files: len(files), HasIgnoreFile: folder.HasIgnoreFile}
	for _, p := range folder.Ignored {
		if strings.HasSuffix(p, "/") {
			res.IgnoredFolders++
		} else {
			res.IgnoredFiles++
		}
	}
	return res, nil
}

func isMarkdown(p string) bool {
	e := strings.ToLower(path.Ext(p))
	return e == ".md" || e == ".markdown"
}

func others(all []string, not string) []string {
	var out []string
	for _, p := range all {
		if p != not {
			out = append(out, p)
		}
	}
	return out
}

// markdownLinks lists link destinations in a Markdown body.
func markdownLinks(body []byte) []string {
	body, err := guardMarkdown(body, 1)
	if err != nil {
		return nil // Parse has reported it
	}
	doc := md.Parser().Parse(text.NewReader(body))
	var out []string
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if l, ok := n.(*ast.Link); ok && entering {
			out = append(out, string(l.Destination))
		}
		return ast.WalkContinue, nil
	})
	return out
}

// emptySections lists headings followed directly by a heading of the same or
// a higher level, or by the end of the file.
func emptySections(body []byte) []string {
	body, err := guardMarkdown(body, 1)
	if err != nil {
		return nil // Parse has reported it
	}
	doc := md.Parser().Parse(text.NewReader(body))
	var out []string
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		h, ok := n.(*ast.Heading)
		if !ok {
			continue
		}
		next := n.NextSibling()
		if nh, ok := next.(*ast.Heading); next == nil || ok && nh.Level <= h.Level {
			out = append(out, strings.TrimSpace(inlineText(h, body)))
		}
	}
	return out
}
