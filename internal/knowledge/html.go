package knowledge

import (
	"bytes"
	"slices"
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
// A "headerlink" is Sphinx's permalink pilcrow after every heading and term.
var furniture = []string{"navheader", "navfooter", "navbar", "navigation", "breadcrumb", "breadcrumbs", "sidebar", "menu", "cookie", "footer", "header", "share", "social", "headerlink"}

var blockTags = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Li: true, atom.Tr: true, atom.Pre: true, atom.Br: true,
	atom.Dt: true, atom.Dd: true, atom.Table: true, atom.Blockquote: true, atom.Section: true,
	atom.Article: true, atom.Ul: true, atom.Ol: true, atom.Dl: true, atom.H4: true, atom.H5: true,
	atom.H6: true, atom.Hr: true, atom.Main: true, atom.Figure: true, atom.Figcaption: true,
	atom.Caption: true, atom.Td: false, atom.Th: false,
}

// admonitions are class words of a boxed aside within a section (DocBook
// and Sphinx write <div class="note"><h3>Note</h3>...): its title is a
// label for the box, not a heading that starts a new section.
var admonitions = map[string]bool{"note": true, "tip": true, "warning": true, "caution": true, "important": true, "admonition": true, "hint": true, "attention": true, "danger": true, "seealso": true}

func isAdmonition(attrs []html.Attribute) bool {
	for _, w := range strings.Fields(strings.ToLower(attr(attrs, "class"))) {
		if admonitions[w] {
			return true
		}
	}
	return false
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
	var p htmlParser
	for {
		switch tt := z.Next(); tt {
		case html.ErrorToken:
			return p.finish(), nil
		case html.StartTagToken, html.SelfClosingTagToken:
			p.start(z.Token(), tt == html.SelfClosingTagToken)
		case html.EndTagToken:
			p.end(z.Token().DataAtom)
		case html.TextToken:
			p.text(string(z.Text())) // entities decoded by the tokenizer
		}
	}
}

// htmlParser is parseHTML's state between tokens: the section and paragraph
// being built, the open heading, skipped furniture and link-text counts.
type htmlParser struct {
	secs      []kb.Section
	cur       kb.Section
	buf       strings.Builder // current paragraph
	body      strings.Builder // current section
	skip      []atom.Atom     // open elements inside a skipped subtree
	inTitle   bool
	title     strings.Builder
	heading   *strings.Builder // the open h1-h3, nil outside one
	headLevel int
	headID    string
	lastID    string
	pre       int // open <pre> elements
	firstH1   string
	path      headingPath
	inLink    int    // open <a href> elements
	links     []bool // open <a href> elements: whether each links within the page ("#...")
	resumed   bool   // the current section continues one a definition list interrupted
	paraLink  int    // link text in the current paragraph
	paraAll   int    // all text in the current paragraph
	linkChars int    // text of the current section in paragraphs that are mostly links
	allChars  int    // all text in the current section
	divs      []bool // open <div>s: whether each is an admonition
	inBox     int    // open admonition <div>s
	label     string // an admonition's title, waiting for its first paragraph
	inLabel   bool   // in Sphinx's <p class="admonition-title">
	terms     terms  // definition-list terms that head their definitions
}

// terms is the parser's state for definition lists. A manual defines its
// parameters, options and functions as <dt> terms with <dd> definitions
// ("work_mem (integer)", "str.removeprefix(prefix, /)"): each term heads a
// subsection of its own, one level below the open heading, so the term
// weighs as a heading does and the link goes to its anchor. A term with a
// link to elsewhere in it (a table of contents, a back-of-book index: it
// points at a definition, it is not one) stays a paragraph, as does one
// with no definition after it. A term's trailing colon is dropped
// (Sphinx's "Parameters:"): its definition opens with "term: ".
type terms struct {
	open    []dlState
	inTerm  bool
	text    strings.Builder
	link    int    // link text in the open term
	id      string // the term's anchor: its id, or the first id inside it
	pending string // a term waiting for its <dd>
	pendID  string
	label   string // the open definition's term, for its first paragraph
}

// dlState is one open <dl>: the section and heading path to go back to
// when it closes, if one of its terms opened a subsection.
type dlState struct {
	opened bool
	resume kb.Section
	levels []int
	titles []string
}

// startTerm begins capturing a <dt>.
func (p *htmlParser) startTerm(id string) {
	p.endPara()
	p.terms.inTerm = true
	p.terms.text.Reset()
	p.terms.link = 0
	p.terms.id = id
}

// endTerm closes a <dt>: a term with a link to elsewhere in it, or outside
// a list or inside an admonition, is a paragraph now; else it waits for its
// definition (joined to one before it: two terms may share a definition).
func (p *htmlParser) endTerm() {
	if !p.terms.inTerm {
		return
	}
	p.terms.inTerm = false
	t := strings.Join(strings.Fields(p.terms.text.String()), " ")
	t = strings.TrimRight(strings.TrimSpace(strings.TrimSuffix(t, "¶")), ":")
	all := len(strings.TrimSpace(p.terms.text.String()))
	if t == "" {
		return
	}
	if p.terms.link > 0 || len(p.terms.open) == 0 || p.inBox > 0 {
		p.flushPending()
		p.paraAll, p.paraLink = all, p.terms.link
		p.buf.WriteString(t)
		p.endPara()
		return
	}
	if p.terms.pending != "" {
		p.terms.pending += ", " + t
	} else {
		p.terms.pending, p.terms.pendID = t, p.terms.id
	}
}

// flushPending writes a term that got no definition as a paragraph.
func (p *htmlParser) flushPending() {
	if p.terms.pending == "" {
		return
	}
	t := p.terms.pending
	p.terms.pending, p.terms.pendID = "", ""
	p.endPara()
	p.paraAll = len(t)
	p.buf.WriteString(t)
	p.endPara()
}

// startDefinition opens the subsection of the waiting term, if any.
func (p *htmlParser) startDefinition() {
	t := p.terms.pending
	if t == "" {
		return
	}
	p.terms.pending = ""
	dl := &p.terms.open[len(p.terms.open)-1]
	if !dl.opened {
		dl.opened = true
		dl.resume = kb.Section{Heading: p.cur.Heading, Path: p.cur.Path, Anchor: p.cur.Anchor}
		dl.levels = slices.Clone(p.path.levels)
		dl.titles = slices.Clone(p.path.titles)
	}
	p.flush()
	anchor := p.terms.pendID
	if anchor == "" {
		anchor = dl.resume.Anchor
	}
	p.cur = kb.Section{Heading: t, Path: p.path.push(termLevel+len(p.terms.open), t), Anchor: anchor}
	p.terms.pendID = ""
	p.terms.label = t
	p.lastID = ""
}

// termLevel is the heading level of a top-level definition term: below
// h1-h6.
const termLevel = 6

// endList closes a <dl>: after a list whose terms opened subsections, the
// text that follows belongs to the section the list was in.
func (p *htmlParser) endList() {
	p.endTerm()
	p.endPara()
	p.flushPending()
	n := len(p.terms.open)
	if n == 0 {
		return
	}
	dl := p.terms.open[n-1]
	p.terms.open = p.terms.open[:n-1]
	p.terms.label = ""
	if !dl.opened {
		return
	}
	p.flush()
	p.cur = dl.resume
	p.resumed = true
	p.path.levels, p.path.titles = dl.levels, dl.titles
}

// endPara ends the current paragraph. A paragraph (a list item, a table
// row) that is mostly link text is navigation: a table of contents, an
// index entry. Prose with a few links in it is not.
func (p *htmlParser) endPara() {
	if p.paraAll > 0 && p.paraLink*2 >= p.paraAll {
		p.linkChars += p.paraAll
	}
	p.allChars += p.paraAll
	p.paraLink, p.paraAll = 0, 0
	t := p.buf.String()
	if p.pre == 0 {
		t = strings.Join(strings.Fields(t), " ")
	} else {
		t = strings.Trim(t, "\n")
	}
	p.buf.Reset()
	if strings.TrimSpace(t) == "" {
		p.inLabel = false
		return
	}
	if p.inLabel {
		p.inLabel = false
		p.label = strings.TrimRight(t, ":")
		return
	}
	if p.label != "" && p.pre == 0 {
		t = p.label + ": " + t
		p.label = ""
	}
	if p.terms.label != "" {
		// A definition opens with its term, as a "term: definition" line
		// (a code block first gets the term on a line of its own).
		if p.pre == 0 {
			t = p.terms.label + ": " + t
		} else {
			if p.body.Len() > 0 {
				p.body.WriteString("\n\n")
			}
			p.body.WriteString(p.terms.label)
		}
		p.terms.label = ""
	}
	if p.body.Len() > 0 {
		p.body.WriteString("\n\n")
	}
	if p.pre == 0 {
		p.body.WriteString(strings.Join(SplitLong(t, 600), "\n\n"))
	} else {
		p.body.WriteString(CodeBlock(t))
	}
}

// flush ends the current section.
func (p *htmlParser) flush() {
	p.endPara()
	p.cur.Text = p.body.String()
	if p.allChars > 0 {
		p.cur.Links = float64(p.linkChars) / float64(p.allChars)
	}
	if !p.resumed || p.cur.Text != "" { // nothing followed the list: no empty repeat of its section
		p.secs = append(p.secs, p.cur)
	}
	p.resumed = false
	p.body.Reset()
	p.linkChars, p.allChars = 0, 0
}

// endHeading closes the open heading, if any, and starts its section.
func (p *htmlParser) endHeading() {
	if p.heading == nil {
		return
	}
	h := strings.Join(strings.Fields(p.heading.String()), " ")
	p.heading = nil
	if h == "" {
		return
	}
	if p.inBox > 0 {
		p.label = strings.TrimRight(h, ":")
		return
	}
	if p.headLevel == 1 && p.firstH1 == "" {
		p.firstH1 = h
	}
	p.flush()
	anchor := p.headID
	if anchor == "" {
		anchor = Anchor(h)
	}
	p.cur = kb.Section{Heading: h, Path: p.path.push(p.headLevel, h), Anchor: anchor}
	p.lastID = ""
}

// finish ends the document: an unclosed heading at the end is still one.
func (p *htmlParser) finish() kb.Article {
	p.endTerm()
	p.flushPending()
	p.endHeading()
	p.flush()
	art := kb.Article{Title: strings.Join(strings.Fields(p.title.String()), " "), Sections: p.secs}
	if art.Title == "" {
		art.Title = p.firstH1
	}
	return art
}

func (p *htmlParser) start(tok html.Token, selfClosing bool) {
	a := tok.DataAtom
	void := selfClosing || isVoid(a)
	if len(p.skip) > 0 {
		// Past maxSkipDepth open elements are not tracked: the pop in
		// end would make badly nested input quadratic.
		if !void && len(p.skip) < maxSkipDepth {
			p.skip = append(p.skip, a)
		}
		return
	}
	if skipTags[a] || isFurniture(tok.Attr) {
		if !void {
			p.skip = append(p.skip, a)
		}
		return
	}
	if id := attr(tok.Attr, "id"); id != "" && a != atom.A {
		p.lastID = id
	}
	if id := attr(tok.Attr, "id"); id != "" && p.terms.inTerm && p.terms.id == "" {
		p.terms.id = id
	}
	// A block (a paragraph, another heading) ends a heading left open:
	// "<h2>Title<p>text" must not make the text a heading.
	if p.heading != nil && a == atom.Br {
		p.heading.WriteString(" ")
	}
	if p.heading != nil && a != atom.Br && (blockTags[a] || a == atom.Pre || a == atom.H1 || a == atom.H2 || a == atom.H3) {
		p.endHeading()
	}
	if p.terms.inTerm && a == atom.Br {
		p.terms.text.WriteString(" ") // "-T seconds<br>--time=seconds"
	}
	if p.terms.inTerm && a != atom.Br && blockTags[a] {
		p.endTerm() // a block ends a term left open
	}
	switch a {
	case atom.Dl:
		p.endPara()
		p.flushPending()
		if !void && len(p.terms.open) < maxSkipDepth {
			p.terms.open = append(p.terms.open, dlState{})
		}
	case atom.Dt:
		if p.heading == nil {
			p.startTerm(attr(tok.Attr, "id"))
		}
	case atom.Dd:
		p.endPara()
		p.startDefinition()
	case atom.Div:
		box := !void && isAdmonition(tok.Attr)
		if !void && len(p.divs) < maxSkipDepth {
			p.divs = append(p.divs, box)
			if box {
				p.inBox++
			}
		}
		if p.heading == nil {
			p.endPara()
		}
	case atom.P:
		p.endPara()
		// Sphinx titles an admonition with a paragraph, not a heading.
		p.inLabel = p.inBox > 0 && slices.Contains(strings.Fields(attr(tok.Attr, "class")), "admonition-title")
	case atom.Title:
		p.inTitle = true
	case atom.H1, atom.H2, atom.H3:
		p.endPara()
		p.heading = &strings.Builder{}
		p.headLevel = int(a.String()[1] - '0')
		p.headID = attr(tok.Attr, "id")
		if p.headID == "" {
			p.headID = p.lastID
		}
	case atom.Pre:
		p.endPara()
		p.pre++
	case atom.A:
		if href := attr(tok.Attr, "href"); !void && href != "" {
			p.inLink++
			if len(p.links) < maxSkipDepth {
				p.links = append(p.links, strings.HasPrefix(href, "#"))
			}
		}
	case atom.Img:
		if alt := attr(tok.Attr, "alt"); alt != "" {
			writeInline(p.heading, &p.buf, " "+alt+" ")
		}
	case atom.Td, atom.Th:
		writeInline(p.heading, &p.buf, " ")
	default:
		if blockTags[a] && p.heading == nil {
			p.endPara()
		}
	}
}

func (p *htmlParser) end(a atom.Atom) {
	if len(p.skip) > 0 {
		// Pop to the matching open element, tolerating bad nesting.
		for i := len(p.skip) - 1; i >= 0; i-- {
			if p.skip[i] == a {
				p.skip = p.skip[:i]
				break
			}
		}
		return
	}
	switch a {
	case atom.Dt:
		p.endTerm()
	case atom.Dl:
		p.endList()
	case atom.Div:
		if n := len(p.divs); n > 0 {
			if p.divs[n-1] {
				p.inBox--
			}
			p.divs = p.divs[:n-1]
		}
		if p.heading == nil {
			p.endPara()
		}
	case atom.Title:
		p.inTitle = false
	case atom.H1, atom.H2, atom.H3:
		p.endHeading()
	case atom.Pre:
		p.endPara()
		if p.pre > 0 {
			p.pre--
		}
	case atom.A:
		if p.inLink > 0 {
			p.inLink--
			if n := len(p.links); n > 0 {
				p.links = p.links[:n-1]
			}
		}
	default:
		if blockTags[a] && p.heading == nil {
			p.endPara()
		}
	}
}

func (p *htmlParser) text(t string) {
	if len(p.skip) > 0 {
		return
	}
	if p.inTitle {
		p.title.WriteString(t)
		return
	}
	if p.terms.inTerm && p.heading == nil {
		p.terms.text.WriteString(t)
		if n := len(p.links); p.inLink > 0 && n > 0 && !p.links[n-1] {
			p.terms.link += len(strings.TrimSpace(t)) // a permalink ("¶") is not a reference
		}
		return
	}
	if p.heading == nil {
		n := len(strings.TrimSpace(t))
		p.paraAll += n
		if p.inLink > 0 {
			p.paraLink += n
		}
	}
	writeInline(p.heading, &p.buf, t)
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
