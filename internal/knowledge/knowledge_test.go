package knowledge

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kbbot/kbbot/internal/kb"
)

func load(t *testing.T, dir string) Result {
	t.Helper()
	r, err := Load(context.Background(), dir, Options{}, nil)
	if err != nil {
		t.Fatalf("Load(%s): %v", dir, err)
	}
	return r
}

func byPath(r Result) map[string]kb.Article {
	m := map[string]kb.Article{}
	for _, a := range r.Articles {
		m[a.Path] = a
	}
	return m
}

func TestLoadGoodFolder(t *testing.T) {
	r := load(t, "testdata/good")
	arts := byPath(r)
	if len(r.Skipped) != 0 {
		t.Errorf("skipped %v, want none", r.Skipped)
	}
	for _, hidden := range []string{".draft.md", ".hidden/x.md"} {
		if _, ok := arts[hidden]; ok {
			t.Errorf("hidden file %s was loaded", hidden)
		}
	}
	if len(arts) != 4 {
		t.Fatalf("got %d articles, want 4: %v", len(arts), r.Articles)
	}
}

func TestMarkdown(t *testing.T) {
	a := byPath(load(t, "testdata/good"))["caching.md"]
	if a.Title != "Caching: keep hot data close" {
		t.Errorf("title %q", a.Title)
	}
	if strings.Join(a.Tags, ",") != "caching,redis" || strings.Join(a.Aliases, ",") != "cache" {
		t.Errorf("tags %v aliases %v", a.Tags, a.Aliases)
	}
	if a.URL != "https://wiki.example.com/caching" || a.Owner != "platform" {
		t.Errorf("url %q owner %q", a.URL, a.Owner)
	}
	if want := time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC); !a.Updated.Equal(want) {
		t.Errorf("updated %v, want %v", a.Updated, want)
	}
	var heads []string
	for _, s := range a.Sections {
		heads = append(heads, s.Heading+"#"+s.Anchor)
		for _, bad := range []string{"**", "](", "<http", "|---"} {
			if strings.Contains(s.Text, bad) {
				t.Errorf("section %q keeps markup %q: %q", s.Heading, bad, s.Text)
			}
		}
	}
	// Code stays a code block: one paragraph between fences.
	if code, ok := IsCodeBlock(lastPara(a.Sections[1].Text)); !ok || code != "SELECT * FROM users WHERE id = 42;" {
		t.Errorf("code block %q, %v; want the SELECT between fences", code, ok)
	}
	// The H1 repeating the title is not a section; ## and ### are.
	if got := strings.Join(heads, " "); got != "# What is cache-aside?#what-is-cache-aside TTLs#ttls" {
		t.Errorf("sections %q", got)
	}
	ttl := a.Sections[2]
	if strings.Join(ttl.Path, " > ") != "What is cache-aside? > TTLs" {
		t.Errorf("heading path %v", ttl.Path)
	}
	for _, want := range []string{"TTL bounds staleness", "https://redis.io", "EXPIRE", "LRU | general"} {
		if !strings.Contains(ttl.Text, want) {
			t.Errorf("TTLs section lacks %q: %q", want, ttl.Text)
		}
	}
	if !strings.Contains(a.Sections[1].Text, "SELECT * FROM users") {
		t.Errorf("code block dropped: %q", a.Sections[1].Text)
	}
}

func TestText(t *testing.T) {
	a := byPath(load(t, "testdata/good"))["interview.txt"]
	if a.Title != "Backend interview" {
		t.Errorf("title %q", a.Title)
	}
	var q *kb.Section
	for i := range a.Sections {
		if a.Sections[i].Heading == "What does a backend developer do?" {
			q = &a.Sections[i]
		}
	}
	if q == nil {
		t.Fatalf("question line not taken as a heading: %+v", a.Sections)
	}
	for _, p := range strings.Split(q.Text, "\n\n") {
		if len(p) > 700 {
			t.Errorf("paragraph of %d bytes not split at sentences", len(p))
		}
		if !strings.HasSuffix(p, ".") && !strings.HasSuffix(p, "us") {
			t.Errorf("paragraph cut mid-sentence: %q", p[max(0, len(p)-40):])
		}
	}
}

func TestHTML(t *testing.T) {
	a := byPath(load(t, "testdata/good"))["page.html"]
	if a.Title != "Rate & limits" {
		t.Errorf("title %q", a.Title)
	}
	all := ""
	for _, s := range a.Sections {
		all += s.Heading + "\n" + s.Text + "\n"
	}
	for _, bad := range []string{"not text", "color:red", "Home", "Prev Up Next", "Copyright", "&mdash;", "&lt;"} {
		if strings.Contains(all, bad) {
			t.Errorf("page furniture or markup %q kept:\n%s", bad, all)
		}
	}
	for _, want := range []string{"429 Too Many Requests — retry later <politely>.", "limit = 10\nburst = 20"} {
		if !strings.Contains(all, want) {
			t.Errorf("missing %q in:\n%s", want, all)
		}
	}
	last := a.Sections[len(a.Sections)-1]
	if last.Heading != "Token bucket" || last.Anchor != "token-bucket" {
		t.Errorf("last section %q #%s", last.Heading, last.Anchor)
	}
}

func TestBadFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("binary.md", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
	write("latin1.txt", []byte("Caf\xe9 notes\n\nThe caf\xe9 serves caching advice.\n"))
	write("big.md", []byte(strings.Repeat("word ", 300)))
	write("empty.md", nil)
	write("ok.md", []byte("# Fine\n\nText.\n"))
	r, err := Load(context.Background(), dir, Options{MaxFileBytes: 1000}, nil)
	if err != nil {
		t.Fatal(err)
	}
	reasons := map[string]string{}
	for _, s := range r.Skipped {
		reasons[s.Path] = s.Reason
	}
	for path, want := range map[string]string{"binary.md": "binary", "big.md": "over the 1000-byte limit", "empty.md": "no text"} {
		if !strings.Contains(reasons[path], want) {
			t.Errorf("%s: skip reason %q, want it to mention %q", path, reasons[path], want)
		}
	}
	arts := byPath(r)
	if a, ok := arts["latin1.txt"]; !ok || !strings.Contains(a.Sections[0].Text, "caf\uFFFD serves") {
		t.Errorf("invalid UTF-8 not repaired and kept: %+v", a)
	}
	if _, ok := arts["ok.md"]; !ok {
		t.Errorf("good file lost among bad ones")
	}
}

func TestFolders(t *testing.T) {
	r, err := Load(context.Background(), t.TempDir(), Options{}, nil)
	if err != nil || len(r.Articles) != 0 {
		t.Errorf("empty folder: %v, %d articles; want no error, none", err, len(r.Articles))
	}
	_, err = Load(context.Background(), filepath.Join(t.TempDir(), "nope"), Options{}, nil)
	if !errors.Is(err, ErrNoFolder) {
		t.Errorf("missing folder: err %v, want ErrNoFolder", err)
	}
}

func TestSentences(t *testing.T) {
	got := Sentences("Use e.g. Redis. It is fast! Is it? Yes. Version 3.14 works.")
	var parts []string
	s := "Use e.g. Redis. It is fast! Is it? Yes. Version 3.14 works."
	for _, sp := range got {
		parts = append(parts, strings.TrimSpace(s[sp[0]:sp[1]]))
	}
	want := "Use e.g. Redis.|It is fast!|Is it?|Yes.|Version 3.14 works."
	if strings.Join(parts, "|") != want {
		t.Errorf("got %q, want %q", strings.Join(parts, "|"), want)
	}
}

func TestCheck(t *testing.T) {
	res, err := Check("testdata/bad", CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, p := range res.Problems {
		lines = append(lines, p.String())
	}
	all := strings.Join(lines, "\n")
	for _, want := range []string{
		"badyaml.md: error: would be skipped: front matter",
		"dup1.md: error: duplicate title \"dup\"",
		"dup2.md: error: duplicate title \"dup\"",
		"dup1.md: warning: front matter: unknown key \"colour\"",
		"dup1.md: error: front matter: updated: \"yesterday\" is not a date",
		"dup1.md: warning: section \"Empty\" is empty",
		"dup1.md: error: broken link \"missing.md\": missing.md does not exist",
		"dup1.md: warning: link \"dup2.md#nope\": no heading #nope in dup2.md",
		"image.md: error: would be skipped: looks like a binary file",
		"notitle.md: error: missing title",
		"notes.docx: warning: ignored: not a .md, .txt or .html file",
		"long.md: warning: section \"Huge\" has 700 words",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("check output lacks %q; got:\n%s", want, all)
		}
	}
	goodRes, err := Check("testdata/good", CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range goodRes.Problems {
		if p.Severity == Error {
			t.Errorf("clean folder: unexpected %s", p)
		}
	}
}

func TestShippedKnowledgeChecksClean(t *testing.T) {
	res, err := Check("../../knowledge", CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range res.Problems {
		t.Errorf("knowledge/: %s", p)
	}
	r := load(t, "../../knowledge")
	if len(r.Articles) < 40 {
		t.Errorf("knowledge/ has %d articles, want at least 40", len(r.Articles))
	}
}

func TestSymlinkedFolder(t *testing.T) {
	abs, _ := filepath.Abs("testdata/good")
	link := filepath.Join(t.TempDir(), "current")
	if err := os.Symlink(abs, link); err != nil {
		t.Fatal(err)
	}
	if r := load(t, link); len(r.Articles) != 4 {
		t.Errorf("symlinked folder: %d articles, want 4", len(r.Articles))
	}
}

func lastPara(s string) string {
	ps := strings.Split(s, "\n\n")
	return ps[len(ps)-1]
}

// Headings nest by level, compared: sibling "##" sections (no "#" above
// them, as most articles are written) each have a one-step path, and a
// "###" sits under the "##" before it. Each path feeds the heading field
// of its passages, so a first section's heading must not leak into all
// the others.
func TestHeadingPaths(t *testing.T) {
	docs := map[string]string{
		"a.md":   "---\ntitle: T\n---\n\n## First\n\nOne.\n\n## Second\n\nTwo.\n\n### Deeper\n\nThree.\n\n## Third\n\nFour.\n",
		"a.html": "<html><head><title>T</title></head><body><h2>First</h2><p>One.</p><h2>Second</h2><p>Two.</p><h3>Deeper</h3><p>Three.</p><h2>Third</h2><p>Four.</p></body></html>",
	}
	want := map[string]string{"First": "First", "Second": "Second", "Deeper": "Second > Deeper", "Third": "Third"}
	for name, doc := range docs {
		a, err := Parse(name, []byte(doc))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		n := 0
		for _, s := range a.Sections {
			if s.Heading == "" {
				continue
			}
			n++
			if got := strings.Join(s.Path, " > "); got != want[s.Heading] {
				t.Errorf("%s: section %q path %q, want %q", name, s.Heading, got, want[s.Heading])
			}
		}
		if n != len(want) {
			t.Errorf("%s: %d headed sections, want %d", name, n, len(want))
		}
	}
}

// An admonition's title (DocBook's <div class="note"><h3>Note</h3>) labels
// its box; the text after the box still belongs to the section around it.
func TestAdmonitionTitleIsNotASection(t *testing.T) {
	doc := `<html><head><title>T</title></head><body><h2>When to log</h2><p>Set the threshold.</p>` +
		`<div class="note"><h3 class="title">Note</h3><p>Only superusers can change it.</p></div>` +
		`<p>It is off by default.</p><div class="admonition warning"><p class="admonition-title">Warning</p><p>Logs grow.</p></div>` +
		`<h2>What to log</h2><p>Lines.</p></body></html>`
	a, err := Parse("a.html", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	heads := headings(a)
	if heads != "When to log|What to log" {
		t.Fatalf("headings %q, want the note inside its section", heads)
	}
	for _, s := range a.Sections {
		if s.Heading == "When to log" {
			for _, want := range []string{"Note: Only superusers can change it.", "It is off by default.", "Warning: Logs grow."} {
				if !strings.Contains(s.Text, want) {
					t.Errorf("section text %q lacks %q", s.Text, want)
				}
			}
		}
	}
}

// headings lists an article's section headings, "|"-joined.
func headings(a kb.Article) string {
	var heads []string
	for _, s := range a.Sections {
		if s.Heading != "" {
			heads = append(heads, s.Heading)
		}
	}
	return strings.Join(heads, "|")
}

// A manual's definition list (DocBook's variablelist, Sphinx's API
// entries) gives each term a subsection of its own under the open heading,
// opened by a "term: definition" line and linked to the term's anchor; a
// term that links elsewhere (a table of contents, an index) stays a
// paragraph, and the text after the list goes back to the section it was in.
func TestDefinitionTermsHeadSubsections(t *testing.T) {
	page := `<html><head><title>20.4. Resource Consumption</title></head><body>
<h2 id="MEM">20.4.1. Memory</h2><p>These settings control memory.</p>
<dl class="variablelist">
<dt id="GUC-WORK-MEM"><span class="term"><code>-w</code><br/><code>work_mem</code> (<code>integer</code>)<a id="id-1" class="indexterm"></a></span></dt>
<dd><p>Sets the base maximum amount of memory. The default is four megabytes (<code>4MB</code>).</p></dd>
<dt><span class="term"><code>FULL</code><br/></span></dt><dt><span class="term"><code>FREEZE</code></span></dt>
<dd><pre>VACUUM FULL;</pre><p>Both rewrite the table.</p>
<dl class="py method"><dt id="str.removeprefix">str.removeprefix(prefix)<a class="headerlink" href="#str.removeprefix">¶</a></dt><dd><p>Return the string without the prefix.</p></dd></dl>
</dd>
</dl>
<p>Memory settings take effect on reload.</p>
<dl class="toc"><dt><a href="other.html">20.4.2. Disk</a></dt></dl>
<dl><dt>abbrev, <a href="net.html">Network Functions</a></dt><dd>in an index</dd></dl>
</body></html>`
	a, err := parseHTML([]byte(page))
	if err != nil {
		t.Fatal(err)
	}
	type sec struct{ heading, anchor, path, text string }
	var got []sec
	for _, s := range a.Sections {
		if s.Heading == "" && s.Text == "" {
			continue
		}
		got = append(got, sec{s.Heading, s.Anchor, strings.Join(s.Path, " > "), s.Text})
	}
	want := []sec{
		{"20.4.1. Memory", "MEM", "20.4.1. Memory", "These settings control memory."},
		{"-w work_mem (integer)", "GUC-WORK-MEM", "20.4.1. Memory > -w work_mem (integer)", "-w work_mem (integer): Sets the base maximum amount of memory. The default is four megabytes (4MB)."},
		{"FULL, FREEZE", "MEM", "20.4.1. Memory > FULL, FREEZE", "FULL, FREEZE\n\n```\nVACUUM FULL;\n```\n\nBoth rewrite the table."},
		{"str.removeprefix(prefix)", "str.removeprefix", "20.4.1. Memory > FULL, FREEZE > str.removeprefix(prefix)", "str.removeprefix(prefix): Return the string without the prefix."},
		{"20.4.1. Memory", "MEM", "20.4.1. Memory", "Memory settings take effect on reload.\n\n20.4.2. Disk\n\nabbrev, Network Functions\n\nin an index"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d sections, want %d:\n%q", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("section %d:\n got %q\nwant %q", i, got[i], want[i])
		}
	}
}

func TestDefinitionTermDropsItsColon(t *testing.T) {
	a, err := parseHTML([]byte(`<h2>f()</h2><dl class="field-list"><dt>Parameters:</dt><dd><p>name (str) – the name.</p></dd></dl>`))
	if err != nil {
		t.Fatal(err)
	}
	last := a.Sections[len(a.Sections)-1]
	if last.Heading != "Parameters" || last.Text != "Parameters: name (str) – the name." {
		t.Errorf("got %q: %q", last.Heading, last.Text)
	}
}

// Sphinx's permalink pilcrows are not part of a heading.
func TestHeaderlinkDropped(t *testing.T) {
	a, err := parseHTML([]byte(`<h1>Built-in Types<a class="headerlink" href="#bltin" title="Permalink to this headline">¶</a></h1><p>Text.</p>`))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range a.Sections {
		if strings.Contains(s.Heading, "¶") || strings.Contains(s.Text, "¶") {
			t.Errorf("pilcrow kept: %q %q", s.Heading, s.Text)
		}
	}
	if a.Sections[len(a.Sections)-1].Heading != "Built-in Types" {
		t.Errorf("sections %+v", a.Sections)
	}
}
