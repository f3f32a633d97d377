package knowledge

import (
	"bytes"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
	"gopkg.in/yaml.v3"

	"github.com/kbbot/kbbot/internal/kb"
)

// FrontMatter is the optional YAML header of a Markdown article.
type FrontMatter struct {
	Title   string   `yaml:"title"`
	Tags    flexList `yaml:"tags"`
	URL     string   `yaml:"url"`
	Updated string   `yaml:"updated"`
	Owner   string   `yaml:"owner"`
	Aliases flexList `yaml:"aliases"`
}

// KnownKeys are the front-matter keys kbbot reads.
var KnownKeys = []string{"title", "tags", "url", "updated", "owner", "aliases"}

// flexList accepts `tags: [a, b]`, a YAML list, or `tags: a, b`.
type flexList []string

func (l *flexList) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		for _, s := range strings.Split(n.Value, ",") {
			if s = strings.TrimSpace(s); s != "" {
				*l = append(*l, s)
			}
		}
		return nil
	case yaml.SequenceNode:
		for _, c := range n.Content {
			if c.Kind != yaml.ScalarNode {
				return fmt.Errorf("line %d: want a list of words", c.Line)
			}
			if s := strings.TrimSpace(c.Value); s != "" {
				*l = append(*l, s)
			}
		}
		return nil
	}
	return fmt.Errorf("line %d: want a list", n.Line)
}

// SplitFrontMatter separates a leading `---` YAML block from the body. ok is
// false when there is none.
func SplitFrontMatter(data []byte) (fm, body []byte, ok bool) {
	d := bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !bytes.HasPrefix(d, []byte("---\n")) && !bytes.HasPrefix(d, []byte("---\r\n")) {
		return nil, data, false
	}
	rest := d[bytes.IndexByte(d, '\n')+1:]
	for off := 0; off < len(rest); {
		end := bytes.IndexByte(rest[off:], '\n')
		line := rest[off:]
		if end >= 0 {
			line = rest[off : off+end]
		}
		if t := bytes.TrimRight(line, " \t\r"); string(t) == "---" || string(t) == "..." {
			if end < 0 {
				return rest[:off], nil, true
			}
			return rest[:off], rest[off+end+1:], true
		}
		if end < 0 {
			break
		}
		off += end + 1
	}
	return nil, data, false // no closing line: treat it all as body
}

// ParseFrontMatter decodes a front-matter block and lists keys kbbot does not know.
func ParseFrontMatter(fm []byte) (FrontMatter, []string, error) {
	var meta FrontMatter
	if len(bytes.TrimSpace(fm)) == 0 {
		return meta, nil, nil
	}
	if err := checkFrontMatter(fm); err != nil {
		return meta, nil, err
	}
	if err := yaml.Unmarshal(fm, &meta); err != nil {
		return meta, nil, fmt.Errorf("front matter: %w", err)
	}
	var raw map[string]any
	_ = yaml.Unmarshal(fm, &raw)
	var unknown []string
	for k := range raw {
		known := false
		for _, kk := range KnownKeys {
			known = known || k == kk
		}
		if !known {
			unknown = append(unknown, k)
		}
	}
	return meta, unknown, nil
}

// articleURL is the front-matter url if it may become a link, else "": a
// value such as "!channel" or "javascript:..." would be a mention or a
// script in Slack, so it is dropped here (Check warns about it) and the
// article is linked as if it had none.
func articleURL(u string) string {
	u = strings.TrimSpace(u)
	if !kb.LinkableURL(u) {
		return ""
	}
	return u
}

// bodyLine is the line number in data of body's first line; body is what
// SplitFrontMatter returned.
func bodyLine(data, body []byte) int {
	return 1 + bytes.Count(data[:len(data)-len(body)], []byte("\n"))
}

// ParseDate reads the dates people write in front matter.
func ParseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02", time.RFC3339, "2006-01-02 15:04:05", "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("updated: %q is not a date like 2026-01-31", s)
}

var md = goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough))

func parseMarkdown(data []byte) (kb.Article, error) {
	fm, body, _ := SplitFrontMatter(data)
	meta, _, err := ParseFrontMatter(fm)
	if err != nil {
		return kb.Article{}, err
	}
	if body, err = guardMarkdown(body, bodyLine(data, body)); err != nil {
		return kb.Article{}, err
	}
	art := kb.Article{Title: strings.TrimSpace(meta.Title), Tags: meta.Tags, Aliases: meta.Aliases, URL: articleURL(meta.URL), Owner: meta.Owner}
	if meta.Updated != "" {
		if t, err := ParseDate(meta.Updated); err == nil {
			art.Updated = t
		}
	}
	doc := md.Parser().Parse(text.NewReader(body))
	var (
		secs []kb.Section
		cur  kb.Section
		path headingPath
		buf  strings.Builder
		h1   string
	)
	flush := func() {
		cur.Text = strings.TrimSpace(buf.String())
		secs = append(secs, cur)
		buf.Reset()
	}
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		if h, ok := n.(*ast.Heading); ok {
			title := strings.TrimSpace(inlineText(h, body))
			if h.Level == 1 && h1 == "" && art.Title == "" {
				h1 = title
			}
			flush()
			cur = kb.Section{Heading: title, Path: path.push(h.Level, title), Anchor: Anchor(title)}
			continue
		}
		blockText(&buf, n, body)
	}
	flush()
	if art.Title == "" {
		art.Title = h1
	}
	// An H1 that repeats the title is not a section heading worth showing.
	for i := range secs {
		if len(secs[i].Path) > 0 && secs[i].Path[0] == art.Title {
			secs[i].Path = secs[i].Path[1:]
			if len(secs[i].Path) == 0 {
				secs[i].Heading, secs[i].Anchor, secs[i].Path = "", "", nil
			}
		}
	}
	art.Sections = secs
	return art, nil
}

// blockText appends a block's plain text, paragraphs separated by blank lines.
func blockText(b *strings.Builder, n ast.Node, src []byte) {
	switch n := n.(type) {
	case *ast.FencedCodeBlock, *ast.CodeBlock:
		lines := n.Lines()
		var code strings.Builder
		for i := 0; i < lines.Len(); i++ {
			seg := lines.At(i)
			code.Write(seg.Value(src))
		}
		writePara(b, CodeBlock(code.String()))
	case *ast.HTMLBlock:
		// Raw HTML in Markdown is not shown in excerpts.
	case *ast.ThematicBreak:
	case *ast.List, *ast.ListItem, *ast.Blockquote, *ast.Document:
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			blockText(b, c, src)
		}
	case *east.Table:
		for row := n.FirstChild(); row != nil; row = row.NextSibling() {
			var cells []string
			for cell := row.FirstChild(); cell != nil; cell = cell.NextSibling() {
				cells = append(cells, strings.TrimSpace(inlineText(cell, src)))
			}
			writePara(b, strings.Join(cells, " | "))
		}
	case *ast.Paragraph, *ast.TextBlock, *ast.Heading:
		writePara(b, inlineText(n, src))
	default:
		if n.HasChildren() {
			for c := n.FirstChild(); c != nil; c = c.NextSibling() {
				blockText(b, c, src)
			}
		}
	}
}

func writePara(b *strings.Builder, s string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return
	}
	if b.Len() > 0 {
		b.WriteString("\n\n")
	}
	b.WriteString(s)
}

// inlineText flattens inline content: link text without the URL, code spans
// as their text, raw inline HTML dropped.
func inlineText(n ast.Node, src []byte) string {
	var b strings.Builder
	var walk func(ast.Node)
	walk = func(n ast.Node) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch c := c.(type) {
			case *ast.Text:
				b.Write(c.Segment.Value(src))
				if c.SoftLineBreak() || c.HardLineBreak() {
					b.WriteByte(' ')
				}
			case *ast.String:
				b.Write(c.Value)
			case *ast.CodeSpan:
				for g := c.FirstChild(); g != nil; g = g.NextSibling() {
					if t, ok := g.(*ast.Text); ok {
						b.Write(t.Segment.Value(src))
					}
				}
			case *ast.RawHTML:
			case *ast.AutoLink:
				b.Write(c.URL(src))
			case *ast.Image:
				walk(c)
			default:
				walk(c)
			}
		}
	}
	walk(n)
	return strings.Join(strings.FieldsFunc(b.String(), unicode.IsSpace), " ")
}
