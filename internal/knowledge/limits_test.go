package knowledge

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestHostileFilesBounded: each pathological file is either loaded with
// every paragraph, heading and title within the limits, or refused with a
// reason that says which limit. (How fast is BenchmarkHostileFiles's job.)
func TestHostileFilesBounded(t *testing.T) {
	all := hostileInputs()
	in := map[string][]byte{}
	// The rest are for the benchmark: slow under -race, and no other limit.
	for _, name := range []string{"line.txt", "line.md", "links.md", "keys.md", "nest.md", "headings.md", "headings.html", "tags.md", "nav.html", "images.md"} {
		in[name] = all[name]
	}
	in["heading.md"] = []byte("# " + strings.Repeat("long ", 100_000) + "\n\ntext\n")
	in["runes.txt"] = []byte(strings.Repeat("é", 1_000_000)) // no space, no sentence end
	in["code.md"] = []byte("---\ntitle: Code\n---\n\n```\n" + strings.Repeat("x", 100_000) + "\n```\n")
	refused := map[string]string{
		"keys.md":       "front matter has 8001 keys, over the limit of 200",
		"nest.md":       "line 5 is nested deeper than 32 levels",
		"headings.md":   "has 100000 sections, over the limit of 2000",
		"headings.html": "has 100000 sections, over the limit of 2000",
	}
	for name, data := range in {
		t.Run(name, func(t *testing.T) {
			art, err := Parse(name, data)
			if want, ok := refused[name]; ok {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Fatalf("Parse: err %v, want one containing %q", err, want)
				}
				return
			}
			if err != nil {
				if name == "tags.md" || name == "nav.html" {
					return // only markup, or all inside <nav>: "no text found" is right
				}
				t.Fatalf("Parse: %v", err)
			}
			if len(art.Title) > MaxHeadingBytes {
				t.Errorf("title is %d bytes, over %d", len(art.Title), MaxHeadingBytes)
			}
			for _, s := range art.Sections {
				if len(s.Heading) > MaxHeadingBytes {
					t.Errorf("heading is %d bytes, over %d", len(s.Heading), MaxHeadingBytes)
				}
				for _, p := range strings.Split(s.Text, "\n\n") {
					if len(p) > MaxParagraphBytes {
						t.Fatalf("paragraph of %d bytes, over %d: %.80q…", len(p), MaxParagraphBytes, p)
					}
					if !utf8.ValidString(p) {
						t.Fatalf("paragraph is not valid UTF-8: %.80q", p)
					}
				}
			}
		})
	}
}

// TestLongLineKeepsItsWords: the 5 MB single-line article is cut into
// passages, not truncated.
func TestLongLineKeepsItsWords(t *testing.T) {
	for _, name := range []string{"line.txt", "line.md"} {
		t.Run(name, func(t *testing.T) {
			art, err := Parse(name, hostileInputs()[name])
			if err != nil {
				t.Fatal(err)
			}
			words, paras := 0, 0
			for _, s := range art.Sections {
				words += len(strings.Fields(s.Text))
				paras += len(strings.Split(s.Text, "\n\n"))
			}
			if words != 1<<20 {
				t.Errorf("got %d words, want %d", words, 1<<20)
			}
			if min := 5 << 20 / MaxParagraphBytes; paras < min {
				t.Errorf("got %d paragraphs, want at least %d", paras, min)
			}
		})
	}
}

func TestSplitHard(t *testing.T) {
	tests := []struct {
		name string
		in   string
		max  int
		want []string
	}{
		{"short", "one two", 10, []string{"one two"}},
		{"sentences", "One two. Three four. Five six.", 20, []string{"One two. Three four.", "Five six."}},
		{"words", "aaaa bbbb cccc dddd", 10, []string{"aaaa bbbb", "cccc dddd"}},
		{"no space", "abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		{"runes", "ééééé", 5, []string{"éé", "éé", "é"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := SplitHard(tc.in, tc.max)
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("SplitHard(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
			}
		})
	}
}

func TestFrontMatterLimits(t *testing.T) {
	big := "---\ntitle: Big\ntags: [" + strings.Repeat("tag, ", MaxFrontMatterBytes/5) + "x]\n---\n\ntext\n"
	if _, err := Parse("big.md", []byte(big)); err == nil || !strings.Contains(err.Error(), "front matter is") {
		t.Errorf("oversized front matter: err %v, want a refusal", err)
	}
	var ok strings.Builder
	ok.WriteString("---\ntitle: Fine\n")
	for i := range MaxFrontMatterKeys - 1 {
		fmt.Fprintf(&ok, "k%d: v\n", i)
	}
	ok.WriteString("---\n\ntext\n")
	if _, err := Parse("ok.md", []byte(ok.String())); err != nil {
		t.Errorf("%d keys: %v, want it loaded", MaxFrontMatterKeys, err)
	}
}

func TestCheckReportsHostileFile(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"keys.md": string(hostileInputs()["keys.md"])}, nil)
	res, err := Check(dir, CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := "keys.md: error: would be skipped: front matter has 8001 keys, over the limit of 200"
	for _, p := range res.Problems {
		if p.String() == want {
			return
		}
	}
	t.Errorf("check did not say %q; got %v", want, res.Problems)
}

// TestHostileBytes: an unclosed heading, NUL bytes past the binary check's
// first 8 KB and other control characters do not lose text or reach the
// index (found while fuzzing; the inputs are in testdata/fuzz too).
func TestHostileBytes(t *testing.T) {
	for _, tc := range []struct {
		name, rel, in string
		heading, want string
	}{
		{"unclosed h2", "a.html", "<h2>Open heading\n<p>The following paragraph.</p><p>Second.</p>", "Open heading", "The following paragraph.\n\nSecond."},
		{"br in a heading", "a.html", "<h2>One<br>two</h2><p>Text.</p>", "One two", "Text."},
		{"NUL after 8 KB", "a.md", "# T\n\n" + strings.Repeat("x ", 4500) + "\x00end\x01\x1b\x7f.", "", strings.Repeat("x ", 4500) + "end."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			art, err := Parse(tc.rel, []byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			last := art.Sections[len(art.Sections)-1]
			got := strings.Join(strings.Fields(last.Text), " ")
			if last.Heading != tc.heading || got != strings.Join(strings.Fields(tc.want), " ") {
				t.Errorf("last section %q: %.80q, want %q: %.80q", last.Heading, got, tc.heading, tc.want)
			}
			for _, s := range art.Sections {
				if strings.ContainsAny(s.Text, "\x00\x01\x1b\x7f") {
					t.Errorf("control character in %.80q", s.Text)
				}
			}
		})
	}
}

// TestProblemLineQuotesControlCharacters: a file name with a newline or an
// escape sequence cannot forge a line of kbbot check's output.
func TestProblemLineQuotesControlCharacters(t *testing.T) {
	p := Problem{Path: "a.md\nb.md: error: forged\x1b[2J", Severity: Warning, Message: "x"}
	got := p.String()
	if strings.ContainsAny(got, "\n\x1b") || !strings.Contains(got, `"a.md\nb.md: error: forged\x1b[2J"`) {
		t.Errorf("got %q, want the path quoted on one line", got)
	}
	if got := (Problem{Path: "a.md", Severity: Warning, Message: "x"}).String(); got != "a.md: warning: x" {
		t.Errorf("plain path: got %q", got)
	}
}
