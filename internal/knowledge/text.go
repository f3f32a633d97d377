package knowledge

import (
	"strings"

	"github.com/kbbot/kbbot/internal/kb"
)

// maxTitleLen is the longest first line taken as a plain-text title.
const maxTitleLen = 120

// parseText reads a plain-text article: a short first line is its title,
// blank lines separate paragraphs, and very long paragraphs are split at
// sentence boundaries so excerpts and passages stay short.
func parseText(data []byte) kb.Article {
	s := strings.ReplaceAll(string(data), "\r\n", "\n")
	s = strings.TrimPrefix(s, "\ufeff")
	lines := strings.Split(s, "\n")
	var art kb.Article
	first := -1
	for i, l := range lines {
		if strings.TrimSpace(l) != "" {
			first = i
			break
		}
	}
	if first >= 0 {
		l := strings.TrimSpace(lines[first])
		if len(l) <= maxTitleLen && !strings.HasSuffix(l, ".") {
			art.Title = l
			lines = lines[first+1:]
		}
	}
	// Paragraphs first; then short question-like or title-like lines that
	// introduce a longer paragraph become section headings (interviews and
	// FAQ pages are written that way).
	var paras []string
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			paras = append(paras, strings.Join(strings.Fields(strings.Join(cur, " ")), " "))
			cur = cur[:0]
		}
	}
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			flush()
			continue
		}
		cur = append(cur, l)
	}
	flush()
	if art.Title == "" && len(paras) > 0 {
		art.Title = deriveTitle(paras[0])
	}
	var secs []kb.Section
	sec := kb.Section{}
	var body []string
	for i, p := range paras {
		next := ""
		if i+1 < len(paras) {
			next = paras[i+1]
		}
		if isTextHeading(p, next) {
			sec.Text = strings.Join(body, "\n\n")
			secs = append(secs, sec)
			body = nil
			sec = kb.Section{Heading: p, Path: []string{p}, Anchor: Anchor(p)}
			continue
		}
		body = append(body, SplitLong(p, 600)...)
	}
	sec.Text = strings.Join(body, "\n\n")
	art.Sections = append(secs, sec)
	return art
}

// isTextHeading reports whether a one-line paragraph reads as a heading: a
// short question, or a short unpunctuated capitalised line before a long
// paragraph.
func isTextHeading(p, next string) bool {
	if len(p) > 150 || len(next) < 80 || strings.ContainsAny(p, "\n") {
		return false
	}
	if strings.HasSuffix(p, "?") {
		return true
	}
	last := p[len(p)-1]
	first := p[0]
	return len(p) <= 70 && len(next) >= 200 && first >= 'A' && first <= 'Z' &&
		!strings.ContainsRune(".,;:!)\"'", rune(last))
}

// deriveTitle takes the first sentence, or the first words of it.
func deriveTitle(p string) string {
	sents := Sentences(p)
	t := p
	if len(sents) > 0 {
		t = strings.TrimSpace(p[sents[0][0]:sents[0][1]])
	}
	if len(t) <= maxTitleLen {
		return strings.TrimRight(t, ".")
	}
	cut := strings.LastIndexByte(t[:maxTitleLen], ' ')
	if cut < 20 {
		cut = maxTitleLen
	}
	return strings.ToValidUTF8(t[:cut], "") + "…"
}

// SplitLong splits a paragraph longer than max bytes at sentence boundaries
// into pieces of at most about max bytes (a single longer sentence stays whole).
func SplitLong(p string, max int) []string {
	if len(p) <= max {
		return []string{p}
	}
	var out []string
	start := 0
	last := 0
	for _, s := range Sentences(p) {
		if s[1]-start > max && last > start {
			out = append(out, strings.TrimSpace(p[start:last]))
			start = last
		}
		last = s[1]
	}
	if rest := strings.TrimSpace(p[start:]); rest != "" {
		out = append(out, rest)
	}
	return out
}

// Sentences returns the byte spans of the sentences in s. A sentence ends at
// . ! or ? followed by space and an upper-case letter, digit or quote, or at a
// line break; common abbreviations do not end one.
func Sentences(s string) [][2]int {
	var spans [][2]int
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\n' {
			if strings.TrimSpace(s[start:i]) != "" {
				spans = append(spans, [2]int{start, i})
			}
			start = i + 1
			continue
		}
		if c != '.' && c != '!' && c != '?' {
			continue
		}
		j := i + 1
		for j < len(s) && (s[j] == '"' || s[j] == '\'' || s[j] == ')') {
			j++
		}
		if j >= len(s) || s[j] != ' ' {
			continue
		}
		k := j
		for k < len(s) && s[k] == ' ' {
			k++
		}
		if k < len(s) && !startsSentence(s[k]) {
			continue
		}
		if c == '.' && isAbbrev(s[start:i]) {
			continue
		}
		spans = append(spans, [2]int{start, j})
		start = k
		i = k - 1
	}
	if strings.TrimSpace(s[start:]) != "" {
		spans = append(spans, [2]int{start, len(s)})
	}
	return spans
}

func startsSentence(b byte) bool {
	return b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '"' || b == '(' || b == '\'' || b >= 0x80
}

var abbrevs = []string{"e.g", "i.e", "etc", "vs", "Mr", "Mrs", "Dr", "St", "approx", "cf", "Fig", "No"}

func isAbbrev(before string) bool {
	w := before
	if i := strings.LastIndexAny(before, " (\n"); i >= 0 {
		w = before[i+1:]
	}
	for _, a := range abbrevs {
		if strings.EqualFold(w, a) {
			return true
		}
	}
	return len(w) == 1 && w[0] >= 'A' && w[0] <= 'Z' // initials: "J. Smith"
}
