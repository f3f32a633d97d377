package knowledge

import (
	"fmt"
	"path"
	"strings"
)

// IgnoreFile is the name of the file, in the knowledge folder's root, that
// lists paths the loader leaves out, in .gitignore syntax.
const IgnoreFile = ".kbbotignore"

// DefaultIgnore is the build furniture of documentation generators that
// would otherwise be indexed as articles: Sphinx copies every page's source
// into _sources/ (so each page would be indexed twice) and writes search and
// index pages; Doxygen writes source listings and member lists. These
// patterns always apply first, and a folder's .kbbotignore follows them, so
// it can re-include any of them with a negation (`!_sources/`), as a
// .gitignore overrides the patterns of core.excludesFile.
var DefaultIgnore = []string{
	"_sources/",        // Sphinx: the sources of the pages, as .txt
	"_static/",         // Sphinx: stylesheets, scripts and copied files
	"search.html",      // Sphinx: the search page
	"genindex*.html",   // Sphinx: the general index (genindex.html, genindex-A.html, ...)
	"py-modindex.html", // Sphinx: the Python module index
	// Doxygen: source listings (it writes a.c as a_8c) and lists of a
	// class's members. Narrow on purpose: PostgreSQL's manual has a page
	// catalog-pg-auth-members.html.
	"*_8*_source.html",
	"class*-members.html",
	"struct*-members.html",
}

// Ignore is a compiled list of gitignore patterns.
type Ignore struct {
	pats []ignorePattern
}

type ignorePattern struct {
	glob     []string // one path.Match pattern per path segment; "**" matches any number of segments
	negate   bool
	dirOnly  bool
	anchored bool // matched against the whole relative path, not just the last name
}

// IgnoreProblem is a line of an ignore file that is not a valid pattern.
// The rest of the file still applies.
type IgnoreProblem struct {
	Line    int
	Pattern string
	Err     error
}

func (p IgnoreProblem) String() string {
	return fmt.Sprintf("line %d: %q: %v", p.Line, p.Pattern, p.Err)
}

// ParseIgnore compiles lines in .gitignore syntax: # comments, ! negation,
// a trailing / for folders only, a leading or inner / anchoring the pattern
// to the folder's root, *, ?, [...] and ** (any number of folders). As in
// git, the last matching pattern decides, and nothing inside an ignored
// folder can be re-included, because the folder is never entered.
func ParseIgnore(lines []string) (*Ignore, []IgnoreProblem) {
	ig := &Ignore{}
	var probs []IgnoreProblem
	for i, line := range lines {
		p, ok, err := parseIgnoreLine(line)
		if err != nil {
			probs = append(probs, IgnoreProblem{Line: i + 1, Pattern: strings.TrimSpace(line), Err: err})
			continue
		}
		if ok {
			ig.pats = append(ig.pats, p)
		}
	}
	return ig, probs
}

func parseIgnoreLine(line string) (ignorePattern, bool, error) {
	line = strings.TrimSuffix(line, "\r")
	line = trimTrailingSpaces(line)
	if line == "" || line[0] == '#' {
		return ignorePattern{}, false, nil
	}
	var p ignorePattern
	if line[0] == '!' {
		p.negate = true
		line = line[1:]
	}
	if strings.HasSuffix(line, "/") {
		p.dirOnly = true
		line = strings.TrimRight(line, "/")
	}
	if strings.Contains(line, "/") {
		p.anchored = true
		line = strings.TrimLeft(line, "/")
	}
	if line == "" {
		return ignorePattern{}, false, nil // "/" or "!": matches nothing in git either
	}
	for _, seg := range strings.Split(line, "/") {
		if seg == "" {
			continue // a//b is a/b
		}
		if seg != "**" {
			seg = gitClassToGo(seg)
			if _, err := path.Match(seg, ""); err != nil {
				return ignorePattern{}, false, err
			}
		}
		p.glob = append(p.glob, seg)
	}
	return p, true, nil
}

// trimTrailingSpaces drops trailing spaces that are not escaped with a backslash.
func trimTrailingSpaces(s string) string {
	for strings.HasSuffix(s, " ") && !strings.HasSuffix(s, `\ `) {
		s = s[:len(s)-1]
	}
	return s
}

// gitClassToGo rewrites git's negated character class [!...] as path.Match's [^...].
func gitClassToGo(seg string) string {
	if !strings.Contains(seg, "[!") {
		return seg
	}
	var b strings.Builder
	for i := 0; i < len(seg); i++ {
		c := seg[i]
		if c == '\\' && i+1 < len(seg) {
			b.WriteByte(c)
			b.WriteByte(seg[i+1])
			i++
			continue
		}
		b.WriteByte(c)
		if c == '[' && i+1 < len(seg) && seg[i+1] == '!' {
			b.WriteByte('^')
			i++
		}
	}
	return b.String()
}

// Ignored reports whether the slash-separated path rel (relative to the
// knowledge folder) is ignored. isDir says whether it is a folder; a
// symlink counts as a file, as in git. Callers walking the folder must not
// enter an ignored folder.
func (ig *Ignore) Ignored(rel string, isDir bool) bool {
	if ig == nil {
		return false
	}
	segs := strings.Split(strings.Trim(rel, "/"), "/")
	ignored := false
	for _, p := range ig.pats {
		if p.negate != ignored || p.dirOnly && !isDir {
			continue // cannot change the outcome
		}
		if p.match(segs) {
			ignored = !p.negate
		}
	}
	return ignored
}

func (p ignorePattern) match(segs []string) bool {
	if !p.anchored {
		ok, _ := path.Match(p.glob[0], segs[len(segs)-1])
		return ok
	}
	return matchSegments(p.glob, segs)
}

func matchSegments(glob, segs []string) bool {
	for len(glob) > 0 {
		if glob[0] == "**" {
			rest := glob[1:]
			if len(rest) == 0 {
				// A trailing /** matches what is inside, not the
				// folder itself, so a later !dir/file can re-include.
				return len(segs) > 0
			}
			for i := 0; i <= len(segs); i++ {
				if matchSegments(rest, segs[i:]) {
					return true
				}
			}
			return false
		}
		if len(segs) == 0 {
			return false
		}
		if ok, _ := path.Match(glob[0], segs[0]); !ok {
			return false
		}
		glob, segs = glob[1:], segs[1:]
	}
	return len(segs) == 0
}
