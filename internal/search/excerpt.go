package search

import (
	"strings"
	"unicode/utf8"

	"github.com/kbbot/kbbot/internal/kb"
	"github.com/kbbot/kbbot/internal/knowledge"
)

// excerpt cuts a short passage around the sentences that best match the
// question, at sentence (or failing that word) boundaries, and marks the
// matched words.
func (ix *Index) excerpt(text string, matched map[string]bool, max int) kb.Excerpt {
	var sents []string
	for _, para := range strings.Split(text, "\n\n") {
		para = strings.Join(strings.Fields(para), " ")
		for _, sp := range knowledge.Sentences(para) {
			if s := strings.TrimSpace(para[sp[0]:sp[1]]); s != "" {
				sents = append(sents, s)
			}
		}
	}
	if len(sents) == 0 {
		return nil
	}
	scores := make([]float64, len(sents))
	best := 0
	var distinct []string // reused: a sentence matches few distinct words
	for i, s := range sents {
		distinct = distinct[:0]
		n := 0
		ix.words.each(s, func(_, _ int, t string) {
			if !matched[t] {
				return
			}
			n++
			for _, d := range distinct {
				if d == t {
					return
				}
			}
			distinct = append(distinct, t)
		})
		scores[i] = float64(len(distinct)) + 0.1*float64(n)
		if scores[i] > scores[best] {
			best = i
		}
	}
	lo, hi := best, best+1
	size := len(sents[best])
	for {
		next, prev := -1, -1
		if hi < len(sents) && size+1+len(sents[hi]) <= max {
			next = hi
		}
		if lo > 0 && size+1+len(sents[lo-1]) <= max {
			prev = lo - 1
		}
		if next < 0 && prev < 0 {
			break
		}
		// Prefer what follows (an answer usually continues), unless what
		// precedes matches the question better.
		if next >= 0 && (prev < 0 || scores[next] >= scores[prev]) {
			size += 1 + len(sents[next])
			hi++
		} else {
			size += 1 + len(sents[prev])
			lo--
		}
	}
	out := strings.Join(sents[lo:hi], " ")
	if len(out) > max {
		out = cutAround(out, ix.firstMatch(out, matched), max)
	}
	return ix.highlight(out, matched)
}

// firstMatch is the byte offset of the first matched word in s, or 0.
func (ix *Index) firstMatch(s string, matched map[string]bool) int {
	at := -1
	ix.words.each(s, func(start, _ int, t string) {
		if at < 0 && matched[t] {
			at = start
		}
	})
	return max(at, 0)
}

// cutAround cuts s to at most max bytes at word boundaries, keeping the
// offset at in view, and marks the cuts with an ellipsis.
func cutAround(s string, at, max int) string {
	const ell = "…"
	budget := max - 2*len(ell)
	start := at - budget/4
	if start <= 0 {
		start = 0
	} else {
		for start < at && s[start] != ' ' {
			start++
		}
		for start < len(s) && s[start] == ' ' {
			start++
		}
	}
	end := start + budget
	if end >= len(s) {
		end = len(s)
	} else {
		e := strings.LastIndexByte(s[start:end], ' ')
		if e > 0 {
			end = start + e
		}
		for end > start && !utf8.RuneStart(s[end]) {
			end--
		}
	}
	out := strings.TrimSpace(s[start:end])
	if start > 0 {
		out = ell + out
	}
	if end < len(s) {
		out = strings.TrimRight(out, ",;:") + ell
	}
	return out
}

// highlight splits s into fragments, marking words whose analysed form was matched.
func (ix *Index) highlight(s string, matched map[string]bool) kb.Excerpt {
	var ex kb.Excerpt
	pos := 0
	ix.words.each(s, func(start, end int, t string) {
		if !matched[t] || start < pos {
			return
		}
		if start > pos {
			ex = append(ex, kb.Fragment{Text: s[pos:start]})
		}
		ex = append(ex, kb.Fragment{Text: s[start:end], Match: true})
		pos = end
	})
	if pos < len(s) {
		ex = append(ex, kb.Fragment{Text: s[pos:]})
	}
	return ex
}
