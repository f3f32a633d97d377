package quality

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"path"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// MaxPages is the most pages a derived question may name as its source: an
// index term the manual indexes on more pages than this (a general word such
// as "index" or "function") says too little about where to look to be a
// known-item question.
const MaxPages = 5

// BookIndex derives known-item questions from a DocBook back-of-book index
// page (the PostgreSQL manual's bookindex.html): each entry that links to at
// least one page and at most MaxPages pages becomes a question whose text is
// the entry's term and whose sources are the pages it links to (base names,
// fragments dropped).
//
// A sub-entry is asked as "term subterm" ("autovacuum configuration
// parameters", "pg_stat_statements function"): index sub-entries qualify the
// term above them, and both words are what a reader would type. Skipped:
// entries with no page link of their own (a term that only groups
// sub-entries), "see" and "see also" cross references (they link back into
// the index), links into the index itself, terms with no letter at all
// (operators such as "||", which a word search cannot be asked about), and
// entries with more than MaxPages pages. A term indexed twice (the same text
// in two entries) is one question over the union of its pages. Questions
// come in the index's own (alphabetical) order.
func BookIndex(r io.Reader) ([]Question, error) {
	doc, err := html.Parse(r)
	if err != nil {
		return nil, fmt.Errorf("parse book index: %w", err)
	}
	var d deriver
	for _, div := range findAll(doc, func(n *html.Node) bool { return n.DataAtom == atom.Div && hasClass(n, "indexdiv") }) {
		for c := div.FirstChild; c != nil; c = c.NextSibling {
			if c.DataAtom == atom.Dl {
				d.indexList(c, "")
			}
		}
	}
	return d.questions(), nil
}

// indexList walks one <dl> of index entries; parent is the term of the entry
// the list qualifies ("" at the top).
func (d *deriver) indexList(dl *html.Node, parent string) {
	term := ""
	for c := dl.FirstChild; c != nil; c = c.NextSibling {
		switch c.DataAtom {
		case atom.Dt:
			t, pages := indexEntry(c)
			term = strings.TrimSpace(parent + " " + t)
			if t != "" {
				d.add(term, pages)
			}
		case atom.Dd:
			for dl := c.FirstChild; dl != nil; dl = dl.NextSibling {
				if dl.DataAtom == atom.Dl {
					d.indexList(dl, term)
				}
			}
		}
	}
}

// indexEntry reads one <dt>: "term, <a href=page>...</a>, <a ...>...</a>".
// A cross reference ("x (see y)", "(see also y)") has no term.
func indexEntry(dt *html.Node) (term string, pages []string) {
	var text strings.Builder
	for c := dt.FirstChild; c != nil; c = c.NextSibling {
		if c.DataAtom == atom.A {
			break
		}
		text.WriteString(textOf(c))
	}
	term = collapse(text.String())
	if i := strings.Index(term, "(see"); i >= 0 {
		return "", nil
	}
	term = strings.TrimSpace(strings.TrimSuffix(term, ","))
	for _, a := range findAll(dt, func(n *html.Node) bool { return n.DataAtom == atom.A && hasClass(n, "indexterm") }) {
		if p := pageOf(attr(a, "href")); p != "" {
			pages = append(pages, p)
		}
	}
	return term, pages
}

// deriver collects questions in first-seen order, merging repeats.
type deriver struct {
	order []string
	pages map[string][]string
}

func (d *deriver) add(q string, pages []string) {
	if len(pages) == 0 || !strings.ContainsFunc(q, unicode.IsLetter) {
		return
	}
	if d.pages == nil {
		d.pages = map[string][]string{}
	}
	if _, ok := d.pages[q]; !ok {
		d.order = append(d.order, q)
	}
	for _, p := range pages {
		if !slices.Contains(d.pages[q], p) {
			d.pages[q] = append(d.pages[q], p)
		}
	}
}

func (d *deriver) questions() []Question {
	var qs []Question
	for _, q := range d.order {
		if p := d.pages[q]; len(p) <= MaxPages {
			qs = append(qs, Question{Q: q, Source: p})
		}
	}
	return qs
}

// pageOf is the page a link points to, as a base file name, or "" for a
// link into the index or glossary itself, a fragment on the same page, or
// another site.
func pageOf(href string) string {
	p, _, _ := strings.Cut(href, "#")
	if p == "" || strings.Contains(p, "://") || strings.HasPrefix(p, "mailto:") {
		return ""
	}
	switch p = path.Base(p); p {
	case "bookindex.html", "genindex.html", "glossary.html":
		return ""
	}
	return p
}

// Sample is a deterministic subset of n questions (all of them if n <= 0 or
// n >= len(qs)), kept in their original order; the same seed picks the same
// subset.
func Sample(qs []Question, n int, seed uint64) []Question {
	if n <= 0 || n >= len(qs) {
		return qs
	}
	pick := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)).Perm(len(qs))[:n]
	slices.Sort(pick)
	out := make([]Question, n)
	for i, j := range pick {
		out[i] = qs[j]
	}
	return out
}

// WriteQuestions writes a question set as JSON Lines.
func WriteQuestions(w io.Writer, qs []Question) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, q := range qs {
		if err := enc.Encode(q); err != nil {
			return fmt.Errorf("write questions: %w", err)
		}
	}
	return nil
}

func findAll(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	for c := range n.Descendants() {
		if c.Type == html.ElementNode && match(c) {
			out = append(out, c)
		}
	}
	return out
}

func textOf(n *html.Node) string {
	if n.Type == html.TextNode {
		return n.Data
	}
	var b strings.Builder
	for c := range n.Descendants() {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return b.String()
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasClass(n *html.Node, class string) bool {
	return slices.Contains(strings.Fields(attr(n, "class")), class)
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }
