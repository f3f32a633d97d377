package quality

import (
	"fmt"
	"io"
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

var qualifierRE = regexp.MustCompile(`\s*\([^)]*\)$`)

// Glossary derives "what is" questions from a DocBook glossary page (the
// PostgreSQL manual's glossary.html). The glossary itself would be a trivial
// answer to its own terms, so a term becomes a question only when its
// definition sends the reader to a manual page: the sources are the pages
// of the cross references (a.xref) in its "For more information, see"
// paragraph, or, when it has none, of every cross reference in its
// definition. Links to other glossary terms do not count, so a term whose
// definition only refers to other terms ("See Window function") is skipped.
// The question is "what is <term>" with a trailing qualifier such as
// "(routine)" dropped; questions come in glossary order.
func Glossary(r io.Reader) ([]Question, error) {
	doc, err := html.Parse(r)
	if err != nil {
		return nil, fmt.Errorf("parse glossary: %w", err)
	}
	var d deriver
	for _, dl := range findAll(doc, func(n *html.Node) bool { return n.DataAtom == atom.Dl }) {
		var term string
		var more, all []string
		flush := func() {
			pages := more
			if len(pages) == 0 {
				pages = all
			}
			if term != "" {
				d.add("what is "+term, pages)
			}
			term, more, all = "", nil, nil
		}
		for c := dl.FirstChild; c != nil; c = c.NextSibling {
			switch c.DataAtom {
			case atom.Dt:
				flush()
				term = qualifierRE.ReplaceAllString(collapse(textOf(c)), "")
			case atom.Dd:
				for _, p := range findAll(c, func(n *html.Node) bool { return n.DataAtom == atom.P }) {
					pages := xrefPages(p)
					all = append(all, pages...)
					if strings.Contains(collapse(textOf(p)), "For more information") {
						more = append(more, pages...)
					}
				}
			}
		}
		flush()
	}
	return d.questions(), nil
}

func xrefPages(n *html.Node) []string {
	var pages []string
	for _, a := range findAll(n, func(n *html.Node) bool { return n.DataAtom == atom.A && hasClass(n, "xref") }) {
		if p := pageOf(attr(a, "href")); p != "" {
			pages = append(pages, p)
		}
	}
	return pages
}
