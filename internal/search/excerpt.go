package search

import (
	"math/bits"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/kbbot/kbbot/internal/kb"
	"github.com/kbbot/kbbot/internal/knowledge"
)

// unit is a sentence of a passage (a list item or a "term: definition"
// line is a paragraph of its own, and so one sentence), with the question
// words it contains.
type unit struct {
	text string
	code bool   // a code block, kept whole
	qty  bool   // states a number (answertype.go)
	mask uint64 // its question words, as bits of window.bits
	para int    // paragraph number within the passage
}

// window is one passage cut into sentences, with the question's words each
// sentence holds, ready to find the run of sentences that answers.
type window struct {
	units    []unit
	first    int // units before first are the previous passage's last paragraph
	end      int // units from end on are the next passage's first paragraph
	weights  map[string]float64
	amount   float64 // weight of a stated number, when the question asks for one
	max      int
	bits     []float64 // weight of each question word's bit
	headMask uint64    // question words in the heading path (section openings only)
}

// bit numbers a question word for the masks. A passage rarely holds more
// than a dozen of the question's words; past the 64th distinct one, words
// are not counted.
func (w *window) bit(t string, known map[string]int) uint64 {
	i, ok := known[t]
	if !ok {
		if len(w.bits) == 64 {
			return 0
		}
		i = len(w.bits)
		known[t] = i
		w.bits = append(w.bits, w.weights[t])
	}
	return 1 << i
}

// maskScore is score over a union of masks, for a run of units and more.
func (w *window) maskScore(m uint64, qty bool) float64 {
	sc := 0.0
	for ; m != 0; m &= m - 1 {
		sc += w.bits[bits.TrailingZeros64(m)]
	}
	if qty && sc > 0 {
		sc += w.amount
	}
	return sc
}

// newWindow splits a passage (and the last paragraph of the one before it
// in the same section, which only lends a dependent first sentence the
// sentence it leans on, and the first paragraph of the one after it, which
// only lets a run that ends the passage go on where its paragraph does)
// into units and marks their question words.
func (ix *Index) newWindow(text, before, after string, weights map[string]float64, heading []string, amount float64, max int) *window {
	w := &window{weights: weights, amount: amount, max: max}
	split := func(text string) {
		for pi, para := range strings.Split(text, "\n\n") {
			if code, ok := knowledge.IsCodeBlock(para); ok {
				w.units = append(w.units, unit{text: code, code: true, para: pi})
				continue
			}
			para = strings.Join(strings.Fields(para), " ")
			for _, sp := range knowledge.Sentences(para) {
				if s := strings.TrimSpace(para[sp[0]:sp[1]]); s != "" {
					w.units = append(w.units, unit{text: s, para: pi})
				}
			}
		}
	}
	if before != "" {
		if i := strings.LastIndex(before, "\n\n"); i >= 0 {
			before = before[i+2:]
		}
		split(before)
	}
	w.first = len(w.units)
	split(text)
	w.end = len(w.units)
	if after != "" {
		if i := strings.Index(after, "\n\n"); i >= 0 {
			after = after[:i]
		}
		split(after)
	}
	known := map[string]int{}
	for i := w.first; i < w.end; i++ { // the sentences before and after are never scored
		u := &w.units[i]
		u.qty = amount > 0 && !u.code && statesAmount.MatchString(u.text)
		ix.words.each(u.text, func(_, _ int, t string) {
			if weights[t] > 0 {
				u.mask |= w.bit(t, known)
			}
		})
	}
	for _, h := range heading {
		ix.words.each(h, func(_, _ int, t string) {
			if weights[t] > 0 {
				w.headMask |= w.bit(t, known)
			}
		})
	}
	return w
}

// run is the union of the question words in units[lo:hi], and whether one
// of them states a number.
func (w *window) run(lo, hi int) (m uint64, qty bool) {
	for _, u := range w.units[lo:hi] {
		m, qty = m|u.mask, qty || u.qty
	}
	return m, qty
}

// score is the IDF weight of the distinct question words in units[lo:hi]
// (and the heading's, for a run that opens the section).
func (w *window) score(lo, hi int) float64 {
	m, qty := w.run(lo, hi)
	if lo == w.first {
		m |= w.headMask
	}
	return w.maskScore(m, qty)
}

func (w *window) size(lo, hi int) int {
	n := hi - lo - 1
	for _, u := range w.units[lo:hi] {
		n += len(u.text)
	}
	return n
}

// bodyScore is score without the heading's words: the weight the run's own
// sentences hold.
func (w *window) bodyScore(lo, hi int) float64 {
	return w.maskScore(w.run(lo, hi))
}

// best is the run of sentences that fits with the most weight. Of runs
// that tie, the one whose own sentences hold more of it wins (the heading
// lends the section's opening its words, but a later run that says them
// is the stronger evidence), then the earliest.
func (w *window) best() (lo, hi int, score float64) {
	lo, hi, score = w.first, w.first+1, -1.0
	body := -1.0
	for l := w.first; l < w.end; l++ {
		for h := l + 1; h <= w.end && (h == l+1 || w.size(l, h) <= w.max); h++ {
			sc := w.score(l, h)
			if sc < score-1e-9 {
				continue
			}
			if b := w.bodyScore(l, h); sc > score+1e-9 || b > body+1e-9 {
				lo, hi, score, body = l, h, sc, b
			}
		}
	}
	return lo, hi, score
}

// excerpt cuts a short passage of at most max bytes where the question's
// words weigh most: the run of whole sentences, within choose bytes, whose
// distinct matched words carry the most IDF weight (the heading's words
// count for the section's opening, which answers it), grown forwards (into
// the next passage's first paragraph when the run ends its passage) and
// then backwards while it fits, never starting on a sentence that depends
// on the one before when that one fits. Matched words are marked. A
// comparison may instead get two parts joined by gap (window.pair), when
// they hold more of it together.
func (ix *Index) excerpt(text, before, after string, weights map[string]float64, heading []string, want asks, choose, max int) kb.Excerpt {
	w := ix.newWindow(text, before, after, weights, heading, want.amount, choose)
	if w.end == w.first {
		return nil
	}
	lo, hi, best := w.best()
	units := w.units
	if want.compare {
		if plo, phi, e, ok := w.pair(best); ok {
			first, second := units[plo:phi], units[e:e+1]
			if e < plo {
				first, second = second, first
			}
			ex := ix.render(first, weights)
			ex = append(ex, kb.Fragment{Text: gap})
			return append(ex, ix.render(second, weights)...)
		}
	}
	// Trim sentences at the end that add nothing, then grow: an excerpt
	// should not start mid-thought, and an answer usually continues.
	for hi-1 > lo && w.score(lo, hi-1) >= best-1e-9 {
		hi--
	}
	for lo > 0 && knowledge.StartsDependent(units[lo].text) && w.size(lo-1, hi) <= max {
		lo--
	}
	for hi < len(units) && w.size(lo, hi+1) <= max {
		hi++
	}
	for lo > w.first && w.size(lo-1, hi) <= max {
		lo--
	}
	if hi == lo+1 && len(units[lo].text) > max {
		u := units[lo]
		if u.code {
			return kb.Excerpt{{Text: cutCode(u.text, max), Code: true}}
		}
		out := cutAround(u.text, ix.firstMatch(u.text, weights), max)
		return ix.highlight(out, weights)
	}
	return ix.render(units[lo:hi], weights)
}

// gap separates the two parts of a two-part excerpt.
const gap = " … "

// pair is the best two-part excerpt: a run of sentences and one more
// sentence elsewhere in the passage, together within max, when together
// they hold more of the question's weight than any single run that fits
// (a comparison's two definitions three list items apart). ok is false
// when no pair beats the single run's score.
func (w *window) pair(single float64) (lo, hi, extra int, ok bool) {
	best := single + 1e-9
	n := w.end
	for e := w.first; e < n; e++ {
		ue := &w.units[e]
		budget := w.max - len(ue.text) - len(gap)
		if ue.code || ue.mask == 0 || budget <= 0 {
			continue
		}
		for l := w.first; l < n; l++ {
			end := n // the run [l, h) neither holds nor touches e
			switch {
			case l < e-1:
				end = e - 1
			case l <= e+1:
				continue
			}
			m, qty, size := ue.mask, ue.qty, -1
			if l == w.first {
				m |= w.headMask
			}
			for h := l + 1; h <= end; h++ {
				u := &w.units[h-1]
				size += len(u.text) + 1
				if size > budget || u.code {
					break
				}
				m, qty = m|u.mask, qty || u.qty
				if sc := w.maskScore(m, qty); sc > best {
					lo, hi, extra, best, ok = l, h, e, sc, true
				}
			}
		}
	}
	return lo, hi, extra, ok
}

// render marks the prose of a run of units; code blocks stay as they are.
func (ix *Index) render(units []unit, weights map[string]float64) kb.Excerpt {
	var ex kb.Excerpt
	var prose []string
	flush := func() {
		if len(prose) > 0 {
			ex = append(ex, ix.highlight(strings.Join(prose, " "), weights)...)
			prose = prose[:0]
		}
	}
	for _, u := range units {
		if u.code {
			flush()
			ex = append(ex, kb.Fragment{Text: u.text, Code: true})
			continue
		}
		prose = append(prose, u.text)
	}
	flush()
	return ex
}

// cutCode keeps the first lines of a code block that fit in max bytes.
func cutCode(code string, max int) string {
	lines := strings.Split(code, "\n")
	n := 0
	for i, l := range lines {
		if n+len(l)+1 > max-len("…") {
			if i == 0 {
				return cutAround(l, 0, max)
			}
			return strings.Join(lines[:i], "\n") + "\n…"
		}
		n += len(l) + 1
	}
	return code
}

// firstMatch is the byte offset of the first matched word in s, or 0.
func (ix *Index) firstMatch(s string, weights map[string]float64) int {
	at := -1
	ix.words.each(s, func(start, _ int, t string) {
		if at < 0 && weights[t] > 0 {
			at = start
		}
	})
	return max(at, 0)
}

// urlRE finds URLs, whose words are never marked (a mark inside one would
// break it).
var urlRE = regexp.MustCompile(`(?i)\b(?:https?|ftp|mailto):[^\s<>"]+|\bwww\.[^\s<>"]+`)

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

// mayHaveURL is a cheap test before urlRE, which costs a tenth of a search
// when run on every excerpt.
func mayHaveURL(s string) bool {
	for _, k := range []string{"://", "www.", "WWW.", "ailto:", "AILTO:"} {
		if strings.Contains(s, k) {
			return true
		}
	}
	return false
}

// highlight splits s into fragments, marking words whose analysed form was matched.
func (ix *Index) highlight(s string, weights map[string]float64) kb.Excerpt {
	var ex kb.Excerpt
	pos := 0
	var urls [][]int
	if mayHaveURL(s) {
		urls = urlRE.FindAllStringIndex(s, -1)
	}
	inURL := func(at int) bool {
		for _, u := range urls {
			if at >= u[0] && at < u[1] {
				return true
			}
		}
		return false
	}
	ix.words.each(s, func(start, end int, t string) {
		if weights[t] == 0 || start < pos || inURL(start) {
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
