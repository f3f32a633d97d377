package knowledge

import (
	"fmt"
	"strings"
	"testing"
)

// hostileInputs are knowledge files built to make a parser slow: each must
// load in roughly linear time or be refused with a reason.
func hostileInputs() map[string][]byte {
	var fm strings.Builder
	fm.WriteString("---\ntitle: Keys\n")
	for i := range 8000 {
		fmt.Fprintf(&fm, "key%d: value %d\n", i, i)
	}
	fm.WriteString("---\n\nBody text.\n")
	return map[string][]byte{
		"line.txt":      []byte(strings.Repeat("word ", 1<<20)),
		"line.md":       []byte("---\ntitle: Line\n---\n\n" + strings.Repeat("word ", 1<<20)),
		"links.md":      []byte("---\ntitle: Links\n---\n\n" + strings.Repeat("[a](", 100_000)),
		"keys.md":       []byte(fm.String()),
		"tags.html":     []byte("<title>Tags</title>" + strings.Repeat("<b><i><span>", 2<<20/15)),
		"tags.md":       []byte("---\ntitle: Tags\n---\n\n" + strings.Repeat("<b><i><span>", 2<<20/15)),
		"nest.md":       []byte("---\ntitle: Nest\n---\n\n" + strings.Repeat("> ", 50_000) + "deep\n"),
		"nest32.md":     []byte("---\ntitle: Nest\n---\n\n" + strings.Repeat(strings.Repeat("> ", 32)+"deep\n", 100_000)),
		"lists64.md":    []byte("---\ntitle: Lists\n---\n\n" + strings.Repeat(nestedList(64), 1000)),
		"lists.md":      []byte("---\ntitle: Lists\n---\n\n" + nestedList(2000)),
		"headings.md":   []byte("---\ntitle: Headings\n---\n\n" + strings.Repeat("## h\n\nx\n\n", 100_000)),
		"emphasis.md":   []byte("---\ntitle: Emphasis\n---\n\n" + strings.Repeat("*a **b ", 200_000)),
		"backticks.md":  []byte("---\ntitle: Code\n---\n\n" + strings.Repeat("`a ``b ", 200_000)),
		"html.html":     []byte("<title>Deep</title>" + strings.Repeat("<div>", 500_000)),
		"nav.html":      []byte("<title>Nav</title><nav>" + strings.Repeat("<b>", 100_000) + strings.Repeat("</i>", 100_000) + "<p>after</p>"),
		"images.md":     []byte("---\ntitle: Images\n---\n\n" + strings.Repeat("![a](", 80_000)),
		"headings.html": []byte("<title>H</title>" + strings.Repeat("<h2>h</h2><p>x</p>", 100_000)),
	}
}

func nestedList(depth int) string {
	var b strings.Builder
	for i := range depth {
		b.WriteString(strings.Repeat("  ", i))
		b.WriteString("- item\n")
	}
	return b.String()
}

func BenchmarkHostileFiles(b *testing.B) {
	for name, data := range hostileInputs() {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				_, _ = Parse(name, data)
			}
		})
	}
}
