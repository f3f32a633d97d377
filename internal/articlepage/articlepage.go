// Package articlepage serves knowledge articles as web pages, so that the
// source links in answers open something a browser can show.
package articlepage

import (
	"bytes"
	_ "embed"
	"errors"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path"
	"strings"

	"github.com/rs/zerolog"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"github.com/kbbot/kbbot/internal/kb"
	"github.com/kbbot/kbbot/internal/knowledge"
)

// The bot's source links point here (the playground's /kb/, or kbbot serve's
// PUBLIC_URL/articles/), so a link in an answer opens the article. Markdown is
// rendered by goldmark in its safe mode (raw HTML omitted, dangerous link
// schemes dropped); text and HTML files are shown from the text the loader
// extracted, never as the file's own markup. Headings get the anchors the
// search puts in its links.

var articleMarkdown = goldmark.New(
	goldmark.WithExtensions(extension.Table, extension.Strikethrough),
	goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(anchorHeadings{}, 100))),
)

// anchorHeadings gives each heading the id knowledge.Anchor makes, which is
// the fragment of the search's links.
type anchorHeadings struct{}

func (anchorHeadings) Transform(doc *ast.Document, r text.Reader, _ parser.Context) {
	src := r.Source()
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if h, ok := n.(*ast.Heading); ok && entering {
			if id := knowledge.Anchor(plainText(h, src)); id != "" {
				h.SetAttributeString("id", []byte(id))
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
}

func plainText(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.Text:
			b.Write(c.Segment.Value(src))
		case *ast.String:
			b.Write(c.Value)
		case *ast.RawHTML:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return strings.TrimSpace(b.String())
}

//go:embed article.css
var css string

var articlePage = template.Must(template.New("article").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} · {{.Site}}</title>
<style>{{.CSS}}</style>
</head><body><main class="article">
<p class="crumbs">{{with .Home}}<a href="{{.URL}}">← {{.Label}}</a> · {{end}}<a href="{{.Prefix}}">Knowledge base</a>{{with .Path}} · <code>{{.}}</code>{{end}}</p>
{{if not .TitleInBody}}<h1>{{.Title}}</h1>{{end}}
{{- with .Meta}}<p class="meta">{{.}}</p>{{end}}
{{- if .List}}<ul class="list">{{range .List}}<li><a href="{{$.Prefix}}{{.Path}}">{{.Title}}</a> <code>{{.Path}}</code></li>{{end}}</ul>{{end}}
{{- .Body}}
{{- range .Sections}}
{{- if .Heading}}<h2 id="{{.Anchor}}">{{.Heading}}</h2>{{end}}
{{- range .Paragraphs}}<p>{{.}}</p>{{end}}
{{- end}}
</main></body></html>
`))

// Options say where the articles are and how pages link back.
type Options struct {
	Dir          string // the knowledge folder
	MaxFileBytes int64  // larger files are not served; 0 means the loader's default
	Prefix       string // URL path the handler is mounted at, ending in "/", e.g. "/articles/"
	Site         string // shown in the page title, e.g. "kbbot"
	Home         *Link  // a link shown before "Knowledge base", or nil
	Logger       zerolog.Logger
}

// Link is a labelled URL.
type Link struct{ URL, Label string }

// Handler serves GET Prefix+PATH: one article, rendered, and GET Prefix: the
// list of articles. Mount it on a pattern such as "GET /articles/{path...}".
type Handler struct {
	opts Options
	log  zerolog.Logger
}

// New returns a handler for the articles in o.Dir.
func New(o Options) *Handler {
	if o.Prefix == "" {
		o.Prefix = "/"
	}
	if !strings.HasSuffix(o.Prefix, "/") {
		o.Prefix += "/"
	}
	if o.Site == "" {
		o.Site = "kbbot"
	}
	return &Handler{opts: o, log: o.Logger.With().Str("component", "articlepage").Logger()}
}

type articleView struct {
	Site, Prefix      string
	CSS               template.CSS // our own stylesheet
	Home              *Link
	Title, Path, Meta string
	TitleInBody       bool          // the Markdown opens with its own H1
	Body              template.HTML // rendered Markdown (goldmark, safe mode)
	Sections          []sectionView // text and HTML articles
	List              []kb.Article  // the index page
}

type sectionView struct {
	Heading, Anchor string
	Paragraphs      []string
}

// ServeHTTP serves one article, or the list of them.
func (s *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	rel, ok := strings.CutPrefix(r.URL.Path, s.opts.Prefix)
	if !ok {
		http.NotFound(w, r)
		return
	}
	if s.opts.Dir == "" {
		http.NotFound(w, r)
		return
	}
	if rel == "" {
		s.articleList(w, r)
		return
	}
	if !knowledge.Supported(rel) || !fs.ValidPath(rel) || hidden(rel) {
		http.NotFound(w, r)
		return
	}
	data, err := s.readArticle(rel)
	if err != nil {
		s.log.Debug().Err(err).Str("path", rel).Msg("article not served")
		http.NotFound(w, r)
		return
	}
	art, err := knowledge.Parse(rel, data)
	if err != nil {
		http.Error(w, "This article cannot be shown: "+err.Error(), http.StatusUnprocessableEntity)
		return
	}
	v := articleView{Title: art.Title, Path: art.Path, Meta: articleMeta(art)}
	switch strings.ToLower(path.Ext(rel)) {
	case ".md", ".markdown":
		_, body, _ := knowledge.SplitFrontMatter(data)
		var buf bytes.Buffer
		if err := articleMarkdown.Convert(body, &buf); err != nil {
			http.Error(w, "This article cannot be shown.", http.StatusUnprocessableEntity)
			return
		}
		v.Body = template.HTML(buf.String()) // goldmark escapes text and omits raw HTML
		v.TitleInBody = bytes.HasPrefix(bytes.TrimSpace(buf.Bytes()), []byte("<h1"))
	default:
		for _, sec := range art.Sections {
			v.Sections = append(v.Sections, sectionView{
				Heading: sec.Heading, Anchor: sec.Anchor, Paragraphs: strings.Split(sec.Text, "\n\n"),
			})
		}
	}
	s.page(w, v)
}

// readArticle reads a file inside the knowledge folder; os.Root refuses
// paths (and symlinks) that lead out of it.
func (s *Handler) readArticle(rel string) ([]byte, error) {
	root, err := os.OpenRoot(s.opts.Dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	f, err := root.Open(rel)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	max := s.opts.MaxFileBytes
	if max <= 0 {
		max = knowledge.DefaultMaxFileBytes
	}
	if !st.Mode().IsRegular() || st.Size() > max {
		return nil, errors.New("not a regular file of a servable size")
	}
	return io.ReadAll(io.LimitReader(f, max))
}

func (s *Handler) articleList(w http.ResponseWriter, r *http.Request) {
	files, _, err := knowledge.Scan(s.opts.Dir, knowledge.Options{MaxFileBytes: s.opts.MaxFileBytes})
	if err != nil {
		http.Error(w, "The knowledge folder cannot be read.", http.StatusInternalServerError)
		return
	}
	v := articleView{Title: "Knowledge base"}
	for _, f := range files {
		title := f.Path
		if data, err := s.readArticle(f.Path); err == nil {
			if art, err := knowledge.Parse(f.Path, data); err == nil {
				title = art.Title
			}
		}
		v.List = append(v.List, kb.Article{Path: f.Path, Title: title})
	}
	s.page(w, v)
}

func (s *Handler) page(w http.ResponseWriter, v articleView) {
	v.Site, v.Prefix, v.CSS, v.Home = s.opts.Site, s.opts.Prefix, template.CSS(css), s.opts.Home
	var buf bytes.Buffer
	if err := articlePage.Execute(&buf, v); err != nil {
		s.log.Error().Err(err).Msg("render article page")
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write(buf.Bytes())
}

func articleMeta(a kb.Article) string {
	var parts []string
	if len(a.Tags) > 0 {
		parts = append(parts, "Tags: "+strings.Join(a.Tags, ", "))
	}
	if !a.Updated.IsZero() {
		parts = append(parts, "Updated "+a.Updated.Format("2006-01-02"))
	}
	if a.Owner != "" {
		parts = append(parts, "Owner: "+a.Owner)
	}
	return strings.Join(parts, " · ")
}

func hidden(rel string) bool {
	for _, part := range strings.Split(rel, "/") {
		if strings.HasPrefix(part, ".") {
			return true
		}
	}
	return false
}
