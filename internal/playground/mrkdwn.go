package playground

import (
	"html"
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Slack text is untrusted: it carries questions people typed and excerpts of
// articles anyone can edit. It is made inert before any formatting is
// applied. The only raw "<" in Slack text opens a control sequence (a link or
// a mention), since Slack escapes literal < > & as &lt; &gt; &amp;. So the
// control sequences are cut out first and rendered on their own; everything
// else is unescaped from Slack's three entities and HTML-escaped whole; only
// then do *bold*, _italics_, ~strike~, `code`, ```blocks``` and > quotes turn
// into tags, on text that can no longer contain markup.

// Rendered pieces (controls, code) wait in the text as single placeholder
// runes from Supplementary Private Use Area-A, which input is stripped of.
const (
	placeholderBase = 0xF0000
	placeholderMax  = 0xFFFFD
)

var (
	reControl   = regexp.MustCompile(`<([^<>]*)>`)
	reCodeBlock = regexp.MustCompile("```([\\s\\S]*?)```")
	reCode      = regexp.MustCompile("`([^`\n]+)`")
	reEmoji     = regexp.MustCompile(`:([a-z0-9_+'-]+):`)
	slackDecode = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">")
)

// names resolves Slack IDs for mentions; either func may be nil.
type names struct {
	user    func(id string) string
	channel func(id string) string
}

// mrkdwnRenderer turns one mrkdwn text into HTML; frags holds the rendered
// pieces that placeholders stand for.
type mrkdwnRenderer struct {
	names
	frags []string
}

// hold keeps rendered HTML aside and returns its placeholder.
func (m *mrkdwnRenderer) hold(fragment string) string {
	if len(m.frags) > placeholderMax-placeholderBase {
		return "" // absurdly many pieces: drop the rest rather than collide
	}
	m.frags = append(m.frags, fragment)
	return string(rune(placeholderBase + len(m.frags) - 1))
}

// expand replaces placeholders by their fragments, which may hold
// placeholders themselves (a link inside a code block).
func (m *mrkdwnRenderer) expand(s string) string {
	if !strings.ContainsFunc(s, isPlaceholder) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if isPlaceholder(r) {
			if i := int(r - placeholderBase); i < len(m.frags) {
				b.WriteString(m.expand(m.frags[i]))
			}
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isPlaceholder(r rune) bool { return r >= placeholderBase && r <= 0xFFFFF }

// mrkdwn renders Slack mrkdwn as safe HTML.
func (n names) mrkdwn(s string) string {
	m := &mrkdwnRenderer{names: n}
	s = strings.Map(func(r rune) rune {
		if isPlaceholder(r) {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
	s = reControl.ReplaceAllStringFunc(s, func(c string) string {
		return m.hold(m.control(c[1 : len(c)-1]))
	})
	s = reCodeBlock.ReplaceAllStringFunc(s, func(c string) string {
		body := strings.Trim(c[3:len(c)-3], "\n")
		return m.hold(`<pre class="mk-pre">` + escapeSlack(body) + `</pre>`)
	})
	s = reCode.ReplaceAllStringFunc(s, func(c string) string {
		return m.hold(`<code class="mk-code">` + escapeSlack(c[1:len(c)-1]) + `</code>`)
	})
	s = escapeSlack(s)

	var b strings.Builder
	lines := strings.Split(s, "\n")
	for i := 0; i < len(lines); i++ {
		if i > 0 {
			b.WriteString("<br>")
		}
		if quoted, ok := quoteLine(lines[i]); ok {
			b.WriteString(`<blockquote class="mk-quote">`)
			b.WriteString(inline(quoted))
			for i+1 < len(lines) {
				next, ok := quoteLine(lines[i+1])
				if !ok {
					break
				}
				b.WriteString("<br>" + inline(next))
				i++
			}
			b.WriteString("</blockquote>")
			continue
		}
		b.WriteString(inline(lines[i]))
	}
	return m.expand(b.String())
}

// escapeSlack undoes Slack's escaping and escapes for HTML: the text shows
// exactly what a Slack client would show, and nothing in it is markup.
func escapeSlack(s string) string { return html.EscapeString(slackDecode.Replace(s)) }

// quoteLine reports whether an escaped line is a quote ("> text" in Slack).
func quoteLine(line string) (string, bool) {
	rest, ok := strings.CutPrefix(line, "&gt;")
	if !ok {
		return "", false
	}
	return strings.TrimPrefix(rest, " "), true
}

// inline applies emoji and emphasis to one escaped line.
func inline(s string) string {
	s = emoji(s)
	s = emphasize(s, '*', "<b>", "</b>")
	s = emphasize(s, '_', "<i>", "</i>")
	s = emphasize(s, '~', "<s>", "</s>")
	return s
}

// emoji replaces the :codes: we know by their characters; others stay as
// typed, as in Slack when an emoji is missing.
func emoji(s string) string {
	if !strings.Contains(s, ":") {
		return s
	}
	return reEmoji.ReplaceAllStringFunc(s, func(c string) string {
		if e, ok := emojis[c[1:len(c)-1]]; ok {
			return e
		}
		return c
	})
}

// emphasize wraps marker-delimited runs in a tag the way Slack does: the
// opening marker follows the start or a non-word character and is followed
// by a non-space; the closing one follows a non-space and is followed by the
// end or a non-word character. So snake_case and 2*3*4 stay as they are.
func emphasize(s string, marker byte, open, close string) string {
	if strings.IndexByte(s, marker) < 0 {
		return s
	}
	var b strings.Builder
	i := 0
	for i < len(s) {
		if s[i] != marker || !edgeBefore(s, i) || !contentStarts(s, i+1, marker) {
			b.WriteByte(s[i])
			i++
			continue
		}
		end := -1
		for k := i + 2; k < len(s); k++ {
			if s[k] != marker {
				continue
			}
			if r, _ := utf8.DecodeLastRuneInString(s[:k]); !unicode.IsSpace(r) && edgeAfter(s, k+1) {
				end = k
				break
			}
		}
		if end < 0 {
			b.WriteByte(s[i])
			i++
			continue
		}
		b.WriteString(open + s[i+1:end] + close)
		i = end + 1
	}
	return b.String()
}

func isWord(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func edgeBefore(s string, i int) bool {
	if i == 0 {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return !isWord(r)
}

func edgeAfter(s string, i int) bool {
	if i >= len(s) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return !isWord(r)
}

func contentStarts(s string, i int, marker byte) bool {
	if i >= len(s) || s[i] == marker {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return !unicode.IsSpace(r)
}

// control renders the inside of a <...> control sequence: a user, channel or
// special mention, a date, or a link. Anything unrecognised is shown as its
// text.
func (m *mrkdwnRenderer) control(c string) string {
	target, label, hasLabel := strings.Cut(c, "|")
	switch {
	case strings.HasPrefix(target, "@"):
		name := label
		if !hasLabel {
			name = lookup(m.user, target[1:])
		}
		return `<span class="mention">@` + escapeSlack(strings.TrimPrefix(name, "@")) + `</span>`
	case strings.HasPrefix(target, "#"):
		name := label
		if !hasLabel {
			name = lookup(m.channel, target[1:])
		}
		return `<span class="mention">#` + escapeSlack(name) + `</span>`
	case strings.HasPrefix(target, "!"):
		return special(target[1:], label, hasLabel)
	}
	href, ok := safeURL(slackDecode.Replace(target))
	text := label
	if !hasLabel || strings.TrimSpace(label) == "" {
		text = target
	}
	if !ok {
		return escapeSlack(text)
	}
	return `<a href="` + html.EscapeString(href) + `" target="_blank" rel="noopener noreferrer">` + emoji(escapeSlack(text)) + `</a>`
}

func lookup(f func(string) string, id string) string {
	if f != nil {
		if n := f(id); n != "" {
			return n
		}
	}
	return id
}

// special renders <!here>, <!channel>, <!everyone>, <!date^...|fallback> and
// <!subteam^ID|@name>.
func special(target, label string, hasLabel bool) string {
	name, _, _ := strings.Cut(target, "^")
	switch name {
	case "here", "channel", "everyone":
		return `<span class="mention mention-broadcast">@` + name + `</span>`
	case "date":
		return `<time class="mk-date">` + escapeSlack(label) + `</time>`
	}
	if hasLabel {
		return `<span class="mention">` + escapeSlack(label) + `</span>`
	}
	return `<span class="mention">@` + escapeSlack(name) + `</span>`
}

// safeURL accepts absolute http(s) URLs and relative ones; a relative link is
// a knowledge path (the search gives those when KNOWLEDGE_BASE_URL is empty),
// served under /kb/. Anything else (javascript:, data:, a URL with spaces or
// control characters a browser would strip) is refused.
func safeURL(raw string) (string, bool) {
	if raw == "" || strings.ContainsFunc(raw, func(r rune) bool { return r <= ' ' || r == 0x7f || r == '\\' }) {
		return "", false
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", false
	}
	switch {
	case u.Scheme == "http" || u.Scheme == "https":
		if u.Host == "" {
			return "", false
		}
		return raw, true
	case u.Scheme != "" || u.Opaque != "" || strings.HasPrefix(raw, "//"):
		return "", false
	case strings.HasPrefix(raw, "/"):
		return raw, true
	}
	return "/kb/" + strings.TrimPrefix(raw, "./"), true
}
