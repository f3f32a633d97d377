package knowledge

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/kbbot/kbbot/internal/kb"
)

// The loaders read files anyone with write access to the knowledge folder
// (or its git repository) controls. On any bytes they must not panic, must
// finish in bounded time, and what they return must keep the limits the
// index and Slack rely on. Seed corpora: testdata/fuzz/FuzzParse*.

// parseBound is a generous bound on one file's parse, far above the
// milliseconds a fuzz input takes; it catches super-linear parsing (400 KB
// of "[a](" once took 93 s), not slowness.
const parseBound = 10 * time.Second

func fuzzParse(f *testing.F, ext string, seeds ...string) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	// The package's own test articles of this kind are seeds too.
	for _, dir := range []string{"testdata/good", "testdata/bad"} {
		paths, _ := filepath.Glob(filepath.Join(dir, "*"+ext))
		for _, p := range paths {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		start := time.Now()
		art, err := Parse("fuzz"+ext, data)
		if d := time.Since(start); d > parseBound {
			t.Fatalf("parsing %d bytes took %v", len(data), d)
		}
		if err != nil {
			return
		}
		checkArticle(t, art)
	})
}

// checkArticle fails if a parsed article breaks a loader limit or carries
// something no later stage should see.
func checkArticle(t *testing.T, art kb.Article) {
	t.Helper()
	if len(art.Sections) == 0 || len(art.Sections) > MaxSections {
		t.Fatalf("%d sections, want 1 to %d", len(art.Sections), MaxSections)
	}
	if art.URL != "" && !kb.LinkableURL(art.URL) {
		t.Fatalf("url %q kept, but it is not a linkable URL", art.URL)
	}
	texts := []string{art.Title, art.URL, art.Owner}
	texts = append(texts, art.Tags...)
	texts = append(texts, art.Aliases...)
	for _, s := range art.Sections {
		texts = append(texts, s.Heading, s.Anchor, s.Text)
		if len(s.Heading) > MaxHeadingBytes+len("…") {
			t.Fatalf("heading of %d bytes, over %d", len(s.Heading), MaxHeadingBytes)
		}
		for _, p := range strings.Split(s.Text, "\n\n") {
			if _, code := IsCodeBlock(p); !code && len(p) > MaxParagraphBytes {
				t.Fatalf("paragraph of %d bytes, over %d: %.80q…", len(p), MaxParagraphBytes, p)
			}
		}
	}
	if len(art.Title) > MaxHeadingBytes+len("…") {
		t.Fatalf("title of %d bytes, over %d", len(art.Title), MaxHeadingBytes)
	}
	for _, s := range texts {
		if !utf8.ValidString(s) {
			t.Fatalf("invalid UTF-8 in %.80q", s)
		}
		if strings.ContainsRune(s, 0) {
			t.Fatalf("NUL byte in %.80q", s)
		}
	}
}

func FuzzParseMarkdown(f *testing.F) {
	fuzzParse(f, ".md",
		"---\ntitle: Caching\ntags: [a, b]\nurl: https://wiki.example.com/c\nowner: ops\nupdated: 2024-01-02\n---\n\n# Caching\n\nText *here*.\n\n## TTLs\n\n- one\n- two\n\n```go\nx := 1\n```\n",
		"---\nurl: \"!channel\"\naliases: x\n---\nbody",
		"---\ntitle: [unclosed\n---\n",
		"---\n---\n",
		strings.Repeat("[a](", 300),
		strings.Repeat("> - ", 60)+"deep",
		"# <!here> <@U123> <#C1|x> <https://x|y>\n\ntext",
		"Setext\n======\n\npara\n\n    indented code\n",
		"<div>raw <b>html</b></div>\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
		"text\n\n"+strings.Repeat("x ", 4500)+"\x00after the first 8 KB",
	)
}

func FuzzParseHTML(f *testing.F) {
	fuzzParse(f, ".html",
		"<html><head><title>T</title></head><body><nav>menu</nav><h1>Head</h1><p>Para <a href=\"x\">link</a></p><h2>Two<p>unclosed heading</p><pre>code</pre></body></html>",
		"<h2>open heading\n<p>following paragraph</p>",
		strings.Repeat("<div>", 400)+"deep",
		strings.Repeat("<nav>", 300)+"x",
		"<script>alert(1)</script><style>p{}</style><p>ok</p>",
		"<p>&lt;!channel&gt; &amp; <b>bold</b></p>",
		"<table><tr><td>a</td><td>b</td></tr></table><ul><li>one<li>two</ul>",
		"<dl><dt id=a>term<dt>two</dt><dd><pre>code</pre><dl><dt>in<dd>def</dl>after</dd></dl>tail<dt>loose</dt><dd>x",
		strings.Repeat("<dl><dt>t<dd>", 300)+"deep",
	)
}

func FuzzParseText(f *testing.F) {
	fuzzParse(f, ".txt",
		"Title Line\n\nA paragraph of text.\n\nHEADING\n\n- item one\n- item two\n",
		"one long line "+strings.Repeat("word ", 1000),
		"\n\n\n",
		"Updated 2024-01-01\r\nWindows\r\nlines\r\n",
		"    code\n    block\n\ntext",
		"a\x00b",
	)
}
