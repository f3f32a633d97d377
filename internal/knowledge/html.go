package knowledge

import (
	"bytes"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/kbbot/kbbot/internal/kb"
)

// skipTags hold page furniture or code, never article text.
var skipTags = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Nav: true, atom.Noscript: true,
	atom.Template: true, atom.Svg: true, atom.Iframe: true, atom.Button: true,
	atom.Select: true, atom.Form: true, atom.Header: true, atom.Footer: true, atom.Aside: true,
	atom.Head: false,
}

// furniture are class or id words that mark navigation and page chrome.
var furniture = []string{"navheader", "navfooter", "navbar", "navigation", "breadcrumb", "breadcrumbs", "sidebar", "menu", "cookie", "footer", "header", "share", "social"}

var blockTags = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Li: true, atom.Tr: true, atom.Pre: true, atom.Br: true,
	atom.Dt: true, atom.Dd: true, atom.Table: true, atom.Blockquote: true, atom.Section: true,
	atom.Article: true, atom.Ul: true, atom.Ol: true, atom.Dl: true, atom.H4: true, atom.H5: true,
	atom.H6: true, atom.Hr: true, atom.Main: true, atom.Figure: true, atom.Figcaption: true,
	atom.Caption: true, atom.Td: false, atom.Th: false,
}

func isFurniture(attrs []html.Attribute) bool {
	for _, a := range attrs {
		if a.Key != "class" && a.Key != "id" && a.Key != "role" {
			continue
		}
		for _, w := range strings.Fields(strings.ToLower(a.Val)) {
			for _, f := range furniture {
				if w == f {
					return true
				}
			}
		}
	}
	return false
}

func attr(attrs []html.Attribute, key string) string {
	for _, a := range attrs {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// parseHTML reads an HTML page: title from <title> or the first <h1>,
// sections on h1-h3, script/style/navigation dropped, entities decoded.
func parseHTML(data []byte) (kb.Article, error) {
	z := html.NewTokenizer(bytes.NewReader(data))
	var (
		art       kb.Article
		secs      []kb.Section
		cur       kb.Section
		buf       strings.Builder // current paragraph
		text      strings.Builder // current section
		skip      []atom.Atom     // open elements inside a skipped subtree
		inTitle   bool
		title     strings.Builder
		heading   *strings.Builder
		headLevel int
		headID    string
		lastID    string
		pre       int
		firstH1   string
		stack     []string
		inLink    int // open <a href> elements
		paraLink  int // link text in the current paragraph
		paraAll   int // all text in the current paragraph
		linkChars int // text of the current section in paragraphs that are mostly links
		allChars  int // all text in the current section
	)
	endPara := func() {
		// A paragraph (a list item, a table row) that is mostly link text
		// is navigation: a table of contents, an index entry. Prose with
		// a few links in it is not.
		if paraAll > 0 && paraLink*2 >= paraAll {
			linkChars += paraAll
		}
		allChars += paraAll
		paraLink, paraAll = 0, 0
		p := buf.String()
		if pre == 0 {
			p = strings.Join(strings.Fields(p), " ")
		} else {
			p = strings.Trim(p, "\n")
		}
		buf.Reset()
		if strings.TrimSpace(p) == "" {
			return
		}
		if text.Len() > 0 {
			text.WriteString("\n\n")
		}
		if pre == 0 {
			text.WriteString(strings.Join(SplitLong(p, 600), "\n\n"))
		} else {
			text.WriteString(CodeBlock(p))
		}
	}
	flush := func() {
		endPara()
		cur.Text = text.String()
		if allChars > 0 {
			cur.Links = float64(linkChars) / float64(allChars)
		}
		secs = append(secs, cur)
		text.Reset()
		linkChars, allChars = 0, 0
	}
	// endHeading closes the open heading, if any, and starts its section.
	endHeading := func() {
		if heading == nil {
			return
		}
		h := strings.Join(strings.Fields(heading.String()), " ")
		heading = nil
		if h == "" {
			return
		}
		if headLevel == 1 && firstH1 == "" {
			firstH1 = h
		}
		flush()
		lvl := headLevel
		if lvl > len(stack)+1 {
			lvl = len(stack) + 1
		}
		stack = append(stack[:lvl-1], h)
		anchor := headID
		if anchor == "" {
			anchor = Anchor(h)
		}
		cur = kb.Section{Heading: h, Path: append([]string(nil), stack...), Anchor: anchor}
		lastID = ""
	}
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			endHeading() // an unclosed heading at the end is still one
			flush()
			art.Title = strings.Join(strings.Fields(title.String()), " ")
			if art.Title == "" {
				art.Title = firstH1
			}
			art.Sections = secs
			return art, nil
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			a := tok.DataAtom
			void := tt == html.SelfClosingTagToken || isVoid(a)
			if len(skip) > 0 {
				// Past maxSkipDepth open elements are not tracked: the
				// pop below would make badly nested input quadratic.
				if !void && len(skip) < maxSkipDepth {
					skip = append(skip, a)
				}
				continue
			}
			if skipTags[a] || isFurniture(tok.Attr) {
				if !void {
					skip = append(skip, a)
				}
				continue
			}
			if id := attr(tok.Attr, "id"); id != "" && a != atom.A {
				lastID = id
			}
			// A block (a paragraph, another heading) ends a heading left
			// open: "<h2>Title<p>text" must not make the text a heading.
			if heading != nil && a == atom.Br {
				heading.WriteString(" ")
			}
			if heading != nil && a != atom.Br && (blockTags[a] || a == atom.Pre || a == atom.H1 || a == atom.H2 || a == atom.H3) {
				endHeading()
			}
			switch a {
			case atom.Title:
				inTitle = true
			case atom.H1, atom.H2, atom.H3:
				endPara()
				heading = &strings.Builder{}
				headLevel = int(a.String()[1] - '0')
				headID = attr(tok.Attr, "id")
				if headID == "" {
					headID = lastID
				}
			case atom.Pre:
				endPara()
				pre++
			case atom.A:
				if !void && attr(tok.Attr, "href") != "" {
					inLink++
				}
			case atom.Img:
				if alt := attr(tok.Attr, "alt"); alt != "" {
					writeInline(heading, &buf, " "+alt+" ")
				}
			case atom.Td, atom.Th:
				writeInline(heading, &buf, " ")
			default:
				if blockTags[a] && heading == nil {
					endPara()
				}
			}
		case html.EndTagToken:
			tok := z.Token()
			a := tok.DataAtom
			if len(skip) > 0 {
				// Pop to the matching open element, tolerating bad nesting.
				for i := len(skip) - 1; i >= 0; i-- {
					if skip[i] == a {
						skip = skip[:i]
						break
					}
				}
				continue
			}
			switch a {
			case atom.Title:
				inTitle = false
			case atom.H1, atom.H2, atom.H3:
				endHeading()
			case atom.Pre:
				endPara()
				if pre > 0 {
					pre--
				}
			case atom.A:
				if inLink > 0 {
					inLink--
				}
			default:
				if blockTags[a] && heading == nil {
					endPara()
				}
			}
		case html.TextToken:
			if len(skip) > 0 {
				continue
			}
			t := string(z.Text()) // entities decoded by the tokenizer
			if inTitle {
				title.WriteString(t)
				continue
			}
			if heading == nil {
				n := len(strings.TrimSpace(t))
				paraAll += n
				if inLink > 0 {
					paraLink += n
				}
			}
			writeInline(heading, &buf, t)
		}
	}
}

func writeInline(heading *strings.Builder, buf *strings.Builder, s string) {
	if heading != nil {
		heading.WriteString(s)
		return
	}
	buf.WriteString(s)
}

func isVoid(a atom.Atom) bool {
	switch a {
	case atom.Area, atom.Base, atom.Br, atom.Col, atom.Embed, atom.Hr, atom.Img, atom.Input,
		atom.Link, atom.Meta, atom.Source, atom.Track, atom.Wbr:
		return true
	}
	return false
}
