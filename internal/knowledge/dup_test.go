package knowledge

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strings"
	"testing"
)

var vocab = strings.Fields(`the a service keeps replica warm operators rotate keys every day
	cache database queue worker restart page alert token secret deploy rollback
	region disk memory latency budget owner runbook check health probe
	index shard backup restore snapshot certificate expiry renew proxy limit`)

// prose returns n sentences of words drawn from vocab by a generator seeded
// with seed: another seed gives other text, as two real articles differ.
func prose(seed string, n int) string {
	h := fnv.New64a()
	h.Write([]byte(seed))
	r := rand.New(rand.NewPCG(h.Sum64(), 1))
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString("Then")
		for j := 0; j < 12; j++ {
			b.WriteString(" " + vocab[r.IntN(len(vocab))])
		}
		b.WriteString(". ")
	}
	return b.String()
}

func TestCheckDuplicates(t *testing.T) {
	body := prose("billing", 30)
	edited := strings.Replace(body, ". Then", ". And then", 2)
	rst := ".. highlight:: c\n\n.. _billing:\n\nBilling\n=======\n\n.. note::\n\n   " +
		strings.ReplaceAll(body, "operators", ":ref:`operators`") + "\n"
	html := "<html><head><title>Billing</title></head><body><h1>Billing</h1><p>" + body + "</p></body></html>"
	var sections, sections2 strings.Builder
	for i := 0; i < 10; i++ {
		fmt.Fprintf(&sections, "## Step %d\n\n%s\n\n", i, prose(fmt.Sprint("step", i), 2))
		if i == 9 {
			fmt.Fprintf(&sections2, "## Step %d\n\n%s\n\n", i, prose("other", 2))
		} else {
			fmt.Fprintf(&sections2, "## Step %d\n\n%s\n\n", i, prose(fmt.Sprint("step", i), 2))
		}
	}
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  []string // substrings of the one duplicate warning; none for no warning
	}{
		{
			name:  "identical files",
			files: map[string]string{"a.md": "---\ntitle: A\ntags: [x]\n---\n" + body, "copy/a.md": "---\ntitle: A copy\ntags: [x]\n---\n" + body},
			want:  []string{"a.md: warning: a.md and copy/a.md have the same content (identical text); keep one, or list one in .kbbotignore"},
		},
		{
			name:  "a page and its Sphinx source",
			files: map[string]string{"billing.html": html, "_sources/billing.rst.txt": rst, IgnoreFile: "!_sources/\n"},
			want:  []string{"_sources/billing.rst.txt and billing.html have the same content ("},
		},
		{
			name:  "one sentence edited",
			files: map[string]string{"x.txt": "Billing\n\n" + body, "y.txt": "Billing notes\n\n" + edited},
			want:  []string{"x.txt and y.txt have the same content (", "% of the text)"},
		},
		{
			name: "the same sections under other titles",
			files: map[string]string{
				"r1.md": "---\ntitle: One\ntags: [x]\n---\n" + sections.String(),
				"r2.md": "---\ntitle: Two\ntags: [x]\n---\n" + sections2.String(),
			},
			want: []string{"r1.md and r2.md have the same content (90% of sections)"},
		},
		{
			name: "different articles on one template",
			files: map[string]string{
				"billing.md":  "---\ntitle: Billing\ntags: [x]\n---\n" + prose("billing", 30),
				"payments.md": "---\ntitle: Payments\ntags: [x]\n---\n" + prose("payments", 30),
			},
		},
		{
			name:  "short files are compared only when identical",
			files: map[string]string{"s1.md": "---\ntitle: S1\ntags: [x]\n---\nRestart the worker.\n", "s2.md": "---\ntitle: S2\ntags: [x]\n---\nRestart the worker now.\n"},
		},
		{
			name:  "defaults keep the Sphinx source out",
			files: map[string]string{"billing.html": html, "_sources/billing.rst.txt": rst},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeTree(t, dir, tc.files, nil)
			res, err := Check(dir, CheckOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range res.Problems {
				if strings.Contains(p.Message, "same content") {
					got = append(got, p.String())
				}
			}
			if wantN := min(len(tc.want), 1); len(got) != wantN {
				t.Fatalf("got %d duplicate warnings %q, want %d", len(got), got, wantN)
			}
			for _, w := range tc.want {
				if !strings.Contains(got[0], w) {
					t.Errorf("got %q, want it to contain %q", got[0], w)
				}
			}
		})
	}
}

func TestCheckIgnoredLine(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"no ignore file", map[string]string{"a.md": "# A\n\nx\n", "search.html": "<p>s</p>", "_static/x.txt": "x"},
			"1 file and 1 folder ignored by .kbbotignore (defaults; the folder has none)"},
		{"own file", map[string]string{"a.md": "# A\n\nx\n", "b.md": "# B\n\ny\n", "c.md": "# C\n\nz\n", IgnoreFile: "b.md\nc.md\n"},
			"2 files ignored by .kbbotignore (defaults, then the folder's own)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeTree(t, dir, tc.files, nil)
			res, err := Check(dir, CheckOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if got := res.IgnoredLine(); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
			for _, p := range res.Problems {
				if strings.Contains(p.Path, "search.html") || strings.Contains(p.Path, "_static") || p.Path == "b.md" {
					t.Errorf("ignored file reported: %s", p)
				}
			}
		})
	}
}
