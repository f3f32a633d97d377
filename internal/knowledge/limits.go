package knowledge

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kbbot/kbbot/internal/kb"
)

// Limits on what one knowledge file can make the loader (and, after it, the
// index and every search) do. A file over a limit that can be cut is cut;
// one that cannot is skipped with the reason. The README's "Limits" table
// mirrors these.
const (
	// MaxParagraphBytes is the longest paragraph of article text: a longer
	// one is split at sentence ends, else at spaces, else between
	// characters. Phrase matching and excerpts cost grows with a passage's
	// length, so one 5 MB line must not become one 5 MB passage.
	MaxParagraphBytes = 2000
	// maxMarkdownBlock is the longest run of non-blank Markdown lines
	// handed to the Markdown parser as one block; a longer run is broken
	// into blocks by blank lines, at a line end where it can be. Inline
	// parsing is quadratic in a block's length on inputs such as
	// "[a](" repeated (400 KB of it took 93 s).
	maxMarkdownBlock = 2048
	// MaxFrontMatterKeys and MaxFrontMatterBytes bound the YAML header.
	MaxFrontMatterKeys  = 200
	MaxFrontMatterBytes = 64 << 10
	// MaxSections is the most sections (headings) one article may have.
	MaxSections = 2000
	// MaxNesting is the deepest Markdown nesting: block quote and list
	// markers opening one line, or a list marker indented more than
	// 4*MaxNesting columns.
	MaxNesting = 32
	// maxSkipDepth is the deepest stack of open HTML elements tracked
	// inside skipped page furniture (nav, script...).
	maxSkipDepth = 256
	// MaxHeadingBytes is the longest title or heading kept; longer ones
	// are cut at a word.
	MaxHeadingBytes = 300
)

// capArticle applies the limits that cut rather than refuse: headings and
// titles are shortened and every paragraph is at most MaxParagraphBytes.
func capArticle(art *kb.Article) error {
	if len(art.Sections) > MaxSections {
		return fmt.Errorf("has %d sections, over the limit of %d; split it into several files", len(art.Sections), MaxSections)
	}
	art.Title = capHeading(art.Title)
	for i := range art.Sections {
		s := &art.Sections[i]
		s.Heading = capHeading(s.Heading)
		s.Anchor = capHeading(s.Anchor)
		for j := range s.Path {
			s.Path[j] = capHeading(s.Path[j])
		}
		s.Text = capParagraphs(s.Text, MaxParagraphBytes)
	}
	return nil
}

func capHeading(s string) string {
	if len(s) <= MaxHeadingBytes {
		return s
	}
	return strings.TrimSpace(s[:cutAt(s, MaxHeadingBytes)])
}

// capParagraphs splits each paragraph of text (paragraphs are separated by
// blank lines) that is longer than max bytes.
func capParagraphs(text string, max int) string {
	if len(text) <= max {
		return text
	}
	paras := strings.Split(text, "\n\n")
	out := paras[:0:0]
	for _, p := range paras {
		out = append(out, SplitHard(p, max)...)
	}
	return strings.Join(out, "\n\n")
}

// SplitHard splits p into pieces of at most max bytes: at sentence ends
// where it can (see SplitLong), else at the last space before the limit,
// else at a character boundary. It runs in time linear in len(p).
func SplitHard(p string, max int) []string {
	if len(p) <= max {
		return []string{p}
	}
	var out []string
	for _, s := range SplitLong(p, max) {
		for len(s) > max {
			i := cutAt(s, max)
			if piece := strings.TrimSpace(s[:i]); piece != "" {
				out = append(out, piece)
			}
			s = strings.TrimLeftFunc(s[i:], unicode.IsSpace)
		}
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// cutAt is where to cut s so that s[:i] is at most max bytes: after the
// last space in the second half of that prefix, else at the last
// character boundary. i > 0 for max >= utf8.UTFMax.
func cutAt(s string, max int) int {
	if len(s) <= max {
		return len(s)
	}
	i := max
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	if sp := strings.LastIndexAny(s[:i], " \t\n"); sp >= max/2 {
		return sp + 1
	}
	if i == 0 {
		_, n := utf8.DecodeRuneInString(s)
		return n
	}
	return i
}

// checkFrontMatter refuses a YAML header too big or with too many keys to
// be an article's metadata; decoding one costs far more than its size.
func checkFrontMatter(fm []byte) error {
	keys := 0
	for line := range bytes.Lines(fm) {
		if len(line) > 0 && line[0] != ' ' && line[0] != '\t' && line[0] != '#' && line[0] != '-' && bytes.IndexByte(line, ':') > 0 {
			keys++
		}
	}
	if keys > MaxFrontMatterKeys {
		return fmt.Errorf("front matter has %d keys, over the limit of %d", keys, MaxFrontMatterKeys)
	}
	if len(fm) > MaxFrontMatterBytes {
		return fmt.Errorf("front matter is %d bytes, over the limit of %d", len(fm), MaxFrontMatterBytes)
	}
	return nil
}

// guardMarkdown checks a Markdown body against MaxNesting and breaks runs
// of lines longer than maxMarkdownBlock into blocks, so that the parser's
// cost stays about linear in the file's size.
// first is the file's line number of body's first line.
func guardMarkdown(body []byte, first int) ([]byte, error) {
	n := first - 1
	for line := range bytes.Lines(body) {
		n++
		if markers, indent := nesting(line); markers > MaxNesting || indent > 4*MaxNesting {
			return nil, fmt.Errorf("line %d is nested deeper than %d levels (block quotes, lists or indentation)", n, MaxNesting)
		}
	}
	if len(body) <= maxMarkdownBlock {
		return body, nil
	}
	var out bytes.Buffer
	out.Grow(len(body) + len(body)/maxMarkdownBlock*2)
	run := 0 // bytes in the current block
	for line := range bytes.Lines(body) {
		if len(bytes.TrimSpace(line)) == 0 {
			out.Write(line)
			run = 0
			continue
		}
		if run > 0 && run+len(line) > maxMarkdownBlock {
			out.WriteByte('\n')
			run = 0
		}
		for len(line) > maxMarkdownBlock {
			i := cutAt(string(line[:maxMarkdownBlock+1]), maxMarkdownBlock)
			out.Write(line[:i])
			out.WriteString("\n\n")
			line = line[i:]
		}
		out.Write(line)
		run += len(line)
	}
	return out.Bytes(), nil
}

// nesting measures a Markdown line's container prefix: how many block
// quote and list markers open it, and the indentation before the last one.
func nesting(line []byte) (markers, indent int) {
	col := 0
	for i := 0; i < len(line); {
		switch c := line[i]; {
		case c == ' ':
			col++
			i++
		case c == '\t':
			col += 4
			i++
		case c == '>':
			markers++
			indent = col
			col++
			i++
		case (c == '-' || c == '*' || c == '+') && i+1 < len(line) && (line[i+1] == ' ' || line[i+1] == '\t'):
			markers++
			indent = col
			col += 2
			i += 2
		case c >= '0' && c <= '9':
			j := i
			for j < len(line) && j-i < 9 && line[j] >= '0' && line[j] <= '9' {
				j++
			}
			if j+1 < len(line) && (line[j] == '.' || line[j] == ')') && (line[j+1] == ' ' || line[j+1] == '\t') {
				markers++
				indent = col
				col += j + 2 - i
				i = j + 2
				continue
			}
			return markers, indent
		default:
			return markers, indent
		}
	}
	return markers, indent
}
