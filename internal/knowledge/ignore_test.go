package knowledge

import (
	"strings"
	"testing"
)

func TestIgnorePatterns(t *testing.T) {
	type probe struct {
		path string
		dir  bool
		want bool
	}
	for _, tc := range []struct {
		name   string
		lines  string
		probes []probe
	}{
		{"base name at any depth", "*.tmp.md", []probe{
			{path: "a.tmp.md", want: true},
			{path: "x/y/a.tmp.md", want: true},
			{path: "a.md", want: false},
		}},
		{"comments and blank lines", "# drafts.md\n\n   \n", []probe{
			{path: "drafts.md", want: false},
			{path: "# drafts.md", want: false},
		}},
		{"escaped hash and bang", "\\#notes.md\n\\!important.md", []probe{
			{path: "#notes.md", want: true},
			{path: "!important.md", want: true},
			{path: "important.md", want: false},
		}},
		{"trailing spaces dropped unless escaped", "a.md   \nb.md\\ ", []probe{
			{path: "a.md", want: true},
			{path: "b.md ", want: true},
			{path: "b.md", want: false},
		}},
		{"dir/ matches folders only", "build/", []probe{
			{path: "build", dir: true, want: true},
			{path: "docs/build", dir: true, want: true},
			{path: "build", dir: false, want: false},
		}},
		{"leading slash anchors", "/README.md", []probe{
			{path: "README.md", want: true},
			{path: "sub/README.md", want: false},
		}},
		{"inner slash anchors too", "doc/*.html", []probe{
			{path: "doc/a.html", want: true},
			{path: "doc/sub/a.html", want: false},
			{path: "x/doc/a.html", want: false},
		}},
		{"leading **/ matches at any depth", "**/old/*.md", []probe{
			{path: "old/a.md", want: true},
			{path: "x/y/old/a.md", want: true},
			{path: "x/old/y/a.md", want: false},
		}},
		{"inner /**/ matches zero or more folders", "a/**/b.md", []probe{
			{path: "a/b.md", want: true},
			{path: "a/x/b.md", want: true},
			{path: "a/x/y/b.md", want: true},
			{path: "b/a/b.md", want: false},
		}},
		{"trailing /** matches inside, not the folder", "logs/**\n!logs/keep.md", []probe{
			{path: "logs", dir: true, want: false},
			{path: "logs/a.md", want: true},
			{path: "logs/x/a.md", want: true},
			{path: "logs/keep.md", want: false},
		}},
		{"negation: last match wins", "*.md\n!keep.md\nkeep.md", []probe{
			{path: "a.md", want: true},
			{path: "keep.md", want: true},
		}},
		{"negation re-includes", "*.html\n!index.html", []probe{
			{path: "a.html", want: true},
			{path: "sub/index.html", want: false},
		}},
		{"? and classes", "draft-?.md\nv[0-9].md\nx[!a].md", []probe{
			{path: "draft-1.md", want: true},
			{path: "draft-12.md", want: false},
			{path: "v7.md", want: true},
			{path: "vx.md", want: false},
			{path: "xb.md", want: true},
			{path: "xa.md", want: false},
		}},
		{"star does not cross folders", "/*.md", []probe{
			{path: "a.md", want: true},
			{path: "sub/a.md", want: false},
		}},
		{"regexp characters are literal", "c++ (notes).md\n$x.md", []probe{
			{path: "c++ (notes).md", want: true},
			{path: "c (notes).md", want: false},
			{path: "$x.md", want: true},
		}},
		{"CRLF lines", "a.md\r\n", []probe{
			{path: "a.md", want: true},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ig, probs := ParseIgnore(strings.Split(tc.lines, "\n"))
			if len(probs) > 0 {
				t.Fatalf("problems %v", probs)
			}
			for _, p := range tc.probes {
				if got := ig.Ignored(p.path, p.dir); got != p.want {
					t.Errorf("Ignored(%q, dir=%v) = %v, want %v", p.path, p.dir, got, p.want)
				}
			}
		})
	}
}

func TestIgnoreBadPattern(t *testing.T) {
	ig, probs := ParseIgnore([]string{"ok.md", "bad[.md", "*.txt"})
	if len(probs) != 1 || probs[0].Line != 2 {
		t.Fatalf("got problems %v, want one on line 2", probs)
	}
	if !ig.Ignored("ok.md", false) || !ig.Ignored("a.txt", false) {
		t.Errorf("a bad line must not disable the others")
	}
}

func TestDefaultIgnore(t *testing.T) {
	ig, probs := ParseIgnore(DefaultIgnore)
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	for _, tc := range []struct {
		path string
		dir  bool
		want bool
	}{
		{"_sources", true, true},
		{"lib/_static", true, true},
		{"search.html", false, true},
		{"genindex.html", false, true},
		{"genindex-A.html", false, true},
		{"py-modindex.html", false, true},
		{"sub/file_8c_source.html", false, true},
		{"classFoo-members.html", false, true},
		{"structpg__attr-members.html", false, true},
		{"catalog-pg-auth-members.html", false, false},
		{"release_source.html", false, false},
		{"searching.html", false, false},
		{"index.html", false, false},
		{"library/os.html", false, false},
		{"_sources", false, false},
	} {
		if got := ig.Ignored(tc.path, tc.dir); got != tc.want {
			t.Errorf("Ignored(%q, dir=%v) = %v, want %v", tc.path, tc.dir, got, tc.want)
		}
	}
}
