package slackbot

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kbbot/kbbot/internal/kb"
)

// Slack's limits are counted in characters; we count UTF-8 bytes, which is
// never less than the character count (or the UTF-16 length Slack may really
// use), so a text that fits by our count always fits by Slack's.

const ellipsis = "…"

var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// escape makes untrusted text inert in mrkdwn: & < > are Slack's only control
// characters, so "<!channel>" in an article becomes harmless "&lt;!channel&gt;".
// Bytes that are not UTF-8 become U+FFFD first, as JSON encoding would make
// them anyway (three bytes each), so lengths counted here are the lengths
// Slack receives.
func escape(s string) string { return escaper.Replace(validUTF8(s)) }

func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// escapedLen is len(escape(s)) without building it.
func escapedLen(s string) int {
	s = validUTF8(s)
	n := len(s)
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '&':
			n += 4
		case '<', '>':
			n += 3
		}
	}
	return n
}

// clip returns escape(s), cut so that it is at most max bytes. The cut is made
// in the plain text before escaping, so it never splits an entity such as
// &amp;, and it prefers a word boundary; a cut text ends with "…".
func clip(s string, max int) string {
	if escapedLen(s) <= max {
		return escape(s)
	}
	return escape(cutPlain(s, max-len(ellipsis))) + ellipsis
}

// cutPlain returns the longest prefix of s whose escaped length is at most
// max, shortened to the last space if that loses little, and trimmed.
func cutPlain(s string, max int) string {
	if max <= 0 {
		return ""
	}
	s = validUTF8(s)
	n, end := 0, 0
	for i, r := range s {
		w := escapedLen(string(r))
		if n+w > max {
			break
		}
		n += w
		end = i + utf8.RuneLen(r)
	}
	cut := s[:end]
	if sp := strings.LastIndexFunc(cut, unicode.IsSpace); sp > 0 && sp >= len(cut)*3/4 {
		cut = cut[:sp]
	}
	return strings.TrimRightFunc(cut, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) && r != ')' })
}

// link renders <url|label> with the label escaped and the URL made safe to
// sit inside angle brackets. Only http(s) and mailto URLs become links: a
// target such as "!channel" or "@U123" would be a mention, "javascript:" a
// script, so anything else is shown as the plain label.
func link(url, label string, max int) string {
	if !kb.LinkableURL(url) {
		return clip(label, max)
	}
	u := escape(strings.NewReplacer("|", "%7C", " ", "%20", "\n", "").Replace(url))
	if u == "" || len(u) > 1000 {
		return clip(label, max)
	}
	room := max - len(u) - 3
	if room < 10 {
		return clip(label, max)
	}
	return "<" + u + "|" + clip(label, room) + ">"
}

// segment is a run of excerpt text, bold or not.
type segment struct {
	text string
	bold bool
	code bool // a code block: rendered between ``` fences, never bold
}

// segments turns excerpt fragments into runs whose bold markers will render:
// Slack only honours *bold* when the asterisks sit at word edges, so matches
// are trimmed of spaces and punctuation, widened to whole words, and merged
// with their neighbours; a match that still cannot be bolded stays plain.
func segments(ex kb.Excerpt) []segment {
	var segs []segment
	add := func(text string, bold bool) {
		if text == "" {
			return
		}
		if n := len(segs); n > 0 && segs[n-1].bold == bold && !segs[n-1].code {
			segs[n-1].text += text
			return
		}
		segs = append(segs, segment{text: text, bold: bold})
	}
	for _, f := range ex {
		if f.Code {
			segs = append(segs, segment{text: f.Text, code: true})
			continue
		}
		if !f.Match {
			add(f.Text, false)
			continue
		}
		t := f.Text
		core := strings.TrimFunc(t, notWordEdge)
		if core == "" {
			add(t, false)
			continue
		}
		i := strings.Index(t, core)
		add(t[:i], false)
		add(core, true)
		add(t[i+len(core):], false)
	}
	// Widen each bold run over word characters glued to either side.
	for i := range segs {
		if !segs[i].bold {
			continue
		}
		if i > 0 && !segs[i-1].code {
			prev := segs[i-1].text
			j := len(prev)
			for j > 0 {
				r, w := utf8.DecodeLastRuneInString(prev[:j])
				if !isWordRune(r) {
					break
				}
				j -= w
			}
			segs[i].text = prev[j:] + segs[i].text
			segs[i-1].text = prev[:j]
		}
		if i+1 < len(segs) && !segs[i+1].code {
			next := segs[i+1].text
			j := 0
			for j < len(next) {
				r, w := utf8.DecodeRuneInString(next[j:])
				if !isWordRune(r) {
					break
				}
				j += w
			}
			segs[i].text += next[:j]
			segs[i+1].text = next[j:]
		}
	}
	// Re-merge (widening can make bold runs touch) and drop bold that would
	// break: text with its own asterisks or a line break inside.
	out := segs[:0:0]
	for _, s := range segs {
		if s.text == "" {
			continue
		}
		if s.bold && strings.ContainsAny(s.text, "*\n") {
			s.bold = false
		}
		if n := len(out); n > 0 && out[n-1].bold == s.bold && !s.code && !out[n-1].code {
			out[n-1].text += s.text
			continue
		}
		out = append(out, s)
	}
	return out
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' }

func notWordEdge(r rune) bool { return !isWordRune(r) }

// excerptMrkdwn renders an excerpt with matched words in bold, escaped, in at
// most max bytes. Each bold run is added whole or not at all (cut text is
// never left with an unclosed *), so truncation cannot break the markup.
func excerptMrkdwn(ex kb.Excerpt, max int) string {
	segs := segments(ex)
	var b strings.Builder
	room := max - len(ellipsis)
	for i, s := range segs {
		n := escapedLen(s.text)
		if s.bold {
			n += 2
		}
		if s.code {
			// A code block goes whole or not at all.
			if n+len(codeOpen)+len(codeClose) > room {
				b.WriteString(ellipsis)
				break
			}
			b.WriteString(codeOpen + escape(s.text) + codeClose)
			room -= n + len(codeOpen) + len(codeClose)
			continue
		}
		last := i == len(segs)-1
		if n <= room || last && n <= room+len(ellipsis) {
			if s.bold {
				b.WriteString("*" + escape(s.text) + "*")
			} else {
				b.WriteString(escape(s.text))
			}
			room -= n
			continue
		}
		// Out of room: finish with as much plain text as fits.
		b.WriteString(escape(cutPlain(s.text, room)))
		b.WriteString(ellipsis)
		break
	}
	return strings.TrimSpace(b.String())
}

// Fences around a code block in an excerpt.
const (
	codeOpen  = "\n```\n"
	codeClose = "\n```\n"
)

var (
	reMention = regexp.MustCompile(`<[@#!][^<>]*>`)
	reLink    = regexp.MustCompile(`<((?:https?|mailto|tel):[^<>|]*)(?:\|([^<>]*))?>`)
	reEmoji   = regexp.MustCompile(`(^|[\s(]):(?:[a-z0-9_+'-]*[a-z][a-z0-9_+'-]*|\+1|-1):(?::skin-tone-[2-6]:)?`)
	reSpace   = regexp.MustCompile(`\s+`)
	unescaper = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">")
)

// cleanQuestion turns a Slack message into the question a person meant:
// mentions of users, channels and groups go, links become their label (or
// URL), emoji codes go, Slack's escapes are undone, and space is collapsed.
func cleanQuestion(text string) string {
	s := reLink.ReplaceAllStringFunc(text, func(m string) string {
		sm := reLink.FindStringSubmatch(m)
		if sm[2] != "" {
			return sm[2]
		}
		return strings.TrimPrefix(strings.TrimPrefix(sm[1], "mailto:"), "tel:")
	})
	s = reMention.ReplaceAllString(s, " ")
	// Emoji codes may sit next to each other (":wave::skin-tone-2::smile:"),
	// and the pattern eats the space before each, so run it to a fixed point.
	for {
		t := reEmoji.ReplaceAllString(s, "$1")
		if t == s {
			break
		}
		s = t
	}
	s = unescaper.Replace(s)
	return strings.TrimSpace(reSpace.ReplaceAllString(s, " "))
}
