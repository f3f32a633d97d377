package knowledge

import (
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kbbot/kbbot/internal/kb"
)

// Limits for a line to read as a title.
const (
	maxTitleRunes = 80
	maxTitleWords = 12
	// fallbackTitleLen is about where a title made from an opening
	// sentence is cut, when neither a line nor the file name will do.
	fallbackTitleLen = 60
)

// parseText reads a plain-text article. Its title is the first line if that
// looks like a title (see looksLikeTitle); otherwise the file name, unless
// the name is only numbers and hashes (000_6641804ea29a90ba.txt), in which
// case it is the first title-like paragraph among the first few, or else
// the opening sentence cut at a word near 60 characters. Blank lines
// separate paragraphs, and very long paragraphs are split at sentence
// boundaries so excerpts and passages stay short.
func parseText(rel string, data []byte) kb.Article {
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
		if l := strings.TrimSpace(lines[first]); looksLikeTitle(l) {
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
	// A hard-wrapped file continues a paragraph on the next line; in one
	// that is not (web pages saved as text: a line per paragraph, heading
	// or list item), every line stands alone. A list item always starts a
	// paragraph.
	wrapped := hardWrapped(lines)
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			flush()
			continue
		}
		if !wrapped || isListItem(l) {
			flush()
		}
		cur = append(cur, l)
	}
	flush()
	if art.Title == "" {
		art.Title = titleFromName(rel)
	}
	if art.Title == "" {
		art.Title = titleFromParagraphs(paras)
	}
	var secs []kb.Section
	sec := kb.Section{}
	var body []string
	for i, p := range paras {
		if isTextHeading(p, following(paras[i+1:])) {
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

// following is the text a heading candidate would introduce: the next
// paragraph, or, when that is a list or the line that announces one
// ("Here are some of them:"), the list with it.
func following(paras []string) string {
	if len(paras) == 0 {
		return ""
	}
	n := 1
	if strings.HasSuffix(paras[0], ":") || isListItem(paras[0]) {
		for n < len(paras) && isListItem(paras[n]) {
			n++
		}
	}
	return strings.Join(paras[:n], "\n")
}

// isTextHeading reports whether a one-line paragraph reads as a heading: a
// short question, or a short unpunctuated capitalised line (numbered or
// not: "2. Effectively Managing Databases") before a long paragraph or a
// list.
func isTextHeading(p, next string) bool {
	if isListItem(p) && !isNumbered(p) {
		return false
	}
	if len(p) > 150 || len(next) < 60 || len(next) <= len(p) || strings.ContainsAny(p, "\n") || isListItem(next) && isNumbered(p) {
		return false
	}
	if strings.HasSuffix(p, "?") {
		return true
	}
	last := p[len(p)-1]
	rest := strings.TrimLeft(p, "0123456789.) ")
	if rest == "" {
		return false // "2024", "1." : a number, not a title
	}
	first := rest[0]
	return len(p) <= 70 && len(next) >= 2*len(p) && first >= 'A' && first <= 'Z' &&
		!strings.ContainsRune(".,;:!)\"'", rune(last))
}

// hardWrapped reports whether a text's paragraphs are wrapped onto several
// lines (nearly no line longer than 100 bytes), rather than one per line.
func hardWrapped(lines []string) bool {
	long, n := 0, 0
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		n++
		if len(l) > 100 {
			long++
		}
	}
	return n > 0 && long*20 < n
}

// isListItem reports whether a line starts a list item: "- ", "* ", "• ",
// "1. ", "2) ".
func isListItem(l string) bool {
	l = strings.TrimLeft(l, " \t")
	for _, b := range []string{"- ", "* ", "• ", "– ", "+ "} {
		if strings.HasPrefix(l, b) {
			return true
		}
	}
	i := 0
	for i < len(l) && i < 3 && l[i] >= '0' && l[i] <= '9' {
		i++
	}
	return i > 0 && i+1 < len(l) && (l[i] == '.' || l[i] == ')') && l[i+1] == ' '
}

// isNumbered reports whether a line starts "1. " or "2) ".
func isNumbered(l string) bool {
	l = strings.TrimLeft(l, " \t")
	return isListItem(l) && l[0] >= '0' && l[0] <= '9'
}

// looksLikeTitle reports whether a line reads as a title: short (80
// characters, 12 words), not ending like a sentence or a clause (. , ; :),
// and not a date, a URL, reStructuredText markup or mostly digits and
// punctuation.
func looksLikeTitle(l string) bool {
	if l == "" || utf8.RuneCountInString(l) > maxTitleRunes || len(strings.Fields(l)) > maxTitleWords {
		return false
	}
	if strings.HasSuffix(l, "...") || strings.HasSuffix(l, "…") {
		return false // a sentence that goes on
	}
	switch l[len(l)-1] {
	case '.', ',', ';', ':':
		return false
	}
	if strings.HasPrefix(l, ".. ") || strings.HasPrefix(l, ":") {
		return false // .. highlight:: c, :tocdepth: 2
	}
	lower := strings.ToLower(l)
	if strings.Contains(lower, "://") || strings.HasPrefix(lower, "www.") || strings.HasPrefix(lower, "mailto:") {
		return false
	}
	letters, other := 0, 0
	for _, r := range l {
		switch {
		case unicode.IsLetter(r):
			letters++
		case !unicode.IsSpace(r):
			other++
		}
	}
	return letters > other && !looksLikeDate(lower)
}

var dateWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`january february march april may june july august september october
		november december jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday
		thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun
		t z utc gmt am pm st nd rd th of updated posted published last`) {
		dateWords[w] = true
	}
}

// looksLikeDate reports a line made only of numbers and date words, with at
// least one number: "September 30, 2022 –", "2024-01-31", "Posted 3 May 2021".
func looksLikeDate(lower string) bool {
	digits := false
	for _, w := range normWords(lower) {
		switch {
		case strings.IndexFunc(w, func(r rune) bool { return !unicode.IsDigit(r) }) < 0:
			digits = true
		case strings.TrimLeft(w, "0123456789") != w && dateWords[strings.TrimLeft(w, "0123456789")]:
			digits = true // 30th, 2nd
		case !dateWords[w]:
			return false
		}
	}
	return digits
}

// titleFromName makes a title of a file name: extensions dropped (both of
// x.rst.txt), _ and - as spaces, the first letter upper-cased. It returns ""
// for a name with no word in it, only numbers and hashes.
func titleFromName(rel string) string {
	base := path.Base(rel)
	for {
		ext := path.Ext(base)
		if ext == "" || ext == base || !knownExt(ext) {
			break
		}
		base = strings.TrimSuffix(base, ext)
	}
	words := strings.Fields(strings.NewReplacer("-", " ", "_", " ").Replace(base))
	meaningful := false
	for _, w := range words {
		if isWord(w) {
			meaningful = true
		}
	}
	if !meaningful {
		return ""
	}
	t := strings.Join(words, " ")
	r, n := utf8.DecodeRuneInString(t)
	return string(unicode.ToUpper(r)) + t[n:]
}

func knownExt(ext string) bool {
	switch strings.ToLower(ext) {
	case ".md", ".markdown", ".txt", ".html", ".htm", ".rst", ".text":
		return true
	}
	return false
}

// isWord reports a word of two or more letters that is not a hex hash
// (6641804ea29a90ba).
func isWord(w string) bool {
	letters, digits, hex := 0, 0, true
	for _, r := range w {
		switch {
		case unicode.IsLetter(r):
			letters++
			if !strings.ContainsRune("abcdefABCDEF", r) {
				hex = false
			}
		case unicode.IsDigit(r):
			digits++
		default:
			hex = false
		}
	}
	if hex && digits > 0 && len(w) >= 6 {
		return false
	}
	return letters >= 2
}

// titleFromParagraphs is the title of last resort: the first of the opening
// paragraphs that looks like a title, or else the opening sentence of the
// first paragraph that is not a date, cut at a word near 60 characters.
func titleFromParagraphs(paras []string) string {
	for i, p := range paras {
		if i == 3 {
			break
		}
		if looksLikeTitle(p) {
			return p
		}
	}
	for _, p := range paras {
		if looksLikeDate(strings.ToLower(p)) {
			continue
		}
		return cutTitle(p)
	}
	return ""
}

// cutTitle takes the first sentence of p, cut at a word to about
// fallbackTitleLen characters.
func cutTitle(p string) string {
	t := p
	if sents := Sentences(p); len(sents) > 0 {
		t = strings.TrimSpace(p[sents[0][0]:sents[0][1]])
	}
	t = strings.TrimRight(t, ".")
	if utf8.RuneCountInString(t) <= fallbackTitleLen {
		return t
	}
	limit := 0
	for i := range t {
		if utf8.RuneCountInString(t[:i]) > fallbackTitleLen {
			break
		}
		limit = i
	}
	cut := strings.LastIndexByte(t[:limit], ' ')
	if cut < fallbackTitleLen/3 {
		cut = limit // one very long word
	}
	return strings.TrimRight(t[:cut], " ,;:–—-") + "…"
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

// dependent marks a sentence that leans on the one before it ("This means
// ...", "However, ..."): an excerpt does not start with one when the
// sentence it depends on fits, even from the passage before.
var dependent = map[string]bool{
	"this": true, "these": true, "that": true, "those": true, "it": true, "its": true,
	"they": true, "them": true, "their": true, "such": true, "however": true, "but": true,
	"so": true, "also": true, "then": true, "therefore": true, "thus": true, "otherwise": true,
	"instead": true, "here": true, "both": true, "each": true,
}

// StartsDependent reports whether sentence s opens with a word that refers
// back to the sentence before.
func StartsDependent(s string) bool {
	w := s
	if i := strings.IndexFunc(s, func(r rune) bool { return !unicode.IsLetter(r) }); i >= 0 {
		w = s[:i]
	}
	return dependent[strings.ToLower(w)]
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

// CodeFence opens and closes a code block in a section's text.
const CodeFence = "```"

// CodeBlock is how a code block is kept in a section's text: one paragraph
// between fences, its blank lines holding a space so the block is never
// split into paragraphs, so excerpts show code as code.
func CodeBlock(code string) string {
	code = strings.Trim(code, "\n")
	if strings.TrimSpace(code) == "" {
		return ""
	}
	lines := strings.Split(code, "\n")
	for i, l := range lines {
		if strings.TrimSpace(l) == "" {
			lines[i] = " "
		}
	}
	return CodeFence + "\n" + strings.Join(lines, "\n") + "\n" + CodeFence
}

// IsCodeBlock reports whether a paragraph is a code block made by
// CodeBlock, and returns its code.
func IsCodeBlock(para string) (string, bool) {
	if !strings.HasPrefix(para, CodeFence+"\n") || !strings.HasSuffix(para, "\n"+CodeFence) || len(para) < 2*len(CodeFence)+2 {
		return "", false
	}
	return para[len(CodeFence)+1 : len(para)-len(CodeFence)-1], true
}
