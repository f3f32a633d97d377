// Package sourcelink makes the web links answers give to their source
// articles: a link that opens in a browser, or none at all.
package sourcelink

import (
	"net/url"
	"strings"

	"github.com/kbbot/kbbot/internal/kb"
)

// Options say where articles can be opened. The first that applies wins:
// BaseURL, then the git checkout Dir is in, then PublicURL.
type Options struct {
	// BaseURL is KNOWLEDGE_BASE_URL: a prefix (links become BaseURL/path#anchor)
	// or a template with {path} and {anchor}.
	BaseURL string
	// Dir is the knowledge folder; when it is inside a git checkout whose
	// remote is on a known forge, links open the file there.
	Dir string
	// PublicURL is where kbbot serve's own article pages are reached
	// (PUBLIC_URL); links become PublicURL/articles/path#anchor.
	PublicURL string
}

// ArticlesPath is where kbbot serve mounts its article pages.
const ArticlesPath = "/articles/"

// Advice tells an operator how to make source links clickable.
const Advice = "source links in answers are not clickable: set KNOWLEDGE_BASE_URL to where the articles are published, " +
	"keep the knowledge folder a git checkout of a GitHub, GitLab, Bitbucket or Gitea/Forgejo repository, " +
	"or set PUBLIC_URL to the address at which users reach HTTP_ADDR, and kbbot serves the articles itself under /articles/"

// Linker turns an article path and heading anchor into a web URL.
type Linker struct {
	source string // what the links point at, for logs
	link   func(path, anchor string) string
}

// New picks the first link source of o that applies. Problems reading a git
// checkout are not errors: that source just does not apply.
func New(o Options) *Linker {
	if b := strings.TrimSpace(o.BaseURL); IsWeb(b) {
		return &Linker{source: "KNOWLEDGE_BASE_URL " + b, link: func(p, a string) string { return expand(b, p, a) }}
	}
	if o.Dir != "" {
		if r, err := Git(o.Dir); err == nil {
			return &Linker{source: r.String(), link: r.FileURL}
		}
	}
	if p := strings.TrimRight(strings.TrimSpace(o.PublicURL), "/"); IsWeb(p) {
		return &Linker{source: "PUBLIC_URL " + p + ArticlesPath, link: func(path, a string) string {
			return p + ArticlesPath + escapePath(path) + fragment(a)
		}}
	}
	return &Linker{link: func(string, string) string { return "" }}
}

// Source says what links point at ("" when answers have no links).
func (l *Linker) Source() string { return l.source }

// Clickable reports whether answers get links.
func (l *Linker) Clickable() bool { return l.source != "" }

// URL is the link to an article's section; "" when there is none.
func (l *Linker) URL(path, anchor string) string { return l.link(path, anchor) }

// Answer gives every result the link it should have: its front-matter url
// when that is a web URL, else one made here, else none.
//
// The search, built without a base URL, gives either the front-matter url or
// the escaped path and "#anchor"; the anchor is read back from the latter.
func (l *Linker) Answer(a kb.Answer) kb.Answer {
	if len(a.Results) == 0 {
		return a
	}
	res := make([]kb.Result, len(a.Results))
	copy(res, a.Results)
	for i, r := range res {
		if IsWeb(r.URL) {
			continue
		}
		anchor := ""
		if p, frag, ok := strings.Cut(r.URL, "#"); ok && p == escapePath(r.Path) {
			anchor = frag
		}
		res[i].URL = l.URL(r.Path, anchor)
	}
	a.Results = res
	return a
}

// IsWeb reports whether s is an absolute http(s) URL with a host: the only
// kind that Slack shows as a link that opens.
func IsWeb(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// expand fills a KNOWLEDGE_BASE_URL: a template with {path} and {anchor},
// or a prefix to which path and #anchor are appended.
func expand(base, path, anchor string) string {
	if !strings.Contains(base, "{path}") {
		return strings.TrimRight(base, "/") + "/" + escapePath(path) + fragment(anchor)
	}
	out := strings.ReplaceAll(base, "{path}", escapePath(path))
	if anchor == "" {
		out = strings.ReplaceAll(out, "#{anchor}", "")
	}
	return strings.ReplaceAll(out, "{anchor}", url.PathEscape(anchor))
}

func fragment(anchor string) string {
	if anchor == "" {
		return ""
	}
	return "#" + url.PathEscape(anchor)
}

// escapePath escapes each segment of a slash-separated path, as the search
// does for the links it makes.
func escapePath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}
